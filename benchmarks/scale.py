"""The full ``retrieve`` at a million passages: dense (IVF) + two BM25 indexes + sentence re-scoring.

Run: ``python -m benchmarks.scale --index DIR [--rows 1000000]``, where DIR is an index kept by
``python -m benchmarks.speed --corpus all --work-dir W`` (``W/index``). Embedding a million passages
would take about 12 hours on this machine, so the corpus is scaled the way ``benchmarks.speed`` scales
its vector search: the real passages are repeated under other document names, their vectors with small
Gaussian noise (real embeddings, not random ones, which make approximate search look worse than it is),
and both BM25 indexes are built over all the copies. It reports ``retrieve`` p50/p95 over squad-dev
questions with the IVF vector index, and recall@10 of that ranking against the same pipeline with exact
vector search over the same passages.

``--store milvus://HOST:PORT`` puts the passages into a fresh Milvus collection instead (``index.milvus``:
vectors, sources, offsets, headings and texts; not the sentence vectors, which retrieval reads from the index
folder), waits for its vector index, and measures the same with Milvus searching; ``--server-pid`` adds the
server's resident memory.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

from benchmarks.speed import SHARED, percentile, rss_mb, synthetic


def scaled_index(source: Path, rows: int, kind: str):
    """An Index of ``rows`` passages made of copies of the index at source (see the module docstring)."""
    from index.build import Index, load_index
    from index.chunk import Passage
    from index.lexical import LexicalIndex, TieredLexicalIndex
    from index.store import VectorStore

    real = load_index(source)
    n = len(real.passages)
    copies = -(-rows // n)
    passages = [p if c == 0 else Passage(f"copy-{c}/{p.source}", p.start, p.end, p.text)
                for c in range(copies) for p in real.passages][:rows]
    counts = np.diff(real.sentence_offsets)
    tiled_counts = np.tile(counts, copies)[:rows]
    offsets = np.concatenate([[0], np.cumsum(tiled_counts)]).astype(np.int64)
    sentence_vectors = np.tile(real.sentence_vectors, (copies, 1))[: offsets[-1]]
    vectors = synthetic(real.vectors, rows)
    texts = [p.text for p in passages]
    started = time.perf_counter()
    words = TieredLexicalIndex(LexicalIndex(texts, "words"))
    names = TieredLexicalIndex(LexicalIndex(texts, "names", fuzzy=True))
    bm25_s = time.perf_counter() - started
    started = time.perf_counter()
    store = VectorStore(vectors, kind)
    store_s = time.perf_counter() - started
    index = Index(passages, vectors, real.documents, real.model, real.chunking, words, names, sentence_vectors,
                  offsets, store)
    return index, {"bm25_build_s": bm25_s, f"{kind}_build_s": store_s}


def ingest(index, store: str, server_pid: int = 0) -> dict:
    """Put index's passages into a fresh Milvus collection, wait until its vector index covers them, and make it
    index's store; the seconds each step took (and the server's memory, given its pid)."""
    from pymilvus import MilvusClient

    from index.milvus import MilvusAddress, MilvusCollection

    address = MilvusAddress.parse(store, f"docqa_scale_{len(index.passages)}")
    MilvusClient(uri=f"http://{address.host}:{address.port}").drop_collection(address.collection)
    collection = MilvusCollection.connect(address, index.model, index.vectors.shape[1])
    empty = np.zeros((0, index.vectors.shape[1]), dtype=np.float16)
    started = time.perf_counter()
    collection.upsert(index.passages, index.vectors, [empty] * len(index.passages))
    report = {"store": address.url, "server_version": collection.server_version,
              "milvus_upsert_s": time.perf_counter() - started}
    client = collection._client
    client.flush(address.collection)
    while True:  # the server builds the index per sealed segment, in the background
        state = client.describe_index(address.collection, "vector")
        if state.get("indexed_rows", 0) >= len(index.passages) and not state.get("pending_index_rows"):
            break
        time.sleep(2)
    report["milvus_flush_and_index_s"] = time.perf_counter() - started - report["milvus_upsert_s"]
    collection.wait()
    index.store = collection.store(index.passages)
    if server_pid:
        status = Path(f"/proc/{server_pid}/status").read_text()
        report |= {f"server_{key.lower()}_mb": int(line.split()[1]) / 1024 for line in status.splitlines()
                   for key in ("VmRSS", "VmHWM") if line.startswith(key + ":")}
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True, help="an index folder kept by benchmarks.speed")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path("reports/scale"))
    parser.add_argument("--store", help="milvus://HOST:PORT[/COLLECTION]: search with Milvus instead of IVF")
    parser.add_argument("--server-pid", type=int, default=0, help="the Milvus server's pid, for its memory")
    args = parser.parse_args(argv)

    from index import Embedder
    from index.store import VectorStore
    from qa.retrieve import Retriever

    embedder = Embedder()
    rows = [json.loads(line) for line in (SHARED / "squad-dev" / "questions.jsonl").read_text().splitlines()]
    questions = [r["question"] for r in random.Random(1).sample([r for r in rows if r["answerable"]],
                                                                args.questions)]
    query_vectors = embedder.encode(questions)
    index, report = scaled_index(args.index, args.rows, "exact" if args.store else "ivf")
    label = "ivf"
    if args.store:
        report |= ingest(index, args.store, args.server_pid)
        label = "milvus"
    report |= {"passages": len(index.passages), "sentences": len(index.sentence_vectors),
               "peak_rss_after_build_mb": rss_mb()}
    ivf = Retriever(index, embedder)
    times, ivf_hits = [], []
    ivf.retrieve(questions[0], 10, query_vectors[0])
    for question, vector in zip(questions, query_vectors):
        started = time.perf_counter()
        ivf_hits.append(ivf.retrieve(question, 10, vector))
        times.append((time.perf_counter() - started) * 1000)
    embed_times = []
    for question in questions[:50]:
        started = time.perf_counter()
        embedder.encode([question])
        embed_times.append((time.perf_counter() - started) * 1000)
    report |= {f"retrieve_{label}_p50_ms": percentile(times, 50), f"retrieve_{label}_p95_ms": percentile(times, 95),
               "query_embedding_p50_ms": percentile(embed_times, 50)}

    index.store = VectorStore(index.vectors, "exact")
    exact = Retriever(index, embedder)
    times, recalls = [], []
    for question, vector, found in zip(questions, query_vectors, ivf_hits):
        started = time.perf_counter()
        truth = exact.retrieve(question, 10, vector)
        times.append((time.perf_counter() - started) * 1000)
        recalls.append(len({(h.source, h.start) for h in found} & {(h.source, h.start) for h in truth}) / 10)
    report |= {"retrieve_exact_p50_ms": percentile(times, 50), f"recall@10_{label}_vs_exact": float(np.mean(recalls)),
               "peak_rss_mb": rss_mb()}

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scale.json").write_text(json.dumps(report, indent=1))
    lines = [f"# retrieve at {report['passages']:,} passages ({report['sentences']:,} sentences)", "",
             "| measure | value |", "| --- | --- |"]
    lines += [f"| {key} | {value:.3f} |" if isinstance(value, float) else f"| {key} | {value} |"
              for key, value in report.items()]
    text = "\n".join(lines) + "\n"
    (args.out / "scale.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
