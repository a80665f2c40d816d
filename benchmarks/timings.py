"""Foundation timings: cold model load, seeds index build, reopening it, and one ask (median of 10).

Run: ``python -m benchmarks.timings [--docs seeds]``. Builds into a fresh temporary index folder.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", default="seeds")
    parser.add_argument("--question", default="Who was arrested in Moscow?")
    args = parser.parse_args()
    started = time.perf_counter()
    from index import Embedder
    from qa import Assistant, Reader

    embedder = Embedder()
    embedder.encode(["warm up"])
    load = time.perf_counter() - started
    reader = Reader()
    started = time.perf_counter()
    reader._load()
    reader_load = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        assistant = Assistant.open(args.docs, folder, embedder=embedder, reader=reader)
        build = time.perf_counter() - started
        started = time.perf_counter()
        Assistant.open(args.docs, folder, embedder=embedder, reader=reader)
        reopen = time.perf_counter() - started
        assistant.ask(args.question)
        times = []
        for _ in range(10):
            started = time.perf_counter()
            assistant.ask(args.question)
            times.append(time.perf_counter() - started)
    print(f"embedding model cold load (imports included) {load:.2f} s")
    print(f"reader load                                  {reader_load:.2f} s")
    print(f"index build of {args.docs:29s} {build:.2f} s ({assistant.index.passage_count} passages)")
    print(f"reopen unchanged index                       {reopen * 1000:.0f} ms")
    print(f"ask median of 10                             {statistics.median(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
