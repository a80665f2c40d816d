"""Turn a file's bytes into the text that is indexed and cited: .txt/.md as they are; PDF, DOCX and HTML
converted to text with Markdown headings (``# ``), list items (``- ``) and table rows (cells joined by
`` | ``), so that one structure parser serves every format; for PDFs, each page's character range and
word boxes. Picks a loader by suffix and checks the content fits it. Does not walk folders (that is
``index.documents``), chunk or index. No OCR: a scanned page is reported, not read.
"""

from __future__ import annotations

import bisect
import codecs
import functools
import io
import logging
import re
import statistics
import threading
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
TEXT_SUFFIXES = (".txt", ".md")
SNIFF_BYTES = 65536  # how much of a file ``sniff`` wants to see (a .docx's entry names sit near its start)

# pdfium is not thread-safe: every call into it, here or in a page renderer, holds this lock.
pdfium_lock = threading.RLock()

Box = tuple[int, int, float, float, float, float]  # char start, char end, x0, y0, x1, y1 (points, top-left origin)


class UnreadableDocumentError(ValueError):
    """The file's content cannot be read as its type; the message is the reason in a few words."""


@dataclass(frozen=True)
class Page:
    """One PDF page: ``text[start:end]`` is its text; ``boxes`` holds one box per word, in text order,
    in PDF points with the origin at the page's top-left corner (as the page is shown, rotation applied)."""

    number: int
    start: int
    end: int
    width: float
    height: float
    boxes: tuple[Box, ...] = ()


@dataclass(frozen=True)
class Extracted:
    """A document's text, its pages (PDF only), the encoding its bytes were decoded with (text and HTML)
    and what the reader should know (a page without text, a fallback encoding)."""

    text: str
    pages: tuple[Page, ...] = ()
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Loader:
    """How one format is recognised and read: ``sniff(head)`` says why content is not of this format
    (None when it is), ``read(data, name)`` returns the text or raises UnreadableDocumentError."""

    kind: str
    suffixes: tuple[str, ...]
    sniff: Callable[[bytes], str | None]
    read: Callable[[bytes, str], Extracted]


def decode(data: bytes) -> tuple[str, str]:
    """Decode document bytes as UTF-8, else cp1252, else latin-1 (which never fails).

    Returns (text, encoding used). Newlines are translated as ``Path.read_text(encoding="utf-8")``
    does (``\\r\\n`` and ``\\r`` become ``\\n``), so offsets into a UTF-8 file's text match what a
    reader of that file gets.
    """
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n"), encoding
    raise AssertionError("latin-1 decodes any bytes")


# --- content sniffing -------------------------------------------------------------------------------

_HTML_TAG = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|title|meta|div|p|h[1-6]|table|ul|ol|li|article|main|section|span|a|br)"
    rb"[\s>/]", re.IGNORECASE)


