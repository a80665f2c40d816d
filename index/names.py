"""Spelling-tolerant word keys: fold accents and scripts, then common transliteration shifts.

Names reach English news through German, Russian and Belarusian spellings: Gorbachev/Gorbatschow,
Khodorkovsky/Chodorkowski, Navalny/Nawalny. ``name_key`` maps such variants to one key (or to
keys one edit apart, which ``similar_keys`` finds). It is rule-based, not a list of names: the rules
are the regular correspondences between German, English and Slavic romanisations.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

_WORD = re.compile(r"\w+", re.UNICODE)
# Order matters: longer clusters first. Each pair maps one romanisation onto a shared spelling.
_SHIFTS = (
    ("tsch", "c"), ("tch", "c"), ("sch", "s"), ("sh", "s"), ("zh", "s"), ("ch", "c"), ("kh", "h"),
    ("ts", "c"), ("tz", "c"), ("ph", "f"), ("w", "v"), ("z", "s"), ("x", "ks"), ("q", "k"),
    ("ck", "k"), ("j", "i"), ("y", "i"), ("ou", "ov"), ("ew", "ev"),
)


def fold(text: str) -> str:
    """Lowercase ASCII rendering: accents dropped, other scripts transliterated (Навальный -> naval'nyy)."""
    text = unicodedata.normalize("NFKC", text)
    return anyascii(text).lower()


@lru_cache(maxsize=1 << 18)  # a corpus repeats its words: each distinct word is keyed once
def name_key(word: str) -> str:
    """A spelling-tolerant key for one word: folded, transliteration shifts applied, doubled letters
    collapsed, a final vowel dropped. ``name_key("Nawalny") == name_key("Navalny")``."""
    key = re.sub(r"[^a-z0-9]", "", fold(word))
    for old, new in _SHIFTS:
        key = key.replace(old, new)
    key = re.sub(r"(.)\1+", r"\1", key)
    key = key.replace("c", "k") if key.endswith("ck") else key
    if len(key) > 4 and key[-1] in "aeiou":
        key = key[:-1]
    return key


def words(text: str) -> list[str]:
    """The word tokens of text, as written."""
    return _WORD.findall(text)


def similar_keys(key: str, vocabulary: list[str]) -> list[str]:
    """Keys in vocabulary within one edit of ``key`` (two for keys of 9+ letters); short keys match exactly."""
    if len(key) < 5:
        return [key] if key in vocabulary else []
    limit = 2 if len(key) >= 9 else 1
    matches = process.extract(key, vocabulary, scorer=Levenshtein.distance, score_cutoff=limit, limit=None)
    return [other for other, _, _ in matches]


def spelled_alike(key: str, others: set[str]) -> bool:
    """key is one of others, or both have 5+ letters and are one edit apart (Gorbachev / Gorbatschow);
    short keys match only exactly."""
    return key in others or (len(key) >= 5 and any(
        len(other) >= 5 and Levenshtein.distance(key, other, score_cutoff=1) <= 1 for other in others))
