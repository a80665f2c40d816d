"""The dense vector store: FAISS inner-product search over normalised vectors. Knows nothing of models."""

from __future__ import annotations

import faiss
import numpy as np

HNSW_THRESHOLD = 200_000


class VectorStore:
    """Exact inner-product search (``IndexFlatIP``); above ``HNSW_THRESHOLD`` vectors, HNSW (approximate).

    Example:
        >>> store = VectorStore(np.eye(3, dtype=np.float32))
        >>> store.search(np.eye(3, dtype=np.float32)[:1], k=2)[0][0].tolist()
        [0, ...]
    """

    def __init__(self, vectors: np.ndarray) -> None:
        if vectors.ndim != 2 or vectors.dtype != np.float32:
            raise ValueError(f"vectors must be a 2-d float32 array, got {vectors.dtype} {vectors.shape}")
        self.vectors = np.ascontiguousarray(vectors)
        dimension = vectors.shape[1]
        if len(vectors) >= HNSW_THRESHOLD:
            self._index = faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)
            self._index.hnsw.efConstruction = 80
            self._index.hnsw.efSearch = 128
        else:
            self._index = faiss.IndexFlatIP(dimension)
        if len(vectors):
            self._index.add(self.vectors)

    def __len__(self) -> int:
        return self._index.ntotal

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k rows per query: (ids, scores), each (n_queries, min(k, len)); best first."""
        k = min(k, len(self))
        if k <= 0:
            empty = np.zeros((len(queries), 0))
            return empty.astype(np.int64), empty.astype(np.float32)
        scores, ids = self._index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return ids, scores
