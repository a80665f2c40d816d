import re

import pytest

from qa.answer import asks_for_names, extend_to_list
from qa.followup import standalone_question

SENTENCE = "Police in Lyon detained the chemist Marie Dubois and the pilot Jean Martin, who is also Swiss."


@pytest.mark.parametrize("name", ["Marie Dubois", "Jean Martin"])
def test_a_name_widens_to_the_coordinated_list(name):
    start = SENTENCE.index(name)
    s, e = extend_to_list(SENTENCE, start, start + len(name))
    assert SENTENCE[s:e] == "Marie Dubois and the pilot Jean Martin"


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [("In Spain, Italy and Greece, farmers protested.", "Spain", "Spain, Italy and Greece"),
     ("Lyon, the third city, is old.", "Lyon", "Lyon"),
     ("the chemist detained 40 people", "40 people", "40 people")],
)
def test_only_lists_are_widened(text, word, expected):
    start = text.index(word)
    s, e = extend_to_list(text, start, start + len(word))
    assert text[s:e] == expected


def test_list_questions():
    assert asks_for_names("Who was detained in Lyon?")
    assert asks_for_names("Which countries protested?")
    assert not asks_for_names("Where were they detained?")
    assert not asks_for_names("What does the chemist do?")
    assert not asks_for_names("Who is the mayor of Lyon?")  # one person, asked by a singular noun
    assert not asks_for_names("Who was Marie Dubois's lawyer?")


def test_a_widened_list_at_the_end_of_a_sentence_leaves_out_the_full_stop():
    text = "They met the mayor Anna Rossi and his adviser Tom Berg."
    s, e = extend_to_list(text, text.index("Anna"), text.index(" and"))
    assert text[s:e] == "Anna Rossi and his adviser Tom Berg"


def test_follow_up_questions_borrow_the_previous_answer():
    turns = [{"question": "Who was detained in Lyon?", "answer": "Marie Dubois and Jean Martin"}]
    expected = "Which of them is Swiss? (Marie Dubois and Jean Martin)"
    assert standalone_question("Which of them is Swiss?", turns) == expected
    assert standalone_question("Who is Marie Dubois?", turns) == "Who is Marie Dubois?"  # refers to nothing earlier
    assert standalone_question("Which of them is Swiss?", []) == "Which of them is Swiss?"
    no_answer = [{"question": "Who was detained in Lyon?", "answer": ""}]
    assert standalone_question("What is his job?", no_answer) == "What is his job? (Who was detained in Lyon?)"


@pytest.mark.parametrize(
    ("question", "span", "kind", "ok"),
    [("How many people attended?", "Belarus", "number", False),
     ("For how many days did it last?", "three days", "number", True),
     ("How old is the mayor?", "2023-06-02", "number", False),
     ("How old was he?", "31-year", "number", True),
     ("When was the bridge built?", "in 1901", "date", True),
     ("When was the bridge built?", "the city council", "date", False),
     ("Who built the bridge?", "the city council", "name", True),
     ("What did the council decide?", "anything at all", "other", True),
     ("Was the bridge built in 1901?", "in 1901", "yes-no", True),
     ("Didn't the council decide?", "anything at all", "yes-no", True),
     ("Is the bridge made of stone or of wood?", "stone", "other", True),  # a span answers that one
     ("Was was the plan of the council?", "a bridge", "other", True),  # a typo, not a yes-or-no question
     ("Can you tell me who built the bridge?", "the city council", "name", True),  # a wh-question, politely
     ("Did the man who built the bridge leave?", "the city council", "yes-no", True),
     ("How much does it cost to freeze a membership?", "three months", "money", False),  # a price, not a span
     ("How much does it cost to freeze a membership?", "GBP 5 per month", "money", True),
     ("What's the fee for a late return?", "4 euros", "money", True),
     ("How much leave do I get?", "25 days", "number", True)],
)
def test_answer_types(question, span, kind, ok):
    from qa.answer_type import expected_type, matches

    assert expected_type(question) == kind
    assert matches(kind, span) is ok


def test_widening_does_not_swallow_clauses():
    text = "Ali Shariati, ideologue of the Iranian Revolution, had resemblance with Mohammad Iqbal and others."
    s, e = extend_to_list(text, 0, len("Ali Shariati"))
    assert text[s:e] == "Ali Shariati"


