"""HTML and Markdown for the chat: answers with numbered citations, the source viewer, the trace table.

Every piece of document text goes through ``html.escape``: a document can never inject markup.
"""

from __future__ import annotations

import html

from qa import Answer, Citation, Hit


def citation_marker(n: int, turn: int | None) -> str:
    """``[n]``; a link ``#cite-<turn>-<n>`` that opens the source viewer when the turn is known."""
    return f"**[{n}]**" if turn is None else f'<a href="#cite-{turn}-{n}" class="cite">[{n}]</a>'


def answer_markdown(answer: Answer, asked: str | None = None, turn: int | None = None) -> str:
    """The chat reply: short answer, quoted evidence with [n] markers and file names, or "not found"
    with the closest passages. When the question searched differs from the one asked (a follow-up made
    standalone), it is shown first. With ``turn`` (the answer's index in the conversation) the markers
    are links the chat turns into "show this citation"."""
    parts: list[str] = []
    if asked and " ".join(asked.split()) != answer.question:
        parts.append(f"*Searched for:* {html.escape(answer.question)}")
    if not answer.answerable:
        parts.append("**I could not find this in the documents.**")
        if answer.hits:
            parts.append("Closest passages, for you to judge:")
            for hit in answer.hits[:3]:
                snippet = html.escape(" ".join(hit.text.split())[:220])
                parts.append(f"- `{html.escape(hit.source)}`: {snippet}…")
        return "\n\n".join(parts)
    if answer.note:
        parts.append(f"*{html.escape(answer.note)}*")
    if answer.short_answer:
        parts.append(f"**{html.escape(answer.short_answer)}**")
        if answer.other_spellings:
            parts.append(f"*Also spelled:* {html.escape(', '.join(answer.other_spellings))}")
    for n, c in enumerate(answer.citations, start=1):
        parts.append(f"> {html.escape(c.quote)} {citation_marker(n, turn)}")
    sources = "; ".join(
        f"{citation_marker(n, turn)} `{html.escape(c.source)}` ({c.start}-{c.end})"
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


def trace_rows(hits: list[Hit] | tuple[Hit, ...]) -> list[list]:
    """One row per hit for the retrieval-trace table."""
    return [
        [n, h.source, f"{h.start}-{h.end}", h.trace.dense_rank, h.trace.words_rank, h.trace.names_rank,
         round(h.trace.fused_score, 4), round(h.score, 3), " ".join(h.text.split())[:160]]
        for n, h in enumerate(hits, start=1)
    ]


TRACE_HEADERS = ["#", "source", "span", "dense rank", "BM25 rank", "names rank", "fused", "final", "passage"]
