"""Answer-sentence model benchmark: how well it tells the sentence that answers a question, and its speed.

Run: ``python -m benchmarks.judge [--weights FILE ...] [--questions N]``. On N questions of the held-out
tenth of ``../shared/squad2-train/`` (articles never trained on, ``qa.train_reader.is_heldout``), each
paragraph split into sentences as the index splits them, it reports:

- precision@1: for answerable questions, the share whose highest-scored sentence holds the answer;
- AUC (sentences): how well the score separates answer sentences from the paragraph's other sentences;
- AUC (questions): how well the best sentence's score separates answerable questions from unanswerable
  ones asked of the same paragraph (SQuAD 2.0's near misses): the answerable decision's job;
- ms to score 24 sentences for one question (ONNX Runtime, after a warm-up; median of 20).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import time
from pathlib import Path

import numpy as np

from benchmarks.reader import roc_auc
from index.chunk import split_sentences
from qa.judge import BACKENDS, SHIPPED_JUDGE, Judged, SentenceJudge
from qa.train_reader import SQUAD2_TRAIN, is_heldout


def heldout_questions(n: int, seed: int = 7) -> list[dict]:
    """n held-out questions, each with its paragraph's sentences and the index of the answer's sentence
    (None for an unanswerable question, or an answer across sentences: left out of precision@1)."""
    with gzip.open(SQUAD2_TRAIN, "rt", encoding="utf-8") as handle:
        articles = [a for a in json.load(handle)["data"] if is_heldout(a["title"])]
    rows = []
    for article in articles:
        title = article["title"].replace("_", " ")
        for paragraph in article["paragraphs"]:
            spans = split_sentences(paragraph["context"])
            sentences = [paragraph["context"][s:e] for s, e in spans]
            for qa in paragraph["qas"]:
                gold = None
                if not qa.get("is_impossible"):
                    start = qa["answers"][0]["answer_start"]
                    end = start + len(qa["answers"][0]["text"])
                    inside = [i for i, (s, e) in enumerate(spans) if s < end and start < e]
                    gold = inside[0] if len(inside) == 1 else None
                rows.append({"question": qa["question"], "title": title, "sentences": sentences, "gold": gold,
                             "answerable": not qa.get("is_impossible")})
    random.Random(seed).shuffle(rows)
    return rows[:n]


def score(judge: SentenceJudge, rows: list[dict], with_title: bool) -> dict:
    hits, positives, negatives, best_answerable, best_unanswerable = [], [], [], [], []
    for row in rows:
        context = row["title"] if with_title else ""
        logits = judge.logits(row["question"], [Judged(s, context) for s in row["sentences"]])
        best = max(logits)
        (best_answerable if row["answerable"] else best_unanswerable).append(best)
        if row["gold"] is not None:
            hits.append(float(int(np.argmax(logits)) == row["gold"]))
            positives.append(logits[row["gold"]])
            negatives += [v for i, v in enumerate(logits) if i != row["gold"]]
    return {"precision@1": float(np.mean(hits)), "auc_sentences": roc_auc(positives, negatives),
            "auc_questions": roc_auc(best_answerable, best_unanswerable), "questions": len(rows),
            "answerable": len(best_answerable), "unanswerable": len(best_unanswerable)}


def latency(judge: SentenceJudge, repeats: int = 20) -> float:
    sentences = [Judged(f"Sentence {i} says the warehouse moved to a new site near the motorway in 2024.",
                        "Facilities > Warehouses") for i in range(24)]
    judge.logits("Why did the warehouse move?", sentences)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        judge.logits("Why did the warehouse move?", sentences)
        times.append(1000 * (time.perf_counter() - started))
    return float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", nargs="*", type=Path, default=[SHIPPED_JUDGE])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--backends", nargs="*", default=["onnx-int8"], choices=BACKENDS,
                        help="each is scored and timed (onnx: the exact export; onnx-int8: int8 weights, the default)")
    args = parser.parse_args()
    rows = heldout_questions(args.questions)
    for path in args.weights:
        for backend in args.backends:
            judge = SentenceJudge(path, backend=backend)
            for with_title in (False, True):
                figures = score(judge, rows, with_title)
                print(f"{path} [{backend}] ({'title as context' if with_title else 'no context'}): "
                      + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()))
            print(f"{path} [{backend}]: {latency(judge):.1f} ms to score 24 sentences", flush=True)


if __name__ == "__main__":
    main()
