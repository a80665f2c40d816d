"""Speed, memory and scale benchmark; prints a report and writes it as JSON and Markdown.

Run: ``python -m benchmarks.speed --corpus bbc`` (BBC News, ~2k articles), ``--corpus all`` (BBC +
Reuters-21578, ~21k articles) or ``--corpus tiny`` (the CI smoke run). Everything is measured in one
process, so the figures compare:

- the raw encoder's passages/s on the same chunks (a seeded sample) against the full index build;
- the tutorial baseline (1,000-character chunks with 200 overlap, dense-only exact FAISS, top 4): its
  build speed on the same corpus and its recall on ``../shared/squad-dev`` beside ours;
- model loads, a cold process to the first answer, reopening the index, ``retrieve``/``ask`` p50/p95,
  adding/changing/removing one document, peak RSS, index size on disk;
- exact against IVF vector search at the corpus size and, with real vectors plus small noise, at
  ``--scale`` vectors: build time, p50 per query, recall@10 against exact search, memory.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def extract_corpus(corpus: str, dest: Path) -> Path:
    """Unpack the benchmark corpus into dest/docs: BBC, BBC + Reuters, or 40 BBC articles (tiny)."""
    archives = {"tiny": ["bbc"], "bbc": ["bbc"], "all": ["bbc", "reuters21578"]}[corpus]
    docs = dest / "docs"
    for name in archives:
        with tarfile.open(SHARED / "corpus" / f"{name}.tar.gz") as tar:
            tar.extractall(docs, filter="data")
    if corpus == "tiny":
        files = sorted(docs.rglob("*.txt"))
        for path in files[40:]:
            path.unlink()
    return docs


def spare_document(dest: Path) -> Path:
    """One Reuters story not in the BBC sets (for the add-one-document timing)."""
    with tarfile.open(SHARED / "corpus" / "reuters21578.tar.gz") as tar:
        member = next(m for m in tar.getmembers() if m.isfile() and m.name.endswith(".txt") and m.size > 1500)
        tar.extract(member, dest / "spare", filter="data")
    return dest / "spare" / member.name


def squad_subset(dest: Path, articles: int) -> tuple[Path, list[dict]]:
    """squad-dev docs (all, or the first ``articles``) and their answerable questions."""
    squad = SHARED / "squad-dev"
    rows = [json.loads(line) for line in (squad / "questions.jsonl").read_text().splitlines() if line.strip()]
    if not articles:
        return squad / "docs", [r for r in rows if r["answerable"]]
    docs = dest / "squad-docs"
    docs.mkdir(parents=True, exist_ok=True)
    keep = sorted(p.name for p in (squad / "docs").glob("*.txt"))[:articles]
    for name in keep:
        shutil.copyfile(squad / "docs" / name, docs / name)
    return docs, [r for r in rows if r["answerable"] and r["source"] in keep]


def baseline_chunks(text: str, size: int = 1000, overlap: int = 200) -> list[tuple[int, int]]:
    """The tutorial chunker: fixed windows of ``size`` characters, ``overlap`` shared."""
    return [(s, min(s + size, len(text))) for s in range(0, max(len(text) - overlap, 1), size - overlap)]


class Baseline:
    """The pipeline a user would write from a tutorial: fixed chunks, dense-only exact FAISS, top 4."""

    def __init__(self, docs_dir: Path, embedder) -> None:
        import faiss

        from index.documents import load_folder

        started = time.perf_counter()
        self.chunks = [(d.source, s, e, d.text[s:e]) for d in load_folder(docs_dir).documents
                       for s, e in baseline_chunks(d.text)]
        self.embedder = embedder
        self.index = faiss.IndexFlatIP(embedder.dimension)
        self.index.add(embedder.encode([c[3] for c in self.chunks]))
        self.seconds = time.perf_counter() - started

    def search(self, question: str, k: int = 4) -> list[tuple[str, int, int]]:
        _, ids = self.index.search(self.embedder.encode([question]), k)
        return [self.chunks[i][:3] for i in ids[0] if i >= 0]


def gold_rank(hits: list[tuple[str, int, int]], q: dict) -> int | None:
    return next((n for n, (source, start, end) in enumerate(hits, 1)
                 if source == q["source"] and start < q["end"] and q["start"] < end), None)


def recall(ranks: list[int | None], k: int) -> float:
    return sum(r is not None and r <= k for r in ranks) / max(1, len(ranks))


def timed(fn, repeat: int = 1) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - started) / repeat


def cold_start(docs: Path, index_dir: Path, question: str) -> dict:
    """A fresh Python process: imports, both models, open the index, build the chat, answer once."""
    code = (
        "import time, json; t = time.perf_counter()\n"
        "from qa import Assistant\nfrom ui.app import build_app\n"
        f"a = Assistant.open({str(docs)!r}, {str(index_dir)!r}); opened = time.perf_counter() - t\n"
        "build_app(a); ready = time.perf_counter() - t\n"
        f"a.ask({question!r}); answered = time.perf_counter() - t\n"
        "print(json.dumps({'index_opened_s': opened, 'chat_ready_s': ready, 'first_answer_s': answered}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def synthetic(vectors: np.ndarray, rows: int, noise: float = 0.025, seed: int = 0) -> np.ndarray:
    """``rows`` unit vectors: the real ones, then copies with Gaussian noise (cos ~0.9 to their origin)."""
    rng = np.random.default_rng(seed)
    out = np.empty((rows, vectors.shape[1]), dtype=np.float32)
    out[: min(rows, len(vectors))] = vectors[:rows]
    for start in range(len(vectors), rows, len(vectors)):
        n = min(len(vectors), rows - start)
        block = vectors[:n] + rng.normal(scale=noise, size=(n, vectors.shape[1])).astype(np.float32)
        out[start : start + n] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def vector_search(vectors: np.ndarray, queries: np.ndarray, k: int = 10) -> list[dict]:
    """Exact against IVF on the same vectors: build seconds, p50/p95 ms per single query, recall@10."""
    from index.store import VectorStore

    rows = []
    truth = None
    for kind in ("exact", "ivf"):
        started = time.perf_counter()
        store = VectorStore(vectors, kind)
        build = time.perf_counter() - started
        times, found = [], []
        for q in queries:
            t = time.perf_counter()
            ids, _ = store.search(q[None, :], k)
            times.append((time.perf_counter() - t) * 1000)
            found.append(ids[0])
        if kind == "exact":
            truth = found
        hit = [len(set(f.tolist()) & set(t.tolist())) / k for f, t in zip(found, truth)]
        rows.append({"vectors": len(vectors), "kind": store.kind, "build_s": build,
                     "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
                     "recall@10": float(np.mean(hit)), "peak_rss_mb": rss_mb()})
        del store
    return rows


PHASES = ("build", "baseline", "latency", "squad", "vectors")


def faiss_threads(vectors: np.ndarray, queries: np.ndarray, k: int = 60) -> list[dict]:
    """Exact search one query at a time on 1 and on all OpenMP threads, on a quiet machine and with a
    busy process holding one core (as when another user's question is being answered)."""
    import faiss

    from index.threads import ALL_THREADS

    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    rows = []
    for busy in (False, True):
        spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
        try:
            for threads in (1, ALL_THREADS):
                faiss.omp_set_num_threads(threads)
                times = []
                for q in queries:
                    t = time.perf_counter()
                    index.search(q[None, :], k)
                    times.append((time.perf_counter() - t) * 1000)
                rows.append({"vectors": len(vectors), "threads": threads, "busy_core": busy,
                             "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95)})
        finally:
            if spinner:
                spinner.kill()
                spinner.wait()
    faiss.omp_set_num_threads(ALL_THREADS)
    return rows


def run(args: argparse.Namespace) -> dict:
    from index import Embedder, open_index
    from index.chunk import chunk_document
    from index.documents import load_folder
    from qa import Assistant, Reader

    phases = set(args.phases)
    report: dict = {"corpus": args.corpus, "machine": f"{__import__('os').cpu_count()} cores",
                    "phases": [p for p in PHASES if p in phases]}
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="docqa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    index_dir = work / "index"
    try:
        docs = work / "docs" if "build" not in phases and (work / "docs").is_dir() else extract_corpus(args.corpus, work)
        started = time.perf_counter()
        embedder = Embedder()
        embedder.encode(["warm up"])
        report["embedding_model_load_s"] = time.perf_counter() - started
        reader = Reader()
        report["reader_load_s"] = timed(reader._load)
        loaded = load_folder(docs)

        if "build" in phases:
            # 1. raw encoder on (a sample of) the same chunks the index will hold
            texts = [p.text for d in loaded.documents for p in chunk_document(d)]
            sample = random.Random(0).sample(texts, min(len(texts), args.raw_sample))
            raw = timed(lambda: embedder.encode(sample))
            report["raw_encoder_passages_per_s"] = len(sample) / raw
            report["raw_encoder_sample"] = len(sample)
            # 2. the full pipeline: chunk, embed passages and sentences, FAISS, two BM25 indexes, save
            shutil.rmtree(index_dir, ignore_errors=True)
            started = time.perf_counter()
            index, _ = open_index(docs, index_dir, embedder)
            build = time.perf_counter() - started
            report |= {"build_s": build, "build_passages_per_s": index.passage_count / build,
                       "build_vs_raw_encoder": index.passage_count / build / report["raw_encoder_passages_per_s"],
                       "peak_rss_after_build_mb": rss_mb()}
            del index

        if "baseline" in phases:
            # 3. the tutorial baseline on the same corpus
            base = Baseline(docs, embedder)
            report |= {"baseline_chunks": len(base.chunks), "baseline_build_s": base.seconds,
                       "baseline_chunks_per_s": len(base.chunks) / base.seconds}
            if "build_s" in report:
                report["build_time_vs_baseline"] = report["build_s"] / base.seconds
            del base

        # 4. reopening (in process and in a cold process)
        report["reopen_unchanged_s"] = timed(lambda: open_index(docs, index_dir, embedder))
        index, _ = open_index(docs, index_dir, embedder)
        report |= {"documents": len(index.documents), "passages": index.passage_count,
                   "index_mb": folder_mb(index_dir)}
        vectors = index.vectors
        del index

        if "latency" in phases:
            report |= {f"cold_{k}": v for k, v in cold_start(docs, index_dir, args.question).items()}
            # 5. latency at this size, squad-dev questions as queries (a few hundred)
            assistant = Assistant.open(docs, index_dir, embedder=embedder, reader=reader)
            _, squad_questions = squad_subset(work, 0)
            queries = [q["question"] for q in random.Random(1).sample(squad_questions, args.questions)]
            for name, fn in (("retrieve", assistant.retrieve), ("ask", assistant.ask)):
                fn(queries[0])
                times = [timed(lambda q=q: fn(q)) * 1000 for q in queries]
                report[f"{name}_p50_ms"], report[f"{name}_p95_ms"] = percentile(times, 50), percentile(times, 95)
                report[f"{name}_mean_ms"] = statistics.fmean(times)
            batched = timed(lambda: assistant.retrieve_many(queries, 5)) * 1000 / len(queries)
            report["retrieve_many_ms_per_question"] = batched
            report["retrieve_many_speedup"] = report["retrieve_mean_ms"] / batched
            report["peak_rss_after_queries_mb"] = rss_mb()

            # 6. one document added, changed, removed
            spare = spare_document(work)
            added = docs / "added" / spare.name
            added.parent.mkdir(exist_ok=True)
            shutil.copyfile(spare, added)
            report["add_one_document_s"] = timed(assistant.refresh)
            added.write_text(added.read_text() + "\n\nA late correction was added to this story.\n")
            report["change_one_document_s"] = timed(assistant.refresh)
            added.unlink()
            report["remove_one_document_s"] = timed(assistant.refresh)
            del assistant

        if "squad" in phases:
            # 7. squad-dev recall: ours against the baseline, in the same process
            squad_docs, squad_answerable = squad_subset(work, args.squad_articles)
            squad_index = Path(args.squad_index) if args.squad_index and not args.squad_articles else work / "squad"
            ours = Assistant.open(squad_docs, squad_index, embedder=embedder, use_reader=False)
            base = Baseline(squad_docs, embedder)
            our_ranks = [gold_rank([(h.source, h.start, h.end) for h in ours.retrieve(q["question"], 5)], q)
                         for q in squad_answerable]
            base_ranks = [gold_rank(base.search(q["question"], 4), q) for q in squad_answerable]
            report["squad_dev"] = {
                "questions": len(squad_answerable),
                "ours": {"recall@1": recall(our_ranks, 1), "recall@4": recall(our_ranks, 4),
                         "recall@5": recall(our_ranks, 5)},
                "baseline": {"recall@1": recall(base_ranks, 1), "recall@4": recall(base_ranks, 4)},
            }
            del ours, base

        if "vectors" in phases:
            # 8. vector search: exact against IVF, at this size and scaled up with real vectors + noise
            headlines = [d.text.split("\n", 1)[0] for d in loaded.documents]
            query_vectors = embedder.encode(random.Random(2).sample(headlines, min(len(headlines), args.ann_queries)))
            report["vector_search"] = vector_search(vectors, query_vectors)
            report["faiss_threads"] = faiss_threads(vectors, query_vectors)
            if args.scale > len(vectors):
                report["vector_search"] += vector_search(synthetic(vectors, args.scale), query_vectors)
        report["peak_rss_mb"] = rss_mb()
    finally:
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)
    return report


def markdown(report: dict) -> str:
    """The report as Markdown: the rows of the phases that ran."""
    r = report
    rows = [
        ("raw_encoder_passages_per_s", lambda: (f"raw encoder, same chunks (sample of {r['raw_encoder_sample']})",
                                                f"{r['raw_encoder_passages_per_s']:.1f} passages/s")),
        ("build_s", lambda: ("index build (chunk, embed passages + sentences, FAISS, 2x BM25, save)",
                             f"{r['build_s']:.1f} s, {r['build_passages_per_s']:.1f} passages/s")),
        ("build_vs_raw_encoder", lambda: ("**build speed / raw encoder speed**", f"**{r['build_vs_raw_encoder']:.2f}**")),
        ("baseline_build_s", lambda: ("baseline build (1,000-char chunks, dense only)",
                                      f"{r['baseline_build_s']:.1f} s for {r['baseline_chunks']} chunks "
                                      f"({r['baseline_chunks_per_s']:.1f}/s)")),
        ("build_time_vs_baseline", lambda: ("our build time / baseline build time", f"{r['build_time_vs_baseline']:.2f}")),
        ("index_mb", lambda: ("index size on disk", f"{r['index_mb']:.1f} MB")),
        ("embedding_model_load_s", lambda: ("embedding model load / reader load (in process)",
                                            f"{r['embedding_model_load_s']:.2f} s / {r['reader_load_s']:.2f} s")),
        ("reopen_unchanged_s", lambda: ("reopen unchanged index (in process)", f"{r['reopen_unchanged_s'] * 1000:.0f} ms")),
        ("cold_index_opened_s", lambda: ("cold process: index open / chat ready / first answer",
                                         f"{r['cold_index_opened_s']:.1f} s / {r['cold_chat_ready_s']:.1f} s / "
                                         f"{r['cold_first_answer_s']:.1f} s")),
        ("retrieve_p50_ms", lambda: ("`retrieve` p50 / p95", f"{r['retrieve_p50_ms']:.1f} / {r['retrieve_p95_ms']:.1f} ms")),
        ("retrieve_many_ms_per_question", lambda: ("`retrieve_many` (batched) per question, speed-up over one at a time",
                                                   f"{r['retrieve_many_ms_per_question']:.1f} ms, "
                                                   f"{r['retrieve_many_speedup']:.2f}x")),
        ("ask_p50_ms", lambda: ("`ask` p50 / p95", f"{r['ask_p50_ms']:.1f} / {r['ask_p95_ms']:.1f} ms")),
        ("add_one_document_s", lambda: ("add / change / remove one document",
                                        f"{r['add_one_document_s']:.2f} / {r['change_one_document_s']:.2f} / "
                                        f"{r['remove_one_document_s']:.2f} s")),
        ("peak_rss_mb", lambda: ("peak RSS", ", ".join(
            f"{r[key]:.0f} MB {label}" for key, label in (("peak_rss_after_build_mb", "after build"),
                                                         ("peak_rss_after_queries_mb", "after queries"),
                                                         ("peak_rss_mb", "at the end")) if key in r))),
    ]
    lines = [f"# Speed benchmark: {r['corpus']} ({r['documents']} documents, {r['passages']} passages, {r['machine']})",
             "", f"Phases: {', '.join(r['phases'])}.", "", "| measure | value |", "| --- | --- |"]
    lines += ["| {} | {} |".format(*row()) for key, row in rows if key in r]
    if "squad_dev" in r:
        squad = r["squad_dev"]
        lines += [
            "", f"squad-dev, {squad['questions']} answerable questions, gold paragraph found:", "",
            "| pipeline | recall@1 | recall@4 | recall@5 |", "| --- | --- | --- | --- |",
            f"| baseline (top 4) | {squad['baseline']['recall@1']:.3f} | {squad['baseline']['recall@4']:.3f} | |",
            f"| ours | {squad['ours']['recall@1']:.3f} | {squad['ours']['recall@4']:.3f} | {squad['ours']['recall@5']:.3f} |",
        ]
    if "vector_search" in r:
        lines += [
            "", "Vector search, one query at a time (queries: document headlines; above the corpus size, the",
            "corpus vectors plus copies with small Gaussian noise):", "",
            "| vectors | index | build s | p50 ms | p95 ms | recall@10 vs exact | peak RSS MB |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        lines += [f"| {v['vectors']:,} | {v['kind']} | {v['build_s']:.1f} | {v['p50_ms']:.2f} | {v['p95_ms']:.2f} | "
                  f"{v['recall@10']:.3f} | {v['peak_rss_mb']:.0f} |" for v in r["vector_search"]]
    if "faiss_threads" in r:
        lines += ["", "Exact search, one query at a time, by FAISS OpenMP threads (`index.threads.SMALL_CALL`):", "",
                  "| vectors | threads | another process busy | p50 ms | p95 ms |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| {t['vectors']:,} | {t['threads']} | {'yes' if t['busy_core'] else 'no'} | {t['p50_ms']:.2f} | "
                  f"{t['p95_ms']:.2f} |" for t in r["faiss_threads"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=["tiny", "bbc", "all"], default="bbc")
    parser.add_argument("--out", type=Path, default=Path("reports/speed"))
    parser.add_argument("--raw-sample", type=int, default=3000, help="chunks the raw encoder is timed on")
    parser.add_argument("--questions", type=int, default=300, help="questions timed for retrieve/ask")
    parser.add_argument("--ann-queries", type=int, default=300)
    parser.add_argument("--scale", type=int, default=1_000_000, help="vectors for the scaled vector search")
    parser.add_argument("--squad-articles", type=int, default=0, help="squad-dev articles to index (0 = all 35)")
    parser.add_argument("--squad-index", default=".index/squad-dev", help="reuse this squad-dev index folder")
    parser.add_argument("--question", default="Who was arrested in Moscow?")
    parser.add_argument("--phases", nargs="+", choices=PHASES, default=list(PHASES),
                        help="what to measure; without build, an index kept by --work-dir is measured as it is")
    parser.add_argument("--work-dir", type=Path, help="keep the extracted corpus and its index here (default: "
                        "a temporary folder, removed at the end)")
    args = parser.parse_args(argv)
    report = run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    text = markdown(report)
    (args.out / "speed.json").write_text(json.dumps(report, indent=1))
    (args.out / "speed.md").write_text(text)
    print(text)
    print(f"report written to {args.out}/speed.md and speed.json")


if __name__ == "__main__":
    main()
