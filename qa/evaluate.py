"""Score a question set against the assistant: retrieval, short answers, abstention, citations, latency.

Input is JSON Lines, one question a line: ``question`` (required), ``answers`` (acceptable answers; an
item may list spellings as "Navalny|Nawalny"), ``answerable`` (default true), ``sources`` or ``source``
(files that hold the answer), ``start``/``end`` (gold span in that source), ``id``. Writes
``report.json``, ``report.md`` and PNG plots to the output folder.
"""

from __future__ import annotations

import json
import re
import string
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from qa.answer import Answer, json_ready
from qa.assistant import Assistant


class EvalFileError(ValueError):
    """A malformed line in a question file; the message names the file and line."""


@dataclass(frozen=True)
class EvalQuestion:
    """One question of a set, as read from its JSONL line."""

    question: str
    answers: tuple[str, ...] = ()
    answerable: bool = True
    sources: tuple[str, ...] = ()
    start: int | None = None
    end: int | None = None
    id: str = ""
    kind: str = ""


def read_questions(path: Path) -> list[EvalQuestion]:
    """Parse a JSONL question file; EvalFileError names the line of any malformed entry."""
    questions: list[EvalQuestion] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise EvalFileError(f"{path}: not UTF-8 ({error})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise EvalFileError(f"{where}: not valid JSON ({error.msg})") from None
        if not isinstance(row, dict):
            raise EvalFileError(f"{where}: expected a JSON object, got {type(row).__name__}")
        question = row.get("question")
        if not isinstance(question, str) or not question.strip():
            raise EvalFileError(f"{where}: 'question' must be a non-empty string")
        answers = row.get("answers", [])
        if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
            raise EvalFileError(f"{where}: 'answers' must be a list of strings")
        answerable = row.get("answerable", True)
        if not isinstance(answerable, bool):
            raise EvalFileError(f"{where}: 'answerable' must be true or false")
        sources = row.get("sources", [row["source"]] if "source" in row else [])
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            raise EvalFileError(f"{where}: 'sources' must be a list of file names")
        start, end = row.get("start"), row.get("end")
        def is_offset(value) -> bool:
            return isinstance(value, int) and not isinstance(value, bool) and value >= 0

        if (start is None) != (end is None) or (start is not None and not (is_offset(start) and is_offset(end)
                                                                           and start < end)):
            raise EvalFileError(f"{where}: 'start' and 'end' must be given together as integers with 0 <= start < end")
        kind = row.get("kind", "")
        if not isinstance(kind, str):
            raise EvalFileError(f"{where}: 'kind' must be a string (a label to group the figures by)")
        questions.append(EvalQuestion(question, tuple(answers), answerable, tuple(sources), start, end,
                                      str(row.get("id", number)), kind))
    if not questions:
        raise EvalFileError(f"{path}: no questions")
    return questions


def normalize(text: str) -> str:
    """SQuAD answer normalisation: lowercase, no punctuation, no articles, single spaces."""
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation) | {"\u2019", "\u201c", "\u201d"})
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def token_f1(prediction: str, gold: str) -> float:
    pred, ref = normalize(prediction).split(), normalize(gold).split()
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not common:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def _alternatives(answers: tuple[str, ...]) -> list[str]:
    return [alt for item in answers for alt in item.split("|")]


def score_short_answer(q: EvalQuestion, answer: Answer) -> tuple[float, float]:
    """(EM, F1) as in the SQuAD 2.0 script: unanswerable questions score 1 when the assistant abstains."""
    if not q.answerable:
        return (float(not answer.answerable),) * 2
    if not answer.answerable or not q.answers:
        return 0.0, 0.0
    prediction = answer.short_answer or answer.text
    golds = _alternatives(q.answers)
    return (max(float(normalize(prediction) == normalize(g)) for g in golds),
            max(token_f1(prediction, g) for g in golds))


def contains_answers(q: EvalQuestion, answer: Answer) -> tuple[bool, bool]:
    """(any, all): some / every expected answer (any of its spellings) appears in the answer text."""
    text = normalize(answer.text) if answer.answerable else ""
    found = [any(normalize(alt) and normalize(alt) in text for alt in item.split("|")) for item in q.answers]
    return any(found), bool(found) and all(found)


