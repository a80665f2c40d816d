"""Load benchmark: ``ask`` latency (p50/p95) and answers per second at 1, 4 and 20 concurrent users, on a
quiet machine and beside 1 and 3 busy neighbours, for the per-call thread policy (``index.threads``: one
thread for a question's embedding and search; ONNX Runtime with one thread per core or one in all) against
the libraries' process-wide default (every call on every core), in one run, so each cell is a ratio
measured under the same conditions.

A busy neighbour is another process doing what this one does: a two-thread torch matrix product in a loop.
Users are threads of one process sharing one ``Assistant``, as the web server's are.

Run: ``python -m benchmarks.load [--docs tests/data/workplace/docs --questions tests/data/workplace/questions.jsonl]
[--users 1 4 20] [--neighbours 0 1 3] [--seconds 20] [--out reports/load]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.speed import percentile

# per-call: index.threads as shipped (a question's torch and FAISS calls on one thread, ONNX Runtime one thread
# per core); per-call-onnx1: the same with one-thread ONNX Runtime sessions; process: every call on every core.
POLICIES = ("per-call", "per-call-onnx1", "process")
BASELINE = "process"
NEIGHBOUR = ("import torch\ntorch.set_num_threads(2)\na = torch.randn(768, 768)\n"
             "while True:\n    a = torch.tanh(a @ a)\n")


@dataclass(frozen=True)
class Cell:
    """One measurement: policy, busy neighbours, concurrent users, answers completed in the window,
    their latencies' p50/p95 (ms) and the throughput (answers/s)."""

    policy: str
    neighbours: int
    users: int
    answers: int
    p50_ms: float
    p95_ms: float
    per_second: float
    errors: int


def set_policy(policy: str) -> None:
    """Switch index.threads between the per-call policy and the libraries' process-wide default."""
    from index import threads

    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}; choose one of {', '.join(POLICIES)}")
    threads.PER_CALL = policy != "process"


def measure(assistant, questions: list[str], users: int, seconds: float) -> tuple[list[float], int, float]:
    """users threads ask questions (round robin from a shared counter) for about ``seconds``; returns the
    latencies (s) of the answers that came back, the errors and the wall time."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(10**9))
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def user() -> None:
        nonlocal errors
        while time.perf_counter() < stop_at:
            with lock:
                question = questions[next(counter) % len(questions)]
            started = time.perf_counter()
            try:
                assistant.ask(question)
            except Exception:  # noqa: BLE001 - counted and reported, never hidden
                with lock:
                    errors += 1
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    workers = [threading.Thread(target=user) for _ in range(users)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, errors, time.perf_counter() - started


def start_neighbours(count: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", NEIGHBOUR], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(count)]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.kill()
    for process in processes:
        process.wait()


def run(docs: Path, questions: list[str], users: list[int], neighbours: list[int], seconds: float,
        policies: tuple[str, ...] = POLICIES) -> list[Cell]:
    """Every (neighbours, users, policy) cell; the policies alternate within each (neighbours, users) pair."""
    from index import threads
    from qa import Assistant

    cells = []
    with tempfile.TemporaryDirectory() as index_dir:
        assistants = {}
        for policy in policies:  # ONNX Runtime fixes its threads when a session is made: one assistant each
            threads.ONNX_THREADS = 1 if policy == "per-call-onnx1" else 0
            assistants[policy] = Assistant.open(docs, index_dir)
            for question in questions[:3]:
                assistants[policy].ask(question)  # models loaded, ONNX sessions made
        threads.ONNX_THREADS = 0
        for busy in neighbours:
            processes = start_neighbours(busy)
            try:
                time.sleep(1.0 if busy else 0.0)
                for count in users:
                    for policy in policies:
                        set_policy(policy)
                        latencies, errors, wall = measure(assistants[policy], questions, count, seconds)
                        cells.append(Cell(policy, busy, count, len(latencies),
                                          1000 * statistics.median(latencies) if latencies else float("nan"),
                                          1000 * percentile(latencies, 95) if latencies else float("nan"),
                                          len(latencies) / wall, errors))
                        print(render_cell(cells[-1]), file=sys.stderr, flush=True)
            finally:
                stop(processes)
                set_policy("per-call")
    return cells


def render_cell(cell: Cell) -> str:
    return (f"{cell.policy:8s} neighbours {cell.neighbours} users {cell.users:2d}: {cell.answers} answers, "
            f"p50 {cell.p50_ms:.0f} ms, p95 {cell.p95_ms:.0f} ms, {cell.per_second:.2f}/s, errors {cell.errors}")


def render(cells: list[Cell], machine: dict) -> str:
    """A Markdown table: one row per cell, with its p50 and throughput against the process-wide default's
    under the same neighbours and users."""
    baseline = {(c.neighbours, c.users): c for c in cells if c.policy == BASELINE}
    lines = ["# ask under load: thread policies (index.threads) against the process-wide default", "",
             "| busy neighbours | users | policy | p50 ms | p95 ms | answers/s | default p50 / this p50 | "
             "this answers/s / default |", "|---:|---:|---|---:|---:|---:|---:|---:|"]
    for c in cells:
        base = baseline.get((c.neighbours, c.users))
        ratios = (f"{base.p50_ms / c.p50_ms:.2f} | {c.per_second / max(base.per_second, 1e-9):.2f}" if base
                  else "- | -")
        lines.append(f"| {c.neighbours} | {c.users} | {c.policy} | {c.p50_ms:.0f} | {c.p95_ms:.0f} | "
                     f"{c.per_second:.2f} | {ratios} |")
    lines += ["", f"{sum(c.answers for c in cells)} answers, {sum(c.errors for c in cells)} errors. Machine: "
              f"{machine['cpus']} CPUs, Python {machine['python']}, load average {machine['load_before']:.1f} "
              "before the run."]
    return "\n".join(lines)


def read_questions(path: Path) -> list[str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not rows:
        raise ValueError(f"{path} holds no questions")
    return [row["question"] for row in rows]


def main(argv: list[str] | None = None) -> list[Cell]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, default=Path("tests/data/workplace/docs"))
    parser.add_argument("--questions", type=Path, default=Path("tests/data/workplace/questions.jsonl"))
    parser.add_argument("--users", type=int, nargs="+", default=[1, 4, 20])
    parser.add_argument("--neighbours", type=int, nargs="+", default=[0, 1, 3])
    parser.add_argument("--seconds", type=float, default=20.0, help="measuring window per cell")
    parser.add_argument("--policies", nargs="+", choices=POLICIES, default=list(POLICIES))
    parser.add_argument("--out", type=Path, default=Path("reports/load"))
    args = parser.parse_args(argv)
    if min(args.users) < 1 or min(args.neighbours) < 0 or args.seconds <= 0:
        parser.error("--users must be >= 1, --neighbours >= 0 and --seconds > 0")
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "load_before": os.getloadavg()[0]}
    cells = run(args.docs, read_questions(args.questions), args.users, args.neighbours, args.seconds,
                tuple(args.policies))
    text = render(cells, machine)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load.json").write_text(json.dumps({"cells": [asdict(c) for c in cells], "machine": machine},
                                                   indent=1))
    (args.out / "load.md").write_text(text + "\n")
    print(text)
    return cells


if __name__ == "__main__":
    main()
