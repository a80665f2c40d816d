"""Author questions answered from an article's byline (qa/byline.py), on invented articles and on the seeds."""

from __future__ import annotations

import pytest

from qa.byline import HEAD_LINES, asks_for_author, find_byline


@pytest.mark.parametrize(("question", "topic"), [
    ("Who wrote the article about the dock strike?", "the dock strike"),
    ("who is the author of this story?", ""),
    ("Who was the author of the report on flooding in Lyon", "flooding in Lyon"),
    ("What is the name of the writer of the article about the strike?", "the strike"),
    ("Who wrote this article? (Marie Dubois and Jean Martin)", "(Marie Dubois and Jean Martin)"),
    ("Who wrote Hamlet?", None),
    ("Who wrote the letter to the mayor?", None),
    ("Who was arrested after the article appeared?", None),
])
def test_questions_that_ask_who_wrote_an_article(question, topic):
    assert asks_for_author(question) == topic


@pytest.mark.parametrize(("head", "names", "line"), [
    ("Strike ends\n\nMarie Dubois's Photo\nby Marie Dubois\nMonday, Apr 19", "Marie Dubois", "by Marie Dubois"),
    ("Strike ends\n  By JEAN MARTIN and Anna van Rossi | Reuters  \nLyon", "JEAN MARTIN and Anna van Rossi",
     "By JEAN MARTIN and Anna van Rossi | Reuters"),
    ("Strike ends\nWritten by Anna Rossi, Tom Berg & Marie Dubois\n", "Anna Rossi, Tom Berg & Marie Dubois",
     "Written by Anna Rossi, Tom Berg & Marie Dubois"),
    ("Strike ends\nAuthor: Tom Berg\n", "Tom Berg", "Author: Tom Berg"),
])
def test_a_byline_line_names_the_authors(head, names, line):
    byline = find_byline(head)
    assert byline is not None
    assert head[byline.start : byline.end] == names
    assert head[byline.line_start : byline.line_end] == line


@pytest.mark.parametrize("head", [
    "Strike ends\nBy Monday, the strike had ended.",  # a sentence that starts with "By"
    "Strike ends\nBy the time the police came, the crowd had gone.",
    "Strike ends\nby\nMarie Dubois",
    "Strike ends\n" + "\n" * HEAD_LINES + "By Marie Dubois",  # below the head of the article
    "Strike ends\nBy " + " and ".join(["Marie Dubois"] * 12),  # a line too long to be a byline
])
def test_lines_that_are_not_bylines(head):
    assert find_byline(head) is None


@pytest.fixture(scope="module")
def newsdesk(tmp_path_factory, embedder, reader):
    from qa import Assistant

    docs = tmp_path_factory.mktemp("newsdesk")
    (docs / "strike.txt").write_text(
        "Dock strike ends in Lyon\n\nBy Marie Dubois\nMonday, 3 March\n\n"
        "Dock workers in Lyon ended their strike on Monday after the port authority agreed to raise wages by "
        "four percent. The strike had closed the port for eleven days.", encoding="utf-8")
    (docs / "flood.txt").write_text(
        "Floods in the old town\n\nHeavy rain flooded the old town of Lyon in March. The river rose by two metres "
        "overnight and the mayor opened three shelters.", encoding="utf-8")
    return Assistant.open(docs, tmp_path_factory.mktemp("newsdesk-index"), embedder=embedder, reader=reader)


def test_the_author_of_an_article_is_its_byline(newsdesk):
    answer = newsdesk.ask("Who wrote the article about the dock strike in Lyon?")
    assert answer.answerable and answer.short_answer == "Marie Dubois" and answer.confidence == 1.0
    (citation,) = answer.citations
    document = newsdesk.document_text("strike.txt")
    assert citation.source == "strike.txt" and citation.quote == document[citation.start : citation.end]
    assert citation.quote == "By Marie Dubois"
    assert answer.text.startswith("Marie Dubois\n")


@pytest.mark.parametrize("question", [
    "Who wrote the article about the floods in the old town?",  # an article without a byline
    "Who wrote the article about the election in Oslo?",  # no article about that
    "Who wrote the article?",  # which one, of two?
])
def test_no_byline_no_author(newsdesk, question):
    answer = newsdesk.ask(question)
    assert "Marie Dubois" not in answer.text
    assert answer.confidence < 1.0


def test_a_single_article_needs_no_topic(tmp_path, embedder, reader):
    from qa import Assistant

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "strike.txt").write_text("Dock strike ends\n\nBy Jean Martin\n\nThe strike ended.",
                                                  encoding="utf-8")
    answer = Assistant.open(tmp_path / "docs", tmp_path / "index", embedder=embedder, reader=reader).ask(
        "Who wrote this article?")
    assert answer.short_answer == "Jean Martin" and answer.citations[0].quote == "By Jean Martin"


def test_who_wrote_a_seed_article(assistant, seed_texts):
    answer = assistant.ask("Who wrote the article about the thwarted coup attempt against Lukashenko?")
    assert answer.answerable and answer.short_answer == "Tyler Durden"
    (citation,) = answer.citations
    assert seed_texts[citation.source][citation.start : citation.end] == citation.quote == "by Tyler Durden"