@pytest.mark.parametrize(
    ("question", "passage", "expected"),
    [
        ("Where does Khodorkovsky live?", "Michail Chodorkowski lebt in London.", "Where does Chodorkowski live?"),
        ("What did Gorbachev say?", "Michail Gorbatschow sagte nichts.", "What did Gorbatschow say?"),
        ("Who is Nawalny's lawyer?", "Alexei Navalny met his lawyer.", "Who is Navalny's lawyer?"),
        ("When did Paris fall?", "The parish of St Paris fell in 1870.", "When did Paris fall?"),
        ("Who met Anna in Berlin?", "Nobody met anyone there.", "Who met Anna in Berlin?"),
    ],
)
def test_questions_are_respelled_with_the_passages_names(question, passage, expected):
    from qa.answer import spelled_as_in

    assert spelled_as_in(question, passage) == expected


@pytest.fixture(scope="module")
def almanacs(tmp_path_factory, embedder, reader):
    """Two sources that disagree on a date, and a third about something else."""
    from qa import Assistant

    docs = tmp_path_factory.mktemp("almanacs")
    (docs / "gazette.txt").write_text("The new bridge over the river Vltava in Prague was opened in 1841 by the city "
                                      "council. It was built of stone.", encoding="utf-8")
    (docs / "almanac.txt").write_text("The new bridge over the river Vltava in Prague was opened in 1845, after four "
                                      "years of work. Tolls were charged until 1870.", encoding="utf-8")
    (docs / "ferry.txt").write_text("A ferry across the river Elbe in Dresden was opened in 1852. The ferry carried "
                                    "horses and carts.", encoding="utf-8")
    return Assistant.open(docs, tmp_path_factory.mktemp("almanacs-index"), embedder=embedder, reader=reader)


def test_sources_that_disagree_are_both_shown(almanacs):
    answer = almanacs.ask("When was the bridge over the Vltava in Prague opened?")
    assert answer.short_answer in ("1841", "1845")
    other = "1845" if answer.short_answer == "1841" else "1841"
    assert f"The sources differ: {'almanac' if other == '1845' else 'gazette'}.txt says {other}" in answer.text
    assert sorted(c.source for c in answer.citations) == ["almanac.txt", "gazette.txt"]


def test_an_answer_to_another_question_is_not_a_disagreement(almanacs):
    answer = almanacs.ask("When was the ferry across the Elbe in Dresden opened?")
    assert answer.short_answer == "1852"
    assert "differ" not in answer.text and [c.source for c in answer.citations] == ["ferry.txt"]


def test_a_yes_or_no_question_is_answered_with_what_the_sources_say(almanacs):
    from qa.answer import YES_NO_LEAD

    answer = almanacs.ask("Was the bridge over the Vltava in Prague built of stone?")
    assert answer.answerable and answer.short_answer == "" and answer.note == YES_NO_LEAD
    assert answer.text.startswith(YES_NO_LEAD + "\n\n")
    assert answer.citations[0].quote == "It was built of stone."  # the sentence, not a span such as "stone"
    assert "signals" in answer.as_dict() and set(answer.signals) == {"sentence_score", "judged"}
    assert not almanacs.ask("Did the Dresden football club win the league in 1990?").answerable
    assert not almanacs.ask("Did Napoleon open the bridge?").answerable  # no sentence names Napoleon


def test_a_sentence_in_two_overlapping_passages_is_quoted_once():
    from qa.answer import distinct_sentences
    from qa.retrieve import Sentence

    first, other = Sentence(0, 9, "It opened.", 0.5, 1.0, 1.5), Sentence(10, 20, "It closed.", 0.4, 1.0, 1.4)
    found = [(first, "a.txt"), (other, "a.txt"), (first, "a.txt"), (first, "b.txt")]
    assert distinct_sentences(found) == [(first, "a.txt"), (other, "a.txt"), (first, "b.txt")]


def _hit(source: str, text: str, overlap: float):
    from qa.retrieve import Hit, Sentence, Trace

    trace = Trace(1, 0.5, 1, 1.0, None, None, 0.03, 1.0, 1.0)
    return Hit(source, 0, len(text), text, 1.0, trace, (Sentence(0, len(text), text, 0.6, overlap, 1.6),))


def test_a_common_word_answer_is_corroborated_only_by_sentences_about_the_question():
    from qa import AnswerSettings
    from qa.answer import _corroborations

    evidence = _hit("gazette.txt", "Police in Lyon arrested two men on Monday.", 0.8)
    hits = [evidence, _hit("almanac.txt", "Two former mayors now live in Paris.", 0.1),
            _hit("herald.txt", "Two men were arrested in Lyon, a spokesman said.", 0.6)]
    quoted = _corroborations("two", evidence.sentences[0], "gazette.txt", hits, AnswerSettings())
    assert [c.source for c in quoted] == ["herald.txt"]  # not the two mayors
    named = _corroborations("Anna Rossi", evidence.sentences[0], "gazette.txt",
                            [_hit("almanac.txt", "Anna Rossi now lives in Paris.", 0.1)], AnswerSettings())
    assert [c.source for c in named] == ["almanac.txt"]  # a name corroborates wherever it is named
    fee = _hit("terms.txt", "Freezing costs GBP 5 per month.", 0.8)
    priced = _corroborations("GBP 5 per month", fee.sentences[0], "terms.txt",
                             [_hit("prices.txt", "Parties cost GBP 180 per group.", 0.8),
                              _hit("faq.txt", "A frozen membership costs GBP 5 per month.", 0.8)], AnswerSettings())
    assert [c.source for c in priced] == ["faq.txt"]  # a figure is corroborated by its number, not its currency


