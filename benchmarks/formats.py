"""PDF against plain text: extraction speed (pages/s) and index build time for generated PDF pages and the same
text as ``.txt`` files, measured in one process; prints a report and writes it as JSON and Markdown.

Run: ``python -m benchmarks.formats [--pages 200] [--repeats 2] [--out reports/formats]``.

The pages are generated with fpdf2 (seeded, so every run reads the same documents): a report-like text with
a title, section headings, paragraphs of figures and names, and a table every few pages; ``--per-document``
pages to a PDF. The ``.txt`` twin of each PDF holds the text the PDF was drawn from, headings as ``#`` and
table rows as cells joined by `` | `` (the form ``index.loaders`` gives a PDF's text). Both folders are
indexed with the same loaded model (``index.open_index``, as ``Assistant.open`` does), alternately. The
extraction figure for PDFs is ``index.loaders.extract`` on each file's bytes (pypdfium2, word boxes
included); for text, decoding the bytes. Does not measure DOCX or HTML, OCR or the page renderer.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

TABLE_EVERY = 3  # a table on every third page
WORDS_PER_PAGE = 330  # what fits an A4 page at 10 pt with its heading and a table, with room to spare

_REGIONS = ["Northern", "Southern", "Eastern", "Western", "Central", "Coastal", "Highland", "Metropolitan"]
_UNITS = ["logistics", "retail", "research", "maintenance", "customer service", "procurement", "manufacturing",
          "software", "energy", "transport", "water treatment", "training"]
_PEOPLE = ["Amelia Hartley", "Jonas Weber", "Priya Raman", "Tomasz Nowak", "Lucia Ferreira", "Kenji Sato",
           "Ines Moreau", "Oskar Lindqvist", "Fatima Haddad", "Daniel Okafor", "Marta Kowalska", "Hugo Lambert"]
_CITIES = ["Leeds", "Porto", "Gdansk", "Lyon", "Aarhus", "Graz", "Bilbao", "Turin", "Ghent", "Tampere", "Brno",
           "Cork"]
_TOPICS = ["Operating results", "Regional operations", "Workforce and safety", "Investments", "Risk management",
           "Customer satisfaction", "Environmental performance", "Supply chain", "Research and development",
           "Governance", "Outlook", "Financial position"]
_SENTENCES = [
    "Revenue in the {unit} division rose by {pct} percent to {money} million euros in {year}.",
    "The {region} region opened {n} new sites, including a depot in {city} that employs {staff} people.",
    "{person}, who leads the {unit} team, expects demand to grow steadily over the next {n} years.",
    "Operating costs fell by {pct} percent after the {unit} contracts were renegotiated in {month}.",
    "The board approved an investment of {money} million euros in the {city} plant for {year}.",
    "Staff turnover in {unit} stayed below {pct} percent, the lowest figure since {old_year}.",
    "Customers in {city} rated the {unit} service {score} out of ten in the annual survey.",
    "The {region} office reduced its energy use by {pct} percent compared with {old_year}.",
    "A new agreement with suppliers in {city} shortened delivery times to {n} days on average.",
    "{person} joined the company in {old_year} and became head of the {region} region in {year}.",
    "Safety incidents at the {city} site dropped from {n} to {m} during the year.",
    "The {unit} division completed {n} projects on time and {m} with a delay of less than a month.",
    "Capital spending on {unit} equipment reached {money} million euros, within the approved budget.",
    "In {month} the {region} region moved its {unit} operations to a larger building in {city}.",
]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


def _sentence(rng: random.Random) -> str:
    return rng.choice(_SENTENCES).format(
        unit=rng.choice(_UNITS), region=rng.choice(_REGIONS), city=rng.choice(_CITIES), person=rng.choice(_PEOPLE),
        month=rng.choice(_MONTHS), pct=f"{rng.uniform(0.5, 19.5):.1f}", money=f"{rng.uniform(1, 480):.1f}",
        year=rng.randint(2019, 2024), old_year=rng.randint(2001, 2018), n=rng.randint(2, 14),
        m=rng.randint(0, 9), staff=rng.randint(12, 900), score=f"{rng.uniform(6, 9.8):.1f}")


def _table(rng: random.Random) -> list[list[str]]:
    rows = [["Region", "Revenue (EUR m)", "Growth", "Staff", "Sites"]]
    for region in rng.sample(_REGIONS, 5):
        rows.append([region, f"{rng.uniform(10, 900):.1f}", f"{rng.uniform(-4, 15):.1f}%",
                     f"{rng.randint(40, 4000):,}", str(rng.randint(1, 40))])
    return rows


def generate_pages(pages: int, seed: int = 7) -> list[list[tuple[str, object]]]:
    """The content of each page, as blocks ("title" | "heading" | "paragraph", text) or ("table", rows).

    Example:
        >>> [kind for kind, _ in generate_pages(1)[0]][:3]
        ['title', 'heading', 'paragraph']
    """
    rng = random.Random(seed)
    content = []
    for number in range(pages):
        blocks: list[tuple[str, object]] = []
        if number % 20 == 0:  # each document starts with its title
            blocks.append(("title", f"Annual Report {rng.randint(2019, 2024)}: {rng.choice(_REGIONS)} Group"))
        blocks.append(("heading", f"{number % 20 + 1}. {rng.choice(_TOPICS)}"))
        budget = WORDS_PER_PAGE - (110 if number % TABLE_EVERY == TABLE_EVERY - 1 else 0)
        words = 0
        while words < budget - 40:
            paragraph = " ".join(_sentence(rng) for _ in range(rng.randint(3, 5)))
            blocks.append(("paragraph", paragraph))
            words += len(paragraph.split())
        if number % TABLE_EVERY == TABLE_EVERY - 1:
            blocks.insert(2, ("table", _table(rng)))
        content.append(blocks)
    return content


def page_text(blocks: list[tuple[str, object]]) -> str:
    """A page's blocks as the text a ``.txt`` twin holds: Markdown headings, table rows as cells joined by " | "."""
    parts = []
    for kind, value in blocks:
        if kind == "title":
            parts.append(f"# {value}")
        elif kind == "heading":
            parts.append(f"## {value}")
        elif kind == "table":
            parts.append("\n".join(" | ".join(row) for row in value))
        else:
            parts.append(str(value))
    return "\n\n".join(parts)


