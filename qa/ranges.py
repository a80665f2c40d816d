"""Amounts a question names and the ranges a table row gives, so that "Who approves a claim of $3,000?"
finds the row "| $1,000 to $5,000 | Department head |": a number inside a range shares no word with it,
and neither retrieval nor the answer-sentence model compares numbers. Written by hand because ranges
are written regularly ("up to X", "X to Y", "X-Y", "above X", "X or more").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"(?P<{name}>\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?\s*(?P<{name}_scale>k\b|m\b|million\b|thousand\b)?"
_CURRENCY = r"(?P<{name}_unit>[$€£¥]|(?:usd|eur|gbp|euros?|dollars?|pounds?)\b)?"
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6}
_UNITS = {"usd": "$", "dollar": "$", "dollars": "$", "eur": "€", "euro": "€", "euros": "€", "gbp": "£",
          "pound": "£", "pounds": "£"}


def _amount(name: str) -> str:
    """A pattern for one amount with an optional currency before or after it, its groups named after name."""
    before = _CURRENCY.format(name=name + "_pre")
    after = _CURRENCY.format(name=name + "_post")
    return rf"{before}\s?{_NUMBER.format(name=name)}\s?{after}"


_AMOUNT = re.compile(_amount("x"), re.I)
_BELOW = re.compile(rf"\b(?:up\s+to|under|below|less\s+than|at\s+most|max(?:imum)?)\s+{_amount('x')}", re.I)
_ABOVE = re.compile(rf"\b(?:above|over|more\s+than|greater\s+than|exceeding|at\s+least|from)\s+{_amount('x')}"
                    rf"(?!\s*(?:to|-|–|and)\s*[$€£\d])", re.I)
_BETWEEN = re.compile(rf"(?:\bbetween\s+)?{_amount('x')}\s*(?:to|-|–|—|and)\s*{_amount('y')}", re.I)
_OR_MORE = re.compile(rf"{_amount('x')}\s*(?:\+|or\s+more|and\s+(?:above|over|up))", re.I)
_ALTERNATE = re.compile(rf"\s*/\s*{_amount('x')}", re.I)  # "Up to $1,000 / €900": the same bound in another currency
_OR_LESS = re.compile(rf"{_amount('x')}\s*(?:or\s+less|and\s+(?:below|under))", re.I)


@dataclass(frozen=True)
class Amount:
    """A number a text names, with its currency symbol ("" when it has none)."""

    value: float
    unit: str


@dataclass(frozen=True)
class Range:
    """The amounts from low to high (both ends included), in unit ("" for any)."""

    low: float
    high: float
    unit: str

    def holds(self, amount: Amount) -> bool:
        if self.unit and amount.unit and self.unit != amount.unit:
            return False
        return self.low <= amount.value <= self.high


def _value(match: re.Match, name: str) -> Amount:
    number = float(match.group(name).replace(",", ""))
    scale = (match.group(name + "_scale") or "").lower()
    unit = (match.group(name + "_pre_unit") or match.group(name + "_post_unit") or "").lower()
    return Amount(number * _SCALES.get(scale, 1.0), _UNITS.get(unit, unit))


def amounts_asked(question: str) -> list[Amount]:
    """The amounts of money a question names ("a claim of $3,000", "over 5k euros"), each just above its
    number when the question says "above"/"over" it; not years or bare small numbers.

    Example:
        >>> amounts_asked("Who approves expenses above $5,000?"), amounts_asked("What did we spend in 2024?")
        ([Amount(value=5000.01, unit='$')], [])
    """
    found = []
    for match in _AMOUNT.finditer(question):
        amount = _value(match, "x")
        if not amount.unit and not match.group("x_scale"):
            continue  # "2024", "3 days": not an amount of money
        before = question[: match.start()].lower().split()[-2:]
        if any(w in ("above", "over", "exceeding", "than") for w in before):
            amount = Amount(amount.value + 0.01, amount.unit)
        found.append(amount)
    return found


def ranges_in(text: str) -> list[Range]:
    """The ranges a text gives ("Up to $1,000", "$1,000 to $5,000 / €900 to €4,500", "Above $5,000").

    Example:
        >>> [(r.low, r.high, r.unit) for r in ranges_in("$1,000 to $5,000 / €900 to €4,500")]
        [(1000.0, 5000.0, '$'), (900.0, 4500.0, '€')]
    """
    found: list[tuple[int, Range]] = []
    taken: list[tuple[int, int]] = []
    for pattern, make in ((_BETWEEN, lambda m: (_value(m, "x"), _value(m, "y"))),
                          (_BELOW, lambda m: (Amount(float("-inf"), ""), _value(m, "x"))),
                          (_OR_LESS, lambda m: (Amount(float("-inf"), ""), _value(m, "x"))),
                          (_ABOVE, lambda m: (_value(m, "x"), Amount(float("inf"), ""))),
                          (_OR_MORE, lambda m: (_value(m, "x"), Amount(float("inf"), "")))):
        for match in pattern.finditer(text):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue  # "$1,000 to $5,000" is one range, not also "to $5,000"
            low, high = make(match)
            if low.value <= high.value:
                taken.append(match.span())
                found.append((match.start(), Range(low.value, high.value, low.unit or high.unit)))
                other = _ALTERNATE.match(text, match.end())
                if other is not None and pattern is not _BETWEEN:
                    bound = _value(other, "x")
                    low, high = (low, bound) if high.value != float("inf") else (bound, high)
                    taken.append(other.span())
                    found.append((other.start(), Range(low.value, high.value, bound.unit)))
    return [r for _, r in sorted(found, key=lambda f: f[0])]
