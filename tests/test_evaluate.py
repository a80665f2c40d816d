import json

import pytest

from qa.evaluate import EvalFileError, compare_reports, evaluate_file, normalize, read_questions, token_f1
from tests.conftest import ROOT, SHARED

SEEDS_QA = ROOT / "tests" / "data" / "seeds_qa.jsonl"


@pytest.mark.parametrize(
    ("line", "message"),
    [("{not json", "line 2: not valid JSON"), ('{"answers": []}', "line 2: 'question' must be"),
     ('{"question": "q", "answers": "x"}', "'answers' must be a list"),
     ('{"question": "q", "answerable": "yes"}', "'answerable' must be true or false"),
     ('{"question": "q", "start": 5}', "'start' and 'end' must be given together"),
     ("[1, 2]", "expected a JSON object")],
)
def test_malformed_lines_are_named(tmp_path, line, message):
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(EvalFileError, match=message):
        read_questions(path)


def test_both_file_styles_parse():
    seeds = read_questions(SEEDS_QA)
    assert len(seeds) >= 60 and sum(not q.answerable for q in seeds) >= 15
    squad = SHARED / "squad-dev" / "questions.jsonl"
    if squad.exists():
        rows = read_questions(squad)
        assert len(rows) == 1015 and rows[0].sources and rows[0].start is not None


def test_squad_normalisation_and_f1():
    assert normalize("The  Lawyer!") == "lawyer"
    assert token_f1("the political scientist", "political scientist Feduto") == pytest.approx(0.8)
    assert token_f1("", "x") == 0.0


def test_seeds_question_set_meets_its_targets(assistant, tmp_path):
    report = evaluate_file(SEEDS_QA, assistant, tmp_path / "report", k=5)
    s = report["summary"]
    assert s["citation_validity"] == 1.0
    assert s["recall@1_source"] >= 0.9
    assert s["recall@5_source"] >= 0.97
    # Measured 0.846 / 0.833 / 0.062 / 0.90 with the shipped reader; a real regression falls below these.
    assert s["contains_any"] >= 0.8
    assert s["no_ans_accuracy"] >= 0.75
    assert s["false_refusal_rate"] <= 0.1
    assert s["citation_precision_source"] >= 0.85
    for name in ("report.json", "report.md", "recall_at_k.png", "latency.png", "confidence.png"):
        assert (tmp_path / "report" / name).stat().st_size > 0
    assert "## Worst failures" in (tmp_path / "report" / "report.md").read_text()
    worse = json.loads(json.dumps(report))
    worse["rows"][0]["f1"], worse["rows"][0]["contains_any"] = 1.0, True
    report["rows"][0]["f1"], report["rows"][0]["contains_any"] = 0.0, False
    text = compare_reports(worse, report)
    assert "regressed (1):" in text and report["rows"][0]["question"] in text