def write_pdf(pages: list[list[tuple[str, object]]], path: Path) -> None:
    """Draw pages into one PDF at path, one page each; raises RuntimeError when a page's content overflows."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, 18)
    for number, blocks in enumerate(pages, start=1):
        pdf.add_page()
        for kind, value in blocks:
            if kind == "title":
                pdf.set_font("Helvetica", "B", 18)
                pdf.multi_cell(0, 9, str(value), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
            elif kind == "heading":
                pdf.set_font("Helvetica", "B", 13)
                pdf.multi_cell(0, 7, str(value), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            elif kind == "table":
                pdf.set_font("Helvetica", "", 9)
                with pdf.table(col_widths=(34, 34, 22, 22, 18), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT",
                                                                             "RIGHT")) as table:
                    for row in value:
                        cells = table.row()
                        for cell in row:
                            cells.cell(cell)
                pdf.ln(3)
            else:
                pdf.set_font("Helvetica", "", 10)
                pdf.multi_cell(0, 4.8, str(value), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2.5)
        if pdf.page_no() != number:
            raise RuntimeError(f"page {number} of {path.name} overflowed onto page {pdf.page_no()}")
    pdf.output(str(path))


def write_corpus(pages: int, per_document: int, pdf_dir: Path, txt_dir: Path) -> dict:
    """Write the PDFs and their .txt twins; returns counts (documents, pages, tables) and sizes."""
    content = generate_pages(pages)
    pdf_dir.mkdir(parents=True, exist_ok=True)
    txt_dir.mkdir(parents=True, exist_ok=True)
    documents = 0
    for first in range(0, pages, per_document):
        chunk = content[first : first + per_document]
        name = f"report-{first // per_document + 1:03d}"
        write_pdf(chunk, pdf_dir / f"{name}.pdf")
        (txt_dir / f"{name}.txt").write_text("\n\n".join(page_text(b) for b in chunk) + "\n", encoding="utf-8")
        documents += 1
    return {
        "documents": documents,
        "tables": sum(kind == "table" for blocks in content for kind, _ in blocks),
        "pdf_bytes": sum(p.stat().st_size for p in pdf_dir.glob("*.pdf")),
        "txt_bytes": sum(p.stat().st_size for p in txt_dir.glob("*.txt")),
    }


def _words(text: str) -> Counter:
    return Counter(re.findall(r"[\w.%,]+", text.replace("#", " ").replace("|", " ")))


def measure_extraction(pdf_dir: Path, txt_dir: Path, repeats: int = 1) -> dict:
    """Time ``index.loaders.extract`` over every PDF and every .txt (bytes already in memory); the fastest of
    ``repeats`` passes counts (the others were slowed by something else on the machine)."""
    from index.loaders import extract

    pdfs = {p.name: p.read_bytes() for p in sorted(pdf_dir.glob("*.pdf"))}
    txts = {p.name: p.read_bytes() for p in sorted(txt_dir.glob("*.txt"))}
    pdf_runs, txt_runs = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        extracted = {name: extract(name, data) for name, data in pdfs.items()}
        pdf_runs.append(time.perf_counter() - started)
        started = time.perf_counter()
        plain = {name: extract(name, data) for name, data in txts.items()}
        txt_runs.append(time.perf_counter() - started)
    pdf_s, txt_s = min(pdf_runs), min(txt_runs)
    pages = sum(len(e.pages) for e in extracted.values())
    # how much of the drawn text the PDF gives back, word for word (a check that the speed is not bought
    # by losing text): multiset recall of the twin's words
    source = sum((_words(e.text) for e in plain.values()), Counter())
    found = sum((_words(e.text) for e in extracted.values()), Counter())
    recovered = sum((source & found).values()) / max(sum(source.values()), 1)
    return {
        "pdf_pages": pages,
        "pdf_s": pdf_s,
        "pdf_runs_s": pdf_runs,
        "pdf_pages_per_s": pages / pdf_s if pdf_s else float("inf"),
        "txt_s": txt_s,
        "txt_runs_s": txt_runs,
        "txt_pages_per_s": pages / txt_s if txt_s else float("inf"),
        "pdf_chars": sum(len(e.text) for e in extracted.values()),
        "txt_chars": sum(len(e.text) for e in plain.values()),
        "pdf_words_recovered": recovered,
        "pdf_warnings": sorted({w for e in extracted.values() for w in e.warnings}),
    }


def measure_build(folder: Path, index_dir: Path, embedder) -> dict:
    """Build the index of folder from nothing into index_dir, as ``Assistant.open`` does: reading (and
    extracting) every file, chunking, embedding, writing."""
    from index import documents, open_index

    # read_document keeps the last 16 extractions by checksum; a build measured after another over the same
    # PDFs would skip extraction without this (the cache has no public switch: see the report)
    documents._cache.clear()
    started = time.perf_counter()
    index, report = open_index(folder, index_dir, embedder)
    seconds = time.perf_counter() - started
    # opened again as a restarted server would (nothing in memory): the extracted text comes from the index
    documents._cache.clear()
    started = time.perf_counter()
    open_index(folder, index_dir, embedder)
    reopen = time.perf_counter() - started
    shutil.rmtree(index_dir)
    return {"s": seconds, "reopen_s": reopen, "passages": index.passage_count, "documents": len(index.documents),
            "skipped": [s.source for s in report.skipped]}


def run(pages: int = 200, per_document: int = 20, repeats: int = 2, work_dir: Path | None = None,
        embedder=None) -> dict:
    """Generate the corpus, measure extraction and both builds ``repeats`` times (text and PDF builds
    alternate, so that a busy spell on the machine does not fall on one format only; the fastest run of
    each counts); returns the report as a dict."""
    for name, value in (("pages", pages), ("per_document", per_document), ("repeats", repeats)):
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    from index import Embedder
    from index.loaders import extract

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        corpus = write_corpus(pages, per_document, root / "pdf", root / "txt")
        generated_s = time.perf_counter() - started
        write_pdf(generate_pages(1, seed=1), root / "warm-up.pdf")  # pdfium's import and first load go untimed
        extract("warm-up.pdf", (root / "warm-up.pdf").read_bytes())
        extraction = measure_extraction(root / "pdf", root / "txt", repeats)
        embedder = embedder or Embedder()
        embedder.encode(["warm up the model before either build is timed"])
        runs: dict[str, list[dict]] = {"txt": [], "pdf": []}
        for n in range(repeats):
            for kind in ("txt", "pdf") if n % 2 == 0 else ("pdf", "txt"):
                runs[kind].append(measure_build(root / kind, root / f"{kind}-index", embedder))
    txt, pdf = (min(runs[kind], key=lambda r: r["s"]) for kind in ("txt", "pdf"))
    pages_made = extraction["pdf_pages"]
    return {
        "pages": pages_made,
        "pages_requested": pages,
        "per_document": per_document,
        "repeats": repeats,
        **corpus,
        "generated_s": generated_s,
        "extraction": extraction,
        "build": {
            "txt_s": txt["s"], "pdf_s": pdf["s"], "pdf_vs_txt": pdf["s"] / txt["s"],
            "txt_runs_s": [r["s"] for r in runs["txt"]], "pdf_runs_s": [r["s"] for r in runs["pdf"]],
            "txt_passages": txt["passages"], "pdf_passages": pdf["passages"],
            "txt_pages_per_s": pages_made / txt["s"], "pdf_pages_per_s": pages_made / pdf["s"],
            "pdf_extraction_share": extraction["pdf_s"] / pdf["s"],
            "txt_reopen_s": txt["reopen_s"], "pdf_reopen_s": pdf["reopen_s"],
            "pdf_reopen_vs_txt": pdf["reopen_s"] / txt["reopen_s"],
            "skipped": txt["skipped"] + pdf["skipped"],
        },
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                    "load_average_before": load_before, "load_average_after": os.getloadavg()[0]},
    }


def _runs(seconds: list[float]) -> str:
    return ", ".join(f"{s:.1f}" for s in seconds) + " s"


def render(report: dict) -> str:
    """The report as a short Markdown table."""
    e, b = report["extraction"], report["build"]
    return "\n".join([
        f"# PDF against plain text: {report['pages']} pages in {report['documents']} document"
        f"{'s' if report['documents'] != 1 else ''} "
        f"({report['tables']} tables)",
        "",
        "| | PDF | TXT | PDF / TXT time |",
        "|---|---:|---:|---:|",
        f"| extraction, pages/s | {e['pdf_pages_per_s']:,.1f} | {e['txt_pages_per_s']:,.0f} | "
        f"{e['pdf_s'] / max(e['txt_s'], 1e-9):,.0f} |",
        f"| extraction, s | {e['pdf_s']:.2f} | {e['txt_s']:.4f} | |",
        f"| index build, s | {b['pdf_s']:.1f} | {b['txt_s']:.1f} | {b['pdf_vs_txt']:.2f} |",
        f"| index build, pages/s | {b['pdf_pages_per_s']:.2f} | {b['txt_pages_per_s']:.2f} | |",
        f"| reopen, nothing changed, s | {b['pdf_reopen_s']:.2f} | {b['txt_reopen_s']:.2f} | "
        f"{b['pdf_reopen_vs_txt']:.2f} |",
        f"| passages | {b['pdf_passages']} | {b['txt_passages']} | |",
        f"| characters | {e['pdf_chars']:,} | {e['txt_chars']:,} | |",
        f"| bytes on disk | {report['pdf_bytes']:,} | {report['txt_bytes']:,} | |",
        "",
        f"PDF extraction is {b['pdf_extraction_share']:.0%} of the PDF build; the PDFs give back "
        f"{e['pdf_words_recovered']:.1%} of the drawn words. Reopening (a restarted server, nothing in memory) "
        "reads the extracted text kept in the index instead of extracting again.",
        f"Fastest of {report['repeats']} runs each (builds: PDF {_runs(b['pdf_runs_s'])}, TXT "
        f"{_runs(b['txt_runs_s'])}). Machine: {report['machine']['cpus']} CPUs, Python {report['machine']['python']}, "
        f"load average {report['machine']['load_average_before']:.1f} before, "
        f"{report['machine']['load_average_after']:.1f} after.",
    ])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200, help="PDF pages to generate (default 200)")
    parser.add_argument("--per-document", type=int, default=20, help="pages per PDF (default 20)")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each measurement; the fastest counts")
    parser.add_argument("--out", type=Path, default=Path("reports/formats"))
    parser.add_argument("--work-dir", type=Path, default=None, help="where the temporary corpus goes")
    args = parser.parse_args(argv)
    if min(args.pages, args.per_document, args.repeats) < 1:
        parser.error("--pages, --per-document and --repeats must be >= 1")
    report = run(args.pages, args.per_document, args.repeats, args.work_dir)
    text = render(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "formats.json").write_text(json.dumps(report, indent=1))
    (args.out / "formats.md").write_text(text + "\n")
    print(text)
    print(f"report written to {args.out}/formats.md and formats.json", file=sys.stderr)
    return report


if __name__ == "__main__":
    main()