def _overlaps(start: int, end: int, q: EvalQuestion) -> bool:
    return q.start is not None and start < q.end and q.start < end


@dataclass
class Row:
    """Everything measured for one question."""

    id: str
    question: str
    expected: list[str]
    answerable: bool
    predicted_answerable: bool
    short_answer: str
    text: str
    confidence: float
    em: float
    f1: float
    contains_any: bool
    contains_all: bool
    has_sources: bool
    has_span: bool
    source_rank: int | None
    span_rank: int | None
    citations: list[dict] = field(default_factory=list)
    citation_in_source: float | None = None
    citation_on_span: float | None = None
    citations_valid: bool = True
    latency_ms: float = 0.0
    score: float = float("-inf")
    signals: dict[str, float] = field(default_factory=dict)
    kind: str = ""


def evaluate(questions: list[EvalQuestion], assistant: Assistant, k: int = 5, progress: bool = True) -> dict:
    """Ask every question; return {"summary": {...}, "by_kind": {...}, "rows": [...], "threshold": {...},
    "answerability": {...}}."""
    from tqdm import tqdm

    texts: dict[str, str] = {}
    rows: list[Row] = []
    assistant.ask(questions[0].question, k=k)  # warm-up: model loading is not question latency
    for q in tqdm(questions, desc="questions", disable=not progress, unit="q"):
        started = time.perf_counter()
        answer = assistant.ask(q.question, k=k)
        latency = (time.perf_counter() - started) * 1000
        em, f1 = score_short_answer(q, answer)
        contains_any, contains_all = contains_answers(q, answer)
        hits = answer.hits[:k]
        source_rank = next((n for n, h in enumerate(hits, 1) if h.source in q.sources), None)
        span_rank = next((n for n, h in enumerate(hits, 1) if h.source in q.sources and _overlaps(h.start, h.end, q)),
                         None)
        valid = True
        for c in answer.citations:
            if c.source not in texts:
                texts[c.source] = assistant.document_text(c.source)
            valid &= texts[c.source][c.start : c.end] == c.quote
        cited = answer.citations
        rows.append(Row(
            q.id, q.question, list(q.answers), q.answerable, answer.answerable, answer.short_answer, answer.text,
            float(answer.confidence), em, f1, contains_any, contains_all, bool(q.sources), q.start is not None,
            source_rank, span_rank,
            [asdict(c) for c in cited],
            (sum(c.source in q.sources for c in cited) / len(cited)) if cited and q.sources else None,
            (sum(c.source in q.sources and _overlaps(c.start, c.end, q) for c in cited) / len(cited))
            if cited and q.start is not None else None,
            valid, latency, float(answer.score), dict(answer.signals), q.kind,
        ))
    settings = assistant.answering
    reads = assistant.reader is not None and assistant.reader.available
    floor = settings.answer_threshold if reads else settings.sentence_answer_threshold
    return {"summary": summarize(rows, k, assistant), "by_kind": summarize_kinds(rows),
            "rows": [asdict(r) for r in rows], "threshold": fit_threshold(rows),
            "answerability": fit_answerability(rows), "trade_off": trade_off(rows, floor)}


def _mean(values: list[float]) -> float | None:
    return round(float(np.mean(values)), 4) if values else None


def summarize(rows: list[Row], k: int, assistant: Assistant) -> dict:
    """The headline figures of a run."""
    has = [r for r in rows if r.answerable]
    no = [r for r in rows if not r.answerable]
    by_source = [r for r in has if r.has_sources]
    by_span = [r for r in has if r.has_span]
    latencies = [r.latency_ms for r in rows]
    return {
        "questions": len(rows), "answerable": len(has), "unanswerable": len(no), "k": k,
        "recall@1_source": _mean([float(r.source_rank == 1) for r in by_source]),
        f"recall@{k}_source": _mean([float(r.source_rank is not None) for r in by_source]),
        "mrr_source": _mean([1 / r.source_rank if r.source_rank else 0.0 for r in by_source]),
        "recall@1_span": _mean([float(r.span_rank == 1) for r in by_span]),
        f"recall@{k}_span": _mean([float(r.span_rank is not None) for r in by_span]),
        "mrr_span": _mean([1 / r.span_rank if r.span_rank else 0.0 for r in by_span]),
        **_answer_figures(rows),
        "citation_precision_source": _mean([r.citation_in_source for r in rows if r.citation_in_source is not None]),
        "citation_precision_span": _mean([r.citation_on_span for r in rows if r.citation_on_span is not None]),
        "citation_validity": _mean([float(r.citations_valid) for r in rows]),
        "latency_p50_ms": round(float(np.percentile(latencies, 50)), 1),
        "latency_p95_ms": round(float(np.percentile(latencies, 95)), 1),
        "latency_max_ms": round(float(np.max(latencies)), 1),
        "index_seconds": round(assistant.last_refresh.seconds, 2),
        "index_built": bool(assistant.last_refresh.embedded),
        "passages": assistant.index.passage_count,
    }