def _zip_names(head: bytes) -> list[str]:
    """Entry names of a zip: from its directory when head is the whole file, else from the local headers
    that head holds (each entry's name is written in plain text before its data)."""
    try:
        with zipfile.ZipFile(io.BytesIO(head)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        names = []
        for match in re.finditer(rb"PK\x03\x04", head):
            at = match.start()
            if at + 30 > len(head):
                break
            length = int.from_bytes(head[at + 26 : at + 28], "little")
            names.append(head[at + 30 : at + 30 + length].decode("cp437", "replace"))
        return names


def _describe(head: bytes) -> str:
    """What the content is, in a few words, from its first bytes."""
    if b"%PDF-" in head[:1024]:
        return "a PDF"
    signatures = (
        (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"), (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style or password-protected Office file"),
        (b"{\\rtf", "an RTF document"), (b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
        (b"Rar!", "a RAR archive"), (b"\x7fELF", "a program"), (b"MZ", "a Windows program"),
    )
    for magic, what in signatures:
        if head.startswith(magic):
            return what
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    if head.startswith(b"PK\x03\x04"):
        names = _zip_names(head)
        for prefix, what in (("word/", "a Word document"), ("xl/", "an Excel workbook"),
                             ("ppt/", "a PowerPoint presentation")):
            if any(n.startswith(prefix) for n in names):
                return what
        return "an OpenDocument file" if b"application/vnd.oasis.opendocument" in head[:200] else "a zip archive"
    if b"\x00" in head[:8192]:
        return "binary data"
    if _HTML_TAG.search(head):
        return "an HTML page"
    return "plain text" if head.strip() else "empty"


def _sniff_text(head: bytes) -> str | None:
    return "binary content" if b"\x00" in head[:8192] else None


def _sniff_pdf(head: bytes) -> str | None:
    return None if b"%PDF-" in head[:1024] else f"not a PDF: the content is {_describe(head)}"


def _sniff_docx(head: bytes) -> str | None:
    if head.startswith(b"PK\x03\x04") and "word/document.xml" in _zip_names(head):
        return None
    return f"not a Word .docx document: the content is {_describe(head)}"


def _sniff_html(head: bytes) -> str | None:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 (a byte-order mark first): look at its characters
        head = head.decode("utf-16", "replace").encode("utf-8")
    what = _describe(head)
    return None if what == "an HTML page" else f"not an HTML page: the content is {what}"


def loader_for(name: str) -> Loader | None:
    """The loader for a file name's suffix (case-insensitive), or None for an unsupported type."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return next((loader for loader in LOADERS if suffix in loader.suffixes), None)


def sniff(name: str, head: bytes) -> str | None:
    """Why a file's content does not fit its suffix, or None when it does.

    Args:
        name: the file name (only its suffix counts).
        head: the file's first ``SNIFF_BYTES`` bytes, or all of them.

    Returns:
        None, or a short reason such as "not a PDF: the content is a PNG image".

    Example:
        >>> sniff("report.pdf", b"\\x89PNG\\r\\n\\x1a\\n...")
        'not a PDF: the content is a PNG image'
    """
    loader = loader_for(name)
    if loader is None:
        return f"unsupported file type (supported: {', '.join(SUFFIXES)})"
    return loader.sniff(head)


def extract(name: str, data: bytes) -> Extracted:
    """A file's text (and pages, for a PDF), read by the loader for its suffix after checking its content.

    Raises:
        UnreadableDocumentError: unsupported type, content that is not of that type, an encrypted or broken
            file, or no text (the message is the reason).

    Example:
        >>> extract("a.md", b"# Leave\\nTen days.").text
        '# Leave\\nTen days.'
    """
    loader = loader_for(name)
    if loader is None:
        raise UnreadableDocumentError(f"unsupported file type (supported: {', '.join(SUFFIXES)})")
    reason = loader.sniff(data)
    if reason:
        raise UnreadableDocumentError(reason)
    try:
        return loader.read(data, name)
    except UnreadableDocumentError:
        raise
    except Exception as error:  # a malformed file must cost one document, never the whole folder
        logger.debug("reading %s failed", name, exc_info=True)
        raise UnreadableDocumentError(f"broken {loader.kind} file: {type(error).__name__}: {str(error)[:200]}") \
            from error


def page_of(pages: tuple[Page, ...] | list[Page], offset: int) -> int | None:
    """The number of the page whose text holds character offset, or None (no pages, or between pages).

    Example:
        >>> page_of((Page(1, 0, 10, 595, 842), Page(2, 12, 20, 595, 842)), 15)
        2
    """
    starts = [p.start for p in pages]
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and pages[i].start <= offset < pages[i].end:
        return pages[i].number
    return None


def boxes_of(pages: tuple[Page, ...] | list[Page], start: int,
             end: int) -> list[tuple[int, float, float, float, float]]:
    """(page number, x0, y0, x1, y1) of every word box that overlaps characters [start, end), in text order:
    what a viewer highlights for a citation.

    Example:
        >>> boxes_of((Page(1, 0, 5, 595, 842, ((0, 5, 72.0, 90.0, 110.0, 104.0),)),), 1, 3)
        [(1, 72.0, 90.0, 110.0, 104.0)]
    """
    found = []
    for page in pages:
        if page.end <= start or page.start >= end:
            continue
        for s, e, x0, y0, x1, y1 in page.boxes:
            if s < end and e > start:
                found.append((page.number, x0, y0, x1, y1))
    return found


# --- .txt / .md ---------------------------------------------------------------------------------------

def _read_text(data: bytes, name: str) -> Extracted:
    text, encoding = decode(data)
    warnings = () if encoding == "utf-8" else (f"{name}: not UTF-8, decoded as {encoding}",)
    return Extracted(text, (), encoding, warnings)


# --- PDF ------------------------------------------------------------------------------------------------
# pypdfium2 gives each character and its box in content-stream order. Words are grouped into lines in that
# order (so columns drawn one after the other stay apart), lines are cut at wide gaps into segments, and the
# page's segments are ordered by layout: rows that share a vertical gutter form a region, read column by
# column when both sides are running text (two columns drawn row by row stay apart too), row by row with
# cells joined by " | " when they are not (a table).

_BULLETS = set("•◦▪▫●○■□‣⁃∙·–*")


@dataclass
class _Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


class _Segment:
    """Words on one line with no wide gap between them (a line of a column, a table cell)."""

    def __init__(self, words: list[_Word]) -> None:
        self.words = words
        self.x0, self.x1 = words[0].x0, words[-1].x1
        self.y0, self.y1 = min(w.y0 for w in words), max(w.y1 for w in words)

    @functools.cached_property
    def size(self) -> float:
        """The font size most of the segment's characters are set in."""
        weights: dict[float, int] = {}
        for w in self.words:
            weights[w.size] = weights.get(w.size, 0) + len(w.text)
        return max(weights, key=lambda s: (weights[s], s))


def _page_words(page, raw) -> list[_Word]:
    """The page's words in content-stream order, with boxes in top-left page coordinates."""
    import ctypes

    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range() if count else ""
        handle = textpage.raw  # plain handles: the wrappers' attribute lookups cost more than pdfium here
        get_unicode, get_box, get_size = raw.FPDFText_GetUnicode, raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetFontSize
        width, height = page.get_size()
        scale = 100  # FPDF_PageToDevice takes an integer device size: work in hundredths of a point
        dev_w, dev_h = int(round(width * scale)), int(round(height * scale))
        page_handle, to_device = page.raw, raw.FPDF_PageToDevice
        rect = raw.FS_RECTF()
        dx, dy = ctypes.c_int(), ctypes.c_int()
        words: list[_Word] = []
        chars: list[str] = []
        x0 = y0 = x1 = y1 = size = 0.0  # the word being read, in page space (y up)

        def finish() -> None:
            to_device(page_handle, 0, 0, dev_w, dev_h, 0, x0, y1, dx, dy)
            ax, ay = dx.value / scale, dy.value / scale
            to_device(page_handle, 0, 0, dev_w, dev_h, 0, x1, y0, dx, dy)
            bx, by = dx.value / scale, dy.value / scale
            word = unicodedata.normalize("NFKC", "".join(chars))  # ligatures (ﬁ) become letters (fi)
            words.append(_Word(word, min(ax, bx), min(ay, by), max(ax, bx), max(ay, by), size))
            chars.clear()

        exact = len(text) == count  # else pdfium's text view differs from its char list: read char by char
        for i in range(count):
            char = text[i] if exact else chr(get_unicode(handle, i))
            if char in ("\x02", "\u00ad"):  # pdfium's mark for a hyphen that ends a line, a soft hyphen
                char = "-"
            code = ord(char)
            if char.isspace() or code in (0, 0xFFFE, 0xFFFF) or code < 0x20:
                if chars:
                    finish()
                continue
            get_box(handle, i, rect)
            left, right, bottom, top = rect.left, rect.right, rect.bottom, rect.top
            if chars:
                h = y1 - y0
                if (min(top, y1) - max(bottom, y0) <= 0.5 * min(h, top - bottom)
                        or left < x1 - 0.5 * h or left > x1 + 0.25 * h):
                    finish()  # no space between them, yet apart on the page
            if chars:
                x0, y0, x1, y1 = min(x0, left), min(y0, bottom), max(x1, right), max(y1, top)
            else:
                x0, y0, x1, y1 = left, bottom, right, top
                size = get_size(handle, i)
            chars.append(char)
        if chars:
            finish()
        return words
    finally:
        textpage.close()


def _lines(words: list[_Word]) -> list[_Segment]:
    """Words grouped into line segments, in stream order: a segment ends where the next word is on another
    line, goes back left, or lies past a gap wider than the line is high (a gutter or a table cell's edge)."""
    segments: list[_Segment] = []
    current: list[_Word] = []
    for word in words:
        if current:
            last = current[-1]
            h = max(min(last.height, word.height), 0.1)
            overlap = min(last.y1, word.y1) - max(last.y0, word.y0)
            gap = word.x0 - last.x1
            if overlap < 0.5 * h or gap < -0.5 * h or gap > 1.0 * max(last.height, word.height):
                segments.append(_Segment(current))
                current = []
        current.append(word)
    if current:
        segments.append(_Segment(current))
    return segments


def _gaps(intervals: list[tuple[float, float]], min_width: float) -> list[tuple[float, float]]:
    """The uncovered stretches, at least min_width wide, between the union of intervals."""
    gaps = []
    end = None
    for a, b in sorted(intervals):
        if end is not None and a - end >= min_width:
            gaps.append((end, a))
        end = b if end is None else max(end, b)
    return gaps


def _compatible(group: list[_Segment], row: list[_Segment], min_gutter: float) -> bool:
    """Whether row continues the region of group: every gutter of either (a vertical strip without text)
    survives, narrowed perhaps, in the two together."""
    both = _gaps([(s.x0, s.x1) for s in group + row], min_gutter)
    for part in (group, row):
        for a, b in _gaps([(s.x0, s.x1) for s in part], min_gutter):
            if not any(c < b and d > a for c, d in both):
                return False
    return True


def _rows(segments: list[_Segment]) -> list[list[_Segment]]:
    """Segments grouped into rows (vertically overlapping), top to bottom, each row left to right."""
    rows: list[list[_Segment]] = []
    top = bottom = 0.0
    for seg in sorted(segments, key=lambda s: (s.y0, s.x0)):
        h = seg.y1 - seg.y0
        if rows and min(bottom, seg.y1) - max(top, seg.y0) > 0.5 * min(h, bottom - top):
            rows[-1].append(seg)
            bottom = max(bottom, seg.y1)
        else:
            rows.append([seg])
            top, bottom = seg.y0, seg.y1
    return [sorted(row, key=lambda s: s.x0) for row in rows]


def _is_running_text(segments: list[_Segment]) -> bool:
    """Lines of prose (not table cells): several words a line, most lines filling the column's width."""
    width = max(s.x1 for s in segments) - min(s.x0 for s in segments)
    words = sum(len(s.words) for s in segments) / len(segments)
    return words >= 3 and statistics.median(s.x1 - s.x0 for s in segments) >= 0.5 * width


def _layout(segments: list[_Segment], min_gutter: float, depth: int = 0) -> list[tuple[str, list[list[_Segment]]]]:
    """The segments as blocks in reading order: ("text", rows of one segment) or ("table", rows of cells)."""
    blocks: list[tuple[str, list[list[_Segment]]]] = []
    groups: list[list[list[_Segment]]] = []
    for row in _rows(segments):
        if groups:
            group = [s for r in groups[-1] for s in r]
            if _compatible(group, row, min_gutter):
                groups[-1].append(row)
                continue
        groups.append([row])
    for rows in groups:
        flat = [s for r in rows for s in r]
        gutters = _gaps([(s.x0, s.x1) for s in flat], min_gutter)
        if not gutters:
            blocks.append(("text", rows))
            continue
        edges = [g[0] for g in gutters] + [float("inf")]
        columns: list[list[_Segment]] = [[] for _ in edges]
        for s in flat:
            columns[next(i for i, edge in enumerate(edges) if s.x1 <= edge)].append(s)
        if depth < 8 and all(_is_running_text(c) for c in columns):
            for column in columns:
                blocks.extend(_layout(column, min_gutter, depth + 1))
        else:
            blocks.append(("table", rows))
    return blocks


class _Writer:
    """Builds the document text and records where each word went."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.boxes: list[Box] = []

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def word(self, word: _Word) -> None:
        self.boxes.append((self.length, self.length + len(word.text), round(word.x0, 2), round(word.y0, 2),
                           round(word.x1, 2), round(word.y1, 2)))
        self.write(word.text)

    def words(self, words: list[_Word]) -> None:
        for i, w in enumerate(words):
            if i:
                self.write(" ")
            self.word(w)

    def break_block(self) -> None:
        """End the block so far with a blank line (none at the start of a page)."""
        if self.parts and not self.parts[-1].endswith("\n\n") and self.length:
            self.write("\n" if self.parts[-1].endswith("\n") else "\n\n")


def _heading_level(seg: _Segment, body: float, levels: list[float]) -> int:
    if seg.size < 1.15 * body or len(seg.words) > 15:
        return 0
    return min(levels.index(seg.size) + 1, 3) if seg.size in levels else 3


def _write_text_block(out: _Writer, rows: list[list[_Segment]], body: float, levels: list[float]) -> None:
    """Lines of running text: joined into paragraphs (a gap above a line, a heading or a bullet starts a
    new one), words split by a line-end hyphen rejoined, larger type as Markdown headings, bullets as items."""
    previous: _Segment | None = None
    kind = ""  # of the paragraph being written: "heading", "item" or "text"
    for seg in (s for row in rows for s in row):
        level = _heading_level(seg, body, levels)
        bullet = seg.words[0].text in _BULLETS and len(seg.words) > 1
        gap = previous is not None and seg.y0 - previous.y1 > 0.5 * (previous.y1 - previous.y0)
        words = seg.words
        if previous is not None and level and kind == "heading" and seg.size == previous.size and not gap:
            out.write(" ")  # a heading wrapped over two lines
            out.words(words)
        elif previous is None or level or bullet or gap or kind == "heading":
            if previous is not None:
                if bullet and kind == "item":
                    out.write("\n")
                else:
                    out.break_block()
            if level:
                out.write("#" * level + " ")
                kind = "heading"
            elif bullet:
                out.write("- ")
                words = words[1:]
                kind = "item"
            else:
                kind = "text"
            out.words(words)
        else:
            last = out.boxes[-1] if out.boxes else None
            tail = out.parts[-1] if out.parts else ""
            if (last is not None and len(tail) > 1 and tail[-1] == "-" and tail[-2].isalpha()
                    and words[0].text[:1].islower()):
                # "inter-" ends a line and "national" starts the next: one word, the hyphen dropped
                out.parts[-1] = tail[:-1]
                out.length -= 1
                out.boxes[-1] = (last[0], last[1] - 1, *last[2:])
            else:
                out.write(" ")
            out.words(words)
        previous = seg


def _write_table(out: _Writer, rows: list[list[_Segment]]) -> None:
    for r, row in enumerate(rows):
        if r:
            out.write("\n")
        for c, seg in enumerate(row):
            if c:
                out.write(" | ")
            out.words(seg.words)


def _open_pdf(data: bytes):
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        code = getattr(error, "err_code", None)
        if code == raw.FPDF_ERR_PASSWORD:
            raise UnreadableDocumentError("encrypted PDF: it needs a password to open") from None
        if code == raw.FPDF_ERR_SECURITY:
            raise UnreadableDocumentError("encrypted PDF: unsupported security handler") from None
        raise UnreadableDocumentError("broken PDF: pdfium cannot parse it") from None


def _read_pdf(data: bytes, name: str) -> Extracted:
    import pypdfium2.raw as raw

    with pdfium_lock:
        document = _open_pdf(data)
        try:
            if len(document) == 0:
                raise UnreadableDocumentError("broken PDF: it has no pages")
            pages_words: list[tuple[list[_Word], float, float]] = []
            warnings: list[str] = []
            for number in range(1, len(document) + 1):
                page = document[number - 1]
                try:
                    words = _page_words(page, raw)
                    width, height = page.get_size()
                    if not words and any(True for _ in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,),
                                                                          max_depth=3)):
                        warnings.append(f"{name}: page {number} has no text layer (a scanned image?); not indexed")
                finally:
                    page.close()
                pages_words.append((words, width, height))
        finally:
            document.close()
    return _assemble_pdf(pages_words, name, warnings)


def _assemble_pdf(pages_words: list[tuple[list[_Word], float, float]], name: str, warnings: list[str]) -> Extracted:
    weights: dict[float, int] = {}
    for words, _, _ in pages_words:
        for w in words:
            weights[round(w.size, 1)] = weights.get(round(w.size, 1), 0) + len(w.text)
    if not weights:
        where = "its page" if len(pages_words) == 1 else f"any of its {len(pages_words)} pages"
        raise UnreadableDocumentError(f"no text layer on {where} (a scan? OCR it first)")
    body = max(weights, key=lambda s: (weights[s], -s))  # the size most characters are set in
    out = _Writer()
    pages: list[Page] = []
    segments_by_page = []
    for words, _, _ in pages_words:
        for w in words:
            w.size = round(w.size, 1)
        segments_by_page.append(_lines(words))
    sizes = {s.size for segs in segments_by_page for s in segs if s.size >= 1.15 * body and len(s.words) <= 15}
    levels = sorted(sizes, reverse=True)
    for number, ((words, width, height), segments) in enumerate(zip(pages_words, segments_by_page), start=1):
        if out.length and segments:
            out.write("\n\n")
        start, first_box = out.length, len(out.boxes)
        if segments:
            line_height = statistics.median(s.y1 - s.y0 for s in segments)
            for b, (kind, rows) in enumerate(_layout(segments, 0.5 * line_height)):
                if b:
                    out.break_block()
                if kind == "table":
                    _write_table(out, rows)
                else:
                    _write_text_block(out, rows, body, levels)
        pages.append(Page(number, start, out.length, round(width, 2), round(height, 2), tuple(out.boxes[first_box:])))
    for warning in warnings:
        logger.warning("%s", warning)
    return Extracted("".join(out.parts), tuple(pages), "utf-8", tuple(warnings))


# --- DOCX -----------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def _docx_heading_level(paragraph) -> int:
    """1-9 for a heading (built-in "Heading n" or "Title" style, or an outline level), else 0."""
    style = paragraph.style
    for s in _style_chain(style):
        name = (s.name or "").lower()
        if name == "title":
            return 1
        match = re.fullmatch(r"heading (\d)", name)
        if match:
            return int(match.group(1))
    for element in [paragraph._p] + [s.element for s in _style_chain(style)]:
        level = element.find(f"{_W}pPr/{_W}outlineLvl")
        if level is not None and (value := level.get(f"{_W}val", "9")).isdigit() and int(value) < 9:
            return int(value) + 1
    return 0


def _docx_list_level(paragraph) -> int | None:
    """The list level (0 = top) of a list paragraph (numbered or bulleted), else None."""
    name = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    # "List Bullet 2" and the like: the level is in the style's name, the numbering in the style
    named = re.fullmatch(r"list(?: bullet| number| continue)?(?: (\d))?", name)
    for element in [paragraph._p] + [s.element for s in _style_chain(paragraph.style)]:
        num = element.find(f"{_W}pPr/{_W}numPr")
        if num is not None:
            num_id = num.find(f"{_W}numId")
            if num_id is not None and num_id.get(f"{_W}val") == "0":  # numbering switched off
                return None
            ilvl = num.find(f"{_W}ilvl")
            if ilvl is not None and (value := ilvl.get(f"{_W}val", "0")).isdigit():
                return int(value)
            break
    else:
        if not named:
            return None
    return int(named.group(1)) - 1 if named and named.group(1) else 0


def _join_blocks(blocks: list[tuple[str, str]]) -> str:
    """Blocks of (kind, text) as Markdown: a blank line between blocks, none between the items of a list or
    the rows of a table (kind "end" closes a table)."""
    parts: list[str] = []
    previous = ""
    for kind, text in blocks:
        if kind != "end":
            if parts:
                parts.append("\n" if kind == previous and kind in ("item", "row") else "\n\n")
            parts.append(text)
        previous = kind
    return "".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _docx_cell_text(cell) -> str:
    from docx.table import Table

    parts = []
    for item in cell.iter_inner_content():
        if isinstance(item, Table):
            parts.extend(_docx_cell_text(c) for row in item.rows for c in _unique_cells(row))
        else:
            parts.append(item.text)
    return _one_line(" ".join(parts))


def _unique_cells(row) -> list:
    """A row's cells, each merged cell once (python-docx repeats a cell for every grid column it spans)."""
    cells, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def _read_docx(data: bytes, name: str) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise UnreadableDocumentError(f"broken Word document: {error}") from None
    blocks: list[tuple[str, str]] = []  # (kind, text): kind "item" and "row" lines stay on adjacent lines
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells = [_docx_cell_text(c) for c in _unique_cells(row)]
                if any(cells):
                    blocks.append(("row", " | ".join(cells)))
            blocks.append(("end", ""))
            continue
        text = item.text
        if not text.strip():
            continue
        level = _docx_heading_level(item)
        if level:
            blocks.append(("heading", "#" * level + " " + _one_line(text)))
            continue
        depth = _docx_list_level(item)
        if depth is not None:
            blocks.append(("item", "  " * depth + "- " + _one_line(text)))
        else:
            lines = (" ".join(line.split()) for line in text.splitlines())  # a soft line break stays one
            blocks.append(("paragraph", "\n".join(line for line in lines if line)))
    return Extracted(_join_blocks(blocks))


# --- HTML -----------------------------------------------------------------------------------------------

_DROP_TAGS = {"script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "nav",
              "aside", "form", "button", "select", "input", "textarea", "dialog", "menu", "head", "link", "meta",
              "video", "audio", "map"}
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog", "menu",
               "menubar", "toolbar"}
_BOILERPLATE = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|navigation|menu|breadcrumbs?|sidebar|site-?footer|site-?header|footer|cookies?|"
    r"consent|gdpr|share|sharing|social|subscribe|newsletter|advert|adverts|ads?|sponsored|promo|popup|modal|"
    r"related|skip-?link|sr-only|visually-hidden|comments?)(?:$|[-_\s])", re.IGNORECASE)
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "header", "footer", "blockquote", "address", "figure",
               "figcaption", "dl", "dt", "dd", "ul", "ol", "li", "table", "tr", "hr", "details", "summary", "body",
               "html", "center", "fieldset", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "caption"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)


