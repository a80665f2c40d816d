"""Requests about a topic rather than questions: "Tell me about the strike", "What do the articles say
about Anna Rossi?", or just "Anna Rossi" typed into the chat; and questions about which documents
mention one: "Which articles mention Anna Rossi?", "How many documents talk about the strike?".

No span answers them, and the answerable decision, fitted on factoid questions, refused "Tell me about X"
for an X that every document names. They are answered with the sentences that best match the topic
alone and hold every word of it, quoted under a note that says what they are; "the population of Minsk"
is not covered by a sentence that has only "population" in it.
A word counts in another form ("arrests", "arrested") or, for a name, in another spelling.
"""

from __future__ import annotations

import re
from functools import lru_cache

from index.lexical import key_tokens, stem_tokens
from index.names import spelled_alike
from qa.answer import Answer, AnswerSettings, cite, distinct_sentences, not_found, render
from qa.answer_type import AUXILIARY, WH_WORD
from qa.retrieve import Hit, Sentence

DOCUMENTS_SEARCHED = 50  # passages searched for "Which articles mention X?"
MAX_BARE_WORDS = 5  # "Anna Rossi", "the strike in Lyon": a few words without a question is a topic

_REQUEST = re.compile(
    r"^\s*(?:please\s+)?(?:(?:can|could)\s+you\s+)?(?:tell\s+me\s+(?:more\s+)?about|describe|explain"
    r"|give\s+me\s+an\s+overview\s+of|what\s+do(?:es)?\s+(?:the\s+)?(?:documents?|articles?|sources?|texts?|files?"
    r"|reports?)\s+say\s+about|(?:any\s+)?(?:information|news)\s+(?:on|about))\s+(?P<topic>.+?)[\s?.!]*$",
    re.I,
)
_WHICH_DOCUMENTS = re.compile(
    r"^\s*(?:which|what|how\s+many)\s+(?:of\s+the\s+)?(?:documents?|articles?|files?|sources?|texts?|stories|reports?)"
    r"\s+(?:mention|mentions|name|names|discuss|discusses|cover|covers|report\s+on|reports\s+on|refer\s+to"
    r"|refers\s+to|(?:talk|talks|are|is|write|writes)\s+about|say\s+anything\s+about|says\s+anything\s+about)"
    r"\s+(?P<topic>.+?)[\s?.!]*$", re.I)
_QUESTION_WORD = re.compile(rf"^\s*(?:{WH_WORD}|{AUXILIARY})\b", re.I)
_ASKS = re.compile(rf"\b{WH_WORD}\b", re.I)  # "BBN provided financing for what?" asks; "Anna Rossi?" does not


def is_request(question: str) -> bool:
    """Whether question is worded as a request about a topic ("Tell me about X", "Describe X")."""
    return _REQUEST.match(question) is not None


def topic_request(question: str) -> str | None:
    """The topic of a request about a topic ("Tell me about X", "Describe X", "What do the articles say
    about X?", or a few words that ask nothing: "X", "X?"); None for a question.

    Example:
        >>> [topic_request(q) for q in ("Tell me about the strike.", "Anna Rossi", "Who is Anna Rossi?")]
        ['the strike', 'Anna Rossi', None]
    """
    if (match := _REQUEST.match(question)) is not None:
        topic = match.group("topic")
    else:
        words = question.split()
        if _ASKS.search(question) or _QUESTION_WORD.match(question) or not 0 < len(words) <= MAX_BARE_WORDS:
            return None
        topic = " ".join(words).rstrip(".!?")
    return topic if stem_tokens(topic) else None  # "the", "and so on": no word that a sentence could hold


def documents_request(question: str) -> str | None:
    """The topic of a question about which documents mention it ("Which articles mention X?", "How many
    documents talk about X?"); None for any other question.

    Example:
        >>> documents_request("Which articles mention the strike?"), documents_request("Which strike ended?")
        ('the strike', None)
    """
    match = _WHICH_DOCUMENTS.match(question)
    return match.group("topic") if match is not None and stem_tokens(match.group("topic")) else None


@lru_cache(maxsize=256)
def _terms(topic: str) -> tuple[tuple[str, str], ...]:
    """Each word of topic but stopwords, as (stem, name key): worked out once per topic, not per sentence."""
    terms = []
    for word in re.findall(r"\w+", topic):
        stem, key = stem_tokens(word), key_tokens(word)
        if stem:
            terms.append((stem[0], key[0] if key else ""))
    return tuple(terms)


def covers(topic: str, text: str) -> bool:
    """Whether text holds every word of topic but stopwords: the same stem, or a name spelled alike.

    Example:
        >>> covers("the arrests in Moscow", "Two men were arrested in Moscow."), covers("Minsk census", "Minsk.")
        (True, False)
    """
    stems, keys = set(stem_tokens(text)), set(key_tokens(text))
    return all(stem in stems or (key and spelled_alike(key, keys)) for stem, key in _terms(topic))


def _covering(topic: str, hits: list[Hit]) -> list[tuple[Sentence, str]]:
    """The (sentence, source) pairs of hits whose sentence covers topic, best first, each once."""
    return distinct_sentences(sorted(((s, h.source) for h in hits for s in h.sentences if covers(topic, s.text)),
                                     key=lambda found: -found[0].score))


def answer_about(question: str, topic: str, hits: list[Hit], settings: AnswerSettings) -> Answer:
    """The sentences of hits (retrieved for the topic alone) that hold every word of it, best first (at
    most ``settings.max_evidence``), quoted under a note; the documents do not cover the topic when no
    sentence does. No model weighs this: the confidence is 1.0 and the score +inf, as for a byline
    (``qa.article``), and the answer stays out of the answerable decision's fit."""
    found = _covering(topic, hits)
    if not found:
        return not_found(question, hits)
    citations = [cite(s, source) for s, source in found[: settings.max_evidence]]
    note = f"What the documents say about {topic}:"
    return Answer(question, render(note, citations), True, tuple(citations), tuple(hits), "", 1.0, float("inf"),
                  note=note)


def answer_which_documents(question: str, topic: str, hits: list[Hit], passages: int) -> Answer:
    """The documents among hits (retrieved for the topic alone) with a sentence that holds every word of
    the topic, best match first: the short answer lists them, and each is cited by its best such sentence.
    The hits bound the search: where they are fewer than the index's ``passages``, a document whose mention
    ranks below them is missed, and the note says among how many passages it looked. Confidence 1.0 and
    score +inf, as ``answer_about``."""
    best = {source: s for s, source in reversed(_covering(topic, hits))}  # the best sentence wins
    if not best:
        return not_found(question, hits)
    ranked = sorted(best.items(), key=lambda item: -item[1].score)
    citations = [cite(s, source) for source, s in ranked]
    count = "1 document mentions" if len(ranked) == 1 else f"{len(ranked)} documents mention"
    searched = ":" if len(hits) >= passages else f", among the {len(hits)} passages that match it best:"
    note = f"{count} {topic}{searched}"
    short = ", ".join(source for source, _ in ranked)
    return Answer(question, render(f"{note}\n{short}", citations), True, tuple(citations), tuple(hits), short,
                  1.0, float("inf"), note=note)
