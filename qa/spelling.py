"""Correct the words of a question against the index's own vocabulary ("sick dyas" -> "sick days").

A word is left alone when the documents use it, when it is an English word (pyspellchecker's list: a
word the documents lack, such as "contractors", is a question about something they do not cover, not a
typo), when it is short, or when it holds a digit. Otherwise it becomes the most frequent word of the
documents within one edit, a swap of two letters counting as one (two for words of 8 letters or more), if there is one.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import OSA

_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
MIN_LENGTH = 4


@lru_cache(maxsize=1)
def _english():
    from spellchecker import SpellChecker

    return SpellChecker(distance=1)


def is_english(word: str) -> bool:
    """Whether pyspellchecker's English list holds word (lower-cased)."""
    return word.lower() in _english()


@dataclass(frozen=True)
class Correction:
    """One corrected word of a question: its span in the question, as typed, and the word put instead."""

    start: int
    end: int
    typed: str
    corrected: str


class Speller:
    """The vocabulary of a set of texts, with word counts, for correcting typed words against it."""

    def __init__(self, texts: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(w.lower() for w in _WORD.findall(text))
        self.counts = counts
        self._words = list(counts)

    def knows(self, word: str) -> bool:
        return word.lower() in self.counts

    def correct_word(self, word: str) -> str | None:
        """The documents' word that word is a typo of, or None when it is no typo (see the module doc)."""
        lower = unicodedata.normalize("NFC", word.lower())
        if len(lower) < MIN_LENGTH or lower in self.counts or is_english(lower) or not lower.isalpha():
            return None
        folded = anyascii(lower)  # "arrésted" is "arrested" with a stray accent, not a typo to edit
        if folded != lower and (folded in self.counts or is_english(folded)):
            return None if folded not in self.counts else (
                folded.capitalize() if word[:1].isupper() and word[1:].islower() else folded)
        limit = 2 if len(lower) >= 8 else 1
        found = process.extract(lower, self._words, scorer=OSA.distance, score_cutoff=limit, limit=20)
        if not found:
            return None
        best = min(found, key=lambda f: (f[1], -self.counts[f[0]]))[0]
        return best.capitalize() if word[:1].isupper() and word[1:].islower() else best

    def correct(self, question: str) -> tuple[str, tuple[Correction, ...]]:
        """question (NFC) with each typo replaced, and the corrections made (spans in the NFC question).

        Example:
            >>> Speller(["Sick days carry over to the next year."]).correct("do sikc dyas carrry over")[0]
            'do sick days carry over'
        """
        question = unicodedata.normalize("NFC", question)  # "arre\u0301sted" is one word, not "arre" and "sted"
        corrections: list[Correction] = []
        parts, last = [], 0
        for match in _WORD.finditer(question):
            fixed = self.correct_word(match.group())
            if fixed is not None:
                corrections.append(Correction(match.start(), match.end(), match.group(), fixed))
                parts += [question[last : match.start()], fixed]
                last = match.end()
        return "".join(parts) + question[last:], tuple(corrections)