def _answer_figures(rows: list[Row]) -> dict[str, float | None]:
    """The SQuAD 2.0-style answer figures of rows (None where a figure has no question to count)."""
    has = [r for r in rows if r.answerable]
    no = [r for r in rows if not r.answerable]
    scored = [r for r in has if r.expected]
    return {
        "has_ans_em": _mean([r.em for r in scored]),
        "has_ans_f1": _mean([r.f1 for r in scored]),
        "overall_f1": _mean([r.f1 for r in scored + no]),
        "contains_any": _mean([float(r.contains_any) for r in scored]),
        "contains_all": _mean([float(r.contains_all) for r in scored]),
        "no_ans_accuracy": _mean([float(not r.predicted_answerable) for r in no]),
        "false_refusal_rate": _mean([float(not r.predicted_answerable) for r in has]),
        "answered_right": _mean([float(answered_right(r)) for r in has]),
    }


def answered_right(row: Row) -> bool:
    """An answerable question answered with an expected answer in the answer's text (any spelling; F1 >=
    0.5 for the short answer), and, where the set names the sources, with a citation of one of them; a
    question with no expected answer (yes-no, topic) counts when a cited file is one of its sources."""
    if not (row.answerable and row.predicted_answerable):
        return False
    cited_right = row.citation_in_source is None or row.citation_in_source > 0
    if not row.expected:
        return bool(row.citation_in_source)
    return (row.contains_any or row.f1 >= 0.5) and cited_right


def summarize_kinds(rows: list[Row]) -> dict[str, dict]:
    """The answer figures and the citation precision of each ``kind`` of question (the question file's
    optional label), for the kinds a set uses; {} when it labels none."""
    figures = {}
    for kind in sorted({r.kind for r in rows if r.kind}):
        group = [r for r in rows if r.kind == kind]
        answerable = sum(r.answerable for r in group)
        cited = [r.citation_in_source for r in group if r.citation_in_source is not None]
        figures[kind] = {"questions": len(group), "answerable": answerable, "unanswerable": len(group) - answerable,
                         **_answer_figures(group), "citation_precision_source": _mean(cited)}
    return figures


TRADE_OFF_FIGURES = ("has_ans_f1", "no_ans_accuracy", "overall_f1", "false_refusal_rate")


def trade_off(rows: list[Row], floor: float = 0.0, step: float = 0.05) -> dict:
    """The answer figures had the run answered only at ``confidence >= t``: at ``floor`` (the run's own
    threshold: a question it refused has no answer to score below it, so a run with ``--answer-all``
    covers every t), at each multiple of ``step`` above it, and at the confidence that maximises overall F1.
    What NoAns costs in answers, measured rather than guessed; its ``best`` is an upper bound for the
    decision on this set (in-sample: no threshold scores better here)."""

    def at(t: float) -> dict[str, float | None]:
        def rethresholded(r: Row) -> Row:  # an answer under t becomes a refusal, scored as the run scores one
            if not r.predicted_answerable or r.confidence >= t:
                return r
            refused = 0.0 if r.answerable else 1.0
            return replace(r, predicted_answerable=False, em=refused, f1=refused)

        figures = _answer_figures([rethresholded(r) for r in rows])
        return {"threshold": round(t, 4), **{k: figures[k] for k in TRADE_OFF_FIGURES}}

    steps = [floor, *(t for n in range(int(round(1 / step)) + 1) if (t := n * step) > floor + 1e-9)]
    candidates = sorted({r.confidence for r in rows if r.predicted_answerable and r.confidence >= floor} | {1.01})
    best = max((at(t) for t in candidates), key=lambda f: (f["overall_f1"] or 0.0, -f["threshold"]), default=None)
    return {"floor": round(floor, 4), "thresholds": [at(t) for t in steps], "best": best}


