"""One analysis of a question, made once, that travels with it: what it asks for and in which form to
answer (``QuestionPlan``). ``Assistant.ask`` routes on the plan; no other module re-reads the question to
decide what kind it is.

Forms:
    SPAN: a short answer (who, when, how much, where, which): the reader's span, cited with its sentence.
    REASON: why; the sentence(s) that give the reason.
    OUTCOME: what happens when or if something does ("What happens when my trial ends?"); the sentence(s)
        that say so, not a span.
    STEPS: how to do something; the steps, from a list when the documents give one.
    LIST: several items ("What is planned for next year?", "Who attended?"); items gathered from a list.
    YES_NO: the sentence that bears on it, with its own "Yes"/"No" when it opens with one.
    DEFINITION: what X is, who X is; the words the documents attach to X.
    TOPIC: "Tell me about X", or a name typed alone: what the documents say about X.
    DOCUMENTS: "Which articles mention X?": the documents, each cited.
    ARTICLE: who wrote, or when was published, the article about X: its byline or dateline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer_type import AUXILIARY, WH_WORD, YES_NO, expected_type, plain_question
from qa.article import ArticleQuestion, article_question
from qa.describe import asked_name
from qa.spelling import Correction, Speller
from qa.topic import documents_request, is_request, topic_request

SPAN, REASON, STEPS, LIST, YES_NO_FORM, DEFINITION = "span", "reason", "steps", "list", "yes-no", "definition"
OUTCOME, TOPIC, DOCUMENTS, ARTICLE = "outcome", "topic", "documents", "article"
SENTENCE_FORMS = (REASON, OUTCOME, STEPS, LIST, YES_NO_FORM, DEFINITION)  # answered with sentences, not a span alone

# What people type before the question: an emoji, a quote mark, a bullet, "Q:".
_LEADING_NOISE = re.compile(r"^[\W_]*(?:(?:q|question)\s*[:.]\s*)?(?=[^\W_])", re.I)
# Contractions typed without the apostrophe: "whos", "whats", "doesnt", "cant".
_NO_APOSTROPHE = re.compile(r"\b(who|what|where|when|how|that|there|it)s\b|\b(do|does|did|is|are|was|were|can|could"
                            r"|would|should|has|have|had|wo)nt\b", re.I)
_REASON = re.compile(r"^\s*(?:why\b|what(?:\s+(?:was|is|were|are)|'s)\s+the\s+(?:reasons?|causes?|root\s+causes?)\b"
                     r"|how\s+come\b|what\s+(?:caused|led\s+to)\b)", re.I)
_OUTCOME = re.compile(r"^\s*what\s+(?:happens|happened|will\s+happen|would\s+happen|should\s+(?:i|we|you)\s+do)"
                      r"\s+(?:if|when|after|once|before|in\s+case)\b", re.I)
_STEPS = re.compile(r"^\s*(?:how\s+(?:do|does|can|could|should|would|to|shall)\b(?!.*\b(?:cost|take|last)\b)"
                    r"|what(?:\s+(?:are|is)|'s)\s+the\s+(?:steps|process|procedure)\b|steps\s+to\b)", re.I)
_LIST = re.compile(
    r"^\s*(?:list\b|name\s+(?:all|the)\b|(?:what|which)\s+(?:\w+\s+){0,3}(?:are|were)\s+(?:the\s+)?(?:\w+\s+){0,2}"
    r"(?:planned|included|covered|listed|attending|required|needed|supported|available|changes|items|options|"
    r"benefits|steps|features|decisions|actions|tools|requirements|members|attendees|people|risks|goals)\b"
    r"|who\s+(?:attended|was\s+at|were\s+at|was\s+present|were\s+present|is\s+on|are\s+on|joined)\b"
    r"|what\s+(?:is|was|are|were)\s+(?:\w+\s+){0,4}(?:planned|scheduled)\b|what\s+changed\b|what'?s\s+new\b"
    r"|what\s+(?:do|does|should|must)\s+(?:i|we|you|they|employees|staff)\s+(?:need|bring|take|prepare|have)\b"
    r"|(?:what|which)\s+\w+s\s+(?:are|were|does|do|did|can|will)\b"
    r"|(?:what|which)\s+(?:are|were)\s+the\s+(?:[\w-]+\s+){0,3}[\w-]+s\s*\??\s*$)", re.I)
# "What is a PTO day?", "What is Nimbus?", "What is a variance in Stockline?", "What does SLA stand for?";
# not "What is the capital of Peru?", which asks for a span.
_DEFINITION = re.compile(
    r"^\s*(?:what(?:\s+(?:is|are|was)\s+|'s\s+)an?\s+(?P<kind>[^\s?]+(?:\s+[^\s?]+)?)\s+(?:in|at|on|for)\s+[^?]{1,40}"
    r"\??\s*$"
    r"|what(?:\s+(?:is|are|was)\s+|'s\s+)(?:an?\s+)?(?!the\b)(?P<term>(?:(?!of\b|for\b|in\b|on\b)[^\s?]+\s*){1,4}?)"
    r"\s*\??\s*$"
    r"|what\s+does\s+(?P<abbr>[^?]{1,40}?)\s+(?:mean|stand\s+for)\b|define\s+(?P<defined>.+))", re.I)
_QUESTION_WORD = re.compile(rf"^\s*(?:{WH_WORD}|{AUXILIARY}|name|list|define)\b", re.I)
# "Who leads the team, and when did she join?": two questions in one, split before the second wh-word.
_SECOND_QUESTION = re.compile(r",?\s+and\s+(?=(?:who|whom|whose|what|what's|which|when|where|why|how)\b)", re.I)
MAX_TOPIC_WORDS = 2  # a word or two typed alone are a topic ("remote work"), and so is a name ("Anna Rossi");
# more are the keywords of a question ("expense report deadline")


@dataclass(frozen=True)
class QuestionPlan:
    """What a question asks for, worked out once.

    asked: the question as typed (checked). question: as understood: a polite wrapper, leading emoji or
    quote dropped, apostrophes restored. searched: question with its typos corrected against the documents'
    words (``corrections``); what retrieval and the reader see. form: one of the module's forms. expected:
    the kind of short answer (``qa.answer_type``: number, date, name, yes-no, other). subject: what a
    DEFINITION, TOPIC or DOCUMENTS question is about ("" otherwise). article: the article question, for
    ARTICLE. keywords: True when typed as keywords, without a question word. name: the name a DEFINITION
    question asks to describe ("Who is Anna Rossi?", "What does Anna Rossi do?"; ``qa.describe``).
    parts: the questions a line that asks two holds ("Who leads the team, and when did she join?"), each
    answered on its own (``split_questions``); () for one question.
    """

    asked: str
    question: str
    searched: str
    form: str
    expected: str
    subject: str = ""
    article: ArticleQuestion | None = None
    corrections: tuple[Correction, ...] = ()
    keywords: bool = False
    name: str = ""
    parts: tuple[str, ...] = ()

    @property
    def sentence_form(self) -> bool:
        """Whether the answer is one or more sentences rather than a short span."""
        return self.form in SENTENCE_FORMS


def normalise(question: str) -> str:
    """question as understood: no leading emoji, quote or "Q:", apostrophes restored ("whos" -> "who's"),
    the polite wrapper of a wh-question dropped, whitespace collapsed.

    Example:
        >>> normalise('\U0001f914 "whos the cto')
        "who's the cto"
        >>> normalise("Could you tell me why the launch slipped?")
        'Why the launch slipped?'
    """
    text = " ".join(question.split())
    text = _LEADING_NOISE.sub("", text, count=1).rstrip("\"'\u201d ")
    text = _NO_APOSTROPHE.sub(lambda m: f"{m.group(1)}'s" if m.group(1) else f"{m.group(2)}n't", text)
    return plain_question(text)


def split_questions(question: str) -> list[str]:
    """The questions that one line asks ("What does X cost, and when does it ship?" asks two); a single
    question comes back alone.

    Example:
        >>> split_questions("Who leads the team, and when did she join?")
        ['Who leads the team?', 'When did she join?']
    """
    parts = [p.strip(" ,?") for p in _SECOND_QUESTION.split(question) if p.strip(" ,?")]
    if len(parts) < 2 or not all(_QUESTION_WORD.match(p) and len(p.split()) >= 3 for p in parts):
        return [question]
    return [p[:1].upper() + p[1:] + "?" for p in parts]


def plan_question(question: str, speller: Speller | None = None) -> QuestionPlan:
    """The plan for a checked question; ``speller`` corrects typos against the documents' words.

    Example:
        >>> [plan_question(q).form for q in ("Why was the launch delayed?", "How do I pair the scanner?",
        ...     "Who attended the meeting?", "Is it waterproof?", "What is a PTO day?", "Anna Rossi")]
        ['reason', 'steps', 'list', 'yes-no', 'definition', 'topic']
        >>> plan_question("sick days carry over").form, plan_question("sick days carry over").keywords
        ('span', True)
    """
    understood = normalise(question) or question
    searched, corrections = speller.correct(understood) if speller is not None else (understood, ())
    if len(parts := split_questions(searched)) > 1:
        return QuestionPlan(question, understood, searched, SPAN, "other", corrections=corrections,
                            parts=tuple(parts))
    keywords = not _QUESTION_WORD.match(searched)
    if (asked := article_question(searched)) is not None:
        return QuestionPlan(question, understood, searched, ARTICLE, expected_type(searched), asked.topic or "",
                            asked, corrections)
    if (topic := documents_request(searched)) is not None:
        return QuestionPlan(question, understood, searched, DOCUMENTS, "other", topic, None, corrections)
    topic = topic_request(searched)
    if topic is not None and (not keywords or is_request(searched) or len(topic.split()) <= MAX_TOPIC_WORDS
                              or all(w[:1].isupper() for w in topic.split())):
        keywords = keywords and not is_request(searched)
        return QuestionPlan(question, understood, searched, TOPIC, "other", topic, None, corrections, keywords)
    expected = expected_type(searched)
    form, subject = SPAN, ""
    if expected == YES_NO:
        form = YES_NO_FORM
    elif _REASON.match(searched):
        form = REASON
    elif _OUTCOME.match(searched):
        form = OUTCOME
    elif _STEPS.match(searched):
        form = STEPS
    elif _LIST.match(searched):
        form = LIST
    elif (name := asked_name(searched)) is not None:
        return QuestionPlan(question, understood, searched, DEFINITION, expected, name, None, corrections, keywords,
                            name)
    elif (match := _DEFINITION.match(searched)) is not None and len(match.group(0).split()) <= 8:
        form, subject = DEFINITION, next(g for g in match.groups() if g)
    return QuestionPlan(question, understood, searched, form, expected, subject, None, corrections, keywords)