@pytest.mark.parametrize(("text", "expected"), [("Alexander Feduto and the lawyer Yuri Senkowitsch", True),
                                                ("Prince of Lyon", True), ("two", False),
                                                ("provocation of the Russian and Belarusian security forces", False)])
def test_names_and_phrases(text, expected):
    from qa.answer import _is_name

    assert _is_name(text) is expected


def test_a_disagreement_needs_a_sentence_that_covers_the_question_as_fully():
    from qa.answer import _alternative
    from qa.reader import Span

    hit = _hit
    lyon = hit("lyon.txt", "Police in Lyon arrested the chemist Marie Dubois.", 1.0)
    best = Span("lyon.txt", 36, 48, "Marie Dubois", 9.0, 1.0)
    text = "Customs officials were arrested in Paris."
    elsewhere = Span("paris.txt", 0, 17, "Customs officials", 8.5, 1.0)
    for overlap, expected in ((0.5, None), (1.0, "paris.txt")):
        candidates = [(elsewhere, hit("paris.txt", text, overlap))]
        other = _alternative(best, lyon.sentences[0], {"mari", "dubois"}, candidates, floor=5.0)
        assert (other and other[0].source) == expected


def test_other_spellings_of_the_answer_are_found_in_the_quotes():
    from qa.answer import other_spellings

    assert other_spellings("Mikhail Gorbachev", ["Michail Gorbatschow sprach in Bonn."]) == ["Michail", "Gorbatschow"]
    assert other_spellings("Marie Dubois", ["Police in Lyon detained Marie Dubois and Jean Martin."]) == []
    assert other_spellings("Lyon", ["Lyons and Leon are other cities."]) == []  # short keys must match exactly


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [("Who did not sign the treaty?", "Rossi signed the treaty in 1990.", 1.0),
     ("Which city wasn't bombed?", "Only Dresden was bombed that night.", 1.0),
     ("Who never left the island?", "Anna never left the island.", 0.0),
     ("Who did not sign the treaty?", "Everyone but Rossi signed; he did not.", 0.0),
     ("Who signed the treaty?", "Rossi signed the treaty in 1990.", 0.0),
     ("Who signed the Nothing Act?", "Rossi signed the Nothing Act.", 0.0)],
)
def test_negated_questions_against_plain_statements(question, sentence, expected):
    from qa.answer import negation_unmatched

    assert negation_unmatched(question, sentence) == expected


def test_a_negated_question_about_a_plain_statement_is_less_answerable(almanacs):
    plain = almanacs.ask("When was the ferry across the Elbe in Dresden opened?")
    negated = almanacs.ask("When was the ferry across the Elbe in Dresden not opened?")
    assert plain.signals["negation_unmatched"] == 0.0 and negated.signals["negation_unmatched"] == 1.0
    assert negated.signals["judged"] < plain.signals["judged"] - 2.0  # the answer-sentence model sees it too
    assert negated.confidence < plain.confidence - 0.3


def test_answerability_weights_must_match_the_signals():
    from qa import AnswerSettings

    with pytest.raises(ValueError, match="answerability weights"):
        AnswerSettings(answerability=(1.0, 2.0))


@pytest.mark.parametrize(("span", "expected"), [
    ("a provocation\u201d", "a provocation"), ("\u201ca provocation\u201d", "a provocation"),
    ('"disposed of"', "disposed of"), ('"a" and "b"', '"a" and "b"'), ("the (CIS) chiefs", "the (CIS) chiefs"),
    ("CIS)", "CIS"), ("Poland, Lithuania and Ukraine,", "Poland, Lithuania and Ukraine"), ("\u201d", "\u201d"),
])
def test_short_answers_lose_unpaired_quotes_and_trailing_commas(span, expected):
    from qa.answer import balanced

    text = f"She said {span} today."
    start = text.index(span)
    new_start, new_end = balanced(text, start, start + len(span))
    assert text[new_start:new_end] == expected