def _decode_html(data: bytes) -> tuple[str, str]:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, "replace").replace("\r\n", "\n").replace("\r", "\n"), encoding
    match = _CHARSET.search(data[:4096])
    if match:
        try:
            declared = codecs.lookup(match.group(1).decode("ascii", "replace")).name
            return data.decode(declared).replace("\r\n", "\n").replace("\r", "\n"), declared
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)


def _is_boilerplate(node, page_chars: int) -> bool:
    """Whether node is navigation, a banner, hidden, a page header or footer: not the content. A box whose
    class merely sounds like boilerplate ("page sidebar-left") but holds most of the page's text stays."""
    if node.tag in _DROP_TAGS:
        return True
    attributes = node.attributes
    if "hidden" in attributes or (attributes.get("aria-hidden") or "").lower() == "true":
        return True
    if re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", attributes.get("style") or "", re.IGNORECASE):
        return True
    if (attributes.get("role") or "").lower() in _DROP_ROLES:
        return True
    if node.tag == "footer":
        return True
    if node.tag == "header" or _BOILERPLATE.search(f"{attributes.get('id') or ''} {attributes.get('class') or ''}"):
        # an article's own header (with its title) is content; a page header or a menu is not
        return (node.css_first("h1, main, article") is None
                and len(_one_line(node.text(deep=True))) < 0.5 * page_chars)
    return False


