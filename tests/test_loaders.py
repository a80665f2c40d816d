"""Loaders on real files built here: a 3-page PDF (prose, a table, two columns drawn row by row), a DOCX
with headings, a list and a table, an HTML page with navigation, scripts and a footer."""

from __future__ import annotations

import io
import logging

import pytest

from index.documents import Document, Skipped, load_folder, read_document
from index.loaders import SUFFIXES, UnreadableDocumentError, boxes_of, extract, page_of, sniff

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
WORD_AT = (72.0, 200.0, 14)  # "Zeppelin" drawn on page 1 at x, baseline y (points from the top-left), font size


def _pdf_report() -> tuple[bytes, float]:
    """A 3-page report; returns its bytes and the drawn width of the word "Zeppelin"."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 22)
    pdf.text(72, 90, "Annual report 2023")
    pdf.set_font("Helvetica", size=11)
    pdf.set_xy(72, 110)
    pdf.multi_cell(450, 15, "The company builds hydrogen electrolysers in three plants. Output grew in every "
                   "region last year, and the board approved a fourth plant.")
    x, y, size = WORD_AT
    pdf.set_font("Helvetica", size=size)
    pdf.text(x, y, "Zeppelin")
    width = pdf.get_string_width("Zeppelin")
    pdf.set_font("Helvetica", size=11)
    pdf.text(x + width + 8, y, "hangar tours run on Fridays.")

    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.text(72, 80, "Plants and managers")
    pdf.set_font("Helvetica", size=11)
    pdf.set_xy(72, 100)
    with pdf.table(width=450, col_widths=(30, 45, 25), text_align="LEFT") as table:
        for row in (("Plant", "Manager", "Output"), ("Hildesheim", "Margarethe Vollmer", "420 tonnes"),
                    ("Rostock", "Jonas Albrecht", "310 tonnes"), ("Passau", "Selin Kaya", "150 tonnes")):
            cells = table.row()
            for cell in row:
                cells.cell(cell)

    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    left = ["The left column starts the story of", "the first plant, opened in a former", "shipyard on the coast."]
    right = ["The right column continues with", "the second plant, built beside a", "wind farm in the south."]
    for i, (a, b) in enumerate(zip(left, right)):  # drawn row by row, as some generators do
        pdf.text(72, 100 + i * 15, a)
        pdf.text(320, 100 + i * 15, b)
    return bytes(pdf.output()), width


def _docx_guide() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Onboarding guide", 1)
    document.add_paragraph("Welcome to the team. Your buddy shows you around on Monday.")
    document.add_heading("Equipment", 2)
    document.add_paragraph("Collect your badge at reception", style="List Bullet")
    document.add_paragraph("Set up the VPN", style="List Bullet 2")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate((("Item", "Owner", "When"), ("Laptop", "IT desk", "Day 1"),
                             ("Phone", "Office manager", "Week 2"))):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_heading("Holidays", 2)
    document.add_paragraph("New staff get 28 days of leave a year.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


HTML = b"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Pricing - Acme</title>
<style>.nav { color: red }</style><script>var token = "tracking-secret";</script></head>
<body><header><a href="/">Acme</a><nav><ul><li><a href="/">Home</a></li><li><a href="/pricing">Pricing</a></li>
<li><a href="/blog">Blog</a></li></ul></nav></header>
<div class="cookie-banner">We use cookies. <button>Accept</button></div>
<main><h1>Pricing plans</h1><p>The Starter plan costs 9 dollars per user per month.</p>
<h2>Business</h2><p>The Business plan costs 29 dollars per user per month.</p>
<ul><li>Single sign-on</li><li>Audit logs</li></ul>
<table><tr><th>Plan</th><th>Storage</th></tr><tr><td>Starter</td><td>10 GB</td></tr></table></main>
<footer>Copyright 2024 Acme Inc. <a href="/privacy">Privacy</a></footer><script>track();</script></body></html>"""


@pytest.fixture(scope="module")
def report() -> tuple[bytes, float]:
    return _pdf_report()


def test_pdf_text_pages_and_reading_order(report):
    extracted = extract("report.pdf", report[0])
    text, pages = extracted.text, extracted.pages
    assert [p.number for p in pages] == [1, 2, 3]
    assert text.startswith("# Annual report 2023\n\nThe company builds hydrogen electrolysers in three plants. "
                           "Output grew in every region last year, and the board approved a fourth plant.")
    assert "Hildesheim | Margarethe Vollmer | 420 tonnes\nRostock | Jonas Albrecht | 310 tonnes" in text
    # the two columns stay apart although every row was drawn left, right, left, right
    assert ("The left column starts the story of the first plant, opened in a former shipyard on the coast."
            "\n\nThe right column continues with the second plant") in text
    for needle, number in (("hydrogen electrolysers", 1), ("Zeppelin", 1), ("Margarethe", 2), ("wind farm", 3)):
        assert page_of(pages, text.index(needle)) == number
    assert page_of(pages, len(text) + 5) is None
    for page in pages:  # page ranges are ordered, and every box's characters are inside its page
        assert all(page.start <= s < e <= page.end for s, e, *_ in page.boxes)
        assert (page.width, page.height) == (pytest.approx(595.28, abs=0.01), pytest.approx(841.89, abs=0.01))


