"""Lexical retrieval with BM25 (bm25s): over stemmed words, and over spelling-tolerant name keys."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from index.names import fold, name_key, similar_keys, words

_STEMMER = Stemmer.Stemmer("english")
_STOPWORDS = frozenset(bm25s.stopwords.STOPWORDS_EN)


def stem_tokens(text: str) -> list[str]:
    """Folded, stemmed word tokens without English stopwords."""
    tokens = [t for t in re.findall(r"[a-z0-9]+", fold(text)) if t not in _STOPWORDS]
    return _STEMMER.stemWords(tokens)


@lru_cache(maxsize=1 << 18)
def _word_key(word: str) -> str:
    return name_key(word) if len(word) > 1 and fold(word) not in _STOPWORDS else ""


def key_tokens(text: str) -> list[str]:
    """Name keys of the words of text (see ``index.names.name_key``), stopwords dropped."""
    keys = (_word_key(w) for w in words(text))
    return [k for k in keys if k]


TOKENIZERS: dict[str, Callable[[str], list[str]]] = {"words": stem_tokens, "names": key_tokens}


class _QueryMixin:
    """Query expansion and search over ``variants`` and ``search_tokens``, shared by both index kinds."""

    kind: str

    def expand(self, query: str) -> list[str]:
        """The query's tokens as searched: known ones kept, unknown ones replaced by near spellings."""
        expanded = [v for token in TOKENIZERS[self.kind](query) for v in self.variants(token)]
        return list(dict.fromkeys(expanded))

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k passage rows and BM25 scores for query (rows with score 0 are left out)."""
        return self.search_tokens(self.expand(query), k)


class LexicalIndex(_QueryMixin):
    """BM25 over one tokenization of the passages. ``fuzzy`` expands query tokens missing from the
    vocabulary to near spellings that are in it (used for name keys).

    Example:
        >>> LexicalIndex(["the FSB arrested two men"], "words").search("arrests", 1)[0].tolist()
        [0]
    """

    def __init__(self, texts: list[str], kind: str, fuzzy: bool = False) -> None:
        if kind not in TOKENIZERS:
            raise ValueError(f"kind must be one of {sorted(TOKENIZERS)}, got {kind!r}")
        self.kind, self.fuzzy = kind, fuzzy
        self._bm25 = bm25s.BM25()
        self._size = len(texts)
        self.average_length = 0.0
        if texts:
            tokens = [TOKENIZERS[kind](t) or [""] for t in texts]
            self.average_length = sum(map(len, tokens)) / len(tokens)
            self._bm25.index(tokens, show_progress=False)
            self._vocabulary = [t for t in self._bm25.vocab_dict if t]
        else:
            self._vocabulary = []

    def __len__(self) -> int:
        return self._size

    def variants(self, token: str) -> list[str]:
        """The indexed tokens that stand for token: itself if indexed, else near spellings (when fuzzy)."""
        if not token or not self._size:
            return []
        if token in self._bm25.vocab_dict:
            return [token]
        return similar_keys(token, self._vocabulary) if self.fuzzy else []

    def idf(self, token: str) -> float:
        """BM25's inverse document frequency of an indexed token (as for an unseen token when absent)."""
        df = 0
        token_id = self._bm25.vocab_dict.get(token) if self._size else None
        indptr = self._bm25.scores["indptr"] if self._size else None
        if token_id is not None and token_id < len(indptr) - 1:
            df = int(indptr[token_id + 1] - indptr[token_id])
        return float(np.log(1 + (self._size - df + 0.5) / (df + 0.5)))

    def search_tokens(self, tokens: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """Like ``search`` for tokens already expanded to indexed ones (see ``expand``)."""
        return top_k(self.scores(tokens) if tokens else np.zeros(0), k)

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every passage for tokens (bm25s' Lucene variant)."""
        known = [t for t in tokens if t in self._bm25.vocab_dict] if self._size else []
        if not known:
            return np.zeros(self._size, dtype=np.float32)
        return self._bm25.get_scores(known)

    @property
    def vocabulary(self) -> list[str]:
        return self._vocabulary

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        meta = {"kind": self.kind, "fuzzy": self.fuzzy, "size": self._size, "average_length": self.average_length}
        (folder / "lexical.json").write_text(json.dumps(meta))
        if self._size:
            self._bm25.save(str(folder))

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        meta = json.loads((folder / "lexical.json").read_text())
        index = cls([], meta["kind"], meta["fuzzy"])
        if meta["size"]:
            index._bm25 = bm25s.BM25.load(str(folder))
            index._size = meta["size"]
            index.average_length = meta["average_length"]
            index._vocabulary = [t for t in index._bm25.vocab_dict if t]
        return index


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the k highest positive scores, best first, and their scores."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    top = top[scores[top] > 0]
    return top.astype(np.int64), scores[top].astype(np.float32)


class TieredLexicalIndex(_QueryMixin):
    """A large BM25 index (``base``) with some rows retired, plus a small ``delta`` of newer passages.

    Adding or changing one document re-indexes only the delta: bm25s cannot add to an index, and
    re-indexing a large corpus takes seconds per 10k passages. The delta is scored with the base's
    statistics (passage count, document frequencies, average length) and bm25s' formula, so its scores
    rank alongside the base's. Rows are base rows, then delta rows.
    """

    def __init__(self, base: LexicalIndex, retired: np.ndarray | None = None, delta_texts: list[str] = ()) -> None:
        self.base, self.kind, self.fuzzy = base, base.kind, base.fuzzy
        self.retired = retired if retired is not None else np.zeros(len(base), dtype=bool)
        self._postings: dict[str, list[tuple[int, int]]] = {}
        lengths = []
        for row, text in enumerate(delta_texts):
            tokens = TOKENIZERS[self.kind](text)
            lengths.append(len(tokens))
            for token, count in Counter(tokens).items():
                self._postings.setdefault(token, []).append((row, count))
        self._delta_lengths = np.array(lengths, dtype=np.float32)
        self._delta_vocabulary = (
            [t for t in self._postings if t not in base._bm25.vocab_dict] if len(base) else list(self._postings)
        )

    def __len__(self) -> int:
        return len(self.base) + len(self._delta_lengths)

    def variants(self, token: str) -> list[str]:
        """Like ``LexicalIndex.variants``, over the base's and the delta's vocabulary."""
        if token in self._postings:
            return [token]
        known = self.base.variants(token)
        if self.fuzzy and self._delta_vocabulary and token not in known:
            known = list(dict.fromkeys(known + similar_keys(token, self._delta_vocabulary)))
        return known

    def idf(self, token: str) -> float:
        return self.base.idf(token)

    def search_tokens(self, tokens: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        if not tokens or not len(self):
            return top_k(np.zeros(0), k)
        base = self.base.scores(tokens).astype(np.float32)
        base[self.retired] = 0.0
        return top_k(np.concatenate([base, self._delta_scores(tokens)]), k)

    def _delta_scores(self, tokens: list[str]) -> np.ndarray:
        scores = np.zeros(len(self._delta_lengths), dtype=np.float32)
        if not len(scores):
            return scores
        k1, b = self.base._bm25.k1, self.base._bm25.b
        average = self.base.average_length or float(self._delta_lengths.mean()) or 1.0
        for token in dict.fromkeys(tokens):
            postings = self._postings.get(token)
            if not postings:
                continue
            rows = np.array([r for r, _ in postings])
            tf = np.array([c for _, c in postings], dtype=np.float32)
            norm = k1 * (1 - b + b * self._delta_lengths[rows] / average)
            scores[rows] += self.idf(token) * tf / (tf + norm)
        return scores
