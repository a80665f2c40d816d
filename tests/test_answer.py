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


def test_follow_up_questions_borrow_the_previous_answer():
    turns = [{"question": "Who was detained in Lyon?", "answer": "Marie Dubois and Jean Martin"}]
    assert standalone_question("Which of them is Swiss?", turns) == "Which of them is Swiss? (Marie Dubois and Jean Martin)"
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
     ("What did the council decide?", "anything at all", "other", True)],
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
