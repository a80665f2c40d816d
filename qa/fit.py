"""Fit the answerable decisions on several question sets at once, and report each set at the fitted values.

    python -m qa.fit --set squad-dev ../shared/squad-dev/questions.jsonl ../shared/squad-dev/docs \\
        --set seeds tests/data/seeds_qa.jsonl seeds \\
        --set workplace tests/data/workplace/questions.jsonl tests/data/workplace/docs --out reports/fit

Each set is answered with every threshold at zero (``--answer-all``), so that every answer is scored.
The rows are pooled, each set weighed alike (a small set's rows repeat up to the largest set's count), and
two logistic decisions are fitted (``qa.evaluate.fit_answerability``): the reader's, over
``qa.answer.READER_SIGNALS``, and the sentence answers', over ``SENTENCE_SIGNALS``. ``fit.json`` holds
the weights and thresholds to put in ``qa.answer.AnswerSettings``, and each set's figures at them.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import asdict, replace
from pathlib import Path

from qa.answer import READER_SIGNALS, SENTENCE_SIGNALS, AnswerSettings, json_ready
from qa.evaluate import Row, _answer_figures, evaluate, fit_answerability, read_questions, summarize_kinds


def answer_all_settings() -> AnswerSettings:
    return replace(AnswerSettings(), answer_threshold=0.0, sentence_answer_threshold=0.0, min_similarity=-1.0)


def run_set(questions: Path, docs: Path, index_dir: Path) -> list[Row]:
    """Every question of a set answered (no threshold), as evaluation rows."""
    from qa import Assistant

    assistant = Assistant.open(docs, index_dir, answering=answer_all_settings())
    report = evaluate(read_questions(questions), assistant, progress=False)
    return [Row(**row) for row in report["rows"]]


def _balanced(sets: dict[str, list[Row]]) -> list[Row]:
    largest = max(len(rows) for rows in sets.values())
    pooled: list[Row] = []
    for rows in sets.values():
        pooled += rows * max(1, round(largest / max(1, len(rows))))
    return pooled


def rethreshold(rows: list[Row], decisions: dict[tuple[str, ...], tuple[list[float], float]],
                min_similarity: float = AnswerSettings().min_similarity) -> list[Row]:
    """rows as a run with these decisions would have scored them: an answer whose probability is under
    its decision's threshold, or whose evidence is less similar than ``min_similarity``, is a refusal."""
    out = []
    for r in rows:
        names = tuple(r.signals)
        if not r.predicted_answerable or names not in decisions:
            out.append(r)
            continue
        weights, threshold = decisions[names]
        score = sum(w * r.signals[n] for n, w in zip(names, weights)) + weights[-1]
        probability = 1 / (1 + math.exp(-max(-30.0, min(30.0, score))))
        similarity = r.signals.get("evidence_similarity", 1.0)
        if probability >= threshold and similarity >= min_similarity:
            out.append(replace(r, confidence=probability, score=score))
        else:
            refused = 0.0 if r.answerable else 1.0
            out.append(replace(r, predicted_answerable=False, em=refused, f1=refused, confidence=probability,
                               score=score))
    return out


def fit(sets: dict[str, list[Row]], max_false_refusal: float = 0.15) -> dict:
    """The two decisions fitted on the pooled sets, and each set's figures at them."""
    pooled = _balanced(sets)
    decisions, fitted = {}, {}
    for names in (READER_SIGNALS, SENTENCE_SIGNALS):
        rows = [r for r in pooled if tuple(r.signals) == names or not r.signals]
        result = fit_answerability(rows, max_false_refusal=max_false_refusal)
        fitted["reader" if names == READER_SIGNALS else "sentence"] = result
        if result.get("weights"):
            decisions[names] = (result["weights"], result["threshold"])
    report = {"decisions": fitted, "sets": {}}
    for name, rows in sets.items():
        scored = rethreshold(rows, decisions)
        report["sets"][name] = {"questions": len(rows), **_answer_figures(scored), "by_kind": summarize_kinds(scored)}
    return report


def _infinite(row: dict) -> dict:
    """A saved row with its score back as a float (JSON has no infinity: -inf and +inf were saved as null,
    and a null score is a refusal's -inf unless the answer was given, from a rule, at +inf)."""
    if row["score"] is None:
        row["score"] = float("inf") if row["predicted_answerable"] else float("-inf")
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m qa.fit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", nargs=3, action="append", default=[], metavar=("NAME", "QUESTIONS", "DOCS"))
    parser.add_argument("--out", default="reports/fit", help="folder for fit.json, rows.json and the sets' indexes")
    parser.add_argument("--max-false-refusal", type=float, default=0.15,
                        help="the share of answerable questions the threshold may refuse at most (pooled)")
    parser.add_argument("--from-rows", action="store_true",
                        help="refit on the rows an earlier run saved in --out (rows.json), without asking again")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.from_rows:
        saved = json.loads((out / "rows.json").read_text(encoding="utf-8"))
        sets = {name: [Row(**_infinite(row)) for row in rows] for name, rows in saved.items()}
    else:
        sets = {name: run_set(Path(q), Path(d), out / f"index-{name}") for name, q, d in args.set}
        rows_json = {name: [asdict(r) for r in rows] for name, rows in sets.items()}
        (out / "rows.json").write_text(json.dumps(json_ready(rows_json)), encoding="utf-8")
    report = fit(sets, args.max_false_refusal)
    (out / "fit.json").write_text(json.dumps(json_ready(report), indent=1), encoding="utf-8")
    for kind, decision in report["decisions"].items():
        print(f"{kind}: weights {decision.get('weights')} threshold {decision.get('threshold')}")
    for name, figures in report["sets"].items():
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in figures.items() if k != "by_kind"))


if __name__ == "__main__":
    main()
