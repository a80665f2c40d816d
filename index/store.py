"""The dense vector store: FAISS inner-product search over normalised vectors. Knows nothing of models.

Up to ``EXACT_LIMIT`` vectors the search is exact (``IndexFlatIP``); beyond it, an inverted-file index
with float16 storage (``IndexIVFScalarQuantizer``): ``benchmarks.speed`` measures where exact search
stops being fast enough and the approximate index's recall@10 against exact search.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import faiss
import numpy as np

from index.threads import threads_for

# A search of up to threads.SMALL_CALL queries scans on one OpenMP thread: splitting one query's scan over both
# cores saves little when the machine is quiet and costs 4x when another process or another user's question
# holds a core (37k vectors: 5.6 ms on 1 thread, 24.7 ms on 2; benchmarks.speed).
EXACT_LIMIT = 200_000  # exact search: 144 ms per query at 1M x 384 on 2 cores, so ~30 ms here (benchmarks.speed)
KINDS = ("auto", "exact", "ivf")


def choose_kind(rows: int, kind: str = "auto") -> str:
    """The index kind for ``rows`` vectors: ``kind`` itself unless it is ``"auto"``."""
    if kind not in KINDS:
        raise ValueError(f"unknown vector index kind {kind!r}; choose one of {', '.join(KINDS)}")
    if kind != "auto":
        return kind
    return "exact" if rows < EXACT_LIMIT else "ivf"


def ivf_lists(rows: int) -> int:
    """Inverted lists for rows vectors: about 4 * sqrt(rows), at least 1, at most rows / 39 (FAISS'
    minimum training points per centroid)."""
    return max(1, min(int(4 * np.sqrt(rows)), rows // 39))


class Store(Protocol):
    """What the retriever needs of a vector store: top-k inner-product search over an index's rows.

    Implemented by :class:`VectorStore` (FAISS, in this process; the default) and
    ``index.milvus.MilvusStore`` (a Milvus server shared by several app servers).
    """

    kind: str  # "exact" or "ivf" (FAISS), or the store's "milvus://HOST:PORT/COLLECTION" address

    def __len__(self) -> int: ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k rows per query: (ids, scores), each (n_queries, min(k, len)), best first; id -1 pads."""
        ...


class VectorStore:
    """Top-k inner-product search; ``kind`` is ``"exact"``, ``"ivf"`` or ``"auto"`` (by size).

    ``probe_share`` is the share of inverted lists an IVF search visits (1/16: recall@10 1.00 against
    exact search at 1M vectors, 5 ms per query; see ``benchmarks.speed``).

    Example:
        >>> store = VectorStore(np.eye(3, dtype=np.float32))
        >>> store.search(np.eye(3, dtype=np.float32)[:1], k=2)[0][0].tolist()
        [0, ...]
    """

    def __init__(self, vectors: np.ndarray, kind: str = "auto", probe_share: float = 1 / 16,
                 index: faiss.Index | None = None) -> None:
        if vectors.ndim != 2 or vectors.dtype != np.float32:
            raise ValueError(f"vectors must be a 2-d float32 array, got {vectors.dtype} {vectors.shape}")
        self.kind = choose_kind(len(vectors), kind)
        self.probe_share = probe_share
        if index is not None:
            if index.ntotal != len(vectors) or index.d != vectors.shape[1]:
                raise ValueError(f"saved vector index holds {index.ntotal}x{index.d}, expected {vectors.shape}")
            self._index = index
        else:
            self._index = self._build(np.ascontiguousarray(vectors))
        if self.kind == "ivf":
            ivf = faiss.extract_index_ivf(self._index)
            ivf.nprobe = max(1, round(ivf.nlist * probe_share))

    def _build(self, vectors: np.ndarray) -> faiss.Index:
        dimension = vectors.shape[1]
        if self.kind == "exact" or len(vectors) < 39:
            self.kind = "exact"
            index = faiss.IndexFlatIP(dimension)
        else:
            lists = ivf_lists(len(vectors))
            quantizer = faiss.IndexFlatIP(dimension)
            index = faiss.IndexIVFScalarQuantizer(quantizer, dimension, lists, faiss.ScalarQuantizer.QT_fp16,
                                                  faiss.METRIC_INNER_PRODUCT)
            sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), 64 * lists), replace=False)
            index.train(vectors[np.sort(sample)])
        if len(vectors):
            index.add(vectors)
        return index

    def __len__(self) -> int:
        return self._index.ntotal

    def save(self, path: Path) -> None:
        """Write the FAISS index (FAISS' own format; no pickle)."""
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, vectors: np.ndarray, kind: str) -> VectorStore:
        """Read an index written by :meth:`save` for these vectors."""
        return cls(vectors, kind, index=faiss.read_index(str(path)))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k rows per query: (ids, scores), each (n_queries, min(k, len)); best first. An IVF search
        that finds fewer than k vectors in the lists it visits pads with id -1."""
        k = min(k, len(self))
        if k <= 0:
            empty = np.zeros((len(queries), 0))
            return empty.astype(np.int64), empty.astype(np.float32)
        faiss.omp_set_num_threads(threads_for(len(queries)))
        scores, ids = self._index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return ids, scores
