"""HTML and Markdown for the chat: answers with numbered citations, the source viewer, the trace table.

Text from documents (and from the user) is made inert before it reaches the chat's Markdown renderer: every
character that Markdown or HTML would act on is escaped (``inert``), so a document can produce no link, image,
heading or tag; only the markup written here (bold, italics, the [n] citation links, <sub>) is live. The source
viewer is HTML, and its text goes through ``html.escape``.
"""

from __future__ import annotations

import html
import re

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


def source_view(source: str, text: str, start: int, end: int) -> str:
    """The whole document, escaped, with [start, end) highlighted in a <mark id="cited">."""
    before, cited, after = (html.escape(part) for part in (text[:start], text[start:end], text[end:]))
    return (
        f'<div class="source-name">{html.escape(source)}, characters {start}-{end}</div>'
        f'<div class="source-text" style="white-space: pre-wrap; max-height: 420px; overflow-y: auto;">'
        f'{before}<mark id="cited">{cited}</mark>{after}</div>'
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
