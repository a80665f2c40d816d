"""The kind of answer a question asks for (a number, a date, a name) and whether a span is of that kind.

Rule-based on the question's wh-phrase and the span's surface form; used to distrust a reader span of
the wrong kind ("How many ...?" answered with a place name), not to find answers.
"""

from __future__ import annotations

import re

NUMBER, MONEY, DATE, NAME, YES_NO, OTHER = "number", "money", "date", "name", "yes-no", "other"
NEGATION = re.compile(r"\b(?:not|never|no|none|nor|neither|without|cannot)\b|n't\b", re.I)  # "didn't", "not"

_NUMBER_QUESTION = re.compile(r"\b(?:how\s+(?:many|much|old|long|far|big|large|tall|often)|what\s+(?:percentage|"
                              r"number|amount|age))\b", re.I)
# "How much does it cost?", "What's the fee for ...?": a price, not any number ("three months").
_MONEY_QUESTION = re.compile(r"\bhow\s+much\b.*\b(?:cost|costs|charge|charged|charges|pay|paid|price|priced|fee)\b"
                             r"|^\s*what(?:'s|\s+is|\s+was|\s+are|\s+were)\s+the\s+"
                             r"(?:price|cost|fee|fees|charge|rent)\b"
                             r"|^\s*what\s+(?:does|do|did|will)\s+.+\s+cost\b", re.I)
_CURRENCY = re.compile(r"[$€£¥₹]|\b(?:usd|eur|gbp|chf|jpy|cad|aud|dollars?|euros?|pounds?|pence|cents?|yen|yuan|"
                       r"rupees?|francs?|marks?|pesos?|crowns?|kron(?:a|e|or|er)|lira|shillings?|guilders?|free|"
                       r"no\s+charge)\b", re.I)
_DATE_QUESTION = re.compile(r"^\s*(?:when|(?:in\s+|on\s+)?(?:what|which)\s+(?:year|date|day|month|century|decade))\b",
                            re.I)
_NAME_QUESTION = re.compile(r"^\s*(?:who|whom|whose)\b", re.I)
AUXILIARY = r"(?:is|are|was|were|am|do|does|did|has|have|had|can|could|will|would|shall|should|may|might|must)"
WH_WORD = r"(?:who|whom|whose|what|which|when|where|why|how)"
# "Did the talks fail?", "Is Rossi a chemist?"; not "Is it X or Y?" (a span answers that), nor "Was was ...".
_YES_NO_QUESTION = re.compile(rf"^\s*{AUXILIARY}(?:n't|n\u2019t)?\s+(?!{AUXILIARY}\b)(?!.*\bor\b)", re.I)
# A wh-question asked politely: "Can you tell me who ...?", "Do you know when ...?".
_POLITE = re.compile(r"^\s*(?:please\s+)?(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:tell|show)\s+me"
                     r"|do(?:es)?\s+(?:you|anyone)\s+know|i(?:'d|\u2019d|\s+would)\s+like\s+to\s+know|tell\s+me)"
                     rf"\s+(?={WH_WORD}\b)", re.I)
_NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
                 "hundred hundreds thousand thousands million millions billion dozen dozens several few many "
                 "half first second third fourth fifth sixth").split()
_MONTHS = ("january february march april may june july august september october november december jan feb mar "
           "apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday "
           "yesterday today tomorrow week month year spring summer autumn winter night evening morning "
           "century decade").split()


def plain_question(question: str) -> str:
    """question without a polite opening that wraps a wh-question.

    Example:
        >>> plain_question("Could you please tell me who won the race?"), plain_question("Did Rossi win?")
        ('Who won the race?', 'Did Rossi win?')
    """
    plain = _POLITE.sub("", question, count=1)
    return plain if plain == question else plain[:1].upper() + plain[1:]


def expected_type(question: str) -> str:
    """YES_NO for a question that opens with an auxiliary verb ("Did ...?", not "Is it X or Y?"), MONEY for
    what something costs, NUMBER for how many/much/old/long..., DATE for when/what year..., NAME for
    who/whom, else OTHER.

    Example:
        >>> [expected_type(q) for q in ("Was Rossi arrested?", "Was Rossi or Bianchi arrested?", "Who won?")]
        ['yes-no', 'other', 'name']
        >>> expected_type("Can you tell me who won?"), expected_type("Do you know when it ended?")
        ('name', 'date')
        >>> expected_type("How much does a day pass cost?"), expected_type("How much leave do I get?")
        ('money', 'number')
    """
    question = plain_question(question)
    if _YES_NO_QUESTION.search(question):
        return YES_NO
    if _MONEY_QUESTION.search(question):
        return MONEY
    if _NUMBER_QUESTION.search(question):
        return NUMBER
    if _DATE_QUESTION.search(question):
        return DATE
    if _NAME_QUESTION.search(question):
        return NAME
    return OTHER


def matches(kind: str, span: str) -> bool:
    """Whether span can be an answer of that kind (OTHER accepts anything)."""
    words = re.findall(r"[a-z]+", span.lower())
    if kind == NUMBER:
        if re.search(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}", span):
            return False  # a calendar date is not a count or an age
        return bool(re.search(r"\d", span)) or any(w in _NUMBER_WORDS for w in words)
    if kind == MONEY:
        return bool(_CURRENCY.search(span))
    if kind == DATE:
        return bool(re.search(r"\d", span)) or any(w in _MONTHS for w in words)
    if kind == NAME:
        return bool(re.search(r"[A-Z]", span)) or len(words) <= 6
    return True
