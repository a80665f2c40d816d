"""Hybrid retrieval: dense (FAISS) + BM25 words + BM25 name keys, fused by RRF, re-scored by sentences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index import Embedder, Index
from index.lexical import LexicalIndex, key_tokens
from index.names import spelled_alike


@dataclass(frozen=True)
class RetrievalSettings:
    """Knobs of ``retrieve``; the defaults were chosen on squad-dev (see benchmarks/retrieval.py).

    candidates: how many hits each retriever contributes before fusion.
    rrf_k: the reciprocal-rank-fusion constant; fused = sum(weight / (rrf_k + rank)).
    dense_weight, words_weight, names_weight: each retriever's weight in the fusion.
    rerank_depth: how many fused candidates are re-scored sentence by sentence (0 turns it off).
    fused_weight, sentence_weight, overlap_weight, passage_weight: the final score's mix of the normalised
    fused score, the best sentence's cosine with the question, that sentence's IDF-weighted share of the
    question's words, and the whole passage's cosine with the question.
    """

    candidates: int = 50
    rrf_k: int = 60
    dense_weight: float = 1.0
    words_weight: float = 1.0
    names_weight: float = 0.5
    rerank_depth: int = 20
    fused_weight: float = 0.5
    sentence_weight: float = 1.0
    overlap_weight: float = 1.0
    passage_weight: float = 0.5


@dataclass(frozen=True)
class Sentence:
    """One sentence of a hit: offsets in the source document and how well it matches the question;
    ``judged``: the answer-sentence model's log-odds that it answers the question (``qa.judge``), when
    the answer step has judged it."""

    start: int
    end: int
    text: str
    similarity: float
    overlap: float
    score: float
    judged: float | None = None


@dataclass(frozen=True)
class Trace:
    """How a hit was ranked: each retriever's rank (1-based, None when it did not return the passage)
    and score, the fused score, the best sentence's score and the final score."""

    dense_rank: int | None
    dense_score: float | None
    words_rank: int | None
    words_score: float | None
    names_rank: int | None
    names_score: float | None
    fused_score: float
    sentence_score: float | None
    final_score: float


@dataclass(frozen=True)
class Hit:
    """A retrieved passage: ``text == document[start:end]``; ``score`` is the final ranking score;
    ``heading``: the path of the headings the passage sits under (``index.chunk.Passage.heading``)."""

    source: str
    start: int
    end: int
    text: str
    score: float
    trace: Trace
    sentences: tuple[Sentence, ...] = ()
    heading: str = ""

    @property
    def best_sentence(self) -> Sentence | None:
        return max(self.sentences, key=lambda s: s.score, default=None)


