"""Questions about an article itself rather than what it reports: who wrote it ("Who wrote the article
about the strike?") and when it appeared ("When was the article about the strike published?"), answered
from the head of the document: its byline ("By Marie Dubois", "Written by Jean Martin and Anna Rossi")
and its dateline ("Monday, Apr 19, 2021 - 04:15 AM", "LYON, March 3 -", "date 2023-06-02").

Bylines and datelines are lines of their own, not sentences, and name no event, so neither the retriever
nor the reader finds them for such a question. This module does not decide which article is meant: the
caller passes the top hits for the question's topic and a way to fetch a document's head.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from index import Passage
from qa.answer import Answer, AnswerSettings, Citation, not_found, render
from qa.retrieve import Hit

AUTHOR, DATE = "author", "date"
TOPIC_COVERAGE = 0.5  # "the article about the census" is not one that only shares its city with the question
HEAD_LINES = 15  # bylines and datelines sit among the first lines: headline, standfirst, author, date
MAX_LINE = 100

# Not "report": news reports on reports ("the report, written by the UN panel"), so the reader answers those.
# Not "it": after "Who published the leak?", "When was it published?" asks about the leak.
_ARTICLE = (r"(?:the|this|that|an?)\s+(?:article|story|piece|post|column|news\s+item|op-ed|editorial"
            r"|feature|blog\s+post)\b(?:\s+(?:about|on|regarding|concerning|covering|describing|that\s+"
            r"(?:describes|reports|covers)))?(?P<topic>[^?]*?)")
_END = r"\s*\??\s*(?P<context>\([^)]*\))?\s*$"  # a chat follow-up's bracketed context (qa.followup)
_QUESTIONS = [(kind, re.compile(pattern, re.I)) for kind, pattern in (
    (AUTHOR, r"^\s*(?:who\s+(?:wrote|authored|penned|(?:is|was)\s+the\s+(?:author|writer)\s+of)"
             r"|what\s+is\s+the\s+name\s+of\s+the\s+(?:author|writer)\s+of)\s+" + _ARTICLE + _END),
    (DATE, r"^\s*(?:when|(?:on|in)\s+(?:what|which)\s+(?:date|day|year)|what\s+date)\s+(?:was|were)\s+" + _ARTICLE
           + r"\s+(?:first\s+)?(?:published|written|posted|dated|released|issued|filed|put\s+out)" + _END),
    (DATE, r"^\s*when\s+did\s+" + _ARTICLE + r"\s+(?:appear|come\s+out|run|go\s+online)" + _END),
    (DATE, r"^\s*what\s+is\s+the\s+(?:publication\s+)?date\s+of\s+" + _ARTICLE + _END),
)]

_WORD = r"[A-Z][\w'\u2019.-]*"
_PERSON = _WORD + r"(?:[ \t]+(?:(?:de|van|von|der|da|di|du|la|le|al|bin)[ \t]+)?" + _WORD + r"){0,3}"
_BYLINE = re.compile(
    r"^[ \t]*(?i:written[ \t]+by|by|authors?[ \t]*:|words[ \t]+by)[ \t]+"
    r"(?P<value>" + _PERSON + r"(?:(?:[ \t]*,[ \t]*|[ \t]+and[ \t]+|[ \t]*&[ \t]*)" + _PERSON + r")*)"
    r"[ \t]*(?:[|\u00b7\u2022\u2013\u2014][^\n]*)?$",
    re.M,  # names are case-sensitive: "By Monday, the strike..." is a sentence, not a byline
)
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"
_CALENDAR_DATE = (r"(?:" + _MONTH + r"[ \t]+\d{1,2}(?:st|nd|rd|th)?,?[ \t]+\d{4}"  # Apr 19, 2021
                  r"|\d{1,2}(?:st|nd|rd|th)?[ \t]+" + _MONTH + r",?[ \t]+\d{4}"  # 27 April 2024
                  r"|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4})")  # 2023-06-02, 19.04.2021
_DATELINE = re.compile(
    r"^[ \t]*(?:(?i:date|published|posted|updated|first[ \t]+published)[ \t]*:?[ \t]*)?"
    r"(?:" + _WEEKDAY + r",?[ \t]+)?(?P<value>" + _CALENDAR_DATE + r")\b"
    r"|^[ \t]*[A-Z][A-Z .'-]+,[ \t]+(?P<wire>" + _MONTH + r"[ \t]+\d{1,2})[ \t]+[-\u2013\u2014]",  # LYON, March 3 -
    re.M,  # a wire dateline's city is in capitals
)


@dataclass(frozen=True)
class ArticleQuestion:
    """What a question asks of an article (``AUTHOR`` or ``DATE``) and the words that name the article
    ("" when there are none: "Who wrote this article?")."""

    asks: str
    topic: str


@dataclass(frozen=True)
class HeadLine:
    """A byline's names or a dateline's date (``value == head[start:end]``) and its whole line
    (``head[line_start:line_end]``), offsets in the head's text."""

    value: str
    start: int
    end: int
    line_start: int
    line_end: int


