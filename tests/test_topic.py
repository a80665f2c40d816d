"""Requests about a topic ("Tell me about X", or just "X"): quoted sentences that hold every word of it."""

import pytest

from qa.topic import covers, topic_request


@pytest.mark.parametrize(("request_", "topic"), [
    ("Tell me about the strike in Lyon.", "the strike in Lyon"),
    ("please tell me more about Anna Rossi", "Anna Rossi"),
    ("Could you describe the new bridge?", "the new bridge"),
    ("What do the articles say about the census?", "the census"),
    ("Any news on the port authority", "the port authority"),
    ("Anna Rossi", "Anna Rossi"),
    ("strike  Lyon!", "strike Lyon"),
    ("Who is Anna Rossi?", None),
    ("Anna Rossi?", None),  # a question, for the reader
    ("Did the strike end", None),
    ("if the strike ends what happens to the port of Lyon", None),  # too long to be a topic
    ("   ", None),
    ("the", None),  # stopwords only: every sentence would "cover" it
    ("Tell me about it", None),
])
def test_requests_about_a_topic(request_, topic):
    assert topic_request(request_) == topic


@pytest.mark.parametrize(("topic", "text", "expected"), [
    ("the arrests in Moscow", "Two men were arrested in Moscow.", True),  # another form of the word
    ("Zenkovich", "The lawyer Yuri Senkowitsch was arrested.", True),  # another spelling of the name
    ("the population of Minsk", "Fear spread among the population.", False),  # one word of two
    ("the strike", "The strike ended.", True),
])
def test_a_sentence_covers_a_topic_with_every_word(topic, text, expected):
    assert covers(topic, text) is expected


def test_a_topic_is_answered_with_the_sentences_that_name_it(assistant):
    answer = assistant.ask("Tell me about Serhienka")
    assert answer.answerable and answer.short_answer == "" and answer.note == "What the documents say about Serhienka:"
    assert answer.text.startswith(answer.note + "\n\n") and len(answer.citations) >= 2
    assert all("Serhienka" in c.quote for c in answer.citations)
    assert answer.confidence == 1.0 and answer.as_dict()["score"] is None  # a rule, not the fitted decision
    assert assistant.ask("Serhienka").citations == answer.citations  # the bare name asks the same


def test_a_topic_no_sentence_covers_is_not_in_the_documents(assistant):
    for request in ("the population of Minsk", "Tell me about the Winter Olympics"):
        answer = assistant.ask(request)
        assert not answer.answerable and answer.citations == () and answer.hits