def reciprocal_rank_fusion(
    rankings: list[list[int]], weights: list[float], k: int
) -> dict[int, float]:
    """Fuse rankings (lists of ids, best first): score(id) = sum of weight / (k + rank), rank from 1.

    Example:
        >>> reciprocal_rank_fusion([[1, 2], [2]], [1.0, 1.0], k=60)[2] == 1 / 62 + 1 / 61
        True
    """
    if len(rankings) != len(weights):
        raise ValueError(f"{len(rankings)} rankings but {len(weights)} weights")
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, item in enumerate(dict.fromkeys(ranking), start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


@dataclass(frozen=True)
class QueryTerms:
    """The question's content words as name keys, each with the indexed spellings that count as it and
    an IDF weight, so that rare words (names) weigh more than common ones."""

    groups: tuple[frozenset[str], ...]
    weights: tuple[float, ...]
    indexed: tuple[str, ...] = ()  # the indexed spellings, in question order, for the name-key BM25 search

    @classmethod
    def of(cls, question: str, names: LexicalIndex) -> QueryTerms:
        groups, weights = [], []
        indexed: list[str] = []
        for key in dict.fromkeys(key_tokens(question)):
            spellings = names.variants(key)
            indexed.extend(spellings)
            groups.append(frozenset([key, *spellings]))
            weights.append(max(names.idf(v) for v in groups[-1]))
        return cls(tuple(groups), tuple(weights), tuple(dict.fromkeys(indexed)))

    def overlap(self, text: str, keys: frozenset[str] | None = None) -> float:
        """IDF-weighted share of the question's words that text contains (in any accepted spelling);
        ``keys``: text's name keys, when they are known already."""
        total = sum(self.weights)
        if not total:
            return 0.0
        keys = frozenset(key_tokens(text)) if keys is None else keys
        return sum(w for group, w in zip(self.groups, self.weights) if group & keys) / total


class Retriever:
    """Ranks an index's passages for a question. Stateless after construction, so thread-safe."""

    def __init__(self, index: Index, embedder: Embedder, settings: RetrievalSettings = RetrievalSettings()):
        self.index, self.embedder, self.settings = index, embedder, settings

    def retrieve(self, question: str, k: int, query_vector: np.ndarray | None = None) -> list[Hit]:
        """The k best passages for question, best first, each with its trace and scored sentences."""
        if not self.index.passage_count:
            return []
        if query_vector is None:
            query_vector = self.embedder.encode([question])[0]
        ids, scores = self.index.store.search(query_vector[None, :], self._dense_depth(k))
        return self._rank(question, k, query_vector, ids[0], scores[0])

    def retrieve_many(self, questions: list[str], k: int) -> list[list[Hit]]:
        """``retrieve`` for many questions, with one batched embedding pass and one batched vector search
        (several times faster per question than one at a time; ``benchmarks.speed`` measures it)."""
        if not self.index.passage_count or not questions:
            return [[] for _ in questions]
        vectors = self.embedder.encode(questions)
        ids, scores = self.index.store.search(vectors, self._dense_depth(k))
        return [self._rank(q, k, v, i, s) for q, v, i, s in zip(questions, vectors, ids, scores)]

    def first_mentions(self, question: str, name: str, sources: list[str],
                       query_vector: np.ndarray | None = None) -> list[Hit]:
        """For each of sources, its first passage (in text order) with a sentence that names name
        (spelled alike), its sentences scored for question as a retrieved hit's are: news gives a
        person's title at the first mention ("Italian President Anna Rossi") and drops it later.
        query_vector: the question's embedding, when the caller has it already."""
        keys = set(key_tokens(name.split()[-1])) if name.split() else set()  # the surname: not any "Anna"
        rows = []
        for source in dict.fromkeys(sources):
            row = next((r for r in self.index.rows_of(source)
                        if any(spelled_alike(k, keys) for names in self.index.passage_sentences(r)[1] for k in names)),
                       None)
            if row is not None:
                rows.append(row)
        if not rows or not keys:
            return []
        if query_vector is None:
            query_vector = self.embedder.encode([question])[0]
        sentences = self._score_sentences(QueryTerms.of(question, self.index.lexical_names), query_vector, rows)
        hits = []
        for row in rows:
            p, best = self.index.passages[row], max(s.score for s in sentences[row])
            trace = Trace(None, None, None, None, None, None, 0.0, best, best)
            hits.append(Hit(p.source, p.start, p.end, p.text, best, trace, tuple(sentences[row]), p.heading))
        return hits

    def following(self, hit: Hit) -> Hit | None:
        """hit joined with the next passage of its document when that one starts inside or right after it
        and under the same headings (a list that runs on past the passage), its new sentences unscored;
        None when there is no such passage. (Where the next passage starts a character or two after hit,
        the joined text holds a line break there: it is read for list lines; quotes come from sentences.)"""
        rows = self.index.rows_of(hit.source)
        later = [r for r in rows if self.index.passages[r].start > hit.start]
        if not later:
            return None
        p = self.index.passages[later[0]]
        if p.start > hit.end + 2 or p.heading != hit.heading or p.end <= hit.end:
            return None
        spans, _, _ = self.index.passage_sentences(later[0])
        text = hit.text + "\n" * (p.start - hit.end) + p.text[max(0, hit.end - p.start):]
        added = [Sentence(s, e, p.text[s - p.start : e - p.start], 0.0, 0.0, 0.0) for s, e in spans if s >= hit.end]
        return Hit(hit.source, hit.start, p.end, text, hit.score, hit.trace, hit.sentences + tuple(added), hit.heading)

    def _dense_depth(self, k: int) -> int:
        """How many vector hits to ask for: the candidates, plus the retired rows that may be among them."""
        return max(self.settings.candidates, k) + len(self.index.passages) - self.index.passage_count

    def _rank(self, question: str, k: int, query_vector: np.ndarray, dense_ids: np.ndarray,
              dense_scores: np.ndarray) -> list[Hit]:
        settings, index = self.settings, self.index
        n = settings.candidates
        dense = {i: score for i, score in zip(dense_ids.tolist(), dense_scores.tolist()) if i >= 0 and index.alive[i]}
        dense = dict(list(dense.items())[: max(n, k)])
        terms = QueryTerms.of(question, index.lexical_names)  # fuzzy name matching, done once per question
        words = dict(zip(*(a.tolist() for a in index.lexical_words.search(question, n))))
        names = dict(zip(*(a.tolist() for a in index.lexical_names.search_tokens(list(terms.indexed), n))))
        rankings = [list(dense), list(words), list(names)]
        fused = reciprocal_rank_fusion(
            rankings, [settings.dense_weight, settings.words_weight, settings.names_weight], settings.rrf_k
        )
        order = sorted(fused, key=lambda i: -fused[i])
        ranks = [{item: r for r, item in enumerate(ranking, start=1)} for ranking in rankings]
        top_fused = fused[order[0]]
        depth = max(k, settings.rerank_depth)
        candidates = order[:depth]
        sentences = self._score_sentences(terms, query_vector, candidates) if settings.rerank_depth else {}
        hits = []
        for i in candidates:
            best = max(sentences.get(i, ()), key=lambda s: s.score, default=None)
            if settings.rerank_depth:
                final = (settings.fused_weight * fused[i] / top_fused + (best.score if best else 0.0)
                         + settings.passage_weight * float(index.vectors[i] @ query_vector))
            else:
                final = fused[i]
            p = index.passages[i]
            trace = Trace(
                ranks[0].get(i), dense.get(i), ranks[1].get(i), words.get(i), ranks[2].get(i), names.get(i),
                fused[i], best.score if best else None, final,
            )
            hits.append(Hit(p.source, p.start, p.end, p.text, final, trace, tuple(sentences.get(i, ())), p.heading))
        hits.sort(key=lambda h: -h.score)
        return hits[:k]

    def _score_sentences(
        self, terms: QueryTerms, query_vector: np.ndarray, rows: list[int]
    ) -> dict[int, list[Sentence]]:
        result: dict[int, list[Sentence]] = {}
        for row in rows:
            p = self.index.passages[row]
            spans, keys, vectors = self.index.passage_sentences(row)
            similarities = (vectors.astype(np.float32) @ query_vector).tolist()
            scored = []
            for (start, end), sentence_keys, sim in zip(spans, keys, similarities):
                text = p.text[start - p.start : end - p.start]
                overlap = terms.overlap(text, sentence_keys)
                score = self.settings.sentence_weight * sim + self.settings.overlap_weight * overlap
                scored.append(Sentence(start, end, text, sim, overlap, score))
            result[row] = scored
        return result