def _link_heavy(node) -> bool:
    """A list or box that is mostly links (a menu, "related articles") rather than text."""
    if node.tag not in ("ul", "ol", "div", "section", "p", "dl"):
        return False
    links = node.css("a")
    if len(links) < 3:
        return False
    text = len(_one_line(node.text(deep=True)))
    linked = sum(len(_one_line(a.text(deep=True))) for a in links)
    return text > 0 and linked / text >= 0.8


def _clean(node, page_chars: int) -> None:
    """Remove boilerplate under node, depth first."""
    child = node.child
    while child is not None:
        following = child.next
        if child.is_element_node:
            if _is_boilerplate(child, page_chars) or _link_heavy(child):
                child.decompose()
            else:
                _clean(child, page_chars)
        elif child.is_comment_node:
            child.decompose()
        child = following


def _main_content(tree):
    """The page's main element (``main``, ``role=main``, a single ``article``), else its body."""
    body = tree.body
    if body is None:
        return None
    candidates = tree.css("main, [role=main]") or tree.css("article")
    if candidates and (len(candidates) == 1 or candidates[0].tag == "main" or candidates[0].attributes.get("role")):
        best = max(candidates, key=lambda n: len(n.text(deep=True)))
        if len(_one_line(best.text(deep=True))) >= 0.2 * len(_one_line(body.text(deep=True))):
            return best
    return body