def article_question(question: str) -> ArticleQuestion | None:
    """What question asks of an article, or None when it asks about something the article reports.

    Example:
        >>> article_question("When was the article about the dock strike published?")
        ArticleQuestion(asks='date', topic='the dock strike')
    """
    for kind, pattern in _QUESTIONS:
        match = pattern.match(question)
        if match:
            topic = " ".join(p.strip() for p in match.group("topic", "context") if p and p.strip())
            return ArticleQuestion(kind, topic)
    return None


def find_byline(head: str) -> HeadLine | None:
    """The byline among the first ``HEAD_LINES`` lines of a document's head, or None when there is none.

    Only a whole line counts ("By Marie Dubois", "Written by A and B | Reuters"), so a sentence that
    starts with "By" ("By Monday, the strike had ended.") is not taken for one.

    Example:
        >>> find_byline("Strike ends\\n\\nBy Marie Dubois\\nMonday").value
        'Marie Dubois'
    """
    return _first(_BYLINE, head)


def find_dateline(head: str) -> HeadLine | None:
    """The first line among the first ``HEAD_LINES`` that starts with a calendar date (after a weekday or a
    "Published:" label) or is a wire dateline ("LYON, March 3 - ..."), or None. A long line (the date
    opens the first paragraph) is quoted up to the date.

    Example:
        >>> find_dateline("Strike ends\\nMonday, Apr 19, 2021 - 04:15 AM\\n").value
        'Apr 19, 2021'
    """
    return _first(_DATELINE, head)


def _first(pattern: re.Pattern, head: str) -> HeadLine | None:
    limit = sum(len(line) + 1 for line in head.split("\n")[:HEAD_LINES])
    for match in pattern.finditer(head, 0, limit):
        group = "value" if match.group("value") is not None else "wire"
        line_start = head.rfind("\n", 0, match.start()) + 1
        line_end = head.find("\n", match.start())
        line_end = len(head) if line_end < 0 else line_end
        if line_end - line_start > MAX_LINE:
            if pattern is _BYLINE:
                continue
            line_end = match.end(group)
        line = head[line_start:line_end]
        line_start, line_end = line_start + len(line) - len(line.lstrip()), line_end - len(line) + len(line.rstrip())
        return HeadLine(match.group(group), match.start(group), match.end(group), line_start, line_end)
    return None


def answer_from_head(asked: ArticleQuestion, question: str, topic_hits: list[Hit],
                     head_of: Callable[[str], Passage | None], documents: int,
                     settings: AnswerSettings) -> Answer | None:
    """The byline's names or the dateline's date of the article the question is about, its line cited.

    The article is the document of topic_hits[0], the top hit for the question's topic alone (for a
    question without a topic, for the whole question). It is taken when that hit is about the topic (a
    sentence at least ``settings.min_similarity`` similar to it that holds ``TOPIC_COVERAGE`` of its
    words), or when the corpus has a single document.
    The confidence is 1.0: no model weighs a byline or a dateline, it is there or not; an article without
    one is ``NOT_FOUND`` (its text may name other authors and dates, those of what it reports). None
    without a matching article: the caller then asks the reader.
    """
    top = topic_hits[0] if topic_hits else None
    if top is None or not (documents == 1 or (asked.topic and _about(top, settings))):
        return None
    head = head_of(top.source)
    found = (find_byline if asked.asks == AUTHOR else find_dateline)(head.text) if head is not None else None
    if head is None or found is None:
        return not_found(question, topic_hits)
    citation = Citation(head.source, head.start + found.line_start, head.start + found.line_end,
                        head.text[found.line_start : found.line_end])
    return Answer(question, render(found.value, [citation]), True, (citation,), tuple(topic_hits), found.value,
                  1.0, float("inf"), {})


def _about(hit: Hit, settings: AnswerSettings) -> bool:
    return any(s.similarity >= settings.min_similarity and s.overlap >= TOPIC_COVERAGE for s in hit.sentences)
