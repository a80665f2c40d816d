import pytest

from index import Document, chunk_document, load_folder, split_sentences
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def documents():
    return load_folder(SEEDS).documents


def test_passages_are_exact_spans_of_the_document(documents):
    for doc in documents:
        for p in chunk_document(doc):
            assert doc.text[p.start : p.end] == p.text
            assert p.source == doc.source


def test_passages_cover_every_word_and_stay_short(documents):
    for doc in documents:
        passages = chunk_document(doc, max_words=150, overlap_words=30)
        covered = set()
        for p in passages:
            assert len(p.text.split()) <= 150
            covered.update(range(p.start, p.end))
        missing = [i for i, ch in enumerate(doc.text) if not ch.isspace() and i not in covered]
        assert missing == []


def test_consecutive_passages_overlap_by_whole_sentences(documents):
    doc = max(documents, key=lambda d: len(d.text))
    passages = chunk_document(doc, max_words=60, overlap_words=20)
    assert len(passages) > 3
    starts = {s for s, _ in split_sentences(doc.text)}
    overlapping = 0
    for before, after in zip(passages, passages[1:]):
        assert after.start > before.start
        assert after.start in starts  # a passage starts at a sentence start
        overlapping += after.start < before.end
    assert overlapping >= len(passages) // 2


def test_sentence_split_keeps_abbreviations_and_offsets():
    text = "Mr. Smith met Dr. Jones in the U.S. yesterday. They talked.\nHeadline\nNext line!"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Mr. Smith met Dr. Jones in the U.S. yesterday.", "They talked.", "Headline", "Next line!",
    ]


def test_long_sentence_is_cut_by_words():
    doc = Document("long.txt", " ".join(f"w{i}" for i in range(500)) + ".", "0")
    passages = chunk_document(doc, max_words=100, overlap_words=0)
    assert [len(p.text.split()) for p in passages] == [100] * 5


def test_bad_chunking_parameters():
    with pytest.raises(ValueError, match="overlap_words < max_words"):
        chunk_document(Document("a.txt", "x", "0"), max_words=10, overlap_words=10)


def test_a_line_break_that_only_wraps_prose_does_not_end_the_sentence():
    text = ("Open Settings, choose Members, and enter the colleague's address. They receive an invitation\n"
            "that is valid for seven days.\nTyler Durden's Photo\nby Tyler Durden\n- one item\n- another")
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Open Settings, choose Members, and enter the colleague's address.",
        "They receive an invitation\nthat is valid for seven days.", "Tyler Durden's Photo", "by Tyler Durden",
        "- one item", "- another"]


def test_the_number_of_a_numbered_line_stays_with_its_text():
    text = "Agenda\n1. Business update (Dana)\nRevenue grew by 5. Costs fell.\n  2.1. Hiring plan. Two roles."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Agenda", "1. Business update (Dana)", "Revenue grew by 5.", "Costs fell.", "2.1. Hiring plan.",
        "Two roles."]


def test_a_heading_with_nothing_under_it_is_read_with_the_section_below():
    text = "# Notes\n\nIntro line.\n\n## Version 2.1\n\n**New**\n\n- Dark mode.\n\n## Version 2.0\n\n- Maps."
    passages = chunk_document(Document("notes.md", text, "0"))
    assert [(p.heading, p.text) for p in passages] == [
        ("", "# Notes\n\nIntro line."),
        ("Notes", "## Version 2.1\n\n**New**\n\n- Dark mode."),
        ("Notes", "## Version 2.0\n\n- Maps."),
    ]
