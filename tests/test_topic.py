"""Requests about a topic ("Tell me about X", or just "X"): quoted sentences that hold every word of it."""

import pytest

from qa.topic import covers, documents_request, topic_request


@pytest.mark.parametrize(("request_", "topic"), [
    ("Tell me about the strike in Lyon.", "the strike in Lyon"),
    ("please tell me more about Anna Rossi", "Anna Rossi"),
    ("Could you describe the new bridge?", "the new bridge"),
    ("What do the articles say about the census?", "the census"),
    ("Any news on the port authority", "the port authority"),
    ("Anna Rossi", "Anna Rossi"),
    ("strike  Lyon!", "strike Lyon"),
    ("Who is Anna Rossi?", None),
    ("Anna Rossi?", "Anna Rossi"),
    ("Lyon financed what?", None),  # a question, for the reader
    ("In what city is Lyon?", None),
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


@pytest.mark.parametrize(("question", "topic"), [
    ("Which articles mention Anna Rossi?", "Anna Rossi"),
    ("How many documents talk about the strike?", "the strike"),
    ("What files refer to the port authority", "the port authority"),
    ("Which of the sources report on the census?", "the census"),
    ("Which article did Anna Rossi write?", None),
    ("Which articles mention it?", None),
])
def test_questions_about_which_documents_mention_a_topic(question, topic):
    assert documents_request(question) == topic


def test_which_documents_mention_a_name_in_either_spelling(assistant, seed_texts):
    answer = assistant.ask("Which articles mention Zenkovich?")
    mentioning = sorted(s for s, text in seed_texts.items() if "Zenkovich" in text or "Senkowitsch" in text)
    assert len(mentioning) == 2 and sorted(answer.short_answer.split(", ")) == mentioning
    assert sorted(c.source for c in answer.citations) == mentioning  # one quote from each
    assert answer.note == "2 documents mention Zenkovich:"  # all of the seeds' passages were searched
    assert not assistant.ask("Which articles mention the Winter Olympics?").answerable
