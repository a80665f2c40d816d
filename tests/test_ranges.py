"""Amounts a question names against the ranges table rows give (qa.ranges), and the table answer they find."""

import re

import pytest

from qa.ranges import Amount, Range, amounts_asked, ranges_in


@pytest.mark.parametrize(("question", "amounts"), [
    ("Who approves a claim of $3,000?", [Amount(3000.0, "$")]),
    ("approver for a 7k expense", [Amount(7000.0, "")]),
    ("Who approves a claim of 4,000 euros?", [Amount(4000.0, "€")]),
    ("Who signs off claims over £500?", [Amount(500.01, "£")]),
    ("How many staff joined in 2024?", []),
    ("How many days off do I get after 3 years?", []),
])
def test_the_amounts_a_question_names(question, amounts):
    assert amounts_asked(question) == amounts


@pytest.mark.parametrize(("cell", "ranges"), [
    ("Up to $1,000 / €900", [Range(float("-inf"), 1000.0, "$"), Range(float("-inf"), 900.0, "€")]),
    ("$1,000 to $5,000", [Range(1000.0, 5000.0, "$")]),
    ("Above $5,000", [Range(5000.0, float("inf"), "$")]),
    ("between 50 and 100 EUR", [Range(50.0, 100.0, "€")]),
    ("500 EUR or less", [Range(float("-inf"), 500.0, "€")]),
    ("10k+", [Range(10000.0, float("inf"), "")]),
    ("The CFO", []),
])
def test_the_ranges_a_cell_gives(cell, ranges):
    assert ranges_in(cell) == ranges


def test_a_range_holds_amounts_of_its_currency_only():
    dollars = Range(1000.0, 5000.0, "$")
    assert dollars.holds(Amount(3000.0, "$")) and dollars.holds(Amount(3000.0, ""))
    assert not dollars.holds(Amount(3000.0, "€")) and not dollars.holds(Amount(5000.01, "$"))


def test_the_row_whose_range_holds_the_amount_answers_from_a_table():
    from qa import AnswerSettings
    from qa.forms import table_answer
    from qa.retrieve import Hit, Sentence, Trace

    text = ("## Approval limits\n| Claim | Signed off by |\n|---|---|\n| Up to $1,000 | Your team lead |\n"
            "| $1,000 to $5,000 | Head of department |\n| Above $5,000 | Finance director |")
    sentences = tuple(Sentence(m.start(), m.end(), m.group(), 0.5, 0.5, 1.0) for m in re.finditer(r"[^\n]+", text))
    hit = Hit("expenses.md", 0, len(text), text, 1.0, Trace(1, 0.5, 1, 1.0, None, None, 0.03, 1.0, 1.0), sentences)
    settings = AnswerSettings()
    assert table_answer("Who approves an expense of $3,000?", [hit], settings).short_answer == "Head of department"
    assert table_answer("who ok's a $12,000 claim", [hit], settings).short_answer == "Finance director"
    answer = table_answer("Who approves a claim above $5,000?", [hit], settings)
    assert answer.short_answer == "Finance director"
    assert [c.quote for c in answer.citations] == ["| Above $5,000 | Finance director |", "| Claim | Signed off by |"]
    assert table_answer("Who approves a claim of 3,000 euros?", [hit], settings) is None  # no euro range
