"""Turn retrieved hits (and the reader's spans) into an answer: short answer, evidence, citations, or
an honest "not in the documents". Never writes text that is not quoted from the documents."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace

from index.lexical import key_tokens
from index.names import name_key, similar_keys, spelled_alike
from index.structure import find_headings, open_headings
from qa.answer_type import NEGATION, YES_NO, expected_type, matches
from qa.describe import Description, asked_description, asked_name, beside_name, describe, named_by
from qa.reader import PassageRef, Reader, Span
from qa.retrieve import Hit, Sentence

NOT_FOUND = "The documents do not answer this question."
MAX_TABLE_ROWS = 15  # rows of a table the reader reads with the row it was sent to
CORROBORATION_COVERAGE = 0.5  # of the evidence's question-word overlap, for an answer that is not a name


@dataclass(frozen=True)
class Citation:
    """A quoted sentence: ``quote == document[start:end]`` for the document ``source`` (its extracted
    text, ``Assistant.document_text``); ``page``: the PDF page the quote starts on (1-based), None for
    other formats."""

    source: str
    start: int
    end: int
    quote: str
    page: int | None = None


@dataclass(frozen=True)
class Answer:
    """The reply to a question.

    text: the short answer (when the reader found one), then the evidence sentences with [n] markers;
        or NOT_FOUND when ``answerable`` is False.
    short_answer: the answer span alone ("" when there is none).
    citations: the quoted evidence, numbered as in text; empty when not answerable.
    hits: the retrieved passages the answer was drawn from (shown as "closest passages" when not answerable).
    signals: the inputs of the answerable decision (see ``READER_SIGNALS``; ``sentence_score`` without
        the reader).
    score: the decision's log-odds, a weighted sum of the signals (weights fitted on squad-dev by
        ``python -m qa eval``, see ``AnswerSettings``); -inf when nothing was found, +inf for an answer
        read from an article's byline or dateline (``qa.article``); None for both in ``as_dict``.
    confidence: sigmoid(score), the probability that the answer is right, in [0, 1]; ``answerable`` is
        ``confidence >= AnswerSettings.answer_threshold`` (with quotable evidence).
    other_spellings: names in the cited sentences that spell a name of the short answer another way
        (translated news: one source's "Gorbatschow" for another's "Gorbachev").
    note: what the quotes are, when they are not the evidence of a short answer ("" otherwise): a
        yes-or-no question is answered by quoting what the documents say on it (``YES_NO_LEAD``), a
        request about a topic by quoting what they say about it (``qa.topic``), a reason, steps or a
        list by the sentences or items that give it (``qa.forms``).
    searched: what was searched for, when it differs from the question as asked: typos corrected against
        the documents' words, a polite wrapper or leading emoji dropped (``qa.plan``); "" otherwise.
    form: the form of answer the question asked for (``qa.plan``: "span", "reason", "list", ...).
    """

    question: str
    text: str
    answerable: bool
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    short_answer: str = ""
    confidence: float = 0.0
    score: float = float("-inf")
    signals: dict[str, float] = field(default_factory=dict)
    other_spellings: tuple[str, ...] = ()
    note: str = ""
    searched: str = ""
    form: str = ""

    @property
    def short(self) -> str:
        """The short answer alone (same as ``short_answer``)."""
        return self.short_answer

    def as_dict(self) -> dict:
        """The answer as JSON-ready data (``asdict``, with an infinite ``score`` as None)."""
        return json_ready(asdict(self))


def json_ready(data: object) -> object:
    """data with every infinite or NaN float replaced by None: ``Infinity`` is not JSON, and jq or a
    browser's ``JSON.parse`` reject it.

    Example:
        >>> json_ready({"score": float("-inf"), "rows": [1.5]})
        {'score': None, 'rows': [1.5]}
    """
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: json_ready(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [json_ready(value) for value in data]
    return data


@dataclass(frozen=True)
class AnswerSettings:
    """read_depth: passages the reader reads; answerability: weights of ``READER_SIGNALS`` then a bias,
    whose sum is the log-odds that the reader's answer is right, and answer_threshold: the probability at
    which an answer is given (both fitted on squad-dev by ``python -m qa eval``; see README, "Evaluation");
    sentence_answerability and sentence_answer_threshold: the same for the sentence-only path (no reader),
    over the best sentence's score; min_similarity: evidence whose best sentence is less similar to the
    question than this is never an answer; max_evidence: sentences quoted at most; type_penalty: subtracted
    from the reader margin when the span is not of the kind the question asks for (see ``qa.answer_type``);
    context_sentences: the reader reads each hit's best sentence with this many sentences either side
    (None: the whole passage), which halves reading time; disagreement_gap: another document's different
    answer is shown as a disagreement when its margin is within this much of the best answer's and its
    sentence covers the question's words as fully as the evidence does; corroboration_depth: how many
    retrieved passages are searched for other documents that name the same answer."""

    read_depth: int = 3
    # Fitted on squad-dev, the seeds set and the workplace set together by `python -m qa.fit ...
    # --max-false-refusal 0.2` (README, "Evaluation"): the threshold keeps false refusals at or under 20% of
    # the pooled answerable questions. Fitted with the stage-5 reader and the stage-2 answer-sentence model
    # and kept with their successors: the refit with them gave the retrieval score and the sentence score
    # negative weights (they move with the model's log-odds) and refused plain answers outside the three sets.
    answerability: tuple[float, ...] = (0.1515, 0.09, 1.442, 0.2018, 0.4277, 0.4678, 0.4921, 0.0796, -1.5869)
    answer_threshold: float = 0.317
    type_penalty: float = 6.0
    context_sentences: int | None = 1
    disagreement_gap: float = 3.0
    corroboration_depth: int = 10
    min_similarity: float = 0.25
    max_evidence: int = 3
    sentence_answerability: tuple[float, ...] = (-0.5021, 0.6571, 0.3899)  # the same command
    sentence_answer_threshold: float = 0.338
    sentence_fallback_probability: float = 0.8  # a sentence answers a refused short-answer question above this

    def __post_init__(self) -> None:
        for names, weights in ((READER_SIGNALS, self.answerability), (SENTENCE_SIGNALS, self.sentence_answerability)):
            if len(weights) != len(names) + 1:
                raise ValueError(f"{len(weights)} answerability weights for {len(names)} signals {names} and a bias")

    def log_odds(self, signals: dict[str, float]) -> float:
        """The decision score of a set of signals (reader or sentence-only, by their names)."""
        names, weights = ((SENTENCE_SIGNALS, self.sentence_answerability) if "sentence_score" in signals
                          else (READER_SIGNALS, self.answerability))
        return sum(w * signals[n] for n, w in zip(names, weights)) + weights[-1]


READER_SIGNALS = ("margin", "top_score", "evidence_similarity", "evidence_overlap", "passage_overlap",
                  "negation_unmatched", "judged", "best_judged")
# "judged": the answer-sentence model's log-odds for the evidence sentence (``qa.judge``); "best_judged": the
# highest it gave any sentence read. Both are 0.0 when the model is not there.
SENTENCE_SIGNALS = ("sentence_score", "judged")


def negation_unmatched(question: str, evidence: str) -> float:
    """1.0 when the question is negated ("Who was not...", "What didn't...") and the evidence sentence
    negates nothing: a negated question asked of a plain statement is a classic unanswerable question
    (SQuAD 2.0's "negation" kind), which the reader notices only weakly.

    Example:
        >>> negation_unmatched("Who did not sign the treaty?", "Rossi signed the treaty.")
        1.0
    """
    return float(bool(NEGATION.search(question)) and not NEGATION.search(evidence))


def sigmoid(score: float) -> float:
    if not math.isfinite(score):
        return 0.0 if score < 0 else 1.0
    return 1.0 / (1.0 + math.exp(-score))


def _sentence_of(hit: Hit, start: int, end: int) -> Sentence | None:
    return next((s for s in hit.sentences if s.start <= start and end <= s.end), None)


def _name_keys(text: str) -> set[str]:
    """Keys of the capitalised words of text (the names in an answer), or of all its words if none."""
    names = [w for w in re.findall(r"\w+", text) if w[0].isupper() and len(w) > 1]
    return set(key_tokens(" ".join(names))) or set(key_tokens(text))


def _names_of(text: str) -> set[str]:
    """Keys of the capitalised words of text (none when it has none)."""
    return set(key_tokens(" ".join(w for w in re.findall(r"\w+", text) if w[0].isupper())))


def _is_name(text: str) -> bool:
    """Whether text is mostly capitalised words, as names are ("Anna Rossi and the lawyer Tom Berg"), not a
    phrase that holds one ("a provocation of the Russian forces")."""
    words = [w for w in re.findall(r"[^\W\d_]+", text) if w.lower() not in ("and", "the", "of", "de", "van", "von")]
    return bool(words) and 2 * sum(w[0].isupper() for w in words) >= len(words)


def _mentions(answer_keys: set[str], sentence: Sentence) -> bool:
    """True when sentence names the answer: all of its name keys when it has up to three, else at least
    half; keys of 5+ letters also match one edit away (Gorbachev / Gorbatschow)."""
    if not answer_keys:
        return False
    sentence_keys = set(key_tokens(sentence.text))
    found = sum(spelled_alike(key, sentence_keys) for key in answer_keys)
    return found == len(answer_keys) if len(answer_keys) <= 3 else found * 2 >= len(answer_keys)


_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


def _corroborations(short: str, evidence: Sentence, source: str, hits: list[Hit],
                    settings: AnswerSettings) -> list[Citation]:
    """The best sentence of each other document that names the answer (spelling-tolerant), up to
    ``settings.max_evidence`` quotes with the evidence. A name is distinctive: a sentence that names it
    corroborates. Common words ("two", "a provocation of the Russian forces") are not: such a sentence must
    also cover ``CORROBORATION_COVERAGE`` of the question's words that the evidence covers ("two former
    chiefs" does not corroborate "two" for "how many were arrested?")."""
    answer_keys = _name_keys(short)
    figures = _FIGURE.findall(short)  # "GBP 5 per month" is named by a sentence with 5, not by any with GBP
    floor = 0.0 if _is_name(short) else CORROBORATION_COVERAGE * evidence.overlap
    found: list[Citation] = []
    for hit in hits:
        if len(found) + 1 >= settings.max_evidence or hit.source in {source, *(c.source for c in found)}:
            continue
        naming = [s for s in hit.sentences if s.similarity >= settings.min_similarity and _mentions(answer_keys, s)
                  and s.overlap >= floor and all(f in _FIGURE.findall(s.text) for f in figures)]
        if naming:
            found.append(cite(max(naming, key=lambda s: s.score), hit.source))
    return found


def cite(sentence: Sentence, source: str) -> Citation:
    """The citation of a scored sentence of source: its span, and its text as the quote."""
    return Citation(source, sentence.start, sentence.end, sentence.text)


def other_spellings(short: str, quotes: list[str]) -> list[str]:
    """Capitalised words of quotes that spell a name of short another way: the same name key, or keys of
    5+ letters one edit apart (``index.names``), but not the same word.

    Example:
        >>> other_spellings("Mikhail Gorbachev", ["Michail Gorbatschow sprach."])
        ['Michail', 'Gorbatschow']
    """
    said = {w.lower() for w in re.findall(r"\w+", short)}
    keys = {k for w in re.findall(r"\w+", short) if w[:1].isupper() for k in key_tokens(w)}
    found = []
    for quote in quotes:
        for word in re.findall(r"\w+", quote):
            if not word[0].isupper() or len(word) < 4 or word.lower() in said:
                continue
            key = next(iter(key_tokens(word)), "")
            if key and spelled_alike(key, keys):
                found.append(word)
    return list(dict.fromkeys(found))


def render(short: str, citations: list[Citation], spellings: Sequence[str] = ()) -> str:
    """An answer's text: the short answer (with its other spellings), then each quote with its [n]."""
    if short and spellings:
        short = f"{short} (also spelled {', '.join(spellings)})"
    lines = [short, ""] if short else []
    first = citations[0].source if citations else ""
    for n, c in enumerate(citations, start=1):
        prefix = "" if c.source == first else f"Also in {c.source}: "
        lines.append(f"{prefix}{quoted(c.quote)} [{n}]")
    return "\n".join(lines)


_QUOTE_MARKS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"


def quoted(text: str) -> str:
    """text in quote marks, unless it is a quotation already (a sentence that is all someone's words).

    Example:
        >>> quoted('He left.'), quoted('"We left," he said.'), quoted('\u201cWe left.\u201d')
        ('"He left."', '""We left," he said."', '\u201cWe left.\u201d')
    """
    if len(text) > 1 and text[0] in _QUOTE_MARKS and text[-1] in _QUOTE_MARKS:
        return text
    return f'"{text}"'


def not_found(question: str, hits: list[Hit], score: float = float("-inf"), signals: dict | None = None) -> Answer:
    return Answer(question, NOT_FOUND, False, (), tuple(hits), "", sigmoid(score), score, signals or {})


def distinct_sentences(found: list[tuple[Sentence, str]]) -> list[tuple[Sentence, str]]:
    """found (sentence, source) pairs without repeats, in order: passages overlap, so one sentence of a
    document can come with two hits."""
    seen: set[tuple[str, int, int]] = set()
    kept = []
    for sentence, source in found:
        if (source, sentence.start, sentence.end) not in seen:
            seen.add((source, sentence.start, sentence.end))
            kept.append((sentence, source))
    return kept


YES_NO_LEAD = "What the documents say on this (quoted: judge the yes or no from the sources):"


def answer_from_sentences(question: str, hits: list[Hit], settings: AnswerSettings, note: str = "") -> Answer:
    """The sentence-only answer: the best-matching sentences of the top hits, quoted and cited, after
    ``note`` (a line that says what the quotes are)."""
    scored = distinct_sentences(sorted(
        ((s, h.source) for h in hits[: settings.read_depth] for s in h.sentences), key=lambda x: -x[0].score
    ))
    if not scored:
        return not_found(question, hits)
    best = scored[0][0]
    signals = {"sentence_score": best.score, "judged": best.judged if best.judged is not None else 0.0}
    score = settings.log_odds(signals)
    if sigmoid(score) < settings.sentence_answer_threshold or best.similarity < settings.min_similarity:
        return not_found(question, hits, score, signals)
    chosen = [c for c in scored if c[0].score >= best.score - 0.1][: settings.max_evidence]
    citations = [cite(s, source) for s, source in chosen]
    return Answer(question, render(note, citations), True, tuple(citations), tuple(hits), "", sigmoid(score), score,
                  signals, note=note)


_NAME = r"(?:[A-Z][\w'\u2019-]*\.?\s?)+"
# "A and the lawyer B", "A, B and C": a comma continues a list only when another name and "and" follow.
_AFTER = re.compile(
    r"(?:\s+(?:and|&)\s+(?:the\s+)?(?:[a-z]+\s+){0,2}?|,\s*(?:and\s+)?(?:the\s+)?(?=" + _NAME + r"(?:,|\s+and\s)))"
    r"(" + _NAME + r")"
)
_BEFORE = re.compile(r"(" + _NAME + r")\s+(?:and|&)\s+(?:the\s+)?(?:[a-z]+\s+){0,3}?$")


_ASKS_FOR_NAMES = re.compile(r"^\s*(?:who|whom)\b|\b(?:which|what)\s+(?!does\b|is\b|was\b|has\b)\w+s\b", re.I)
# "Who is the mayor?", "Who was Anna Rossi's adviser?": one person, asked by a singular noun phrase.
_ASKS_FOR_ONE = re.compile(r"^\s*[Ww]ho\s+(?:is|was)\s+(?:the|a|an|(?:[A-Z][\w-]*\s+)*[A-Z][\w-]*(?:'s|\u2019s))\s")


def asks_for_names(question: str) -> bool:
    """Who/whom questions and "which/what <plural noun>" questions, whose answer may be a list of names;
    not "who is/was the <role>", which asks for one."""
    return bool(_ASKS_FOR_NAMES.search(question)) and not _ASKS_FOR_ONE.search(question)


def extend_to_list(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a name span [start, end) of text to the coordinated names around it ("A and the lawyer B",
    "A, B and C"), so that a question about several people gets all of them. Other spans are returned as
    they are."""
    if not re.fullmatch(_NAME, text[start:end].strip() + " "):
        return start, end
    while (match := _AFTER.match(text, end)) and match.group(1).strip():
        end = match.start(1) + len(match.group(1).rstrip())
    while (match := _BEFORE.search(text, 0, start)) and match.group(1).strip():
        start = match.start(1)
    if text[start:end].endswith(".") and not text[end:].strip():
        end -= 1  # the sentence's full stop, not an abbreviation's
    return start, end


_PAIRS = {"\u201c": "\u201d", "\u2018": "\u2019", "(": ")", "[": "]", "\u00ab": "\u00bb"}
_CLOSERS = {close: open_ for open_, close in _PAIRS.items()}


def balanced(text: str, start: int, end: int) -> tuple[int, int]:
    """The span [start, end) of text without a quote mark or bracket at an edge whose partner is not in
    the span, without quotes around it all, and without a trailing comma or semicolon: 'a provocation\u201d'
    -> 'a provocation'. A span that would be left empty is returned as it was.

    Example:
        >>> text = 'She called it a \u201cprovocation\u201d, and left.'
        >>> text[slice(*balanced(text, 17, 30))]
        'provocation'
    """
    original = start, end
    while end > start:
        span, last = text[start:end], text[end - 1]
        if len(span) > 2 and _PAIRS.get(span[0], '"' if span[0] == '"' else None) == last and span[0] not in span[1:-1]:
            start, end = start + 1, end - 1  # quoted as a whole: the words, not the quotes
        elif last in ",;:" or (last in _CLOSERS and _CLOSERS[last] not in span[:-1]) or (
                last == '"' and span.count('"') % 2):
            end -= 1
        elif span[0] in _PAIRS and _PAIRS[span[0]] not in span[1:] or (span[0] == '"' and span.count('"') % 2):
            start += 1
        else:
            break
    while end > start and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else original


def _focus(hit: Hit, context: int | None) -> PassageRef:
    """The part of hit the reader reads: its best sentence, and the one the answer-sentence model judges
    best when that is another (only that one when they are far apart), with ``context`` sentences either
    side."""
    best = hit.best_sentence
    if context is None or best is None:
        return PassageRef(hit.source, hit.start, hit.text)
    judged = max((s for s in hit.sentences if s.judged is not None), key=lambda s: s.judged, default=best)
    i, j = sorted((hit.sentences.index(best), hit.sentences.index(judged)))
    if j - i > 2 * context + 1:  # far apart: the one the model judges, read alone (reading time grows with length)
        i = j = hit.sentences.index(judged)
    lo, hi = max(0, i - context), min(len(hit.sentences) - 1, j + context)
    first, last = hit.sentences[lo], hit.sentences[hi]
    rows = [j for j in range(lo, hi + 1) if is_table_row(hit.sentences[j].text)]
    if rows:  # a table is read whole (up to MAX_TABLE_ROWS rows), with its first row, the column names
        top, bottom = rows[0], rows[-1]
        while top > 0 and is_table_row(hit.sentences[top - 1].text):
            top -= 1
        while (bottom + 1 < len(hit.sentences) and is_table_row(hit.sentences[bottom + 1].text)
               and bottom - top < MAX_TABLE_ROWS):
            bottom += 1
        first, last = hit.sentences[min(top, lo)], hit.sentences[max(bottom, hi)]
    return PassageRef(hit.source, first.start, hit.text[first.start - hit.start : last.end - hit.start])


def is_table_row(line: str) -> bool:
    """Whether a line is a row of a table: Markdown's "| a | b |", or cells joined by " | " as the PDF,
    Word and HTML loaders write them."""
    return line.lstrip().startswith("|") or " | " in line


def is_question(sentence: Sentence) -> bool:
    """A sentence that asks (an FAQ heading, "What do I do?"): it is never the evidence of an answer."""
    return sentence.text.rstrip(" *_#").endswith("?")


def _alternative(best: Span, evidence: Sentence, answer_keys: set[str], candidates: list[tuple[Span, Hit]],
                 floor: float) -> tuple[Span, Hit, Sentence] | None:
    """A span from another document, about as confident as the best (margin >= floor), that names
    something else in a sentence that covers the question's words as fully as the evidence does: the
    sources disagree. (A sentence that lacks some of them, "officials were arrested" against "who was
    arrested in <city>?", is about something else, not a disagreement.)"""
    for span, hit in sorted(candidates, key=lambda c: -c[0].margin):
        if span.source == best.source or span.margin < floor or answer_keys & set(key_tokens(span.text)):
            continue
        sentence = _sentence_of(hit, span.start, span.end)
        if sentence is not None and sentence.overlap >= evidence.overlap:
            return span, hit, sentence
    return None


_LETTERS = re.compile(r"[^\W\d_]+")


def spelled_as_in(question: str, passage: str) -> str:
    """The question with each name spelled as the passage spells it, where they differ: the reader was
    trained to treat a name missing from the passage as a sign the answer is not there, so "Where does
    Khodorkovsky live?" is read against a passage about "Chodorkowski" as "Where does Chodorkowski live?".
    Capitalised words match by name key (``index.names.name_key``, ``similar_keys``)."""
    spellings: dict[str, str] = {}
    for word in _LETTERS.findall(passage):
        if word[0].isupper():
            spellings.setdefault(name_key(word), word)
    keys = list(spellings)

    def respell(match: re.Match) -> str:
        word = match.group()
        if not word[0].isupper() or len(word) < 4 or word in passage:
            return word
        key = name_key(word)
        near = [key] if key in spellings else similar_keys(key, keys)
        return spellings[near[0]] if len(near) == 1 else word

    return _LETTERS.sub(respell, question)


def _first_found(find: Callable[[str], Description | None], evidence: Sentence, hit: Hit,
                 hits: list[Hit]) -> tuple[Sentence, Hit, Description] | None:
    """The first sentence where find finds something: the evidence, else the retrieved sentences best
    match first; with its hit and what was found (``qa.describe``'s ``describe`` or ``named_by``)."""
    others = sorted(((s, h) for h in hits for s in h.sentences if s != evidence), key=lambda c: -c[0].score)
    for sentence, sentence_hit in [(evidence, hit), *others]:
        if (found := find(sentence.text)) is not None:
            return sentence, sentence_hit, found
    return None


def _best_judged_in(hit: Hit, focus: PassageRef) -> Sentence | None:
    """The sentence of hit inside focus that the answer-sentence model judges best (not one that asks);
    None when it judged none there."""
    inside = [s for s in hit.sentences if s.judged is not None and focus.start <= s.start
              and s.end <= focus.start + len(focus.text) and not is_question(s)]
    return max(inside, key=lambda s: s.judged, default=None)


def answer_with_reader(question: str, hits: list[Hit], reader: Reader, settings: AnswerSettings) -> Answer:
    """The reader's span, across the top hits, that the answerable model rates most likely right
    (widened to a list of names where the sentence coordinates them), its sentence as evidence, every
    other retrieved sentence that names the same answer (corroboration, spelling-tolerant), and a
    confident different answer from another document when there is one (disagreement)."""
    read = hits[: settings.read_depth]
    focus = [_focus(h, settings.context_sentences) for h in read]
    # Besides its best span, each passage's best span inside the sentence the answer-sentence model judges
    # best there: the reader may take a neighbour's span ("Customer Success Manager: ..." beside the asked
    # "Account executive: ..."), and the decision below weighs the two by their sentences.
    # A passage whose best span is of the wrong kind ("three months" for "How much does it cost?") also
    # offers its next best span, which the decision weighs with the type penalty.
    judged = [_best_judged_in(h, f) for h, f in zip(read, focus)]
    read_spans = reader.read_within([spelled_as_in(question, f.text) for f in focus], focus,
                                    [[(s.start, s.end)] if s is not None else [] for s in judged], runner_up=True)
    candidates = [(spans[0], hit) for spans, hit in zip(read_spans, read) if spans[0] is not None]
    if not candidates:
        return not_found(question, hits)
    kind = expected_type(question)
    asked = set(key_tokens(question))  # a name the question itself names does not answer it ("Joe Biden"
    # for "Who confirmed the call between Putin and Biden?")
    proposed = candidates + [(span, hit) for spans, hit in zip(read_spans, read) for span in spans[1:-1]
                             if span is not None and span != spans[0] and not _names_of(span.text) & asked]
    proposed += [(spans[-1], hit) for spans, hit in zip(read_spans, read) if spans[0] is not None
                 and spans[-1] is not None and not matches(kind, spans[0].text) and matches(kind, spans[-1].text)]

    def decision_score(span: Span) -> float:
        return span.margin - (0.0 if matches(kind, span.text) else settings.type_penalty)

    judged_any = [s.judged for h in hits for s in h.sentences if s.judged is not None]

    def signals_of(span: Span, hit: Hit, evidence: Sentence) -> dict[str, float]:
        return {"margin": decision_score(span), "top_score": hits[0].score, "evidence_similarity": evidence.similarity,
                "evidence_overlap": evidence.overlap, "passage_overlap": max(s.overlap for s in hit.sentences),
                "negation_unmatched": negation_unmatched(question, evidence.text),
                "judged": evidence.judged if evidence.judged is not None else (min(judged_any) if judged_any else 0.0),
                "best_judged": max(judged_any, default=0.0)}

    # Each passage's span is weighed by the answerable decision itself: the reader's margin and how well
    # its sentence matches the question, so a confident span in a sentence about something else loses.
    weighed = [(settings.log_odds(signals_of(span, hit, sentence)), span, hit, sentence)
               for span, hit in proposed
               if (sentence := _sentence_of(hit, span.start, span.end)) is not None and not is_question(sentence)]
    if not weighed:
        return not_found(question, hits)
    score, best, best_hit, evidence = max(weighed, key=lambda w: w[0])
    signals = signals_of(best, best_hit, evidence)
    similarity = max((s.similarity for h in read for s in h.sentences), default=0.0)
    refused = sigmoid(score) < settings.answer_threshold or similarity < settings.min_similarity
    local_start, local_end = best.start - evidence.start, best.end - evidence.start
    name, wanted = asked_name(question), asked_description(question)
    # "Who is X?": the title the evidence gives X; else, unless the reader's span stands beside X as its
    # title, the title the best retrieved sentence gives X (the reader, trained on factoid questions,
    # tends to answer with another name). "Which of them is Swiss?": the name a sentence calls Swiss.
    # A title the documents attach to X answers "Who is X?" whatever the decision says, as a byline
    # answers "Who wrote it?": it is there or not.
    described = None
    if name and (found := describe(name, evidence.text)) is not None:
        described = evidence, best_hit, found
    elif name and (refused or not beside_name(name, evidence.text, local_start, local_end)):
        described = _first_found(lambda text: describe(name, text), evidence, best_hit, hits)
    # Likewise the one name a sentence calls what "Which of them is a pilot?" asks for answers it.
    named = _first_found(lambda text: named_by(wanted, text), evidence, best_hit, hits) if wanted else None
    if refused and described is None and named is None:
        return not_found(question, hits, score, signals)
    if refused:
        score = float("inf")  # answered by the rule, not the decision: outside its fit, as a byline is
    if described is not None or named is not None:
        evidence, best_hit, found = described or named
        local_start, local_end = found.start, found.end
    elif asks_for_names(question):
        local_start, local_end = extend_to_list(evidence.text, local_start, local_end)
    local_start, local_end = balanced(evidence.text, local_start, local_end)
    short = evidence.text[local_start:local_end]
    answer_keys = _name_keys(short)
    citations = [cite(evidence, best_hit.source), *_corroborations(short, evidence, best_hit.source, hits, settings)]
    spellings = other_spellings(short, [c.quote for c in citations])
    text = render(short, citations, spellings)
    other = None if described or named else _alternative(best, evidence, answer_keys, candidates,
                                                decision_score(best) - settings.disagreement_gap)
    if other is not None:
        span, hit, sentence = other
        citations.append(cite(sentence, hit.source))
        text += f"\n\nThe sources differ: {hit.source} says {span.text}: {quoted(sentence.text)} [{len(citations)}]"
    return Answer(question, text, True, tuple(citations), tuple(hits), short, sigmoid(score), score, signals,
                  tuple(spellings))


OPENS_WITH_PRONOUN = re.compile(r"^\W*(?:he|she|it|they|his|her|its|their)\b", re.I)


# A year or version the question names ("2024", "4.2"): a name too, matched exactly; not a bare small number.
_NUMBER = re.compile(r"(?<![\w.,])(?:(?:19|20)\d\d(?:'?s)?|\d+(?:\.\d+)+)(?!\w|[.,]\d)")  # "1950's" = "1950s"


# A year named only as what something is compared with ("19% higher than Q1 2024", "up from 2023") is not
# the year the sentence is about.
_COMPARED_WITH = re.compile(r"\b(?:than|compared\s+(?:with|to)|versus|vs\.?|(?:up|down)\s+from|against)\s+"
                            r"(?:(?:in|during|for)\s+)?"
                            r"(?:(?:the\s+)?(?:same\s+)?(?:period|quarter|month|year)\s+(?:of|in)\s+)?"
                            r"(?:(?:q[1-4]|h[12]|fy)\s*)?(?:19|20)\d\d\b", re.I)


def _numbers(text: str) -> set[str]:
    """The years, decades and version numbers text names, decades without their apostrophe; not a year it
    names only to compare with.

    Example:
        >>> sorted(_numbers("In the 1950's, version 4.2 shipped; in 2024 it cost 3,000 euros."))
        ['1950s', '2024', '4.2']
        >>> sorted(_numbers("Revenue in 2025 was 19% higher than in 2024 and up from Q1 2023."))
        ['2025']
    """
    return {n.replace("'", "") for n in _NUMBER.findall(_COMPARED_WITH.sub(" ", text))}


def title_of(source: str) -> str:
    """A document's name as a title, for a passage under no heading: "notes/account-acme_ltd.txt" reads
    "account acme ltd" (the file name often says what its lines are about: "- ARR: EUR 94,500").

    Example:
        >>> title_of("notes/account-acme_ltd.txt"), title_of("000_88dbb638ea48fc65.txt")
        ('account acme ltd', '')
    """
    stem = source.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    words = [w for w in re.split(r"[-_\s.]+", stem) if w and not (re.search(r"\d", w) and re.search(r"[^\W\d_]", w))]
    return " ".join(words) if any(re.search(r"[^\W\d_]", w) for w in words) else ""  # not a hash or a number


@dataclass(frozen=True)
class Naming:
    """What a question names, worked out once over its hits (``naming_of``): ``wanted``, the kinds it
    names ("name": one of its names; "number": one of its years or version numbers), and ``found``, for
    each sentence of the hits by (source, start), the kinds it names itself or through what it sits under."""

    wanted: frozenset[str]
    found: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)

    def cut(self, hits: list[Hit], kinds: tuple[str, ...] = ("name", "number")) -> list[Hit]:
        """hits cut to their sentences that name what the question names of kinds, and to the hits left
        with any; hits itself when the question names nothing of those kinds. Any hits whose sentences
        were in the analysed hits can be cut (the same hits after the answer-sentence model judged them)."""
        wanted = self.wanted & set(kinds)
        if not wanted:
            return hits
        cut = []
        for hit in hits:
            kept = tuple(s for s in hit.sentences if wanted <= self.found.get((hit.source, s.start), frozenset()))
            if kept:
                cut.append(hit if len(kept) == len(hit.sentences) else replace(hit, sentences=kept))
        return cut


def naming_of(question: str, hits: list[Hit]) -> Naming:
    """Which sentences of hits name what the question names: one of its names (its capitalised words after
    the first, spelled alike) and one of its years or version numbers ("Stockline 4.2", "in 2024"). A
    sentence names what the heading path of its passage names (or its document's name), and what a
    heading line above it in the passage names; a sentence that opens with a pronoun names what the
    sentence before it names ("The bridge over the Vltava opened in 1841. It was built of stone.")."""
    names = _names_of(" ".join(re.findall(r"\w+", question)[1:]))
    numbers = _numbers(question)
    wanted = frozenset(kind for kind, asked in (("name", names), ("number", numbers)) if asked)
    if not wanted:
        return Naming(wanted)

    def named(text: str) -> frozenset[str]:
        keys = set(key_tokens(text))
        return frozenset(({"name"} if any(spelled_alike(k, keys) for k in names) else set())
                         | ({"number"} if numbers & _numbers(text) else set()))

    found: dict[tuple[str, int], frozenset[str]] = {}
    for hit in hits:
        above = named(hit.heading or title_of(hit.source))
        whole = wanted <= above  # the passage's heading path names it all: so does each sentence
        headings = [] if whole else find_headings(hit.text)
        previous: frozenset[str] = frozenset()
        for sentence in hit.sentences:
            under = open_headings([h for h in headings if h.start + hit.start <= sentence.start])
            here = above if whole else above.union(*(named(h.title) for h in under), named(sentence.text))
            if OPENS_WITH_PRONOUN.match(sentence.text):
                here |= previous
            previous = here
            found[(hit.source, sentence.start)] = found.get((hit.source, sentence.start), frozenset()) | here
    return Naming(wanted, found)


def naming_the_names_of(question: str, hits: list[Hit], kinds: tuple[str, ...] = ("name", "number")) -> list[Hit]:
    """hits cut to their sentences that name what the question names of kinds (``naming_of``); all of
    hits when it names nothing. "Was Rossi reappointed?" is not answered by "The board reappointed Berg"."""
    return naming_of(question, hits).cut(hits, kinds)


def compose_answer(question: str, hits: list[Hit], reader: Reader | None, settings: AnswerSettings,
                   naming: Naming | None = None) -> Answer:
    """Answer with the reader when its weights are present, else from sentences. A yes-or-no question
    is answered with the sentences that bear on it: an extractive reader can only point at a span (it
    answered "Did the talks fail?" with "talks"), and nothing here can judge whether a sentence says yes."""
    if expected_type(question) == YES_NO:
        about = (naming or naming_of(question, hits)).cut(hits, ("name", "number"))
        return answer_from_sentences(question, about, settings, note=YES_NO_LEAD) if about else not_found(question,
                                                                                                         hits)
    if reader is not None and reader.available:
        return answer_with_reader(question, hits, reader, settings)
    return answer_from_sentences(question, hits, settings)

