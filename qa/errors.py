"""Errors the public API raises for bad input; the CLI and UI turn them into one-line messages."""

from __future__ import annotations

import unicodedata

MAX_QUESTION_CHARS = 1000
MAX_K = 100


class InvalidQuestionError(ValueError, TypeError):
    """A question or ``k`` the assistant cannot take (empty, too long, control characters, wrong type)."""


def check_question(question: object) -> str:
    """The question stripped of surrounding whitespace, or InvalidQuestionError saying what is wrong."""
    if not isinstance(question, str):
        raise InvalidQuestionError(f"question must be a string, got {type(question).__name__}")
    text = question.strip()
    if not text:
        raise InvalidQuestionError("question is empty: type a question about the documents")
    if len(text) > MAX_QUESTION_CHARS:
        raise InvalidQuestionError(f"question is {len(text)} characters long; the limit is {MAX_QUESTION_CHARS}")
    bad = [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t"]
    if bad:
        raise InvalidQuestionError(f"question contains control characters ({bad[0]!r}); remove them")
    return " ".join(text.split())


def check_k(k: object) -> int:
    """k as an int in 1..MAX_K, or InvalidQuestionError."""
    if isinstance(k, bool) or not isinstance(k, int):
        raise InvalidQuestionError(f"k must be an integer, got {type(k).__name__} {k!r}")
    if not 1 <= k <= MAX_K:
        raise InvalidQuestionError(f"k must be between 1 and {MAX_K}, got {k}")
    return k
