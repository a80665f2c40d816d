"""Answers in the form the question asks for, over documents with structure (real models, FAISS, BM25).

The documents are invented here; the questions ask as people type them."""

import pytest

from qa import Assistant

DOCS = {
    "harbour-faq.md": """# Harbour Lamp FAQ

## How do I pair the lamp with the app?
Press and hold the dimmer ring for eight seconds until the base glows amber. Then choose Add lamp in the
Lumo app and enter the six-digit code printed under the base.

## Can the lamp be used outdoors?
No, the Harbour Lamp is meant for indoor use only. Rain and condensation can damage the dimmer ring.

## What does the warranty cover?
The warranty covers manufacturing defects for three years from the date of purchase.
""",
    "travel-policy.md": """# Travel policy

## Booking
Employees book flights through the Wayfarer portal at least fourteen days before departure.

## What you need before a trip
Before any international trip, make sure you have:
- a passport valid for six months after your return
- written approval from your department head
- the travel insurance card from the finance office

## Per diems
The daily meal allowance for employees is 45 euros within the country and 70 euros abroad.
""",
    "club-rules.md": """# Rowing club rules

## Membership tiers
| Tier | Who | Fee per year |
|---|---|---|
| Junior | Under 18 | 60 euros |
| Adult | 18 and over | 240 euros |
| Family | Two adults and their children | 420 euros |

## Boats
Members may book a boat for at most two hours at a time.
Juniors must wear a personal flotation device (PFD) on the water.

## Coaches
- Ola Brekke, Head Coach – runs the junior squad
- Siri Dahl, Safety Officer

## Winter rules
- The boathouse closes at 16:00.
- Nobody rows alone when the water is below 10 degrees.
""",
    "team.txt": """Leadership team

Maren Olsvik (Chief Operating Officer) runs logistics and the two warehouses.
Tobias Fenn - Head of Finance
The finance office is on the third floor of the Quayside building.

Why did we move the warehouse to Kessel?
The lease in Dorrow ended in 2024 and the Kessel site is next to the motorway, which cut delivery times by a day.
""",
}


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    folder = tmp_path_factory.mktemp("structured")
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return Assistant.open(folder, index_dir=tmp_path_factory.mktemp("idx"))


def _quotes(answer):
    return " ".join(c.quote for c in answer.citations)


def _all_verbatim(assistant, answer):
    return all(assistant.document_text(c.source)[c.start:c.end] == c.quote for c in answer.citations)


def test_an_faq_question_is_answered_with_the_body_under_its_heading(assistant):
    answer = assistant.ask("How do I pair the lamp with the app?")
    assert answer.answerable and answer.form == "steps"
    assert "hold the dimmer ring for eight seconds" in _quotes(answer)
    assert "six-digit code" in _quotes(answer)
    assert _all_verbatim(assistant, answer)


def test_a_yes_no_question_gets_the_documents_own_no(assistant):
    answer = assistant.ask("Can I use the lamp outside?")
    assert answer.answerable and answer.short_answer == "No"
    assert "indoor use only" in _quotes(answer) and _all_verbatim(assistant, answer)


def test_a_list_question_gets_every_item_of_the_list(assistant):
    answer = assistant.ask("What do I need before an international trip?")
    assert answer.answerable
    for item in ("passport valid for six months", "written approval", "travel insurance card"):
        assert item in _quotes(answer)
    assert _all_verbatim(assistant, answer)


def test_a_role_written_beside_a_name_describes_it(assistant):
    assert assistant.ask("Who is Maren Olsvik?").short_answer == "Chief Operating Officer"
    answer = assistant.ask("who is the head of finance")
    assert "Tobias Fenn" in answer.text


def test_a_why_question_in_a_plain_text_faq_gets_the_reason(assistant):
    answer = assistant.ask("Why did the warehouse move to Kessel?")
    assert answer.answerable and "lease in Dorrow ended" in _quotes(answer)


def test_keywords_with_typos_are_corrected_and_shown(assistant):
    answer = assistant.ask("daily meal alowance abroad")
    assert answer.searched == "daily meal allowance abroad"
    assert answer.answerable and "70 euros" in answer.text


