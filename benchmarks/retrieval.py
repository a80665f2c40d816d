"""Retrieval benchmark on squad-dev: recall@1/@5 and MRR of the gold paragraph, with ablations.

Run: ``python -m benchmarks.retrieval [--squad ../shared/squad-dev] [--limit N] [--store URL]``. Each row
switches parts of the pipeline on or off in the same process over the same index, so the rows compare.
``--store milvus://HOST:PORT`` searches the passage vectors in Milvus (``index.milvus``) instead of FAISS.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

from index import Embedder, open_index
from qa.retrieve import RetrievalSettings, Retriever

SQUAD = Path(__file__).resolve().parents[1].parent / "shared" / "squad-dev"

VARIANTS = {
    "dense only": dict(words_weight=0.0, names_weight=0.0, rerank_depth=0),
    "BM25 words only": dict(dense_weight=0.0, names_weight=0.0, rerank_depth=0),
    "BM25 name keys only": dict(dense_weight=0.0, words_weight=0.0, rerank_depth=0),
    "RRF dense + words": dict(names_weight=0.0, rerank_depth=0),
    "RRF dense + words + names": dict(rerank_depth=0),
    "RRF + sentence re-scoring, no name keys": dict(names_weight=0.0),
    "RRF + sentence re-scoring (default)": dict(),
}


def run(squad: Path, index_dir: Path, limit: int, k: int = 5, store: str = "local") -> list[dict]:
    rows = [json.loads(line) for line in (squad / "questions.jsonl").read_text().splitlines() if line.strip()]
    questions = [r for r in rows if r["answerable"]][: limit or None]
    embedder = Embedder()
    remote = None
    if store != "local":
        from index.milvus import MilvusAddress, MilvusCollection, collection_name

        address = MilvusAddress.parse(store, collection_name(squad / "docs"))
        remote = MilvusCollection.connect(address, embedder.name, embedder.dimension)
        print(f"store: {address.url} (Milvus {remote.server_version})")
    index, report = open_index(squad / "docs", index_dir, embedder, remote=remote)
    print(f"index: {index.passage_count} passages from {len(index.documents)} documents, "
          f"{report.seconds:.1f}s ({'built' if report.changed else 'reused'})")
    query_vectors = embedder.encode([q["question"] for q in questions])
    results = []
    for name, overrides in VARIANTS.items():
        retriever = Retriever(index, embedder, replace(RetrievalSettings(), **overrides))
        started = time.time()
        ranks = []
        for q, vector in zip(questions, query_vectors):
            hits = retriever.retrieve(q["question"], k, query_vector=vector)
            ranks.append(next((n for n, h in enumerate(hits, 1)
                               if h.source == q["source"] and h.start < q["end"] and q["start"] < h.end), None))
        seconds = time.time() - started
        results.append({
            "variant": name, "recall@1": sum(r == 1 for r in ranks) / len(ranks),
            f"recall@{k}": sum(r is not None for r in ranks) / len(ranks),
            "mrr": sum(1 / r for r in ranks if r) / len(ranks), "ms_per_question": 1000 * seconds / len(ranks),
        })
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--squad", type=Path, default=SQUAD)
    parser.add_argument("--index-dir", type=Path,
                        help="default .index/squad-dev, or .index/squad-dev-milvus with a Milvus store")
    parser.add_argument("--limit", type=int, default=0, help="answerable questions to use (0 = all)")
    parser.add_argument("--store", default="local", help="'local' (FAISS) or milvus://HOST:PORT[/COLLECTION]")
    args = parser.parse_args()
    index_dir = args.index_dir or Path(".index/squad-dev" if args.store == "local" else ".index/squad-dev-milvus")
    results = run(args.squad, index_dir, args.limit, store=args.store)
    print(f"\n{'variant':40s} {'R@1':>6} {'R@5':>6} {'MRR':>6} {'ms/q':>7}")
    for r in results:
        print(f"{r['variant']:40s} {r['recall@1']:6.3f} {r['recall@5']:6.3f} {r['mrr']:6.3f} {r['ms_per_question']:7.1f}")


if __name__ == "__main__":
    main()
