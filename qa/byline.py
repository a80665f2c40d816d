"""Who wrote an article: questions such as "Who wrote the article about the strike?", answered from the
byline at the head of the document ("By Marie Dubois", "Written by Jean Martin and Anna Rossi").

A byline is a line of its own, not a sentence, and names no event, so neither the retriever nor the reader
finds it for such a question. This module does not decide which article is meant: the caller passes the
head of the document that retrieval ranked first for the question's topic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from index import Passage
from qa.answer import Answer, AnswerSettings, Citation, render
from qa.retrieve import Hit

_ARTICLE = r"(?:article|story|report|piece|post|column|text|news\s+item|op-ed|editorial|feature|blog\s+post)"
_AUTHOR_QUESTION = re.compile(
    r"^\s*(?:who\s+(?:wrote|authored|penned|(?:is|was)\s+the\s+(?:author|writer)\s+of)"
    r"|(?:who\s+is|what\s+is\s+the\s+name\s+of)\s+the\s+(?:author|writer)\s+of)"
    r"\s+(?:the|this|that|an?)\s+" + _ARTICLE + r"\b"
    r"(?:\s+(?:about|on|regarding|concerning|covering|describing|that\s+(?:describes|reports|covers)))?"
    r"(?P<topic>[^?]*)\??\s*(?P<context>\([^)]*\))?\s*$",
    re.I,
)
_WORD = r"[A-Z][\w'\u2019.-]*"
_PERSON = _WORD + r"(?:[ \t]+(?:(?:de|van|von|der|da|di|du|la|le|al|bin)[ \t]+)?" + _WORD + r"){0,3}"
_BYLINE = re.compile(
    r"^[ \t]*(?i:written[ \t]+by|by|authors?[ \t]*:|words[ \t]+by)[ \t]+"
    r"(?P<names>" + _PERSON + r"(?:(?:[ \t]*,[ \t]*|[ \t]+and[ \t]+|[ \t]*&[ \t]*)" + _PERSON + r")*)"
    r"[ \t]*(?:[|\u00b7\u2022\u2013\u2014][^\n]*)?$",
    re.M,  # names are case-sensitive: "By Monday, the strike..." is a sentence, not a byline
)
TOPIC_COVERAGE = 0.5  # "about the census" is not an article that only shares its city with the question
HEAD_LINES = 15  # a byline sits among the first lines: headline, standfirst, author, date
MAX_LINE = 100


@dataclass(frozen=True)
class Byline:
    """The author names (``names == text[start:end]``) and the whole byline line (``text[line_start:line_end]``)."""

    names: str
    start: int
    end: int
    line_start: int
    line_end: int


def asks_for_author(question: str) -> str | None:
    """The topic of an author question ("" when it names none), or None for any other question. A chat
    follow-up's bracketed context ("Who wrote this article? (Marie Dubois)", ``qa.followup``) counts as a topic.

    Example:
        >>> asks_for_author("Who wrote the article about the dock strike?")
        'the dock strike'
    """
    match = _AUTHOR_QUESTION.match(question)
    if match is None:
        return None
    return " ".join(part.strip() for part in match.group("topic", "context") if part and part.strip())


def find_byline(head: str) -> Byline | None:
    """The byline among the first ``HEAD_LINES`` lines of a document's head, or None when there is none.

    Only a whole line counts ("By Marie Dubois", "Written by A and B | Reuters"), so a sentence that
    starts with "By" ("By Monday, the strike had ended.") is not taken for one.

    Example:
        >>> find_byline("Strike ends\\n\\nBy Marie Dubois\\nMonday").names
        'Marie Dubois'
    """
    lines = head.split("\n")[:HEAD_LINES]
    limit = sum(len(line) + 1 for line in lines)
    for match in _BYLINE.finditer(head, 0, limit):
        line = match.group(0)
        if len(line.strip()) > MAX_LINE:
            continue
        lead = len(line) - len(line.lstrip())
        tail = len(line) - len(line.rstrip())
        return Byline(match.group("names"), match.start("names"), match.end("names"), match.start() + lead,
                      match.end() - tail)
    return None


def answer_author(question: str, topic: str, topic_hits: list[Hit], head_of: Callable[[str], Passage | None],
                  documents: int, settings: AnswerSettings) -> Answer | None:
    """The byline of the article the question is about, its names as the short answer and its line cited.

    The article is the document of topic_hits[0], the top hit for the question's topic alone
    (``asks_for_author``; for a question without a topic, for the whole question). It is taken when that
    hit is about the topic (a sentence at least ``settings.min_similarity`` similar to it that holds
    ``TOPIC_COVERAGE`` of its words), or when the corpus has a single document.
    The confidence is 1.0: no model weighs a byline, it is there or not.
    None without a byline or a matching article: the caller then asks the reader (a report's author
    may be named in its text: "the report, written by the UN panel").
    """
    top = topic_hits[0] if topic_hits else None
    if top is None or not (documents == 1 or (topic and _about(top, settings))):
        return None
    head = head_of(top.source)
    byline = find_byline(head.text) if head is not None else None
    if head is None or byline is None:
        return None
    start, end = head.start + byline.line_start, head.start + byline.line_end
    citation = Citation(head.source, start, end, head.text[byline.line_start : byline.line_end])
    return Answer(question, render(byline.names, [citation]), True, (citation,), tuple(topic_hits), byline.names,
                  1.0, float("inf"), {})


def _about(hit: Hit, settings: AnswerSettings) -> bool:
    return any(s.similarity >= settings.min_similarity and s.overlap >= TOPIC_COVERAGE for s in hit.sentences)