def test_what_the_documents_do_not_cover_is_refused_with_the_closest_passages(assistant):
    for question in ("What is the daily meal allowance for contractors?", "What is the capital of Peru?"):
        answer = assistant.ask(question)
        assert not answer.answerable, question
        assert answer.hits and not answer.citations


def test_a_list_question_over_a_table_lists_its_rows(assistant):
    answer = assistant.ask("What are the membership tiers?")
    assert answer.answerable and answer.form == "list"
    quotes = [c.quote for c in answer.citations]
    assert all(any(tier in q for q in quotes) for tier in ("| Junior |", "| Adult |", "| Family |"))
    assert not any(set(q) <= set("|-: ") for q in quotes)  # not the rule under the column names
    assert _all_verbatim(assistant, answer)


def test_an_abbreviation_is_spelled_out_and_a_role_after_a_comma_describes_a_name(assistant):
    assert assistant.ask("What does PFD stand for?").short_answer == "personal flotation device"
    assert assistant.ask("Who is Ola Brekke?").short_answer == "Head Coach"


def test_a_list_under_a_heading_that_names_the_question_answers_it(assistant):
    from qa.forms import _section_named

    answer = assistant.ask("What are the winter rules?")
    assert answer.answerable and answer.form == "list"
    assert [c.quote for c in answer.citations] == ["- The boathouse closes at 16:00.",
                                                  "- Nobody rows alone when the water is below 10 degrees."]
    hits = assistant.retrieve("What are the winter rules for juniors?")
    assert _section_named("What are the winter rules for juniors?", hits, None) is None  # not said for juniors


def test_a_year_the_documents_do_not_name_is_not_answered_with_another_years_figure(assistant):
    assert assistant.ask("What is the daily meal allowance abroad?").answerable
    answer = assistant.ask("What was the daily meal allowance abroad in 2019?")
    assert not answer.answerable and answer.hits  # the closest passages still shown


def test_a_sentence_that_goes_on_a_list_item_is_quoted_with_the_item():
    from dataclasses import replace

    from qa import AnswerSettings
    from qa.forms import answer_in_form
    from qa.plan import plan_question
    from qa.retrieve import Hit, Sentence, Trace

    text = ("## Devices\n- Printers need your badge.\n- USB drives are blocked on office PCs. "
            "Ask IT for an exception if you must flash firmware by USB.\n- Keep your screen locked.")
    starts = [0, text.index("- Printers"), text.index("- USB"), text.index("Ask IT"), text.index("- Keep")]
    ends = [text.index("\n", a) if "\n" in text[a:] else len(text) for a in starts]
    ends[2] = text.index(" Ask IT")
    judged = [None, -3.0, -1.0, 2.0, -4.0]
    sentences = tuple(Sentence(a, b, text[a:b], 0.5, 0.5, 1.0, judged=j) for a, b, j in zip(starts, ends, judged))
    hit = Hit("it-policy.md", 0, len(text), text, 1.0, Trace(1, 0.5, 1, 1.0, None, None, 0.03, 1.0, 1.0), sentences,
              "IT policy")
    answer = answer_in_form(plan_question("Can I plug a USB drive into my office PC?"), [hit], AnswerSettings())
    assert [c.quote for c in answer.citations][:2] == ["- USB drives are blocked on office PCs.",
                                                       "Ask IT for an exception if you must flash firmware by USB."]
    assert all(text[c.start:c.end] == c.quote for c in answer.citations)


def test_a_yes_no_question_is_settled_by_a_sentence_that_names_no_version(tmp_path):
    """"Will the S2 get 3.2?" is answered by "S2 lamps stay on the 1.x line", which names no 3.2; a span
    question about 3.2 still needs 3.2 named."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "lumo-firmware.md").write_text(
        "# Lumo lamp firmware\n\n## Version 3.2\n\n- Adds a sunrise alarm.\n- Fixes flicker when dimmed below 5%.\n\n"
        "## Compatibility\n\n- Lumo S2 lamps stay on the 1.x firmware line and do not receive these updates.\n",
        encoding="utf-8")
    assistant = Assistant.open(docs, index_dir=tmp_path / "idx")
    answer = assistant.ask("Will Lumo S2 lamps get firmware 3.2?")
    assert answer.answerable and "stay on the 1.x firmware line" in _quotes(answer)
    assert not assistant.ask("How much did firmware 3.7 cost?").answerable
