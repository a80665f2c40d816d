import pytest

from qa.describe import asked_name, describe


@pytest.mark.parametrize(
    ("question", "name"),
    [("Who is Marie Dubois?", "Marie Dubois"),
     ("Who was Jean Martin", "Jean Martin"),
     ("What is the profession of Marie Dubois?", "Marie Dubois"),
     ("What was Jean Martin's job?", "Jean Martin"),
     ("What does Marie Dubois do for a living?", "Marie Dubois"),
     ("What post did Jean Martin formerly hold?", "Jean Martin"),
     ("Who is the mayor of Lyon?", None),
     ("Who was detained in Lyon?", None),
     ("What does the chemist do?", None)],
)
def test_questions_that_ask_to_describe_a_name(question, name):
    assert asked_name(question) == name


SENTENCE = "Police in Lyon detained the chemist Marie Dubois and the pilot Jean Martin, who is also Swiss."


@pytest.mark.parametrize(
    ("name", "sentence", "expected"),
    [("Marie Dubois", SENTENCE, "chemist"),
     ("Jean Martin", SENTENCE, "pilot"),
     ("Marie Duboit", SENTENCE, "chemist"),  # spelled another way
     ("Anna Rossi", "It was signed by Italy's former finance minister Anna Rossi in 1990.",
      "Italy's former finance minister"),
     ("Anna Rossi", "Anna Rossi, the former finance minister, signed it.", "former finance minister"),
     ("Tom Berg", "Tom Berg, who was a ship's doctor, wrote it.", "ship's doctor"),
     ("Tom Berg", "Tom Berg and Anna Rossi signed it in 1990.", None),  # named, not described
     ("Tom Berg", SENTENCE, None)],  # not named at all
)
def test_the_words_a_sentence_attaches_to_a_name(name, sentence, expected):
    found = describe(name, sentence)
    assert (found and found.text) == expected
    if found:
        assert sentence[found.start : found.end] == found.text


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory, embedder, reader):
    from qa import Assistant

    docs = tmp_path_factory.mktemp("newsroom")
    (docs / "lyon.txt").write_text(
        "Police in Lyon detained the chemist Marie Dubois and the pilot Jean Martin on Monday. "
        "Both were released on bail two days later. The trial is expected to begin in the spring.", encoding="utf-8")
    (docs / "weather.txt").write_text("Heavy rain flooded the old town of Lyon in March. The river rose by two "
                                      "metres overnight.", encoding="utf-8")
    return Assistant.open(docs, tmp_path_factory.mktemp("newsroom-index"), embedder=embedder, reader=reader)


@pytest.mark.parametrize(("question", "expected"),
                         [("Who is Jean Martin?", "pilot"), ("What is the profession of Marie Dubois?", "chemist")])
def test_asked_about_a_name_the_answer_is_what_the_documents_call_it(newsroom, question, expected):
    answer = newsroom.ask(question)
    assert answer.answerable and answer.short_answer == expected
    assert "Marie Dubois and the pilot Jean Martin" in answer.citations[0].quote


@pytest.mark.parametrize(
    ("question", "words"),
    [("Which of them is Swiss?", "Swiss"),
     ("Which of them is a pilot? (Marie Dubois and Jean Martin)", "pilot"),
     ("Which of the detained chemists was also a US citizen?", "US citizen"),
     ("Which city is the capital?", None),
     ("Who was detained in Lyon?", None)],
)
def test_questions_that_ask_which_name_fits_a_description(question, words):
    from qa.describe import asked_description

    assert asked_description(question) == words


@pytest.mark.parametrize(
    ("words", "expected"),
    [("Swiss", "Jean Martin"), ("pilot", "Jean Martin"), ("chemist", "Marie Dubois"), ("US citizen", None)],
)
def test_the_name_a_sentence_describes(words, expected):
    from qa.describe import named_by

    sentence = "Police in Lyon detained the chemist Marie Dubois and the pilot Jean Martin, who is Swiss."
    found = named_by(words, sentence)
    assert (found and found.text) == expected


def test_which_of_them_gets_the_one_name_that_fits(newsroom):
    answer = newsroom.ask("Which of them is a pilot? (Marie Dubois and Jean Martin)")
    assert answer.answerable and answer.short_answer == "Jean Martin"
    assert "the pilot Jean Martin" in answer.citations[0].quote