def _correct(row: Row) -> bool:
    """An answerable question answered with some expected answer in the text (or F1 >= 0.5)."""
    return row.answerable and (row.contains_any or row.f1 >= 0.5 or (not row.expected and row.span_rank == 1))


def fit_threshold(rows: list[Row]) -> dict:
    """The decision-score threshold that maximises correct decisions on this set: answer when score >=
    threshold and the answer is right, abstain on unanswerable questions (and on answerable ones the
    assistant would get wrong, which count as avoided errors)."""
    points = sorted({r.score for r in rows if np.isfinite(r.score)})
    if not points:
        return {"threshold": None, "accuracy": None}
    best = (-1.0, points[0])
    for t in [points[0] - 1e-6, *points]:
        accuracy = np.mean([(r.score >= t) == _correct(r) for r in rows if np.isfinite(r.score)])
        best = max(best, (float(accuracy), t))
    return {"threshold": round(best[1], 4), "accuracy": round(best[0], 4),
            "note": "answer when score >= threshold; fitted on this set"}


def _logistic(x: np.ndarray, y: np.ndarray, iterations: int = 60) -> np.ndarray:
    """Weights (then bias) of a logistic regression, by Newton's method with a little L2."""
    xb = np.column_stack([x, np.ones(len(x))])
    w = np.zeros(xb.shape[1])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(xb @ w, -30, 30)))
        hessian = xb.T @ (xb * (p * (1 - p))[:, None]) + 1e-3 * np.eye(len(w))
        w -= np.linalg.solve(hessian, xb.T @ (p - y) + 1e-3 * w)
    return w


def fit_answerability(rows: list[Row], folds: int = 5, max_false_refusal: float = 0.15) -> dict:
    """Fit the answerable decision on this set: a logistic regression of "the answer is right" on the
    answers' signals (``Answer.signals``), and the probability threshold with the most correct decisions
    (answer right answers, refuse the rest), lowered where needed so that at most ``max_false_refusal``
    of the answerable questions are refused (refusing a question the documents answer is the failure
    users notice first). ``cv_accuracy`` is the decision accuracy with weights fitted on the other folds
    (questions in file order, ``folds`` folds): what to expect on new questions.
    The result's ``weights`` and ``threshold`` are ``AnswerSettings.answerability`` / ``answer_threshold``
    (or the ``sentence_`` ones for a run without the reader)."""
    rows = [r for r in rows if r.score != float("inf")]  # answered from a byline or dateline, not by the decision
    kinds = Counter(tuple(r.signals) for r in rows if r.signals)
    if not kinds:
        return {"weights": None, "threshold": None, "note": "no answer signals in this run"}
    # The decision most answers took (the reader's); the others (yes-or-no questions, answered from
    # sentences) have their own weights.
    names = kinds.most_common(1)[0][0]
    rows = [r for r in rows if not r.signals or tuple(r.signals) == names]
    with_signals = [r for r in rows if r.signals]
    x = np.array([[r.signals[n] for n in names] for r in with_signals], dtype=float)
    y = np.array([_correct(r) for r in with_signals], dtype=float)
    if y.min() == y.max():
        return {"weights": None, "threshold": None, "note": "every answer right or every answer wrong"}
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9

    def fit(part: np.ndarray) -> np.ndarray:
        w = _logistic((x[part] - mean) / scale, y[part])
        return np.append(w[:-1] / scale, w[-1] - (w[:-1] / scale) @ mean)  # back to raw signal units

    def accuracy(probability: np.ndarray, threshold: float) -> float:
        refused = len(rows) - len(with_signals)
        refused_right = sum(not _correct(r) for r in rows if not r.signals)
        return float((((probability >= threshold) == y).sum() + refused_right) / (len(with_signals) + refused))

    def best_threshold(probability: np.ndarray) -> tuple[float, float]:
        return max((accuracy(probability, t), float(t)) for t in np.unique(np.round(probability, 3)))

    weights = fit(np.arange(len(y)))
    probability = 1 / (1 + np.exp(-(x @ weights[:-1] + weights[-1])))
    in_sample, optimal = best_threshold(probability)
    answerable = np.array([r.answerable for r in with_signals])
    total_answerable = sum(r.answerable for r in rows)
    allowed = [t for t in np.unique(np.round(probability, 3))
               if ((probability < t) & answerable).sum() + total_answerable - answerable.sum()
               <= max_false_refusal * total_answerable]
    threshold = min(optimal, max(allowed, default=0.0))
    held_out = np.zeros(len(y))
    for fold in range(folds):
        test = np.arange(len(y)) % folds == fold
        w = fit(np.flatnonzero(~test))
        held_out[test] = 1 / (1 + np.exp(-(x[test] @ w[:-1] + w[-1])))
    return {"signals": list(names), "weights": [round(float(w), 4) for w in weights], "threshold": float(threshold),
            "accuracy_optimal_threshold": optimal, "accuracy": round(accuracy(probability, threshold), 4),
            "best_accuracy": round(in_sample, 4), "cv_accuracy": round(best_threshold(held_out)[0], 4),
            "note": "P(right) = sigmoid(sum(weights * signals) + bias); answer when P >= threshold"}


