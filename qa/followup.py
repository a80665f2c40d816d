"""Follow-up questions: decide whether a question leans on the conversation, and make it standalone.

A question is a follow-up when it lacks something the previous answer supplies: it picks from an earlier
list ("Which of them ...?"), it speaks of a person or a thing it does not name ("What is his job?", "When
was this article published?", "Who wrote it?"), or it is nothing but a reference ("Why did that happen?",
"Is it true?"). "Does it work outdoors?" brings words of its own, and a subject "it" is as often nobody in
particular ("Is it raining in Minsk?"), so it is a new question. There is no coreference model here (none
installs offline): these are the regular cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "which of them", "both of them", "how many of those", "which one", "the latter"
_PICKS = re.compile(
    r"\b(?:which|who|whom|whose|how many|each|either|neither|both|all|none|one|any|some)\s+of\s+"
    r"(?:them|those|these|the two|the three|both)\b|\bwhich one\b|\bthe (?:latter|former)\b",
    re.I,
)
_PERSON_PRONOUNS = frozenset(
    "he she him his her hers himself herself they them their theirs themselves".split())
_THING_PRONOUNS = frozenset("it its this that these those".split())
_DEMONSTRATIVES = frozenset("this these".split())  # "this article", "these people"; "that" is also a conjunction
# Words that carry no content of their own: a question made of these and a reference is only a reference.
_FUNCTION_WORDS = frozenset("""
a an the and or but so if then than too also else just only really even still again now here there
what which who whom whose when where why how whether
is are was were be been being am do does did done doing has have had having
can could will would shall should may might must
happen happened happens mean means meant say said says tell told know
to of in on at by for from with about into as up out over after before
me my mine we us our you your i
not no yes true false right correct more much many why's
""".split())
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class FollowUp:
    """What to search for a question asked in a conversation.

    question: the question, made standalone when it is a follow-up (the earlier answer in brackets).
    context: the earlier answer (or question) it was searched with; None when it stands alone.
    """

    question: str
    context: str | None = None


def refers_back(question: str) -> bool:
    """Whether question lacks what only the conversation can supply (see the module docstring).

    Example:
        >>> refers_back("Which of them is a US citizen?"), refers_back("Does it work outdoors?")
        (True, False)
    """
    if _PICKS.search(question):
        return True
    words = _WORD.findall(question)
    lower = [w.lower() for w in words]
    for i, word in enumerate(lower):
        if word in _PERSON_PRONOUNS:
            # "What did Lukashenko say about his rivals?": the name before the pronoun is what it refers to
            if not any(w[:1].isupper() and w != "I" for w in words[1:i]):
                return True
        elif word in _DEMONSTRATIVES and i + 1 < len(lower) and lower[i + 1] not in _FUNCTION_WORDS:
            return True  # "this article", "these people"
    if lower and lower[-1] in _THING_PRONOUNS:
        return True  # "Who wrote it?": an object at the end (a subject "it" may be nobody: "Is it raining?")
    if any(w in _THING_PRONOUNS for w in lower):
        return all(w in _FUNCTION_WORDS or w in _THING_PRONOUNS for w in lower)  # "Why did that happen?"
    return False


def follow_up(question: str, turns: list[dict]) -> FollowUp:
    """question as it is to be searched, given the earlier turns (dicts with "answer" and "question"): with
    the previous answer in brackets when it refers back, else as it was asked.

    Example:
        >>> follow_up("Which of them is Swiss?", [{"question": "Who was detained?", "answer": "A and B"}])
        FollowUp(question='Which of them is Swiss? (A and B)', context='A and B')
    """
    text = " ".join(question.split())
    if not turns or not refers_back(text):
        return FollowUp(text)
    previous = turns[-1]
    context = previous.get("answer") or previous.get("question", "")
    return FollowUp(f"{text} ({context})", context) if context else FollowUp(text)


def standalone_question(question: str, turns: list[dict]) -> str:
    """``follow_up(question, turns).question``.

    Example:
        >>> standalone_question("Which of them is Swiss?", [{"question": "Who was detained?", "answer": "A and B"}])
        'Which of them is Swiss? (A and B)'
    """
    return follow_up(question, turns).question
