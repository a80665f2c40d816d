import json
import subprocess
import sys

from tests.conftest import ROOT


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ask_json_matches_the_api(assistant):
    question = "Who was arrested in Moscow?"
    result = _cli("ask", question, "--docs", str(assistant.docs_dir), "--index-dir", str(assistant.index_dir), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    expected = assistant.ask(question)
    assert data["text"] == expected.text
    assert data["answerable"] is True
    assert [(c["source"], c["start"], c["end"]) for c in data["citations"]] == [
        (c.source, c.start, c.end) for c in expected.citations
    ]


def _strict(constant: str):
    raise ValueError(f"{constant} is not JSON")


def test_ask_json_is_strict_json_even_for_an_infinite_score(assistant):
    question = "Who wrote the article about the thwarted coup attempt against Lukashenko?"
    assert assistant.ask(question).score == float("inf")  # read from the byline, not weighed
    result = _cli("ask", question, "--docs", str(assistant.docs_dir), "--index-dir", str(assistant.index_dir), "--json")
    data = json.loads(result.stdout, parse_constant=_strict)
    assert data["score"] is None and data["confidence"] == 1.0


def test_search_json_and_text(assistant):
    args = ("--docs", str(assistant.docs_dir), "--index-dir", str(assistant.index_dir))
    result = _cli("search", "Who was arrested in Moscow?", "-k", "3", *args, "--json")
    hits = json.loads(result.stdout)
    expected = assistant.retrieve("Who was arrested in Moscow?", k=3)
    assert [(h["source"], h["start"], h["end"]) for h in hits] == [(h.source, h.start, h.end) for h in expected]
    assert all("trace" in h for h in hits)
    text = _cli("search", "Who was arrested in Moscow?", "-k", "2", *args)
    assert text.returncode == 0 and text.stdout.startswith("[1] ")


def test_bad_question_exits_2_with_one_line(assistant):
    result = _cli("ask", "   ", "--docs", str(assistant.docs_dir), "--index-dir", str(assistant.index_dir))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["error: question is empty: type a question about the documents"]


def test_empty_folder_exits_2(tmp_path):
    result = _cli("index", str(tmp_path), "--index-dir", str(tmp_path / "idx"))
    assert result.returncode == 2
    assert "no readable documents (.txt, .md, .pdf, .docx, .html, .htm)" in result.stderr


def test_help_shows_examples():
    result = _cli("--help")
    assert result.returncode == 0 and "python -m qa ask" in result.stdout


def test_eval_at_another_answer_threshold(assistant, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "Who was arrested in Moscow?", "answers": ["Feduto"]}\n'
                         '{"question": "Who wrote the article about the thwarted coup attempt against Lukashenko?", '
                         '"answers": ["Tyler Durden"]}\n', encoding="utf-8")
    args = ("--docs", str(assistant.docs_dir), "--index-dir", str(assistant.index_dir), "--out", str(tmp_path / "r"))
    result = _cli("eval", str(questions), *args, "--answer-threshold", "1.0", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["false_refusal_rate"] == 0.5  # only the byline, read not weighed, is given
    bad = _cli("eval", str(questions), *args, "--answer-threshold", "1.5")
    assert bad.returncode == 2 and "must be a probability in [0, 1], got 1.5" in bad.stderr
