import pytest

from index.names import name_key
from qa import NOT_FOUND, InvalidQuestionError
from qa.followup import standalone_question


def _keys(text: str) -> set[str]:
    return {name_key(w) for w in text.replace(",", " ").split()}


def test_who_was_arrested_names_both_men_and_cites_the_source(assistant, seed_texts):
    answer = assistant.ask("Who was arrested in Moscow?")
    assert answer.answerable
    said = _keys(answer.short_answer)  # the short answer itself names both men
    assert name_key("Feduta") in said  # either spelling: Feduta / Feduto
    assert name_key("Zenkovich") in said  # either spelling: Zenkovich / Senkowitsch
    for c in answer.citations:
        assert seed_texts[c.source][c.start : c.end] == c.quote
    assert "arrested two Belarusians in Moscow" in answer.citations[0].quote
    assert len({c.source for c in answer.citations}) == 2  # both articles that report it
    assert "sources differ" not in answer.text  # other arrests (not in Moscow) are not rival answers
    # The other article spells both names another way, and the answer says so.
    assert {name_key(w) for w in answer.other_spellings} == {name_key("Feduta"), name_key("Zenkovich")}
    assert not set(answer.other_spellings) & set(answer.short_answer.split())
    assert f"also spelled {', '.join(answer.other_spellings)}" in answer.text


def test_a_follow_up_about_one_of_the_arrested_names_only_that_one(assistant):
    first = assistant.ask("Who was arrested in Moscow?")
    question = standalone_question("Which of them is a US citizen?", [{"answer": first.short_answer}])
    answer = assistant.ask(question)
    assert answer.answerable and answer.short_answer
    assert _keys(answer.short_answer) < _keys(first.short_answer)  # one of the names, not the list
    assert "US citizen" in answer.citations[0].quote


def test_unrelated_question_is_not_answered(assistant):
    answer = assistant.ask("What is the capital of Australia?")
    assert not answer.answerable
    assert answer.text == NOT_FOUND
    assert answer.citations == ()
    assert answer.hits  # the closest passages are still there for the user to judge


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "question is empty"), ("   \n ", "question is empty"), ("x" * 1001, "limit is 1000"),
     ("who\x00is", "control characters"), (42, "must be a string")],
)
def test_bad_questions_are_refused_clearly(assistant, question, message):
    with pytest.raises(InvalidQuestionError, match=message):
        assistant.ask(question)


@pytest.mark.parametrize(("k", "message"), [(0, "between 1 and 100"), ("5", "must be an integer"), (2.5, "integer")])
def test_bad_k(assistant, k, message):
    with pytest.raises(ValueError, match=message):
        assistant.retrieve("Who?", k=k)


@pytest.mark.parametrize(
    "question",
    ["Who was arrested in Moscow?\r\n", "Who was arrested in Moscow? 🤔", "Who was arre\u0301sted in Moscow?",
     "  Who   was arrested\tin Moscow?  "],
)
def test_odd_but_valid_questions_are_answered(assistant, question):
    answer = assistant.ask(question)
    assert answer.answerable
    assert any("arrested two Belarusians in Moscow" in c.quote for c in answer.citations)


@pytest.mark.parametrize("polite", ["Can you tell me who was arrested in Moscow?",
                                    "could you please tell me who was arrested in Moscow?",
                                    "Do you know who was arrested in Moscow?"])
def test_a_politely_wrapped_question_is_asked_plainly(assistant, polite):
    """Not a yes-or-no question: the reader reads "Who was arrested in Moscow?" (the wrapped question got a
    wrong name from it), and the answer says what was searched for."""
    answer, plain = assistant.ask(polite), assistant.ask("Who was arrested in Moscow?")
    assert answer.question == "Who was arrested in Moscow?" and answer.note == ""
    assert (answer.short_answer, answer.citations) == (plain.short_answer, plain.citations)


def test_a_file_that_vanishes_is_skipped(tmp_path):
    from index.documents import read_document

    assert read_document(tmp_path / "gone.txt", "gone.txt").reason == "vanished while reading"


def test_sentence_only_path_without_the_reader(assistant, embedder):
    from qa import Assistant

    plain = Assistant.open(assistant.docs_dir, assistant.index_dir, embedder=embedder, use_reader=False)
    answer = plain.ask("Who was arrested in Moscow?")
    assert answer.answerable and answer.short_answer == ""
    assert any("arrested two Belarusians in Moscow" in c.quote for c in answer.citations)
    assert not plain.ask("What is the capital of Australia?").answerable


def test_attribution_is_kept_in_the_answer(assistant):
    """News reports claims: "according to X" questions get an answer whose text still names X."""
    import json
    import re

    from tests.conftest import ROOT

    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / "seeds_qa.jsonl").read_text().splitlines()]
    claims = [(r["question"], m.group(1)) for r in rows if r.get("kind") == "attribution"
              for m in [re.search(r"according to (?:the )?([A-Z]\w+)", r["question"])] if m]
    assert len(claims) >= 3
    for question, speaker in claims:
        answer = assistant.ask(question)
        assert answer.answerable, question
        assert speaker in answer.text.replace(answer.short_answer, "", 1), (question, answer.text)


def test_opening_an_unchanged_index_loads_no_model_and_warm_up_loads_both(assistant):
    from index import Embedder
    from qa import Assistant, Reader
    from qa.describe import _pipeline

    fresh = Assistant.open(assistant.docs_dir, assistant.index_dir, embedder=Embedder(), reader=Reader())
    assert fresh.embedder._model is None and fresh.reader._model is None  # the chat starts without them
    _pipeline.cache_clear()
    fresh.warm_up()
    assert fresh.embedder._model is not None and fresh.reader._model is not None
    assert _pipeline.cache_info().currsize == 1  # and the parser that "Who is X?" questions use


def test_questions_are_answered_from_the_current_index_while_a_refresh_builds_the_next(tmp_path, embedder):
    """The refresh is held inside its embedding step (its progress callback waits); a question asked then
    must be answered, from the index as it was, before the refresh goes on."""
    import threading

    from qa import Assistant

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("The depot in Kessel opened in 2019.", encoding="utf-8")
    assistant = Assistant.open(folder, index_dir=tmp_path / "idx", embedder=embedder, use_reader=False)
    (folder / "b.txt").write_text("The office in Dorrow closed in 2021.", encoding="utf-8")
    embedding, release = threading.Event(), threading.Event()

    def progress(done: int, total: int) -> None:
        embedding.set()
        release.wait(60)

    refresh = threading.Thread(target=assistant.refresh, args=(progress,))
    refresh.start()
    try:
        assert embedding.wait(60)
        answer = assistant.ask("When did the depot in Kessel open?")
        assert refresh.is_alive()  # answered while the refresh was still held
        assert answer.hits and {h.source for h in answer.hits} == {"a.txt"}
    finally:
        release.set()
        refresh.join(60)
    assert "b.txt" in assistant.index.documents
