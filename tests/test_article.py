"""Questions about an article (who wrote it, when it appeared) answered from its byline and dateline
(qa/article.py), on invented articles and on the seeds."""

from __future__ import annotations

import pytest

from qa.article import AUTHOR, DATE, HEAD_LINES, ArticleQuestion, article_question, find_byline, find_dateline


@pytest.mark.parametrize(("question", "asks", "topic"), [
    ("Who wrote the article about the dock strike?", AUTHOR, "the dock strike"),
    ("who is the author of this story?", AUTHOR, ""),
    ("Who was the author of the story on flooding in Lyon", AUTHOR, "flooding in Lyon"),
    ("Who wrote the report on flooding in Lyon?", None, None),  # a report that the news reports on
    ("What is the name of the writer of the article about the strike?", AUTHOR, "the strike"),
    ("Who wrote this article? (Marie Dubois and Jean Martin)", AUTHOR, "(Marie Dubois and Jean Martin)"),
    ("When was the article about the dock strike published?", DATE, "the dock strike"),
    ("On what date was the story on the floods first published?", DATE, "the floods"),
    ("When did the story about the strike appear?", DATE, "the strike"),
    ("What is the publication date of this article?", DATE, ""),
    ("When was this article published? (Marie Dubois)", DATE, "(Marie Dubois)"),  # a chat follow-up
    ("When was it published? (Marie Dubois)", None, None),  # "it" may be what the article reports
    ("Who wrote Hamlet?", None, None),
    ("Who wrote the letter to the mayor?", None, None),
    ("Who was arrested after the article appeared?", None, None),
    ("When was the strike published in the article?", None, None),
])
def test_questions_about_an_article(question, asks, topic):
    expected = ArticleQuestion(asks, topic) if asks else None
    assert article_question(question) == expected


@pytest.mark.parametrize(("find", "head", "value", "line"), [
    (find_byline, "Strike ends\n\nMarie Dubois's Photo\nby Marie Dubois\nMonday, Apr 19", "Marie Dubois",
     "by Marie Dubois"),
    (find_byline, "Strike ends\n  By JEAN MARTIN and Anna van Rossi | Reuters  \nLyon",
     "JEAN MARTIN and Anna van Rossi",
     "By JEAN MARTIN and Anna van Rossi | Reuters"),
    (find_byline, "Strike ends\nWritten by Anna Rossi, Tom Berg & Marie Dubois\n",
     "Anna Rossi, Tom Berg & Marie Dubois",
     "Written by Anna Rossi, Tom Berg & Marie Dubois"),
    (find_byline, "Strike ends\nAuthor: Tom Berg\n", "Tom Berg", "Author: Tom Berg"),
    (find_dateline, "Strike ends\nby Marie Dubois\nMonday, Apr 19, 2021 - 04:15 AM\n", "Apr 19, 2021",
     "Monday, Apr 19, 2021 - 04:15 AM"),
    (find_dateline, "27 April 2024, Saturday, 8:02\nSupport\n", "27 April 2024", "27 April 2024, Saturday, 8:02"),
    (find_dateline, " date 2023-06-02 Police in Lyon detained two men on Thursday, June 1, after a raid on a flat "
     "near the port that had been watched for weeks.", "2023-06-02", "date 2023-06-02"),  # the date opens a paragraph
    (find_dateline, "Strike ends\nPublished: 3.3.2025\n", "3.3.2025", "Published: 3.3.2025"),
    (find_dateline, "DOCK STRIKE ENDS\n\nLYON, March 3 - Dock workers ended their strike.", "March 3",
     "LYON, March 3 - Dock workers ended their strike."),
])
def test_a_byline_names_the_authors_and_a_dateline_gives_the_date(find, head, value, line):
    found = find(head)
    assert found is not None and found.value == value
    assert head[found.start : found.end] == value
    assert head[found.line_start : found.line_end] == line


@pytest.mark.parametrize(("find", "head"), [
    (find_byline, "Strike ends\nBy Monday, the strike had ended."),  # a sentence that starts with "By"
    (find_byline, "Strike ends\nBy the time the police came, the crowd had gone."),
    (find_byline, "Strike ends\nby\nMarie Dubois"),
    (find_byline, "Strike ends\n" + "\n" * HEAD_LINES + "By Marie Dubois"),  # below the head of the article
    (find_byline, "Strike ends\nBy " + " and ".join(["Marie Dubois"] * 12)),  # too long a line for a byline
    (find_dateline, "Strike ends\nDock workers ended their strike on 3 March 2025."),  # a date inside a sentence
    (find_dateline, "Strike ends\nLyon, March 3 - dock workers"),  # a wire dateline's city is in capitals
    (find_dateline, "Strike ends\n" + "\n" * HEAD_LINES + "3 March 2025"),
    (find_dateline, "Strike ends\nBy Marie Dubois"),
])
def test_lines_that_are_neither(find, head):
    assert find(head) is None