class _HtmlText:
    """Walks the cleaned tree and writes Markdown-like blocks."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, str]] = []
        self.inline: list[str] = []

    def flush(self) -> None:
        text = "".join(self.inline)
        self.inline = []
        lines = [" ".join(line.split()) for line in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append(("paragraph", text))

    def inline_text(self, node) -> str:
        return _one_line("".join(_texts(node)))

    def walk(self, node, depth: int = 0) -> None:
        child = node.child
        while child is not None:
            self.visit(child, depth)
            child = child.next

    def visit(self, node, depth: int) -> None:
        if node.is_text_node:
            self.inline.append(node.text_content or "")
            return
        if not node.is_element_node:
            return
        tag = node.tag
        if tag == "br":
            self.inline.append("\n")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.flush()
            text = self.inline_text(node)
            if text:
                self.blocks.append(("heading", "#" * int(tag[1]) + " " + text))
        elif tag in ("ul", "ol"):
            self.flush()
            self.list_items(node, depth)
        elif tag == "table":
            self.flush()
            self.table(node)
        elif tag == "pre":
            self.flush()
            text = (node.text(deep=True) or "").strip("\n")
            if text.strip():
                self.blocks.append(("paragraph", text))
        elif tag == "hr":
            self.flush()
        elif tag in _BLOCK_TAGS:
            self.flush()
            self.walk(node, depth)
            self.flush()
        else:
            self.walk(node, depth)

    def list_items(self, node, depth: int) -> None:
        for li in (c for c in _children(node) if c.tag == "li"):
            text = _one_line(" ".join(_texts(li, skip=("ul", "ol"))))
            if text:
                self.blocks.append(("item", "  " * depth + "- " + text))
            for nested in (c for c in _children(li) if c.tag in ("ul", "ol")):
                self.list_items(nested, depth + 1)

    def table(self, node) -> None:
        for row in _rows_of_table(node):
            cells = [self.inline_text(c) for c in _children(row) if c.tag in ("td", "th")]
            if any(cells):
                self.blocks.append(("row", " | ".join(cells)))
        self.blocks.append(("end", ""))


def _texts(node, skip: tuple[str, ...] = ()):
    """The text under node, in order, leaving out the elements tagged skip."""
    child = node.child
    while child is not None:
        if child.is_text_node:
            yield child.text_content or ""
        elif child.is_element_node and child.tag not in skip:
            apart = child.tag == "br" or child.tag in _BLOCK_TAGS or child.tag in ("td", "th")
            if apart:  # "<td><p>a</p><p>b</p></td>" reads "a b"; "Ac<b>me</b>" still reads "Acme"
                yield " "
            yield from _texts(child, skip)
            if apart:
                yield " "
        child = child.next


def _children(node):
    child = node.child
    while child is not None:
        if child.is_element_node:
            yield child
        child = child.next


def _rows_of_table(table):
    """The table's own rows (not those of tables nested in its cells), in document order."""
    for child in _children(table):
        if child.tag == "tr":
            yield child
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from (r for r in _children(child) if r.tag == "tr")


