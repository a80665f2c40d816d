import pytest

from qa.retrieve import reciprocal_rank_fusion


def test_rrf_against_hand_computed_values():
    fused = reciprocal_rank_fusion([[10, 20, 30], [20, 40], [30]], [1.0, 1.0, 0.5], k=60)
    assert fused[10] == pytest.approx(1 / 61)
    assert fused[20] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[30] == pytest.approx(1 / 63 + 0.5 / 61)
    assert fused[40] == pytest.approx(1 / 62)
    assert sorted(fused, key=lambda i: -fused[i]) == [20, 30, 10, 40]


def test_rrf_dedupes_within_a_ranking():
    assert reciprocal_rank_fusion([[1, 1, 2]], [1.0], k=0) == {1: 1.0, 2: 0.5}


def test_rrf_weights_must_match():
    with pytest.raises(ValueError, match="2 rankings but 1 weights"):
        reciprocal_rank_fusion([[1], [2]], [1.0], k=60)


def test_hits_are_exact_spans_with_a_trace(assistant, seed_texts):
    hits = assistant.retrieve("Who was arrested in Moscow?", k=5)
    assert len(hits) == 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        assert seed_texts[hit.source][hit.start : hit.end] == hit.text
        assert hit.trace.final_score == hit.score
        assert hit.trace.fused_score > 0
        for s in hit.sentences:
            assert seed_texts[hit.source][s.start : s.end] == s.text
    assert "arrested two Belarusians in Moscow" in hits[0].text


def test_a_name_spelled_differently_finds_its_passage(assistant):
    # The seeds spell this name "Tichanovskaya" and "Tikhanovskaya"; the query uses a third spelling.
    hits = assistant.retrieve("Where is Tsikhanouskaya in exile?", k=3)
    assert any("exile" in h.text for h in hits[:2])
    assert any(h.trace.names_rank is not None for h in hits)


TINY_CORPUS = {
    "volcano.txt": "Mount Etna erupted on Tuesday, sending ash over Catania. Flights at the city's airport were "
                   "suspended for six hours while crews cleared the runway.",
    "chess.txt": "The grandmaster Wladimir Chodorkowski won the regional chess final in Leipzig after a "
                 "four-hour endgame. He will defend the title next spring.",
    "bakery.txt": "A family bakery in Lyon has sold the same sourdough loaf since 1921. The owners say the "
                  "starter culture is older than the shop itself.",
    "rail.txt": "The new rail tunnel under the Alps cuts the journey between Zurich and Milan to three hours. "
                "Freight trains will use it at night.",
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which airport closed because of volcanic ash?", "volcano.txt"),  # paraphrase: dense retrieval
        ("Who won the chess final in Leipzig?", "chess.txt"),
        ("How old is the sourdough bread recipe?", "bakery.txt"),
        ("How long does the train from Zurich to Milan take?", "rail.txt"),
    ],
)
def test_tiny_corpus_ranks_the_expected_document_first(tiny_assistant, question, expected):
    hits = tiny_assistant.retrieve(question, k=4)
    assert hits[0].source == expected
    assert sorted(h.source for h in hits) == sorted(TINY_CORPUS)  # k >= corpus size returns every passage once


def test_tiny_corpus_name_spelled_another_way_is_found_by_its_name_key(tiny_assistant):
    hits = tiny_assistant.retrieve("Where did Vladimir Khodorkovsky play?", k=4)  # the text: Wladimir Chodorkowski
    assert hits[0].source == "chess.txt"
    assert hits[0].trace.names_rank == 1 and hits[0].trace.words_rank is None


@pytest.fixture(scope="module")
def tiny_assistant(tmp_path_factory, embedder):
    from qa import Assistant

    docs = tmp_path_factory.mktemp("tiny")
    for name, text in TINY_CORPUS.items():
        (docs / name).write_text(text, encoding="utf-8")
    return Assistant.open(docs, tmp_path_factory.mktemp("tiny-index"), embedder=embedder, use_reader=False)


def test_retrieve_many_ranks_as_one_at_a_time(assistant):
    from qa import InvalidQuestionError

    questions = ["Who was arrested in Moscow?", "Where is Tsikhanouskaya in exile?", "What did the FSB report?"]
    batched = assistant.retrieve_many(questions, k=4)
    for question, hits in zip(questions, batched):
        single = assistant.retrieve(question, k=4)
        assert [(h.source, h.start) for h in hits] == [(h.source, h.start) for h in single]
        assert [h.score for h in hits] == pytest.approx([h.score for h in single], abs=1e-4)
    assert assistant.retrieve_many([], k=4) == []
    with pytest.raises(InvalidQuestionError, match="question 2: question is empty"):
        assistant.retrieve_many(["Who?", " "])
    with pytest.raises(InvalidQuestionError, match="must be a list of strings, got str"):
        assistant.retrieve_many("Who was arrested?")


def test_first_mentions_finds_where_each_document_first_names_someone(tmp_path, embedder):
    from index import Chunking
    from qa import Assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    filler = " ".join(f"The harbour handled {n} ships that week." for n in range(3, 9))
    (docs / "port.txt").write_text(f"{filler}\n\nItalian President Anna Rossi reopened the port.\n\n{filler}\n\n"
                                   "Rossi later thanked the dock workers.", encoding="utf-8")
    (docs / "other.txt").write_text("Tom Berg sailed to Lyon.", encoding="utf-8")
    assistant = Assistant.open(docs, tmp_path / "index", embedder=embedder, use_reader=False,
                               chunking=Chunking(max_words=20, overlap_words=0))
    rows = assistant.index.rows_of("port.txt")
    assert len(rows) >= 3 and [assistant.index.passages[r].start for r in rows] == sorted(
        assistant.index.passages[r].start for r in rows)
    assert assistant.index.head("port.txt") == assistant.index.passages[rows[0]]
    hits = assistant._retriever.first_mentions("Who is Anna Rossi?", "Anna Rossi", ["port.txt", "other.txt"])
    assert [h.source for h in hits] == ["port.txt"]  # other.txt never names her
    assert any(s.text == "Italian President Anna Rossi reopened the port." for s in hits[0].sentences)
    assert all(s.similarity != 0 for s in hits[0].sentences)  # scored for the question like any hit
