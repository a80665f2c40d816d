import pytest

from qa.describe import asked_name, beside_name, describe


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
     ("Anna Rossi", "Italian President Anna Rossi signed it in 1990.", "Italian President"),  # a title, no name
     ("Jean Martin", "The head of the Lyon Port Authority, Jean Martin, signed it.", "head of the Lyon Port Authority"),
     ("Anna Rossi", "He came to share an office with the newly elected MP for Lyon, Anna Rossi.",
      "newly elected MP for Lyon"),  # up to the first title: not "office with the ... MP"
     ("Marie Dubois", "A plot to kill Marie Dubois, other top officials, and their families was foiled.", None),
     ("Tom Berg", "Tom Berg and Anna Rossi signed it in 1990.", None),  # named, not described
     ("Berg", "Dr Berg said the rates would rise.", None),  # a courtesy title is no description
     ("Berg", "Mr. Berg, the bank's chairman, said so.", "bank's chairman"),
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


@pytest.mark.parametrize(("name", "sentence", "span", "expected"), [
    ("Anna Rossi", "The Prince of Lyon, Anna Rossi, founded the town.", "Prince of Lyon", True),  # parse or not
    ("Anna Rossi", "Anna Rossi, the former minister, resigned.", "the former minister", True),
    ("Jean Martin", "Police detained the pilot Jean Martin on Monday.", "pilot", True),
    ("Rossi", "The mayor Anna Rossi opened it.", "Anna", False),  # her first name, not a description
    ("Rossi", "It means that Rossi, who ran the port, lost control of Lyon.", "Lyon", False),
    ("Anna Rossi", "Anna Rossi, Tom Berg and Jean Martin resigned.", "Tom Berg", False),  # another name
])
def test_a_span_beside_the_name_describes_it(name, sentence, span, expected):
    start = sentence.index(span)
    assert beside_name(name, sentence, start, start + len(span)) is expected


def test_who_is_x_finds_the_sentence_that_says_it(tmp_path, embedder, reader):
    from qa import Assistant

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "port.txt").write_text(
        "Marie Dubois opened the new dock in Lyon on Monday. She said it would create 200 jobs by the summer.\n\n"
        "The ceremony was attended by Marie Dubois, the head of the Lyon Port Authority, and by the mayor.",
        encoding="utf-8")
    answer = Assistant.open(tmp_path / "docs", tmp_path / "index", embedder=embedder, reader=reader).ask(
        "Who is Marie Dubois?")
    assert answer.short_answer == "head of the Lyon Port Authority"
    assert "the head of the Lyon Port Authority" in answer.citations[0].quote


def test_who_is_x_on_the_seeds_when_the_evidence_does_not_say(assistant):
    answer = assistant.ask("Who is Serhienka?")  # the reader's sentence: "The spokesperson who sat next to ..."
    assert answer.short_answer == "head of the Presidential Administration of Belarus"


def test_who_is_x_looks_where_each_document_first_names_x(assistant):
    answer = assistant.ask("Who is Lukashenko?")  # no passage retrieved for it titles him; the first mentions do
    assert answer.short_answer.lower() in ("belarus president", "belarusian president", "belarusian ruler")
    assert "Lukashenko" in answer.citations[0].quote

