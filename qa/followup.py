"""Follow-up questions: make a question that leans on the conversation ("Which of them...?") standalone."""

from __future__ import annotations

import re

_REFERS_BACK = re.compile(
    r"\b(he|she|they|them|him|his|her|hers|their|theirs|it|its|this|that|these|those|the two|both)\b", re.I
)


def standalone_question(question: str, turns: list[dict]) -> str:
    """question, or question plus the previous turn's answer (or question) in brackets when it refers
    back with a pronoun ("Which of them...?", "What is his job?").

    Example:
        >>> standalone_question("Which of them is Swiss?", [{"question": "Who was detained?", "answer": "A and B"}])
        'Which of them is Swiss? (A and B)'
    """
    text = " ".join(question.split())
    if not turns or not _REFERS_BACK.search(text):
        return text
    previous = turns[-1]
    context = previous.get("answer") or previous.get("question", "")
    return f"{text} ({context})" if context else text
