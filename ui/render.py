"""HTML and Markdown for the chat: answers with numbered citations, the source viewer, the trace table.

Text from documents (and from the user) is made inert before it reaches the chat's Markdown renderer: every
character that Markdown or HTML would act on is escaped (``inert``), so a document can produce no link, image,
heading or tag; only the markup written here (bold, italics, the [n] citation links, <sub>) is live. The source
viewer is HTML, and its text goes through ``html.escape``. A PDF citation's page is rendered here as a PNG with
pypdfium2 (embedded as a data URI: nothing is fetched from elsewhere) under ``index.loaders.pdfium_lock``.
"""

from __future__ import annotations

import base64
import html
import io
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from qa import Answer, Citation, Hit

# ASCII punctuation that Markdown (GitHub-flavoured, as the chat renders it) gives a meaning: emphasis, code,
# links and images, headings, lists, tables, strikethrough, math ($), and ":" "@" "." that bare URLs, e-mail
# addresses and www. autolinks need. CommonMark lets any ASCII punctuation be escaped with a backslash.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:@$^=])")


def inert(text: str) -> str:
    """text as Markdown that renders as exactly that text: no link, image, emphasis or HTML tag survives
    (``<``, ``>`` and ``&`` become entities, Markdown punctuation is backslash-escaped), whitespace runs
    become one space.

    Example:
        >>> inert("![x](http://a.b/c.png) <b>R&D</b>")
        '\\\\!\\\\[x\\\\]\\\\(http\\\\://a\\\\.b/c\\\\.png\\\\) &lt;b&gt;R&amp;D&lt;/b&gt;'
    """
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))


def citation_marker(n: int, turn: int | None) -> str:
    """``[n]``; a link ``#cite-<turn>-<n>`` that opens the source viewer when the turn is known."""
    return f"**[{n}]**" if turn is None else f'<a href="#cite-{turn}-{n}" class="cite">[{n}]</a>'


def answer_markdown(answer: Answer, asked: str | None = None, turn: int | None = None,
                    context: str | None = None) -> str:
    """The chat reply: short answer, quoted evidence with [n] markers and file names, or "not found"
    with the closest passages. When the question was a follow-up (``context``: the earlier answer it was
    searched with) or the question searched differs from the one asked, that comes first. With ``turn``
    (the answer's index in the conversation) the markers are links the chat turns into "show this citation".
    """
    parts: list[str] = []
    if context:
        parts.append(f"*Follow-up to the previous answer ({inert(context)}); searched for:* {inert(answer.question)}")
    elif asked and " ".join(asked.split()) != answer.question:
        parts.append(f"*Searched for:* {inert(answer.question)}")
    if not answer.answerable:
        parts.append("**I could not find this in the documents.**")
        if answer.hits:
            parts.append("Closest passages, for you to judge:")
            for hit in answer.hits[:3]:
                parts.append(f"- *{inert(hit.source)}*: {inert(' '.join(hit.text.split())[:220])}…")
        return "\n\n".join(parts)
    if answer.note:
        parts.append(f"*{inert(answer.note)}*")
    if answer.short_answer:
        parts.append(f"**{inert(answer.short_answer)}**")
        if answer.other_spellings:
            parts.append(f"*Also spelled:* {inert(', '.join(answer.other_spellings))}")
    for n, c in enumerate(answer.citations, start=1):
        parts.append(f"> {inert(c.quote)} {citation_marker(n, turn)}")
    sources = "; ".join(
        f"{citation_marker(n, turn)} {inert(c.source)} ({c.start}-{c.end})"
        for n, c in enumerate(answer.citations, start=1)
    )
    parts.append(f"<sub>Sources: {sources}. Confidence {answer.confidence:.0%}.</sub>")
    if len({c.source for c in answer.citations}) > 1:
        parts.append(f"<sub>Reported by {len({c.source for c in answer.citations})} documents.</sub>")
    return "\n\n".join(parts)


def citation_label(n: int, citation: Citation) -> str:
    return f"[{n}] {citation.source} ({citation.start}-{citation.end})"


def _text_view(text: str, start: int, end: int) -> str:
    before, cited, after = (html.escape(part) for part in (text[:start], text[start:end], text[end:]))
    return (f'<div class="source-text" style="white-space: pre-wrap; max-height: 420px; overflow-y: auto;">'
            f'{before}<mark id="cited">{cited}</mark>{after}</div>')


def source_view(source: str, text: str, start: int, end: int) -> str:
    """The whole document, escaped, with [start, end) highlighted in a <mark id="cited">."""
    name = html.escape(source)
    return f'<div class="source-name">{name}, characters {start}-{end}</div>' + _text_view(text, start, end)


PAGE_SCALE = 1.5  # pixels per PDF point of a rendered page: sharp at the viewer's width, about 900x1200 px for A4
_PAGE_CACHE_SIZE = 16
_page_cache: OrderedDict[tuple[str, int, float], bytes] = OrderedDict()
_page_cache_lock = threading.Lock()


