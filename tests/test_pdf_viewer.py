"""The source viewer's PDF page (rendered locally, the cited words highlighted) and the watched folder."""

import base64
import hashlib
import io
import re
import shutil
import time

import pytest

from tests.conftest import free_port

SENTENCE = "The lighthouse keeper of Port Elvaro is Marguerite Tansley."
QUESTION = "Who is the lighthouse keeper of Port Elvaro?"
X, BASELINE, SIZE = 72.0, 300.0, 12.0  # where SENTENCE is drawn on page 2 (points, origin top-left)


def write_pdf(path) -> float:
    """A 2-page A4 PDF: other text on page 1, SENTENCE at (X, BASELINE) on page 2; returns its width in points."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.set_font("Helvetica", size=SIZE)
    pdf.add_page()
    pdf.text(x=72, y=100, text="Annual report of the harbour authority.")
    pdf.text(x=72, y=130, text="The ferries sailed on time for most of the year.")
    pdf.add_page()
    pdf.text(x=72, y=120, text="Staff of the coast.")
    pdf.text(x=X, y=BASELINE, text=SENTENCE)
    pdf.text(x=72, y=600, text="The harbour opens at six in the morning.")
    width = pdf.get_string_width(SENTENCE)
    pdf.output(str(path))
    return width


@pytest.fixture(scope="module")
def pdf_folder(tmp_path_factory):
    docs = tmp_path_factory.mktemp("pdf-docs")
    width = write_pdf(docs / "harbour.pdf")
    (docs / "notes.txt").write_text("The market in Sorvi opens on Saturdays. Fish is sold by the pier.",
                                    encoding="utf-8")
    return docs, width


def test_page_png_and_pdf_source_view(pdf_folder):
    from PIL import Image

    from index.documents import read_document
    from index.loaders import boxes_of
    from ui.render import PAGE_SCALE, PageView, page_png, pdf_source_view

    docs, _ = pdf_folder
    document = read_document(docs / "harbour.pdf", "harbour.pdf")
    start = document.text.index(SENTENCE)
    end = start + len(SENTENCE)
    boxes = [b[1:] for b in boxes_of(document.pages, start, end) if b[0] == 2]
    assert len(boxes) == len(SENTENCE.split())  # one box per word
    data = (docs / "harbour.pdf").read_bytes()
    png = page_png(data, document.sha256, 2)
    assert page_png(data, document.sha256, 2) is png  # the second time from the cache
    page = document.pages[1]
    image = Image.open(io.BytesIO(png))
    assert image.size == (round(page.width * PAGE_SCALE), round(page.height * PAGE_SCALE))
    view = pdf_source_view("harbour.pdf", document.text, start, end,
                           [PageView(2, png, page.width, page.height, tuple(boxes))])
    assert "harbour.pdf, page 2, characters" in view
    encoded = re.search(r'src="data:image/png;base64,([^"]+)"', view).group(1)
    assert base64.b64decode(encoded) == png
    assert view.count('class="pdf-highlight"') == len(boxes)
    assert f'<mark id="cited">{SENTENCE}</mark>' in view
    assert "http" not in view  # nothing is fetched from elsewhere
    with pytest.raises(ValueError, match="page must be 1-2, got 3"):
        page_png(data, hashlib.sha256(data).hexdigest(), 3)


def test_a_quote_over_two_pages_shows_both_pages_each_with_its_words(pdf_folder, tmp_path, embedder):
    from qa import Assistant
    from ui.app import citation_view

    docs, _ = pdf_folder
    assistant = Assistant.open(docs, tmp_path / "idx", embedder=embedder, use_reader=False)
    text = assistant.document_text("harbour.pdf")
    start = text.index("The ferries sailed")
    end = text.index("Staff of the coast.") + len("Staff of the coast.")
    view = citation_view(assistant, {"source": "harbour.pdf", "start": start, "end": end, "quote": text[start:end]})
    assert "harbour.pdf, pages 1-2, characters" in view
    assert re.findall(r'<div class="pdf-page" data-page="(\d)"', view) == ["1", "2"]
    marks = re.findall(r'class="pdf-highlight" data-page="(\d)"', view)
    assert marks.count("1") == len("The ferries sailed on time for most of the year.".split())
    assert marks.count("2") == len("Staff of the coast.".split())


@pytest.mark.browser
def test_a_pdf_citation_shows_its_page_with_the_words_highlighted(pdf_folder, tmp_path, embedder, reader):
    if not shutil.which("chromium"):
        pytest.fail("Debian's chromium is not installed: run `make browser`")
    from gradio_client import Client
    from playwright.sync_api import sync_playwright

    from qa import Assistant
    from ui.app import CSS, build_app

    docs, width = pdf_folder
    assistant = Assistant.open(docs, tmp_path / "idx", embedder=embedder, reader=reader)
    port = free_port()
    demo = build_app(assistant)
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, css=CSS, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        result = Client(url, verbose=False).predict(QUESTION, 5, api_name="/ask")
        assert result["answerable"] and result["citations"][0]["source"] == "harbour.pdf"
        assert result["citations"][0]["page"] == 2 and SENTENCE in result["citations"][0]["quote"]
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            box = page.locator("#question textarea")
            box.fill(QUESTION)
            box.press("Enter")
            page.wait_for_selector('#chat a[href="#cite-0-1"]', timeout=60000)
            # a second answer, from the text file, takes the viewer; the first answer's [1] brings the page back
            box.fill("When does the market in Sorvi open?")
            box.press("Enter")
            page.wait_for_selector("#viewer .source-name >> text=notes.txt", timeout=60000)
            assert page.locator("#viewer img").count() == 0  # a text file is shown as text
            page.locator('#chat a[href="#cite-0-1"]').first.click()
            page.wait_for_selector("#viewer img.pdf-page-image", timeout=20000)
            page.wait_for_function("document.querySelector('#viewer img.pdf-page-image').complete", timeout=20000)
            assert "harbour.pdf, page 2, characters" in page.locator("#viewer .source-name").inner_text()
            assert SENTENCE in page.locator("#viewer mark#cited").inner_text()
            found = page.evaluate("""() => {
              const img = document.querySelector('#viewer img.pdf-page-image').getBoundingClientRect();
              const holder = document.querySelector('#viewer .pdf-page');
              return {img: [img.left, img.top, img.width, img.height], width: +holder.dataset.width,
                      height: +holder.dataset.height, src: document.querySelector('#viewer img').src.slice(0, 22),
                      boxes: [...document.querySelectorAll('#viewer .pdf-highlight')].map(h => {
                        const r = h.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })};
            }""")
            browser.close()
    finally:
        demo.close()
    assert found["src"] == "data:image/png;base64,"
    left, top, shown_width, shown_height = found["img"]
    assert shown_width > 100 and abs(shown_height / shown_width - found["height"] / found["width"]) < 0.01
    per_point = shown_width / found["width"]  # the scale the page is shown at, undone below
    boxes = [((x0 - left) / per_point, (y0 - top) / per_point, (x1 - left) / per_point, (y1 - top) / per_point)
             for x0, y0, x1, y1 in found["boxes"]]
    assert len(boxes) == len(SENTENCE.split())
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    assert abs(x0 - X) < 3 and abs(x1 - (X + width)) < 3, (x0, x1, X, X + width)
    assert BASELINE - SIZE - 3 < y0 < BASELINE - SIZE / 2 and BASELINE < y1 < BASELINE + SIZE / 2, (y0, y1)


def test_a_file_written_into_the_watched_folder_appears_in_the_documents_table(tmp_path, embedder):
    from qa import Assistant
    from qa.watch import FolderWatcher
    from ui.app import CSS, build_app, documents_update

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "first.txt").write_text("The bakery on Linden Street sells rye bread.", encoding="utf-8")
    assistant = Assistant.open(docs, tmp_path / "idx", embedder=embedder, use_reader=False)
    watcher = FolderWatcher(assistant, debounce=0.3, max_delay=2.0).start()
    demo = build_app(assistant, watcher=watcher)
    demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, css=CSS, quiet=True)
    try:
        assert watcher.wait_until_watching(10)
        seen, rows, status = documents_update(assistant, watcher, None)
        assert [row[0] for row in rows] == ["first.txt"] and status == "Watching the folder for changes."
        assert documents_update(assistant, watcher, seen)[1] is None  # the same index: nothing to redraw
        (docs / "second.txt").write_text("The ferry to Ostrava leaves at noon.", encoding="utf-8")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            generation, rows, status = documents_update(assistant, watcher, seen)
            if rows is not None and "second.txt" in [row[0] for row in rows] and "added second.txt" in status:
                break
            time.sleep(0.2)
        assert rows is not None and sorted(row[0] for row in rows) == ["first.txt", "second.txt"], rows
        assert "added second.txt" in status and "indexed 1" in status, status
    finally:
        demo.close()
        assert watcher.stop()
