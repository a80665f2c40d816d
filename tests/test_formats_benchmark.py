"""The formats benchmark's smoke run: four generated PDF pages and their .txt twins, a written report."""

import json

from benchmarks import formats


def test_formats_benchmark_smoke_run_writes_its_report(tmp_path):
    formats.main(["--pages", "4", "--per-document", "3", "--repeats", "2", "--out", str(tmp_path / "out"),
                  "--work-dir", str(tmp_path)])
    report = json.loads((tmp_path / "out" / "formats.json").read_text())
    assert report["pages"] == report["pages_requested"] == report["extraction"]["pdf_pages"] == 4
    assert report["documents"] == 2 and report["tables"] == 1
    extraction, build = report["extraction"], report["build"]
    for key in ("pdf_s", "pdf_pages_per_s", "txt_s", "txt_pages_per_s", "pdf_chars", "txt_chars"):
        assert extraction[key] > 0, key
    for key in ("txt_s", "pdf_s", "pdf_vs_txt", "txt_passages", "pdf_passages", "txt_reopen_s", "pdf_reopen_s"):
        assert build[key] > 0, key
    assert len(build["pdf_runs_s"]) == len(build["txt_runs_s"]) == len(extraction["pdf_runs_s"]) == 2
    assert build["pdf_s"] == min(build["pdf_runs_s"]) and report["repeats"] == 2
    assert build["skipped"] == [] and extraction["pdf_warnings"] == []
    assert extraction["pdf_words_recovered"] > 0.95  # the PDFs give back the text they were drawn from
    assert "| reopen, nothing changed, s |" in (tmp_path / "out" / "formats.md").read_text()
    assert "| index build, s |" in (tmp_path / "out" / "formats.md").read_text()
    assert list(tmp_path.iterdir()) == [tmp_path / "out"]  # the generated corpus is removed


def test_generated_pages_fit_one_pdf_page_each(tmp_path):
    pages = formats.generate_pages(6)
    formats.write_pdf(pages, tmp_path / "six.pdf")  # raises when a page overflows
    from index.loaders import extract

    extracted = extract("six.pdf", (tmp_path / "six.pdf").read_bytes())
    assert len(extracted.pages) == 6
    table = "\n".join(" | ".join(row) for row in pages[2][2][1])
    assert pages[2][2][0] == "table" and table in extracted.text
