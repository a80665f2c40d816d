"""The index keeps each PDF/DOCX/HTML document's extracted text by checksum: a refresh never extracts an
unchanged document again, and citations are checked against the text the index was built from."""

import gzip

import pytest

import index.documents
import index.loaders
from index.extracted import FOLDER, ExtractionCache
from index.loaders import Extracted, Page

PAGE = "<html><body><nav>Home | Prices</nav><main><h1>Pricing</h1><p>The team plan costs 12 euros a seat.</p>" \
       "</main><script>track()</script></body></html>"


def pdf_bytes() -> bytes:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.text(x=72, y=100, text="The depot in Harrowgate stores the winter salt.")
    return bytes(pdf.output())


@pytest.fixture
def folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "pricing.html").write_text(PAGE, encoding="utf-8")
    (docs / "depot.pdf").write_bytes(pdf_bytes())
    (docs / "notes.txt").write_text("Plain text is read as it is.", encoding="utf-8")
    index.documents._cache.clear()  # the in-memory cache would hide what the index folder holds
    yield docs
    index.documents._cache.clear()


def test_the_cache_round_trips_pages_and_boxes(tmp_path):
    cache = ExtractionCache(tmp_path / "x")
    page = Page(1, 0, 9, 595.0, 842.0, ((0, 4, 72.0, 90.0, 100.5, 102.0), (5, 9, 104.0, 90.0, 130.0, 102.0)))
    original = Extracted("Page one.", (page,), "utf-8", ("page 2 has no text",))
    cache.put("a" * 64, "pdf", original)
    assert cache.get("a" * 64, "pdf") == original
    assert cache.get("a" * 64, "docx") is None and cache.get("b" * 64, "pdf") is None
    with pytest.raises(ValueError):
        cache.get("../../etc/passwd", "pdf")


def test_refresh_reads_unchanged_documents_from_the_index_not_the_extractor(folder, tmp_path, embedder, monkeypatch):
    from qa import Assistant

    calls = []
    real = index.loaders.extract
    monkeypatch.setattr(index.documents, "extract", lambda name, data: calls.append(name) or real(name, data))
    assistant = Assistant.open(folder, tmp_path / "idx", embedder=embedder, use_reader=False)
    assert sorted(calls) == ["depot.pdf", "pricing.html"]  # text files are not "extracted"
    stored = sorted(p.name.split(".", 1)[1] for p in (tmp_path / "idx" / FOLDER).iterdir())
    assert stored == ["html.json.gz", "pdf.json.gz"]

    index.documents._cache.clear()
    calls.clear()
    (folder / "more.txt").write_text("The canteen opens at noon.", encoding="utf-8")
    report = assistant.refresh()
    assert report.embedded == ["more.txt"] and calls == []  # both extractions came from the index folder
    assert "winter salt" in assistant.document_text("depot.pdf") and calls == []


def test_citations_keep_the_indexed_text_when_the_extractor_changes(folder, tmp_path, embedder, monkeypatch):
    from qa import Assistant

    assistant = Assistant.open(folder, tmp_path / "idx", embedder=embedder, use_reader=False)
    indexed = assistant.document_text("pricing.html")
    index.documents._cache.clear()
    # a newer extraction library reads the same bytes differently: offsets must still refer to the indexed text
    monkeypatch.setattr(index.documents, "extract", lambda name, data: Extracted("Different text entirely."))
    assert assistant.document_text("pricing.html") == indexed
    answer = assistant.ask("How much does the team plan cost?")
    for c in answer.citations + tuple(answer.hits):
        text = assistant.document_text(c.source)
        assert text[c.start:c.end] == (c.quote if hasattr(c, "quote") else c.text)


def test_a_damaged_entry_is_extracted_again_and_removed_documents_are_pruned(folder, tmp_path, embedder):
    from qa import Assistant

    assistant = Assistant.open(folder, tmp_path / "idx", embedder=embedder, use_reader=False)
    stored = tmp_path / "idx" / FOLDER
    (entry,) = stored.glob("*.html.json.gz")
    entry.write_bytes(gzip.compress(b"{not json")[:20])
    index.documents._cache.clear()
    assert "12 euros" in assistant.document_text("pricing.html")
    (folder / "pricing.html").unlink()
    assistant.refresh()
    assert [p.name.split(".", 1)[1] for p in stored.iterdir()] == ["pdf.json.gz"]