@pytest.fixture(scope="module")
def newsdesk(tmp_path_factory, embedder, reader):
    from qa import Assistant

    docs = tmp_path_factory.mktemp("newsdesk")
    (docs / "strike.txt").write_text(
        "Dock strike ends in Lyon\n\nBy Marie Dubois\nMonday, 3 March 2025\n\n"
        "Dock workers in Lyon ended their strike on Monday after the port authority agreed to raise wages by "
        "four percent. The strike had closed the port for eleven days.", encoding="utf-8")
    (docs / "flood.txt").write_text(
        "Floods in the old town\n\nHeavy rain flooded the old town of Lyon on 9 March 2025. The river rose by two "
        "metres overnight, and Mayor Anna Rossi opened three shelters.", encoding="utf-8")
    return Assistant.open(docs, tmp_path_factory.mktemp("newsdesk-index"), embedder=embedder, reader=reader)


def test_the_author_and_date_of_an_article_are_its_byline_and_dateline(newsdesk):
    answer = newsdesk.ask("Who wrote the article about the dock strike in Lyon?")
    assert answer.answerable and answer.short_answer == "Marie Dubois" and answer.confidence == 1.0
    (citation,) = answer.citations
    document = newsdesk.document_text("strike.txt")
    assert citation.source == "strike.txt" and citation.quote == document[citation.start : citation.end]
    assert citation.quote == "By Marie Dubois"
    assert answer.text.startswith("Marie Dubois\n")
    dated = newsdesk.ask("When was the article about the dock strike in Lyon published?")
    assert dated.short_answer == "3 March 2025" and dated.citations[0].quote == "Monday, 3 March 2025"


@pytest.mark.parametrize("question", [
    "Who wrote the article about the floods in the old town?",
    "When was the article about the floods in the old town published?",
])
def test_an_article_without_byline_or_dateline_does_not_say(newsdesk, question):
    answer = newsdesk.ask(question)  # not the mayor it quotes, nor the date of the flood
    assert not answer.answerable and answer.hits[0].source == "flood.txt"


@pytest.mark.parametrize("question", [
    "Who wrote the article about the election in Oslo?",  # no article about that
    "Who wrote the article?",  # which one, of two?
])
def test_no_article_no_byline(newsdesk, question):
    answer = newsdesk.ask(question)
    assert "Marie Dubois" not in answer.text and answer.confidence < 1.0


def test_a_single_article_needs_no_topic(tmp_path, embedder, reader):
    from qa import Assistant

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "strike.txt").write_text("Dock strike ends\n\nBy Jean Martin\n\nThe strike ended.",
                                                  encoding="utf-8")
    answer = Assistant.open(tmp_path / "docs", tmp_path / "index", embedder=embedder, reader=reader).ask(
        "Who wrote this article?")
    assert answer.short_answer == "Jean Martin" and answer.citations[0].quote == "By Jean Martin"


def test_a_follow_up_asks_about_the_article_of_the_last_answer(assistant):
    from qa.followup import standalone_question

    first = assistant.ask("Who wrote the article about the thwarted coup attempt against Lukashenko?")
    turns = [{"question": first.question, "answer": first.short_answer}]
    answer = assistant.ask(standalone_question("When was this article published?", turns))
    assert answer.short_answer == "Apr 19, 2021" and answer.citations[0].source == first.citations[0].source


def test_who_wrote_a_seed_article(assistant, seed_texts):
    answer = assistant.ask("Who wrote the article about the thwarted coup attempt against Lukashenko?")
    assert answer.answerable and answer.short_answer == "Tyler Durden"
    (citation,) = answer.citations
    assert seed_texts[citation.source][citation.start : citation.end] == citation.quote == "by Tyler Durden"
    dated = assistant.ask("When was the article about the leak in Lukashenka's entourage published?")
    assert dated.short_answer == "27 April 2024"
    assert seed_texts[dated.citations[0].source].startswith(dated.citations[0].quote)