def page_png(data: bytes, key: str, page: int, scale: float = PAGE_SCALE) -> bytes:
    """Page ``page`` (1-based) of the PDF in data, rendered as PNG at ``scale`` pixels per point. The last
    few pages rendered are kept, by (key, page, scale): key must name these bytes (their sha256).

    Raises:
        ValueError: page is not a page of the PDF, or scale is not > 0.
        pypdfium2.PdfiumError: the bytes are no PDF pdfium can open.

    Example (key: the bytes' sha256, as ``index.documents.Document.sha256``):
        data = Path("report.pdf").read_bytes()
        png = page_png(data, hashlib.sha256(data).hexdigest(), 2)  # starts with b"\\x89PNG"
    """
    if scale <= 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    cache_key = (key, page, scale)
    with _page_cache_lock:
        if cache_key in _page_cache:
            _page_cache.move_to_end(cache_key)
            return _page_cache[cache_key]
    import pypdfium2 as pdfium

    from index.loaders import pdfium_lock

    with pdfium_lock:  # pdfium is not thread-safe; the indexer may be reading another PDF right now
        document = pdfium.PdfDocument(data)
        try:
            if not 1 <= page <= len(document):
                raise ValueError(f"page must be 1-{len(document)}, got {page}")
            pdf_page = document[page - 1]
            try:
                bitmap = pdf_page.render(scale=scale)
                image = bitmap.to_pil()
                bitmap.close()
            finally:
                pdf_page.close()
        finally:
            document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)  # outside the lock: PIL needs no pdfium
    png = buffer.getvalue()
    with _page_cache_lock:
        _page_cache[cache_key] = png
        while len(_page_cache) > _PAGE_CACHE_SIZE:
            _page_cache.popitem(last=False)
    return png


def _pct(value: float, whole: float) -> str:
    return f"{100 * value / whole:.4f}%"


@dataclass(frozen=True)
class PageView:
    """One rendered PDF page of a citation: its number, the PNG, its size in points and the cited words'
    boxes on it (x0, y0, x1, y1 in points, origin top-left)."""

    number: int
    png: bytes
    width: float
    height: float
    boxes: tuple[tuple[float, float, float, float], ...]


def _page_html(view: PageView, name: str) -> str:
    if view.width <= 0 or view.height <= 0:
        raise ValueError(f"page size must be > 0, got {view.width} x {view.height}")
    marks = "".join(
        f'<div class="pdf-highlight" data-page="{view.number}" data-x0="{x0:.2f}" data-y0="{y0:.2f}" '
        f'data-x1="{x1:.2f}" data-y1="{y1:.2f}" style="position: absolute; left: {_pct(x0, view.width)}; '
        f'top: {_pct(y0, view.height)}; width: {_pct(x1 - x0, view.width)}; height: {_pct(y1 - y0, view.height)}; '
        f'background: rgba(255, 200, 0, 0.45); pointer-events: none;"></div>'
        for x0, y0, x1, y1 in view.boxes
    )
    image = base64.b64encode(view.png).decode("ascii")
    return (
        f'<div class="pdf-page" data-page="{view.number}" data-width="{view.width:.2f}" '
        f'data-height="{view.height:.2f}" style="position: relative; width: 100%; line-height: 0; '
        f'margin-bottom: 6px;">'
        f'<img class="pdf-page-image" src="data:image/png;base64,{image}" alt="page {view.number} of {name}" '
        f'style="display: block; width: 100%; height: auto; max-width: none; margin: 0;">{marks}</div>'
    )


def pdf_source_view(source: str, text: str, start: int, end: int, pages: list[PageView]) -> str:
    """A PDF citation: each page its span touches, as an image with one ``div.pdf-highlight`` over each of the
    cited words' boxes, placed in percent of the page so that they stay on their words at any width (each
    carries its box in ``data-x0`` ... ``data-y1``). Below, the extracted text with [start, end) highlighted
    as in ``source_view``.

    Example (one page, one box, so one highlight):
        view = pdf_source_view("a.pdf", text, 10, 40, [PageView(2, png, 595.0, 842.0, ((72.0, 90.0, 300.0, 104.0),))])
    """
    if not pages:
        raise ValueError("a PDF citation view needs at least one page")
    name = html.escape(source)
    numbers = [view.number for view in pages]
    label = f"page {numbers[0]}" if len(numbers) == 1 else f"pages {numbers[0]}-{numbers[-1]}"
    return (
        f'<div class="source-name">{name}, {label}, characters {start}-{end}</div>'
        f'<div class="pdf-scroll" style="max-height: 520px; overflow: auto; margin-bottom: 8px; '
        f'border: 1px solid #ddd;">' + "".join(_page_html(view, name) for view in pages) + '</div>'
        + _text_view(text, start, end)
    )


def source_notice(source: str, notice: str, quote: str) -> str:
    """The source viewer when a citation's document cannot be shown as it was quoted: what happened, and the
    quote as the answer gave it."""
    return (
        f'<div class="source-name">{html.escape(source)}</div>'
        f'<div class="source-notice">{html.escape(notice)}</div>'
        f'<blockquote class="source-text" style="white-space: pre-wrap;">{html.escape(quote)}</blockquote>'
    )


def trace_rows(hits: list[Hit] | tuple[Hit, ...]) -> list[list]:
    """One row per hit for the retrieval-trace table."""
    return [
        [n, h.source, f"{h.start}-{h.end}", h.trace.dense_rank, h.trace.words_rank, h.trace.names_rank,
         round(h.trace.fused_score, 4), round(h.score, 3), " ".join(h.text.split())[:160]]
        for n, h in enumerate(hits, start=1)
    ]


TRACE_HEADERS = ["#", "source", "span", "dense rank", "BM25 rank", "names rank", "fused", "final", "passage"]
