"""The structure a document's text shows: headings (Markdown ``#`` lines, a bold line alone, and FAQ
question lines: a short line that ends with "?" and is followed by its answer) and the sections under them.

Every format reaches the index as text, and the PDF, Word and HTML loaders write their headings and lists
as Markdown, so this one parser gives every document its outline. Offsets are the text's own, so a
section's heading path can be attached to any passage or sentence by position.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_ATX = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_BOLD_LINE = re.compile(r"^[ \t]*(?:\*\*|__)([^*_\n]{2,120})(?:\*\*|__)[ \t]*:?[ \t]*$")
_QUESTION_LINE = re.compile(r"^[ \t]*(?:(?:Q|Question)[ \t]*[:.)][ \t]*)?(?:\*\*)?([^\n]{3,200}\?)(?:\*\*)?[ \t]*$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+\u2022]|\d{1,3}[.)])[ \t]+")
_ANSWER_PREFIX = re.compile(r"^[ \t]*(?:A|Answer)[ \t]*[:.)][ \t]*")
FAQ_LEVEL = 7  # an FAQ question line sits below any Markdown heading before it
BOLD_LEVEL = 7
MAX_QUESTION_WORDS = 30


@dataclass(frozen=True)
class Heading:
    """A heading line: its span in the text, its level (1-6 for ``#``..``######``, 7 for a bold line or an
    FAQ question), its words without markup, and whether it is a question (an FAQ entry)."""

    start: int
    end: int
    level: int
    title: str
    question: bool = False


@dataclass(frozen=True)
class Section:
    """The text from one heading (or the document's start) to the next heading: ``path`` holds the titles
    of the headings it sits under, outermost first, its own last; ``heading`` is its own heading (None for
    text before the first heading)."""

    start: int
    end: int
    path: tuple[str, ...]
    heading: Heading | None


def _lines(text: str):
    start = 0
    for line in text.split("\n"):
        yield start, start + len(line), line
        start += len(line) + 1


def find_headings(text: str) -> list[Heading]:
    """The heading lines of text, in order.

    Example:
        >>> [(h.level, h.title, h.question) for h in find_headings("# Scanner FAQ\\nHow do I pair it?\\nHold the key.")]
        [(1, 'Scanner FAQ', False), (7, 'How do I pair it?', True)]
    """
    lines = list(_lines(text))
    headings: list[Heading] = []
    for i, (start, end, line) in enumerate(lines):
        if not line.strip():
            continue
        if match := _ATX.match(line):
            title = match.group(2).strip("*_ ")
            headings.append(Heading(start, end, len(match.group(1)), title, title.endswith("?")))
        elif _LIST_ITEM.match(line):
            continue
        elif (match := _QUESTION_LINE.match(line)) and len(match.group(1).split()) <= MAX_QUESTION_WORDS \
                and _answered_below(lines, i):
            headings.append(Heading(start, end, FAQ_LEVEL, match.group(1).strip("*_ "), True))
        elif match := _BOLD_LINE.match(line):
            headings.append(Heading(start, end, BOLD_LEVEL, match.group(1).strip()))
    return headings


def _answered_below(lines: list[tuple[int, int, str]], i: int) -> bool:
    """Whether the line after line i (blank lines skipped) reads as an answer: text that is neither a
    heading nor another question."""
    for _, _, line in lines[i + 1 :]:
        if not line.strip():
            continue
        body = _ANSWER_PREFIX.sub("", line).strip()
        return bool(body) and not _ATX.match(line) and not body.endswith("?")
    return False


def open_headings(headings: list[Heading]) -> list[Heading]:
    """The headings, in order, that text after the last of them still sits under: each heading closes
    those of its level and deeper before it, and an FAQ entry or bold line the FAQ entry before it
    ("## 4.2", "**New**", "## 4.1", "**Fixed**" leave "4.1", "Fixed")."""
    stack: list[Heading] = []
    for heading in headings:
        while stack and (stack[-1].level >= heading.level or (heading.level >= FAQ_LEVEL and stack[-1].question)):
            stack.pop()
        stack.append(heading)
    return stack


def sections(text: str) -> list[Section]:
    """The sections of text, in order, covering it from start to end.

    Example:
        >>> [(s.path, s.start) for s in sections("Intro.\\n# Leave\\n## Sick days\\nTen a year.")]
        [((), 0), (('Leave',), 7), (('Leave', 'Sick days'), 15)]
    """
    headings = find_headings(text)
    found: list[Section] = []
    if not headings or headings[0].start > 0:
        found.append(Section(0, headings[0].start if headings else len(text), (), None))
    for n, heading in enumerate(headings):
        stack = open_headings(headings[: n + 1])
        end = headings[n + 1].start if n + 1 < len(headings) else len(text)
        found.append(Section(heading.start, end, tuple(h.title for h in stack), heading))
    return [s for s in found if text[s.start : s.end].strip()]


class Outline:
    """A document's sections, looked up by offset."""

    def __init__(self, text: str) -> None:
        self.sections = sections(text)
        self._starts = [s.start for s in self.sections]

    def at(self, offset: int) -> Section | None:
        """The section that holds offset."""
        i = bisect.bisect_right(self._starts, offset) - 1
        return self.sections[i] if i >= 0 else None

    def context(self, start: int) -> str:
        """The heading path of the text at start, as "Outer > Inner", leaving out a heading that starts
        right at start (the text shows it already)."""
        section = self.at(start)
        if section is None:
            return ""
        path = section.path
        if section.heading is not None and section.heading.start >= start:
            path = path[:-1]
        return " > ".join(path)


def is_list_item(line: str) -> bool:
    """Whether a line is a bulleted or numbered list item ("- Pay", "2. Sign")."""
    return bool(_LIST_ITEM.match(line))
