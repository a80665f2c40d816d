"""How many threads one call into torch or FAISS may use: one for a single question, every core for a batch.

A question's embedding or vector search is too small to gain from a second thread, and a second thread costs
dearly when another process or another user holds a core: OpenMP's workers spin-wait for each other, so one
question's embedding took 130-2,545 ms with 2 threads beside busy neighbours against 25-32 ms with one
(``benchmarks.load`` measures the policy against the process-wide default, quiet and under load). Both
libraries keep the count per calling thread (OpenMP's nthreads ICV), so a server's question threads and its
background indexing do not change each other's setting.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

ALL_THREADS = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
SMALL_CALL = 16  # a call with at most this many texts or queries runs on one thread
PER_CALL = True  # False: every call uses ALL_THREADS (the libraries' default), for ``benchmarks.load``
# ONNX Runtime fixes a session's threads when the session is made: the reader's and the answer-sentence
# model's sessions get this many (0: ONNX Runtime's default, one per core). Their calls are small batches
# (a question's passages or sentences), and its idle threads yield instead of spinning (qa.reader).
ONNX_THREADS = 0


def threads_for(items: int) -> int:
    """The threads a call over ``items`` texts or queries gets."""
    return 1 if PER_CALL and items <= SMALL_CALL else ALL_THREADS


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run the block with torch's intra-op threads set to count in this thread, restored after."""
    import torch

    before = torch.get_num_threads()
    if count != before:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        if count != before:
            torch.set_num_threads(before)
