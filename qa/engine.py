"""Answer a planned question from its retrieved hits: the route each form of question takes.

``Assistant.ask`` plans the question once (``qa.plan``), retrieves, and calls :func:`answer_planned`; the
routes are the reader's span (``qa.answer``), sentence answers in the plan's form (``qa.forms``), and the
topic and article answers (``qa.topic``, ``qa.article``), which the assistant handles before retrieval.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from qa.answer import Answer, AnswerSettings, compose_answer, naming_of, not_found, sigmoid
from qa.forms import answer_in_form, best_judged, judged_hits, table_answer
from qa.judge import SentenceJudge
from qa.plan import SPAN, YES_NO_FORM, QuestionPlan
from qa.reader import Reader
from qa.retrieve import Hit


def answer_planned(plan: QuestionPlan, hits: list[Hit], reader: Reader | None, judge: SentenceJudge | None,
                   settings: AnswerSettings, following: Callable[[Hit], Hit | None] | None = None) -> Answer:
    """The answer to plan from hits.

    A short-answer question (SPAN, or "Who is X?") is read by the reader, its candidates weighed with the
    answer-sentence model's judgement of their sentences; when the reader finds no answer the documents
    give but the model is confident a sentence answers, that sentence is the answer. The other forms are
    answered with sentences (``qa.forms``), the reader standing in when no sentence is judged to answer.
    ``following``: ``Retriever.following``, for lists that run on past a passage.
    """
    judging = judge is not None and judge.available
    naming = naming_of(plan.searched, hits)  # what the question names, and which sentences name it
    # A year or version the question names ("in 2023", "4.2") must be named where the answer is: the
    # documents that give only another year's figure do not answer it. Not so for yes or no: "Will the S2
    # get 2.9.0?" is settled by "The S2 stays on the 1.x line", which names no version asked.
    dated = naming.cut(hits, ("number",))
    if dated is not hits and plan.form != YES_NO_FORM:
        if not dated:
            return not_found(plan.searched, hits)
        hits = dated
    hits = judged_hits(plan.searched, hits, judge, naming)
    reads = reader is not None and reader.available
    spans_first = plan.form == SPAN or bool(plan.name) or not judging
    if spans_first:
        answer = compose_answer(plan.searched, hits, reader, settings, naming)
        if not answer.answerable and (cell := table_answer(plan.searched, hits, settings)) is not None:
            return cell  # a table the reader cannot read: the cell under the column the question names
        if answer.answerable or not judging or not hits:
            return answer
        fallback = answer_in_form(plan, hits, settings, following, naming)
        strong = sigmoid(best_judged(hits)) >= settings.sentence_fallback_probability
        return fallback if fallback.answerable and strong else answer
    answer = answer_in_form(plan, hits, settings, following, naming)
    if answer.answerable or not reads:
        return answer
    read = compose_answer(plan.searched, hits, reader, settings, naming)
    return read if read.answerable else replace(answer, hits=read.hits)


_REFERS_BACK = re.compile(r"\b(?:it|its|they|them|their|he|she|his|her|that|this|those|these)\b", re.I)
_MARKER = re.compile(r"\[(\d+)\]")


def with_context(part: str, earlier: Answer | None) -> str:
    """A later part of a two-part question, with the earlier part's short answer in brackets when it
    refers back to it ("When did that person join? (Mark Lindqvist)")."""
    if earlier is None or not earlier.answerable or not _REFERS_BACK.search(part):
        return part
    return f"{part} ({earlier.short_answer or earlier.citations[0].quote})"


def combined(question: str, parts: list[str], answers: list[Answer]) -> Answer:
    """One answer to a line that asked several questions: each part's answer under the part, markers
    renumbered across them; answerable when any part is, as confident as its least confident answer."""
    lines, citations, hits = [], [], []
    for part, answer in zip(parts, answers):
        offset = len(citations)
        text = _MARKER.sub(lambda m: f"[{int(m.group(1)) + offset}]", answer.text)
        lines.append(f"{part} {text}")
        citations += answer.citations
        hits += [h for h in answer.hits if h not in hits]
    answered = [a for a in answers if a.answerable]
    return Answer(question, "\n\n".join(lines), bool(answered), tuple(citations), tuple(hits),
                  "; ".join(a.short_answer for a in answered if a.short_answer),
                  min((a.confidence for a in answered), default=0.0),
                  min((a.score for a in answered), default=float("-inf")), {}, note="")