def test_pdf_word_box_is_where_the_word_was_drawn(report):
    data, width = report
    extracted = extract("report.pdf", data)
    start = extracted.text.index("Zeppelin")
    (number, x0, y0, x1, y1), = boxes_of(extracted.pages, start, start + len("Zeppelin"))
    x, baseline, size = WORD_AT
    assert number == 1
    assert x0 == pytest.approx(x, abs=1.0) and x1 == pytest.approx(x + width, abs=1.0)
    assert y0 < baseline < y1 and 0.8 * size < y1 - y0 < 1.5 * size
    s, e, *_ = next(b for b in extracted.pages[0].boxes if b[0] == start)
    assert extracted.text[s:e] == "Zeppelin"


def test_pdf_extraction_is_deterministic(report):
    first = extract("report.pdf", report[0])
    assert first == extract("report.pdf", report[0])
    assert first.text == first.text.strip()


def test_docx_headings_lists_and_tables():
    text = extract("guide.docx", _docx_guide()).text
    assert text == (
        "# Onboarding guide\n\n"
        "Welcome to the team. Your buddy shows you around on Monday.\n\n"
        "## Equipment\n\n"
        "- Collect your badge at reception\n"
        "  - Set up the VPN\n\n"
        "Item | Owner | When\nLaptop | IT desk | Day 1\nPhone | Office manager | Week 2\n\n"
        "## Holidays\n\n"
        "New staff get 28 days of leave a year."
    )


def test_html_main_content_without_navigation_scripts_or_footer():
    text = extract("pricing.html", HTML).text
    assert text == (
        "# Pricing plans\n\n"
        "The Starter plan costs 9 dollars per user per month.\n\n"
        "## Business\n\n"
        "The Business plan costs 29 dollars per user per month.\n\n"
        "- Single sign-on\n- Audit logs\n\n"
        "Plan | Storage\nStarter | 10 GB"
    )
    for boilerplate in ("Home", "tracking-secret", "cookies", "Copyright", "color"):
        assert boilerplate not in text


def test_html_without_main_keeps_the_article_title_and_drops_menus():
    page = (b"<html><head><title>Guide</title></head><body><div class='site-header'><a href='/'>Home</a> "
            b"<a href='/a'>About</a> <a href='/b'>Jobs</a></div><div class='post'><div class='post-header'>"
            b"<h1>Welcome</h1></div><p>Start at 9:00.</p><ol><li>Sign<ul><li>twice</li></ul></li></ol></div>"
            b"<div class='widget'><ul><li><a href='/1'>Old one</a></li><li><a href='/2'>Old two</a></li>"
            b"<li><a href='/3'>Old three</a></li></ul></div><p style='display:none'>hidden</p></body></html>")
    assert extract("guide.htm", page).text == "# Welcome\n\nStart at 9:00.\n\n- Sign\n  - twice"


def test_text_formats_read_as_before():
    assert extract("a.md", b"# Leave\r\nTen days.").text == "# Leave\nTen days."
    assert SUFFIXES == (".txt", ".md", ".pdf", ".docx", ".html", ".htm")


@pytest.mark.parametrize(("name", "head", "reason"), [
    ("scan.pdf", PNG, "not a PDF: the content is a PNG image"),
    ("guide.docx", b"%PDF-1.7\n", "not a Word .docx document: the content is a PDF"),
    ("guide.docx", b"PK\x03\x04" + b"\x00" * 22 + b"\x0b\x00\x00\x00xl/book.xml", "not a Word .docx document: "
     "the content is an Excel workbook"),
    ("page.html", b"just words, no markup", "not an HTML page: the content is plain text"),
    ("notes.txt", PNG, "binary content"),
    ("photo.png", PNG, "unsupported file type (supported: .txt, .md, .pdf, .docx, .html, .htm)"),
])
def test_sniff_refuses_content_that_does_not_fit_the_suffix(name, head, reason):
    assert sniff(name, head) == reason


def test_sniff_accepts_real_files(report):
    assert sniff("r.PDF", report[0][:4096]) is None
    assert sniff("g.docx", _docx_guide()[:4096]) is None
    assert sniff("p.htm", HTML) is None


def _encrypted_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.text(20, 30, "Secret numbers")
    pdf.set_encryption(owner_password="owner", user_password="user")
    return bytes(pdf.output())