def _read_html(data: bytes, name: str) -> Extracted:
    from selectolax.lexbor import LexborHTMLParser

    text, encoding = _decode_html(data)
    declared = _CHARSET.search(data[:4096]) is not None
    tree = LexborHTMLParser(text)
    title_node = tree.css_first("title")
    title = _one_line(title_node.text(deep=True)) if title_node is not None else ""
    root = _main_content(tree)
    if root is None:
        raise UnreadableDocumentError("broken HTML page: no body")
    _clean(root, len(_one_line(root.text(deep=True))))
    writer = _HtmlText()
    writer.visit(root, 0)
    writer.flush()
    blocks = writer.blocks
    if not blocks:  # everything looked like boilerplate: better the whole page than nothing
        tree = LexborHTMLParser(text)
        tree.strip_tags(["script", "style", "noscript", "template", "head"])
        writer = _HtmlText()
        if tree.body is not None:
            writer.visit(tree.body, 0)
        writer.flush()
        blocks = writer.blocks
    if title and not any(kind == "heading" and text.startswith("# ") for kind, text in blocks):
        blocks.insert(0, ("heading", "# " + title))
    warnings = () if encoding == "utf-8" or declared else (f"{name}: not UTF-8, decoded as {encoding}",)
    return Extracted(_join_blocks(blocks), (), encoding, warnings)


LOADERS = (
    Loader("text", TEXT_SUFFIXES, _sniff_text, _read_text),
    Loader("PDF", (".pdf",), _sniff_pdf, _read_pdf),
    Loader("Word", (".docx",), _sniff_docx, _read_docx),
    Loader("HTML", (".html", ".htm"), _sniff_html, _read_html),
)
