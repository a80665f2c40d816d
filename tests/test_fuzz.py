"""Property-based tests (hypothesis): chunk offsets on arbitrary Unicode, the question-file parser, and
bylines and datelines as exact spans."""

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.chunk import chunk_document, split_sentences
from index.documents import Document
from qa.errors import InvalidQuestionError, check_question
from qa.evaluate import EvalFileError, read_questions

# Words, punctuation, CRLF and lone CR, combining marks, emoji (with ZWJ), CJK, RTL and odd spaces.
PIECES = st.sampled_from([
    "word", "Anna", "U.S.", "Dr.", "e\u0301", "\u0301", "\U0001F600", "\U0001F469\u200D\U0001F4BB", "\u4e2d\u6587",
    "\u0645\u0631\u062d\u0628\u0627", ".", "!", "?", "\"", " ", "  ", "\n", "\r\n", "\r", "\t", "\u00a0", "\u2028",
    "42",
])
TEXTS = st.one_of(st.lists(PIECES, max_size=400).map("".join), st.text(max_size=600))
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(TEXTS, st.integers(1, 40), st.integers(0, 20))
def test_passages_are_exact_spans_that_cover_every_word(text, max_words, overlap):
    overlap = min(overlap, max_words - 1)
    passages = chunk_document(Document("a.txt", text, "0"), max_words, overlap)
    covered = set()
    for p in passages:
        assert 0 <= p.start < p.end <= len(text) and text[p.start : p.end] == p.text
        covered.update(range(p.start, p.end))
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert i in covered, f"character {i} ({ch!r}) is in no passage"
    assert [p.start for p in passages] == sorted(p.start for p in passages)


@FUZZ
@given(TEXTS)
def test_sentence_spans_are_stripped_and_in_order(text):
    spans = split_sentences(text)
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(text)
        assert text[start : end] == text[start : end].strip()
        last = end


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
ROWS = st.fixed_dictionaries(
    {"question": st.text(min_size=1, max_size=20)},
    optional={key: JSON_VALUES | st.integers(0, 50) for key in
              ("answers", "answerable", "source", "sources", "start", "end", "id", "x")},
)
LINES = st.one_of(ROWS.map(json.dumps), ROWS.map(json.dumps), JSON_VALUES.map(json.dumps), st.text(max_size=40))


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=6), st.binary(max_size=30))
def test_question_files_parse_or_fail_with_a_line_number(lines, tail):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "set.jsonl"
        path.write_bytes("\n".join(lines).encode("utf-8") + (b"\n" + tail if tail.strip() else b""))
        try:
            questions = read_questions(path)
        except EvalFileError as error:
            assert str(path) in str(error)
            return
    for q in questions:
        assert q.question.strip() and all(isinstance(a, str) for a in q.answers)
        assert all(isinstance(s, str) for s in q.sources) and isinstance(q.answerable, bool)
        assert (q.start is None) == (q.end is None) and (q.start is None or 0 <= q.start < q.end)


@FUZZ
@given(st.text(max_size=1200))
def test_questions_are_accepted_or_refused_with_a_value_error(text):
    try:
        question = check_question(text)
    except InvalidQuestionError as error:
        assert isinstance(error, ValueError) and str(error)
        return
    assert question.strip() and len(question) <= 1000


HEAD_PIECES = st.sampled_from(["By", "by", "Written by", "Author:", "Anna", "Rossi", "JEAN", "van", "and", "&", ",",
                               "|", "Reuters", "Monday", "Apr", "19", "2021", "27 April 2024", "2023-06-02", "3.3.2025",
                               "LYON", "-", " ", "\n", "\r\n", "\t", "date", "Published:", "e\u0301", "\U0001F600"])


@FUZZ
@given(st.one_of(st.lists(HEAD_PIECES, max_size=120).map(" ".join), st.lists(HEAD_PIECES, max_size=120).map("".join),
                 st.text(max_size=400)))
def test_bylines_and_datelines_are_exact_spans_of_one_line(head):
    from qa.article import find_byline, find_dateline

    for found in (find_byline(head), find_dateline(head)):
        if found is None:
            continue
        assert head[found.start : found.end] == found.value and found.value.strip() == found.value
        assert 0 <= found.line_start <= found.start < found.end <= found.line_end <= len(head)
        line = head[found.line_start : found.line_end]
        assert "\n" not in line and line == line.strip()