def test_encrypted_and_broken_pdfs_are_refused_with_the_reason():
    with pytest.raises(UnreadableDocumentError, match="^encrypted PDF: it needs a password to open$"):
        extract("locked.pdf", _encrypted_pdf())
    with pytest.raises(UnreadableDocumentError, match="^broken PDF: pdfium cannot parse it$"):
        extract("broken.pdf", b"%PDF-1.7\nthis is not a PDF body")


def test_scanned_page_is_reported_by_name_and_page(caplog):
    from fpdf import FPDF
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(image, "PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.text(20, 30, "Cover page with text")
    pdf.add_page()
    pdf.image(io.BytesIO(image.getvalue()), x=10, y=10, w=100)
    with caplog.at_level(logging.WARNING, logger="index.loaders"):
        extracted = extract("scan.pdf", bytes(pdf.output()))
    assert extracted.text == "Cover page with text"
    assert "scan.pdf: page 2 has no text layer (a scanned image?); not indexed" in caplog.messages
    only_scans = FPDF()
    only_scans.add_page()
    only_scans.image(io.BytesIO(image.getvalue()), x=10, y=10, w=100)
    with pytest.raises(UnreadableDocumentError, match="no text layer on its page"):
        extract("all-scan.pdf", bytes(only_scans.output()))


def test_folder_of_every_format_loads_and_skips_with_reasons(tmp_path, report):
    (tmp_path / "report.pdf").write_bytes(report[0])
    (tmp_path / "guide.docx").write_bytes(_docx_guide())
    (tmp_path / "pricing.html").write_bytes(HTML)
    (tmp_path / "notes.md").write_text("# Notes\n\nPlain notes.", encoding="utf-8")
    (tmp_path / "photo.pdf").write_bytes(PNG)
    (tmp_path / "locked.pdf").write_bytes(_encrypted_pdf())
    loaded = load_folder(tmp_path)
    assert [d.source for d in loaded.documents] == ["guide.docx", "notes.md", "pricing.html", "report.pdf"]
    assert [(s.source, s.reason) for s in loaded.skipped] == [
        ("locked.pdf", "encrypted PDF: it needs a password to open"),
        ("photo.pdf", "not a PDF: the content is a PNG image"),
    ]
    pdf = next(d for d in loaded.documents if d.source == "report.pdf")
    assert [p.number for p in pdf.pages] == [1, 2, 3] and pdf.text == extract("report.pdf", report[0]).text
    assert all(d.pages == () for d in loaded.documents if d.source != "report.pdf")
    again = read_document(tmp_path / "report.pdf", "report.pdf")
    assert isinstance(again, Document) and again == pdf


def test_changed_pdf_is_read_again_not_served_from_the_cache(tmp_path, report):
    path = tmp_path / "report.pdf"
    path.write_bytes(report[0])
    assert isinstance(read_document(path, "report.pdf"), Document)
    path.write_bytes(_encrypted_pdf())
    assert read_document(path, "report.pdf") == Skipped("report.pdf", "encrypted PDF: it needs a password to open")


def test_assistant_answers_from_the_pdf_table(tmp_path, report, embedder, reader):
    from qa import Assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "report.pdf").write_bytes(report[0])
    (docs / "guide.docx").write_bytes(_docx_guide())
    (docs / "pricing.html").write_bytes(HTML)
    (docs / "notes.txt").write_text("The cafeteria opens at eight. Parking is free for staff.", encoding="utf-8")
    assistant = Assistant.open(docs, index_dir=tmp_path / "idx", embedder=embedder, reader=reader)
    assert sorted(assistant.index.documents) == ["guide.docx", "notes.txt", "pricing.html", "report.pdf"]
    answer = assistant.ask("Who manages the Hildesheim plant?")
    assert answer.answerable
    assert "Margarethe Vollmer" in answer.text
    citation = answer.citations[0]
    assert citation.source == "report.pdf"
    text = assistant.document_text("report.pdf")
    assert citation.quote == text[citation.start : citation.end]
    pages = read_document(docs / "report.pdf", "report.pdf").pages
    assert page_of(pages, citation.start) == 2
    assert all(number == 2 for number, *_ in boxes_of(pages, citation.start, citation.end))
    for c in answer.citations:
        assert c.quote == assistant.document_text(c.source)[c.start : c.end]
    # a Word heading's section and an HTML page answer too, cited verbatim and without a page
    for question, source, said in (("How many days of leave do new staff get?", "guide.docx", "28 days"),
                                   ("How much does the Business plan cost?", "pricing.html", "29 dollars")):
        answer = assistant.ask(question)
        assert answer.answerable and said in answer.text, question
        cited = answer.citations[0]
        assert cited.source == source and cited.page is None
        assert cited.quote == assistant.document_text(source)[cited.start : cited.end]
