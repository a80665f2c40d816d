"""Split documents into sentences and sentence-aware, overlapping passages with exact character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.documents import Document
from index.structure import Outline, Section

# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and an opening capital,
# digit or quote; a line break ends one (news text puts headlines and bylines on lines), unless it only
# wraps a long line of prose (``_wrapped``).
_BOUNDARY = re.compile(r"""[.!?]['"\u2019\u201d)\]]*\s+(?=[A-Z0-9'"\u2018\u201c(\[])|\n+""")
# Tokens before a period that do not end a sentence: titles, initials, "U.S."-style abbreviations.
_NOT_AN_END = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Rev|Inc|Ltd|Co|Corp|vs|etc|No|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z]|\b(?:[A-Za-z]\.){1,4}[A-Za-z])\.$"
)
_LIST_NUMBER = re.compile(r"[ \t]*\d{1,3}(?:\.\d{1,3})*\.")  # a line that so far is only "2." or "3.1."
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Passage:
    """A span of a document: ``text == document_text[start:end]``; ``heading``: the path of the headings
    it sits under ("Travel policy > Per diems", see ``index.structure``), less one that the text starts with."""

    source: str
    start: int
    end: int
    text: str
    heading: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end or len(self.text) != self.end - self.start:
            raise ValueError(f"bad passage span {self.start}:{self.end} for {len(self.text)} chars")

    @property
    def id(self) -> str:
        return f"{self.source}:{self.start}-{self.end}"

    @property
    def searchable(self) -> str:
        """What is embedded and indexed for the passage: its heading path, then its text."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Character spans of the sentences in ``text[start:end]``, stripped of surrounding whitespace."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.start() + len(match.group().rstrip())
        if match.group()[0] != "\n" and _NOT_AN_END.search(text, max(cursor, stop - 12), match.start() + 1):
            continue
        if match.group()[0] == "." and _LIST_NUMBER.fullmatch(text, text.rfind("\n", 0, match.start()) + 1,
                                                              match.start() + 1):
            continue  # "2. Finances (Mark)": the number of a list item, not a sentence
        if match.group() == "\n" and _wrapped(text, match.start(), end):
            continue
        _append_stripped(text, cursor, stop, spans)
        cursor = match.end()
    _append_stripped(text, cursor, end, spans)
    return spans


WRAP_WIDTH = 40  # a line at least this long that stops mid-sentence was wrapped, not ended


def _wrapped(text: str, newline: int, end: int) -> bool:
    """Whether the line break at newline only wraps a sentence (hard-wrapped prose in a text or Markdown
    file): the line before is long and stops without punctuation, the next line goes on in lower case.
    A short line ("Tyler Durden's Photo" above "by Tyler Durden") still ends there."""
    line_start = text.rfind("\n", 0, newline) + 1
    line = text[line_start:newline].rstrip()
    following = text[newline + 1 : min(end, newline + 2)]
    return (len(line) >= WRAP_WIDTH and line[-1:] not in ".!?:;\"'\u201d)|" and following.islower()
            and not line.lstrip().startswith(("#", "|")))


def _append_stripped(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def _word_spans(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence into pieces of at most max_words words."""
    words = [m.span() for m in _WORD.finditer(text, start, end)]
    return [(words[i][0], words[min(i + max_words, len(words)) - 1][1]) for i in range(0, len(words), max_words)]


def chunk_document(document: Document, max_words: int = 150, overlap_words: int = 30) -> list[Passage]:
    """Pack whole sentences into passages of at most ``max_words`` words, section by section (a passage
    never runs across a heading); each passage after the first of its section repeats the trailing
    sentences of the previous one, up to ``overlap_words`` words. Each passage knows its heading path.

    Example:
        >>> chunk_document(Document("a.txt", "One. Two.", "0"), max_words=1, overlap_words=0)[1].text
        'Two.'
        >>> [(p.heading, p.text) for p in chunk_document(Document("a.md", "# Leave\\nTen days.", "0"))]
        [('', '# Leave\\nTen days.')]
    """
    if max_words < 1 or not 0 <= overlap_words < max_words:
        raise ValueError(f"need max_words >= 1 and 0 <= overlap_words < max_words, got {max_words}, {overlap_words}")
    outline = Outline(document.text)
    passages: list[Passage] = []
    carried: int | None = None  # the start of a heading with no text of its own, read with the next section
    for n, section in enumerate(outline.sections):
        start = section.start if carried is None else carried
        if _only_heading(document.text, section) and n + 1 < len(outline.sections):
            carried = start
            continue
        carried = None
        for p in _pack(document, start, section.end, max_words, overlap_words):
            passages.append(Passage(p.source, p.start, p.end, p.text, outline.context(p.start)))
    return passages


def _only_heading(text: str, section: Section) -> bool:
    """Whether section is a heading line with nothing under it before the next heading ("## Version 4.2"
    right above "**New**"): it is read with the section after it, not left a passage of its own."""
    return section.heading is not None and not text[section.heading.end : section.end].strip()


def _pack(document: Document, start: int, end: int, max_words: int, overlap_words: int) -> list[Passage]:
    """Whole sentences of ``document.text[start:end]`` packed into overlapping passages."""
    text = document.text
    units: list[tuple[int, int, int]] = []  # start, end, words
    for s, e in split_sentences(text, start, end):
        count = len(_WORD.findall(text, s, e))
        pieces = _word_spans(text, s, e, max_words) if count > max_words else [(s, e)]
        units.extend((ps, pe, len(_WORD.findall(text, ps, pe))) for ps, pe in pieces)
    passages: list[Passage] = []
    i = 0
    while i < len(units):
        j, words = i, 0
        while j < len(units) and (j == i or words + units[j][2] <= max_words):
            words += units[j][2]
            j += 1
        start, end = units[i][0], units[j - 1][1]
        passages.append(Passage(document.source, start, end, text[start:end]))
        if j >= len(units):
            break
        back, overlap = j, 0
        while back - 1 > i and overlap + units[back - 1][2] <= overlap_words:
            back -= 1
            overlap += units[back][2]
        i = back
    return passages