def test_a_section_heading_inside_a_passage_names_its_place_for_the_sentences_under_it():
    from qa.answer import naming_the_names_of
    from qa.retrieve import Hit, Sentence, Trace

    text = ("## Oslo staff\n\n- Unused days do not carry over.\n\n## Bergen staff\n\n- Unused days carry over.\n"
            "- Oslo visitors get a day pass.")
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]  # one sentence per line
    sentences = tuple(Sentence(a, b, text[a:b], 0.5, 0.5, 1.0) for a, b in spans)
    hit = Hit("leave.md", 0, len(text), text, 1.0, Trace(1, 0.5, 1, 1.0, None, None, 0.03, 1.0, 1.0), sentences)
    (kept,) = naming_the_names_of("Do unused days in Oslo carry over?", [hit])
    assert [s.text for s in kept.sentences] == ["## Oslo staff", "- Unused days do not carry over.",
                                                "- Oslo visitors get a day pass."]  # not Bergen's


def _lines_hit(source, text, heading=""):
    from qa.retrieve import Hit, Sentence, Trace

    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]  # one sentence per line
    sentences = tuple(Sentence(a, b, text[a:b], 0.5, 0.5, 1.0) for a, b in spans)
    return Hit(source, 0, len(text), text, 1.0, Trace(1, 0.5, 1, 1.0, None, None, 0.03, 1.0, 1.0), sentences, heading)


def test_a_version_or_year_the_question_names_must_be_named_too():
    from qa.answer import naming_the_names_of

    text = "## Lumo 2.1\n\n**New**\n\n- Dark mode.\n\n## Lumo 2.0\n\n**New**\n\n- Offline maps."
    (kept,) = naming_the_names_of("What's new in Lumo 2.1?", [_lines_hit("notes.md", text, "Lumo release notes")])
    assert [s.text for s in kept.sentences] == ["## Lumo 2.1", "**New**", "- Dark mode."]
    assert naming_the_names_of("What did Lumo cost in 2023?", [_lines_hit("notes.md", text, "Lumo notes")]) == []
    compared = _lines_hit("all-hands.txt", "Q1 revenue was $9.1 million, 12% higher than Q1 2023.")
    assert naming_the_names_of("What was our revenue in Q1 2023?", [compared]) == []  # named only to compare


def test_a_file_without_headings_names_what_its_file_name_names():
    from qa.answer import naming_the_names_of, title_of

    assert title_of("accounts/account-brightwell_foods.txt") == "account brightwell foods"
    hits = [_lines_hit("account-brightwell-foods.txt", "- ARR: EUR 12,000"),
            _lines_hit("account-orla.txt", "- ARR: EUR 9,000")]
    (kept,) = naming_the_names_of("What is the yearly revenue of Brightwell?", hits)
    assert kept.source == "account-brightwell-foods.txt"


def test_the_reader_also_answers_from_the_sentence_the_judge_prefers(reader):
    """Each passage is read for its best span and for the best span inside the sentence the answer-sentence
    model judges best there; the decision weighs the two by their sentences (here the judge, not the
    reader, decides which line answers)."""
    from dataclasses import replace

    from qa import AnswerSettings
    from qa.answer import answer_with_reader

    hit = _lines_hit("account-halden.txt",
                     "Customer success manager: Ines Roth.\nAccount executive: Pavel Dubek (Leeds).")
    question = "Who is the customer success manager?"
    judged = {"Customer success manager: Ines Roth.": 2.5, "Account executive: Pavel Dubek (Leeds).": -4.0}
    as_judged = replace(hit, sentences=tuple(replace(s, judged=judged[s.text]) for s in hit.sentences))
    assert "Ines Roth" in answer_with_reader(question, [as_judged], reader, AnswerSettings()).short_answer
    flipped = {k: -v for k, v in judged.items()}  # were the model sure of the other line, its name would answer
    as_flipped = replace(hit, sentences=tuple(replace(s, judged=flipped[s.text]) for s in hit.sentences))
    assert "Pavel Dubek" in answer_with_reader(question, [as_flipped], reader, AnswerSettings()).short_answer


def test_a_price_question_is_answered_with_the_price_not_another_figure_of_its_sentence(reader):
    from qa import AnswerSettings
    from qa.answer import answer_with_reader

    from dataclasses import replace

    hit = _lines_hit("terms.txt", "You can freeze a membership for up to three months a year, for a fee of GBP 5 "
                     "per month.")
    hit = replace(hit, sentences=tuple(replace(s, judged=2.0) for s in hit.sentences))  # as the model judges it
    answer = answer_with_reader("How much does it cost to freeze my membership?", [hit], reader, AnswerSettings())
    assert "GBP 5" in answer.short_answer
