"""The speed benchmark's CI smoke run: a tiny corpus, every section, a written report."""

import json

import pytest

from tests.conftest import SHARED


@pytest.mark.skipif(not (SHARED / "corpus" / "bbc.tar.gz").exists() or not (SHARED / "squad-dev").exists(),
                    reason="needs ../shared/corpus and ../shared/squad-dev")
def test_speed_benchmark_smoke_run_writes_its_report(tmp_path):
    from benchmarks import speed

    common = ["--corpus", "tiny", "--questions", "10", "--work-dir", str(tmp_path / "work")]
    speed.main([*common, "--out", str(tmp_path), "--ann-queries", "10", "--scale", "3000", "--squad-articles", "1",
                "--raw-sample", "50"])
    report = json.loads((tmp_path / "speed.json").read_text())
    assert report["documents"] == 40 and report["passages"] >= 40
    assert 0 < report["build_vs_raw_encoder"] and report["raw_encoder_sample"] == 50
    assert report["retrieve_p50_ms"] > 0 and report["ask_p50_ms"] >= report["retrieve_p50_ms"] * 0.5
    assert report["cold_first_answer_s"] >= report["cold_index_opened_s"] > 0
    assert 0 <= report["squad_dev"]["baseline"]["recall@4"] <= 1 and report["squad_dev"]["questions"] > 0
    kinds = [(row["vectors"], row["kind"]) for row in report["vector_search"]]
    assert kinds == [(report["passages"], "exact"), (report["passages"], "ivf"), (3000, "exact"), (3000, "ivf")]
    assert all(row["recall@10"] == 1.0 for row in report["vector_search"] if row["kind"] == "exact")
    assert "build speed / raw encoder speed" in (tmp_path / "speed.md").read_text()
    assert [(t["threads"] >= 1, t["busy_core"]) for t in report["faiss_threads"]][::2] == [(True, False), (True, True)]
    assert report["retrieve_many_speedup"] > 0 and report["retrieve_many_ms_per_question"] > 0
    # The kept index is measured again without rebuilding it: only the latency phase's figures.
    speed.main([*common, "--out", str(tmp_path / "again"), "--phases", "latency"])
    again = json.loads((tmp_path / "again" / "speed.json").read_text())
    assert again["passages"] == report["passages"] and again["phases"] == ["latency"]
    assert "build_s" not in again and "squad_dev" not in again and again["ask_p50_ms"] > 0
    assert "build speed" not in (tmp_path / "again" / "speed.md").read_text()


@pytest.mark.skipif(not (SHARED / "squad-dev").exists(), reason="needs ../shared/squad-dev")
def test_scale_benchmark_smoke_run(assistant, tmp_path):
    from benchmarks import scale

    scale.main(["--index", str(assistant.index_dir), "--rows", "200", "--questions", "5", "--out", str(tmp_path)])
    report = json.loads((tmp_path / "scale.json").read_text())
    assert report["passages"] == 200 and report["sentences"] > 200
    assert report["retrieve_ivf_p50_ms"] > 0 and 0 <= report["recall@10_ivf_vs_exact"] <= 1
    assert "retrieve at 200 passages" in (tmp_path / "scale.md").read_text()


@pytest.mark.skipif(not (SHARED / "squad-train").exists(), reason="needs ../shared/squad-train")
def test_reader_benchmark_holds_out_the_questions_a_run_trained_on(tmp_path, reader):
    from benchmarks.reader import heldout_rows, score_reader

    first = heldout_rows([], 4)
    (tmp_path / "questions.txt").write_text(" ".join(first[0]["question"].split()) + "\n", encoding="utf-8")
    rows = heldout_rows([tmp_path], 4)
    assert first[0]["question"] not in {row["question"] for row in rows}
    scores = score_reader(reader, rows)
    assert scores["answerable"] == 4 and scores["unanswerable"] == 0 and 0 <= scores["has_ans_f1"] <= 100