def _save(fig, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _plots(report: dict, out: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = report["rows"]
    k = report["summary"]["k"]
    made = []
    ranked = [r for r in rows if r["answerable"] and (r["has_span"] or r["has_sources"])]
    if ranked:
        key = "span_rank" if all(r["has_span"] for r in ranked) else "source_rank"
        xs = list(range(1, k + 1))
        ys = [np.mean([r[key] is not None and r[key] <= x for r in ranked]) for x in xs]
        fig, ax = plt.subplots(figsize=(5, 3.5))
        ax.plot(xs, ys, marker="o")
        ax.set(xlabel="k", ylabel=f"recall@k ({key.split('_')[0]})", ylim=(0, 1), title="Retrieval recall@k")
        ax.grid(alpha=0.3)
        _save(fig, out / "recall_at_k.png")
        made.append("recall_at_k.png")
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.hist([r["latency_ms"] for r in rows], bins=30)
    ax.set(xlabel="latency per question (ms)", ylabel="questions", title="Latency")
    _save(fig, out / "latency.png")
    made.append("latency.png")
    fig, ax = plt.subplots(figsize=(5, 3.5))
    finite = [r for r in rows if np.isfinite(r["score"])]
    for label, color, select in (("answerable, right", "tab:green", lambda r: r["answerable"] and r["contains_any"]),
                                 ("answerable, wrong", "tab:orange",
                                  lambda r: r["answerable"] and not r["contains_any"]),
                                 ("unanswerable", "tab:red", lambda r: not r["answerable"])):
        values = [r["score"] for r in finite if select(r)]
        if values:
            ax.hist(values, bins=30, alpha=0.55, label=label, color=color)
    threshold = report["threshold"].get("threshold")
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--", label=f"fitted threshold {threshold:.2f}")
    ax.set(xlabel="decision score", ylabel="questions", title="Decision score vs correctness")
    ax.legend(fontsize=7)
    _save(fig, out / "confidence.png")
    made.append("confidence.png")
    steps = (report.get("trade_off") or {}).get("thresholds") or []
    if len(steps) > 1:
        fig, ax = plt.subplots(figsize=(5, 3.5))
        xs = [f["threshold"] for f in steps]
        for key in ("has_ans_f1", "no_ans_accuracy", "overall_f1"):
            if all(f[key] is not None for f in steps):
                ax.plot(xs, [f[key] for f in steps], marker=".", label=key)
        ax.set(xlabel="answer when confidence >=", ylim=(0, 1), title="Threshold trade-off")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        _save(fig, out / "trade_off.png")
        made.append("trade_off.png")
    return made


def _markdown(report: dict, plots: list[str], worst: int = 15) -> str:
    lines = ["# Evaluation report", "", "| metric | value |", "| --- | --- |"]
    lines += [f"| {key} | {value} |" for key, value in report["summary"].items()]
    fitted = report.get("answerability") or {}
    kinds = report.get("by_kind") or {}
    if kinds:
        columns = list(next(iter(kinds.values())))
        lines += ["", "## By kind of question", "", "| kind | " + " | ".join(columns) + " |",
                  "| --- |" + " --- |" * len(columns)]
        lines += [f"| {kind} | " + " | ".join("" if v is None else str(v) for v in figures.values()) + " |"
                  for kind, figures in kinds.items()]
    lines += ["", f"Fitted answerable decision: weights {fitted.get('weights')} over {fitted.get('signals')}, "
              f"threshold {fitted.get('threshold')} (decision accuracy {fitted.get('accuracy')}, "
              f"{fitted.get('cv_accuracy')} cross-validated).", ""]
    lines += _trade_off_lines(report.get("trade_off"))
    lines += [f"![{p}]({p})" for p in plots]
    failures = sorted((r for r in report["rows"] if r["f1"] < 1.0 or (r["answerable"] and not r["contains_any"])),
                      key=lambda r: (r["f1"], r["score"] if r["answerable"] else -r["score"]))
    lines += ["", f"## Worst failures ({min(worst, len(failures))} of {len(failures)})", ""]
    for r in failures[:worst]:
        expected = " / ".join(r["expected"]) if r["answerable"] else "(not in the documents)"
        got = r["short_answer"] or (r["text"][:200] if r["predicted_answerable"] else "(abstained)")
        lines += [f"- **{r['question']}**", f"  - expected: {expected}", f"  - got: {got}"]
        for c in r["citations"][:2]:
            lines.append(f"  - cited {c['source']}:{c['start']}-{c['end']}: \"{c['quote'][:200]}\"")
    return "\n".join(lines) + "\n"


def _trade_off_lines(trade: dict | None) -> list[str]:
    if not trade or not trade["thresholds"]:
        return []
    columns = ["threshold", *TRADE_OFF_FIGURES]
    lines = ["## Threshold trade-off", "",
             f"Had the run answered only at confidence >= threshold (thresholds under this run's own, "
             f"{trade['floor']}, need a run with `--answer-all`):", "",
             "| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    best = trade["best"]
    for figures in [*trade["thresholds"], best]:
        cells = ["" if figures[c] is None else str(figures[c]) for c in columns]
        if figures is best:
            cells[0] = f"best: {cells[0]}"
        lines.append("| " + " | ".join(cells) + " |")
    return lines + ["", "The best row is the threshold with the highest overall F1 on this set: fitted on the set "
                        "itself, so an upper bound for this decision.", ""]


def write_report(report: dict, out: Path) -> None:
    """report.json, report.md and the PNG plots into out."""
    out.mkdir(parents=True, exist_ok=True)
    plots = _plots(report, out)
    text = json.dumps(json_ready(report), indent=1, ensure_ascii=False, allow_nan=False)  # -inf scores: null
    (out / "report.json").write_text(text, encoding="utf-8")
    (out / "report.md").write_text(_markdown(report, plots), encoding="utf-8")


def evaluate_file(path: Path, assistant: Assistant, out: Path, k: int = 5) -> dict:
    """Read path, evaluate, write the report to out; returns the report."""
    report = evaluate(read_questions(path), assistant, k=k)
    write_report(report, out)
    return report


def compare_reports(old: dict, new: dict) -> str:
    """What improved and what regressed, overall and question by question (matched by id, then text)."""
    lines = ["metric                         old        new"]
    for key, value in new["summary"].items():
        before = old["summary"].get(key)
        if isinstance(value, (int, float)) and isinstance(before, (int, float)) and not isinstance(value, bool):
            mark = "" if before == value else ("  +" if value > before else "  -")
            lines.append(f"{key:28s} {before!s:>8} {value!s:>10}{mark}")
    before = {r["id"] or r["question"]: r for r in old["rows"]}
    improved, regressed = [], []
    for row in new["rows"]:
        prior = before.get(row["id"] or row["question"])
        if prior is None:
            continue
        was, now = prior["f1"] + prior["contains_any"], row["f1"] + row["contains_any"]
        if now > was:
            improved.append(row["question"])
        elif now < was:
            regressed.append(row["question"])
    lines.append(f"\nimproved ({len(improved)}):")
    lines += [f"  + {q}" for q in improved]
    lines.append(f"regressed ({len(regressed)}):")
    lines += [f"  - {q}" for q in regressed]
    return "\n".join(lines)
