"""Reader benchmark: SQuAD-style reading of the gold paragraph on squad-dev, and reading latency.

Run: ``python -m benchmarks.reader [--weights FILE ...] [--curve WORK_DIR] [--length-penalty X ...]
[--heldout N --seen WORK_DIR ...]``. For each weights file (and span-length penalty) it reports HasAns
EM/F1 (the best span, ignoring the null score), the ROC AUC with which the null-score margin separates
answerable from unanswerable questions, and ms to read 3 passages (``--backend torch`` measures PyTorch
instead of ONNX Runtime). ``--curve`` also scores every snapshot of a training run and draws loss and dev
F1 to a PNG. ``--heldout N`` reads N SQuAD 1.1 train questions that the ``--seen`` training runs never
saw instead of squad-dev: where decoding settings are chosen, so that squad-dev stays a test.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from qa.evaluate import normalize, token_f1
from qa.reader import LENGTH_PENALTY, SHIPPED_WEIGHTS, PassageRef, Reader

SQUAD = Path(__file__).resolve().parents[1].parent / "shared" / "squad-dev"


def roc_auc(positive: list[float], negative: list[float]) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    pos, neg = np.asarray(positive)[:, None], np.asarray(negative)[None, :]
    return float(((pos > neg).sum() + 0.5 * (pos == neg).sum()) / (pos.size * neg.size))


def squad_dev_rows(squad: Path = SQUAD, limit: int = 0) -> list[dict]:
    """squad-dev's questions, each with its gold paragraph's text."""
    rows = [json.loads(line) for line in (squad / "questions.jsonl").read_text().splitlines() if line.strip()]
    texts: dict[str, str] = {}
    for row in rows[: limit or None]:
        if row["source"] not in texts:
            texts[row["source"]] = (squad / "docs" / row["source"]).read_text(encoding="utf-8")
        row["paragraph"] = texts[row["source"]][row["start"] : row["end"]]
    return rows[: limit or None]


def heldout_rows(seen: list[Path], n: int, seed: int = 7) -> list[dict]:
    """n SQuAD 1.1 train questions (a seeded sample) that no training run in seen trained on (each work
    dir's questions.txt): for tuning the reader's decoding away from squad-dev."""
    import gzip
    import random

    trained = {q for work_dir in seen for q in (work_dir / "questions.txt").read_text(encoding="utf-8").splitlines()}
    with gzip.open(SQUAD.parent / "squad-train" / "train-v1.1.json.gz", "rt", encoding="utf-8") as handle:
        articles = json.load(handle)["data"]
    rows = [{"question": q["question"], "paragraph": p["context"], "answers": [a["text"] for a in q["answers"]],
             "answerable": True, "source": "squad-train", "start": 0}
            for article in articles for p in article["paragraphs"] for q in p["qas"]
            if " ".join(q["question"].split()) not in trained]
    random.Random(seed).shuffle(rows)
    return rows[:n]


def squad2_heldout_rows(n: int, seed: int = 7) -> list[dict]:
    """n questions (a seeded sample) of the held-out tenth of ``../shared/squad2-train/`` (articles that
    ``qa.train_reader.is_heldout`` keeps out of training), a third of them unanswerable as in the file."""
    import gzip
    import random

    from qa.train_reader import SQUAD2_TRAIN, is_heldout

    with gzip.open(SQUAD2_TRAIN, "rt", encoding="utf-8") as handle:
        articles = [a for a in json.load(handle)["data"] if is_heldout(a["title"])]
    rows = [{"question": q["question"], "paragraph": p["context"], "answers": [a["text"] for a in q["answers"]],
             "answerable": not q.get("is_impossible"), "source": "squad2-heldout", "start": 0}
            for article in articles for p in article["paragraphs"] for q in p["qas"]]
    random.Random(seed).shuffle(rows)
    return rows[:n]


def score_reader(reader: Reader, rows: list[dict]) -> dict:
    """HasAns EM/F1 of the best span in each row's paragraph, and the null-margin ROC AUC."""
    ems, f1s, margins_has, margins_no = [], [], [], []
    for row in rows:
        span = reader.read(row["question"], [PassageRef(row["source"], row["start"], row["paragraph"])])[0]
        if row["answerable"]:
            predicted = span.text if span else ""
            ems.append(max(float(normalize(predicted) == normalize(a)) for a in row["answers"]))
            f1s.append(max(token_f1(predicted, a) for a in row["answers"]))
            margins_has.append(span.margin if span else -1e9)
        else:
            margins_no.append(span.margin if span else -1e9)
    return {"has_ans_em": 100 * float(np.mean(ems)), "has_ans_f1": 100 * float(np.mean(f1s)),
            "null_auc": roc_auc(margins_has, margins_no) if margins_no else float("nan"),
            "answerable": len(ems), "unanswerable": len(margins_no)}


def read_latency(reader: Reader, repeats: int = 20) -> float:
    """Median ms to read the top 3 seed passages for a question (after one warm-up)."""
    from index import chunk_document, load_folder

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    passages = [p for d in load_folder(seeds).documents for p in chunk_document(d)][:3]
    refs = [PassageRef(p.source, p.start, p.text) for p in passages]
    reader.read("Who was arrested in Moscow?", refs)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        reader.read("Who was arrested in Moscow?", refs)
        times.append(1000 * (time.perf_counter() - started))
    return float(np.median(times))


def stage_offsets(work_dirs: list[Path], first: int = 0) -> list[int]:
    """Steps done before each training stage (a later stage starts from the previous one's weights);
    ``first``: steps done before the first of work_dirs (stages whose work dirs are not at hand)."""
    offsets, done = [], first
    for work_dir in work_dirs:
        offsets.append(done)
        log = (work_dir / "train_log.jsonl").read_text().splitlines()
        done += json.loads(log[-1])["step"] if log else 0
    return offsets


def plot_curve(work_dirs: list[Path], points: list[tuple[int, float]], out: Path, first: int = 0) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    log = [r | {"step": r["step"] + offset}
           for work_dir, offset in zip(work_dirs, stage_offsets(work_dirs, first))
           for r in map(json.loads, (work_dir / "train_log.jsonl").read_text().splitlines())]
    loss = np.convolve([r["loss"] for r in log], np.ones(20) / 20, mode="valid")
    steps = np.array([r["step"] for r in log])[19:]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(steps, loss, color="tab:blue", label="training loss (20-step mean)")
    ax.set(xlabel="step (batch of 32 windows)", ylabel="loss")
    twin = ax.twinx()
    twin.plot([p[0] for p in points], [p[1] for p in points], "o-", color="tab:red", label="squad-dev HasAns F1")
    twin.set(ylabel="dev F1", ylim=(0, 100))
    fig.legend(loc="upper center", fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weights", nargs="*", type=Path, default=[SHIPPED_WEIGHTS])
    parser.add_argument("--curve", type=Path, nargs="+",
                        help="training work dirs, one per stage in order: score the last stage's snapshots "
                        "(and each earlier stage's final one), draw the curve over all stages")
    parser.add_argument("--step-offset", type=int, default=0,
                        help="training steps done before the first --curve work dir (earlier stages)")
    parser.add_argument("--limit", type=int, default=0, help="squad-dev questions to use (0 = all 1,015)")
    parser.add_argument("--squad2-heldout", type=int, default=0, metavar="N",
                        help="read N questions of squad2-train's held-out articles instead of squad-dev")
    parser.add_argument("--quantize", action="store_true", help="also score int8 dynamic quantization (PyTorch)")
    parser.add_argument("--backend", choices=["onnx", "torch"], default="onnx",
                        help="how to run the reader (--curve snapshots always use torch: no export per snapshot)")
    parser.add_argument("--plot", type=Path, default=Path("qa/models/reader_training.png"))
    parser.add_argument("--length-penalty", type=float, nargs="+", default=[LENGTH_PENALTY],
                        help="score each span-length penalty (Reader(length_penalty=...))")
    parser.add_argument("--heldout", type=int, default=0,
                        help="score N SQuAD 1.1 train questions that the --seen runs did not train on, not squad-dev")
    parser.add_argument("--seen", type=Path, nargs="*", default=[],
                        help="training work dirs whose questions.txt lists the questions to leave out of --heldout")
    args = parser.parse_args()
    rows = (heldout_rows(args.seen, args.heldout) if args.heldout
            else squad2_heldout_rows(args.squad2_heldout) if args.squad2_heldout else squad_dev_rows(limit=args.limit))
    weights = list(args.weights)
    steps: dict[Path, int] = {}
    if args.curve:
        weights = []
        for n, (work_dir, offset) in enumerate(zip(args.curve, stage_offsets(args.curve, args.step_offset))):
            snapshots = sorted((work_dir / "snapshots").glob("step_*.safetensors"))
            chosen = snapshots if n == len(args.curve) - 1 else snapshots[-1:]
            weights += chosen
            steps |= {path: offset + int(path.stem.split("_")[1]) for path in chosen}
    points = []
    runs = [(path, False, penalty) for path in weights for penalty in args.length_penalty]
    runs += [(weights[-1], True, args.length_penalty[0])] if args.quantize else []
    for path, quantize, penalty in runs:
        backend = "torch" if quantize or args.curve else args.backend
        reader = Reader(path, quantize=quantize, backend=backend, length_penalty=penalty)
        scores = score_reader(reader, rows)
        scores["read_3_passages_ms"] = read_latency(reader)
        print(f"{path} ({backend}{', int8' if quantize else ''}, length penalty {penalty}): "
              + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in scores.items()),
              flush=True)
        if path in steps and not quantize:
            points.append((steps[path], scores["has_ans_f1"]))
    if args.curve and points:
        plot_curve(args.curve, points, args.plot, args.step_offset)
        print(f"curve written to {args.plot}")


if __name__ == "__main__":
    main()
