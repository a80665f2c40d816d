"""The Gradio web chat: a thin layer over ``qa.Assistant`` (chat, source viewer, trace, documents, API)."""

from __future__ import annotations

import filecmp
import hashlib
import json
import logging
import math
import os
import re
import shutil
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
import gradio as gr  # noqa: E402

from index.documents import Document, Skipped, read_document  # noqa: E402
from index.extracted import ExtractionCache  # noqa: E402
from index.loaders import SUFFIXES as _LOADER_SUFFIXES  # noqa: E402
from index.loaders import boxes_of, page_of  # noqa: E402
from index.loaders import sniff as _sniff  # noqa: E402
from qa import Assistant, InvalidQuestionError  # noqa: E402
from qa.errors import check_question  # noqa: E402
from qa.followup import follow_up  # noqa: E402
from qa.watch import FolderWatcher  # noqa: E402
from ui.render import (  # noqa: E402
    TRACE_HEADERS,
    answer_markdown,
    citation_label,
    inert,
    PageView,
    page_png,
    pdf_source_view,
    source_notice,
    source_view,
    trace_rows,
)

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md")
UPLOAD_SUFFIXES = tuple(dict.fromkeys((*TEXT_SUFFIXES, *_LOADER_SUFFIXES)))
MAX_UPLOAD_BYTES = 5_000_000
MAX_UPLOAD_PAGES = 500  # pages of a PDF uploaded in the chat (a folder on disk has no such limit)
MAX_NAME_BYTES = 255  # what ext4 and most file systems allow for one name
# Characters replaced in uploaded names: controls, separators of lines and paragraphs, bidirectional overrides
# (which make "txt.exe" look like "exe.txt"), and what Windows forbids in a name. Everything else is kept.
_UNSAFE_CATEGORIES = {"Cc", "Cs", "Co", "Cn", "Zl", "Zp"}
_UNSAFE_CHARACTERS = set('<>:"|?*') | set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# The first bytes of kinds of file that are often renamed to .txt by mistake: named in the refusal.
_MAGIC = ((b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
          (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or a Word or Excel file)"),
          (b"\x7fELF", "a program"), (b"\x1f\x8b", "a gzip archive"))
REMOVED = ".removed"  # where removed documents go (skipped when the folder is read)
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_EXAMPLES = [  # questions about the project's own seeds/, offered only when that folder is open
    "Who was arrested in Moscow?",
    "Which of them is a US citizen?",
    "Which opposition leader spoke from exile?",
    "Tell me about Serhienka",
    "What is the population of Minsk?",
]


def examples_for(docs_dir: str | Path) -> list[str]:
    """The example questions to offer over docs_dir: the seeds' own, or none for any other folder (a
    question about Moscow is no example over someone's reports)."""
    return list(SEED_EXAMPLES) if Path(docs_dir).resolve() == SEEDS else []


CSS = """
#cited { background: #ffe58a; padding: 0 2px; }
.source-name { font-weight: 600; margin-bottom: 6px; }
@media (max-width: 640px) { .gradio-container { padding: 4px !important; } }
#cite-request { display: none !important; }
/* the conversation scrolls below its label and toolbar, never under them */
#chat .bubble-wrap { margin-top: 30px; height: calc(100% - 30px); }
.source-notice { font-style: italic; margin-bottom: 6px; }
"""
SCROLL_TO_CITED = ("() => { const m = document.querySelector('#cited'); if (m) m.scrollIntoView({block: 'center'});"
                   " const h = document.querySelector('#viewer .pdf-highlight');"
                   " if (h) h.scrollIntoView({block: 'center'}); }")  # a PDF citation: its page's highlight last
MAX_CITED_PAGES = 3  # a quote that runs over more pages shows its first three
WATCH_SECONDS = 3.0  # how often the Documents tab looks for a new index (the watcher refreshes it)
# On page load: (1) a click on a [n] marker in the chat puts "<turn>-<n>:<time>" into the hidden #cite-request
# box, whose change event shows that citation in the source viewer; (2) each message's screen-reader label
# becomes the text as shown (Gradio labels a message with its raw Markdown: "<a href=...>", "\\.", "**").
MARKER_CLICKS = """() => {
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#cite-"]');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const box = document.querySelector('#cite-request textarea, #cite-request input');
    if (!box) return;
    box.value = link.getAttribute('href').slice('#cite-'.length) + ':' + Date.now();  // always a change
    box.dispatchEvent(new Event('input', {bubbles: true}));
  }, true);
  const MARK = "'s message: ";
  const relabel = () => {
    for (const message of document.querySelectorAll('#chat [aria-label*="' + MARK + '"]')) {
      const label = message.getAttribute('aria-label');
      const wanted = label.slice(0, label.indexOf(MARK) + MARK.length) + message.innerText.replace(/\\s+/g, ' ').trim();
      if (label !== wanted) message.setAttribute('aria-label', wanted);
    }
  };
  new MutationObserver(relabel).observe(document.querySelector('#chat') || document.body,
    {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-label']});
  relabel();
}"""


def safe_upload_name(name: str) -> str:
    """The file name alone (no folders, no ``..``), NFC-normalised, with only unsafe characters (controls,
    bidirectional overrides, ``<>:"|?*``) replaced by ``_``: "ünïcödé name 日本.md" stays as it is.

    Raises:
        ValueError: saying why: no usable name, a hidden name (".notes.txt": hidden files are not indexed),
            a name too long, or a type that cannot be indexed.

    Example:
        >>> safe_upload_name("../R&D plan: 2025.md")
        'R&D plan_ 2025.md'
    """
    base = unicodedata.normalize("NFC", re.split(r"[\\/]", name)[-1]).strip()
    base = "".join("_" if c in _UNSAFE_CHARACTERS or unicodedata.category(c) in _UNSAFE_CATEGORIES else c
                   for c in base)
    if not base.strip(". "):
        raise ValueError(f"unusable file name {name!r}")
    if base.startswith("."):
        raise ValueError(f"{base}: a name that starts with '.' is a hidden file, which is never indexed; "
                         "rename it without the leading '.'")
    base = base.rstrip(". ")  # Windows drops them, and "notes.txt." is no .txt
    if len(base.encode()) > MAX_NAME_BYTES:
        raise ValueError(f"{base[:40]}...: the name is longer than {MAX_NAME_BYTES} bytes")
    if not base.lower().endswith(UPLOAD_SUFFIXES):
        raise ValueError(f"{base}: only {', '.join(UPLOAD_SUFFIXES)} files can be added")
    return base


def content_refusal(path: Path, name: str, extracted: ExtractionCache | None = None) -> str | None:
    """Why the file at path, to be added as name, would not be indexed (empty, binary, unreadable, a PNG
    named .txt, or what ``index.loaders.sniff`` says of a PDF, DOCX or HTML file); None when it would be.
    Checked before the file is copied, so a file that would only be skipped never enters the folder."""
    with open(path, "rb") as file:
        head = file.read(65536)
    if not head:
        return "the file is empty"
    if name.lower().endswith(TEXT_SUFFIXES):
        kind = next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)
        if kind:
            return f"this is {kind}, not text"
    reason = _sniff(name, head)
    if reason is None:
        document = read_document(path, name, extracted)  # the indexer's own reading: what it would skip is refused here
        reason = document.reason if isinstance(document, Skipped) else None
        if reason is None and len(document.pages) > MAX_UPLOAD_PAGES:
            reason = f"{len(document.pages)} pages is over the {MAX_UPLOAD_PAGES} page limit"
    return {"empty": "the file holds no text (only spaces or blank lines)",
            "binary content": "binary content, not text"}.get(reason, reason)


def documents_table(assistant: Assistant) -> list[list]:
    return [
        [info.source, info.size, info.chunks, time.strftime("%Y-%m-%d %H:%M", time.localtime(info.indexed_at))]
        for info in assistant.index.documents.values()
    ]


def archive(docs_dir: Path, source: str) -> Path:
    """Move a document out of the index into ``docs_dir/.removed/`` (never deleted, never overwriting an
    earlier archived copy: the second copy of ``a.txt`` is ``a.1.txt``); returns where it went."""
    first = target = docs_dir / REMOVED / source
    copies = 0
    while target.exists():
        copies += 1
        target = first.with_name(f"{first.stem}.{copies}{first.suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    (docs_dir / source).replace(target)
    return target


def add_files(assistant: Assistant, paths: list[str]) -> list[str]:
    """Copy uploaded files into the documents folder (safe names, allowed types, size limit, content that
    would be indexed); one message per file. A file with the name of a different document replaces it, and
    the earlier version is archived (see ``archive``). The caller re-indexes."""
    messages = []
    docs = assistant.docs_dir
    for path in paths:
        try:
            name = safe_upload_name(Path(path).name)
            size = Path(path).stat().st_size
            if size > MAX_UPLOAD_BYTES:
                raise ValueError(f"{name}: {size} bytes is over the {MAX_UPLOAD_BYTES} byte limit")
            target = (docs / name).resolve()
            if target.parent != docs.resolve():
                raise ValueError(f"{name}: would be written outside the documents folder")
            if refusal := content_refusal(Path(path), name, assistant.extracted):
                raise ValueError(f"{name}: {refusal}")
            if target.is_file() and filecmp.cmp(path, target, shallow=False):
                messages.append(f"unchanged {name} (already in the folder)")
                continue
            note = f" (the earlier version was moved to {archive(docs, name)})" if target.exists() else ""
            shutil.copyfile(path, target)
            messages.append(f"added {name}{note}")
        except (ValueError, OSError) as error:
            messages.append(f"not added: {error}")
    return messages


def citation_view(assistant: Assistant, citation: dict) -> str:
    """The source viewer for a citation of an earlier answer (a dict of ``qa.Citation``): its document with
    the quote highlighted, or what became of the document if it was removed or changed since."""
    source, start, end, quote = citation["source"], citation["start"], citation["end"], citation["quote"]
    try:
        text = assistant.document_text(source)
    except (KeyError, FileNotFoundError):
        return source_notice(source, "This document was removed from the documents after this answer; "
                                     "the answer quoted:", quote)
    except OSError as error:
        return source_notice(source, f"This document cannot be read now ({error.strerror or error}); "
                                     "the answer quoted:", quote)
    if text[start:end] != quote:
        return source_notice(source, f"This document changed after this answer: characters {start}-{end} no "
                                     "longer hold the quote. Ask again to cite the current text. The answer "
                                     "quoted:", quote)
    if source.lower().endswith(".pdf"):
        try:
            view = pdf_view(assistant, citation, text)
        except Exception:  # a page that cannot be drawn still leaves the text, never a broken chat
            logger.warning("could not render the page of %s for characters %d-%d", source, start, end, exc_info=True)
            view = None
        if view:
            return view
    return source_view(source, text, start, end)


def pdf_view(assistant: Assistant, citation: dict, text: str) -> str | None:
    """The source viewer for a citation into a PDF whose extracted text is ``text``: the cited page rendered
    with the span's word boxes highlighted, above the text; None when the file on disk is no longer the one
    whose text was checked (changed in between) or holds no page for the span."""
    source, start, end = citation["source"], citation["start"], citation["end"]
    path = assistant.docs_dir / source
    data = path.read_bytes()
    document = assistant.read_source(source)
    if not isinstance(document, Document) or document.text != text or not document.pages:
        return None
    if hashlib.sha256(data).hexdigest() != document.sha256:  # the file changed between the two reads
        return None
    first = citation.get("page") or page_of(document.pages, start)
    boxes = boxes_of(document.pages, start, end)
    numbers = sorted({first} | {box[0] for box in boxes} - {None})[:MAX_CITED_PAGES]
    pages = {p.number: p for p in document.pages}
    if not numbers or any(n not in pages for n in numbers):
        return None
    views = [PageView(n, page_png(data, document.sha256, n), pages[n].width, pages[n].height,
                      tuple(tuple(box[1:]) for box in boxes if box[0] == n)) for n in numbers]
    return pdf_source_view(source, text, start, end, views)


def index_generation(assistant: Assistant) -> str:
    """A name of the index the assistant answers from now: it changes whenever a refresh replaces it."""
    index = assistant.index
    return f"{index.generation}:{id(index)}:{len(index.documents)}"


def watch_status(watcher: FolderWatcher | None) -> str:
    """One line on the folder watcher: its last error, the refresh it is running, or its last refresh."""
    if watcher is None:
        return "The folder is not watched: press \"Check the folder again\" after changing files."
    if error := watcher.last_error:
        return f"Watching the folder: {error}"
    if watcher.refreshing:
        return "Indexing changes in the folder…"
    events = watcher.events
    if not events:
        return "Watching the folder for changes." if watcher.running else "The folder watcher has stopped."
    last = events[-1]
    changes = ", ".join(f"{kind} {path}" for kind, path in last.changes[:5]) or "the folder was checked again"
    more = f" and {len(last.changes) - 5} more" if len(last.changes) > 5 else ""
    report = last.report
    done = (f"; indexed {len(report.embedded)}, removed {len(report.removed)}, skipped {len(report.skipped)}"
            if report is not None else "")
    return f"{time.strftime('%H:%M:%S', time.localtime(last.at))}: {changes}{more}{done}."


def documents_update(assistant: Assistant, watcher: FolderWatcher | None,
                     seen: str | None) -> tuple[str, list[list] | None, str]:
    """What the Documents tab's timer shows: the index's generation, the documents table (None when the
    generation is still ``seen``: nothing to redraw) and the watcher's status line."""
    generation = index_generation(assistant)
    return generation, (None if generation == seen else documents_table(assistant)), watch_status(watcher)


class LoginLimiter:
    """Failed logins per client: after ``attempts`` failures within ``window`` seconds, the client's logins are
    refused for ``lockout`` seconds. A successful login clears its record.

    Example:
        >>> limiter = LoginLimiter(attempts=2, window=60, lockout=300, clock=lambda: 0.0)
        >>> limiter.failed("10.0.0.1"); limiter.failed("10.0.0.1")
        >>> limiter.retry_after("10.0.0.1"), limiter.retry_after("10.0.0.2")
        (300.0, 0.0)
    """

    def __init__(self, attempts: int = 5, window: float = 60.0, lockout: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts, self.window, self.lockout, self.clock = attempts, window, lockout, clock
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> float:
        """Seconds until client may try again; 0.0 when it may now."""
        with self._lock:
            return max(0.0, self._locked_until.get(client, 0.0) - self.clock())

    def failed(self, client: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) > 10_000:  # forget the oldest clients rather than grow without bound
                for stale in sorted(self._failures, key=lambda c: self._failures[c][-1])[:5_000]:
                    self._failures.pop(stale)
            recent = [t for t in self._failures.get(client, []) if now - t < self.window] + [now]
            self._failures[client] = recent
            if len(recent) >= self.attempts:
                self._locked_until[client] = now + self.lockout
                logger.warning("%d failed logins from %s within %.0f s: refusing its logins for %.0f s",
                               len(recent), client, self.window, self.lockout)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)
            self._locked_until.pop(client, None)


class LoginThrottle:
    """ASGI middleware in front of Gradio's ``POST /login``: refuses a locked-out client with 429 and
    Retry-After, and tells ``LoginLimiter`` how each attempt went. An attempt counts as failed from its start
    until it succeeds, so a burst of parallel guesses is limited as well as a sequence."""

    def __init__(self, app, limiter: LoginLimiter) -> None:
        self.app, self.limiter = app, limiter

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].rstrip("/").endswith("/login"):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown",))[0]
        wait = self.limiter.retry_after(client)
        if wait > 0:
            body = json.dumps({"detail": f"Too many failed logins: try again in {math.ceil(wait)} s."}).encode()
            await send({"type": "http.response.start", "status": 429,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"retry-after", str(math.ceil(wait)).encode()),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        self.limiter.failed(client)
        status = 0

        async def send_status(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, send_status)
        if status == 200:
            self.limiter.succeeded(client)


def serve(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860,
          auth: list[tuple[str, str]] | None = None, limiter: LoginLimiter | None = None, **launch_kwargs):
    """Launch demo on host:port; with ``auth``, failed logins are rate-limited per client (``LoginLimiter``).
    Quiet: Gradio's "set share=True" hint is wrong advice for a private tool (the caller prints the address)."""
    from starlette.middleware import Middleware

    app_kwargs = {"middleware": [Middleware(LoginThrottle, limiter=limiter or LoginLimiter())]} if auth else None
    launch_kwargs.setdefault("quiet", True)
    return demo.launch(server_name=host, server_port=port, auth=auth, app_kwargs=app_kwargs, **launch_kwargs)


def documents_view(assistant: Assistant) -> tuple[list[list], dict]:
    """The Documents tab as the index is now: the table, and the removal choices with nothing chosen."""
    return documents_table(assistant), gr.update(choices=list(assistant.index.documents), value=None)


def build_app(assistant: Assistant, examples: list[str] | None = None,
              watcher: FolderWatcher | None = None) -> gr.Blocks:
    """The chat app for assistant; start it with ``serve`` (or ``.launch()``). ``examples``: the example
    questions offered under the question box (default: ``examples_for`` the assistant's folder).
    ``watcher``: the ``qa.watch.FolderWatcher`` keeping the index in step with the folder, whose news the
    Documents tab shows (it looks for a new index every ``WATCH_SECONDS`` either way).

    The API is ``/ask`` and ``/retrieve`` only; the chat's own events are private (not callable by clients)."""
    examples = examples_for(assistant.docs_dir) if examples is None else examples

    def ask(question: str, k: int = 5) -> dict:
        """Answer a question from the documents; the JSON of ``qa.Answer``."""
        try:
            return assistant.ask(question, k=k).as_dict()  # checks both as the Python API does: "5" is no k
        except InvalidQuestionError as error:
            raise gr.Error(str(error), print_exception=False) from None

    def retrieve(question: str, k: int = 5) -> list[dict]:
        """The k best passages for a question; the JSON of ``qa.Hit`` each."""
        try:
            return [asdict(h) for h in assistant.retrieve(question, k=k)]
        except InvalidQuestionError as error:
            raise gr.Error(str(error), print_exception=False) from None

    def respond(message: str, history: list, turns: list):
        history = list(history or [])
        turns = list(turns or [])
        try:
            check_question(message)
            searched = follow_up(message, turns)
            answer = assistant.ask(searched.question)
            if searched.context and not answer.answerable:  # "how often should I descale it": maybe no follow-up
                alone = assistant.ask(message)
                if alone.answerable:
                    searched, answer = follow_up(message, []), alone
        except InvalidQuestionError as error:
            history += [{"role": "user", "content": inert(message if isinstance(message, str) else "")},
                        {"role": "assistant", "content": f"⚠️ {inert(str(error))}"}]
            return history, turns, gr.update(choices=[], value=None), gr.update(), gr.update(), ""
        reply = answer_markdown(answer, asked=message, turn=len(turns), context=searched.context)
        history += [{"role": "user", "content": inert(message)}, {"role": "assistant", "content": reply}]
        citations_json = [asdict(c) for c in answer.citations]
        turns.append({"question": searched.question, "answer": answer.short_answer or "",
                      "citations": citations_json})
        labels = [citation_label(n, c) for n, c in enumerate(answer.citations, start=1)]
        viewer = show_citation(labels[0], turns) if labels else ""
        choices = gr.update(choices=labels, value=labels[0] if labels else None)
        return history, turns, choices, trace_rows(answer.hits), viewer, ""

    def clear_chat():
        """A cleared chat forgets its turns: the next "Which of them ...?" has nothing to follow up."""
        return [], gr.update(choices=[], value=None), [], ""

    def view_citation(turn: int, n: int, turns: list) -> str:
        if not 0 <= turn < len(turns) or not 1 <= n <= len(turns[turn]["citations"]):
            return ""
        return citation_view(assistant, turns[turn]["citations"][n - 1])

    def show_citation(label: str | None, turns: list) -> str:
        if not label or not turns:
            return ""
        return view_citation(len(turns) - 1, int(label.split("]")[0].strip("[")), turns)

    def show_marker(request: str, turns: list) -> str:
        turn, _, n = (request or "").partition(":")[0].partition("-")
        if not (turn.isdigit() and n.isdigit()):
            return gr.update()
        return view_citation(int(turn), int(n), turns)

    def upload(files: list[str] | None, progress=gr.Progress()):
        messages = add_files(assistant, files or [])
        uploaded = set()
        for path in files or []:
            try:
                uploaded.add(safe_upload_name(Path(path).name))
            except ValueError:
                pass
        progress(0, desc="Indexing")
        report = assistant.refresh(
            lambda done, total: progress(done / total, desc=f"Indexing: {done}/{total} passages"))
        # only this upload's files: one skipped long ago is no news (and was reported then)
        messages += [f"skipped {s.source}: {s.reason}" for s in report.skipped if s.source in uploaded]
        return *documents_view(assistant), "\n".join(messages) or "nothing to add"

    def reload_folder():
        report = assistant.refresh()
        skipped = f"; {len(report.skipped)} files skipped" if report.skipped else ""
        return *documents_view(assistant), f"{len(assistant.index.documents)} documents indexed{skipped}"

    def ask_to_remove(source: str | None):
        if not source or source not in assistant.index.documents:
            return (gr.update(visible=False), "", None, "choose an indexed document to remove",
                    *documents_view(assistant))
        question = (f"Remove **{inert(source)}** from the index? The file is moved to "
                    f"{inert(REMOVED + '/')} in the documents folder, not deleted.")
        return gr.update(visible=True), question, source, "", gr.update(), gr.update()

    def remove(source: str | None):
        hide = gr.update(visible=False)
        if not source or source not in assistant.index.documents:
            return *documents_view(assistant), "choose an indexed document to remove", hide, None
        try:
            moved = archive(assistant.docs_dir, source)
            message = f"removed {source} from the index (the file was moved to {moved})"
        except OSError as error:
            message = f"{source} could not be moved aside ({error.strerror}); the index was refreshed"
        assistant.refresh()
        return *documents_view(assistant), message, hide, None

    def tick(seen: str | None, chosen: str | None):
        generation, rows, line = documents_update(assistant, watcher, seen)
        if rows is None:
            return gr.update(), gr.update(), line, generation
        # new choices; the chosen document stays chosen while it is indexed (a removal may await confirmation)
        sources = list(assistant.index.documents)
        return rows, gr.update(choices=sources, value=chosen if chosen in sources else None), line, generation

    with gr.Blocks(title="Ask your documents") as demo:
        gr.Markdown("## Ask your documents\n"
                    "Answers quote the documents and cite the file and characters they come from.")
        turns = gr.State([])
        pending_removal = gr.State(None)
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3, min_width=300):
                    chatbot = gr.Chatbot(label="Conversation", height=460, elem_id="chat",
                                         placeholder="Ask a question about the documents"
                                                     + (", e.g. one of the examples below." if examples else "."),
                                         latex_delimiters=[],  # "$$" in a document is text, not math
                                         buttons=["copy", "copy_all"])  # no "share" (to Hugging Face)
                    question = gr.Textbox(label="Question", placeholder="Type a question and press Enter",
                                          autofocus=True, elem_id="question", max_lines=3)
                    if examples:
                        gr.Examples(examples, inputs=question, label="Examples")
                with gr.Column(scale=2, min_width=300):
                    citations = gr.Radio(label="Citations (click to view the source)", choices=[], elem_id="citations")
                    viewer = gr.HTML(elem_id="viewer")
                    cite_request = gr.Textbox(elem_id="cite-request", show_label=False, container=False)
            with gr.Accordion("Retrieved passages and scores", open=False):
                trace = gr.Dataframe(headers=TRACE_HEADERS, interactive=False, wrap=True, elem_id="trace")
        with gr.Tab("Documents") as documents_tab:
            table = gr.Dataframe(documents_table(assistant), headers=["file", "bytes", "passages", "indexed"],
                                 interactive=False, elem_id="documents")
            files = gr.File(label=f"Add {', '.join(UPLOAD_SUFFIXES)} files", file_count="multiple",
                            file_types=list(UPLOAD_SUFFIXES), type="filepath", elem_id="upload")
            status = gr.Textbox(label="Status", interactive=False, elem_id="status")
            watch_line = gr.Markdown(watch_status(watcher), elem_id="watch-status")
            seen_generation = gr.State(None)
            timer = gr.Timer(WATCH_SECONDS)
            with gr.Row():
                choice = gr.Dropdown(choices=list(assistant.index.documents), value=None,
                                     label="Document to remove", elem_id="remove-choice")
                remove_button = gr.Button("Remove from index…", elem_id="remove")
                reload_button = gr.Button("Check the folder again", elem_id="reload")
            with gr.Row(visible=False, elem_id="confirm-removal") as confirm_row:
                confirm_text = gr.Markdown()
                confirm_button = gr.Button("Yes, remove it", variant="stop", elem_id="confirm-remove")
                cancel_button = gr.Button("Cancel", elem_id="cancel-remove")
        private = {"api_visibility": "private"}  # the UI's own events: not part of the API
        question.submit(respond, [question, chatbot, turns], [chatbot, turns, citations, trace, viewer, question],
                        **private).then(None, js=SCROLL_TO_CITED)
        chatbot.clear(clear_chat, None, [turns, citations, trace, viewer], **private)
        citations.input(show_citation, [citations, turns], viewer, **private).then(None, js=SCROLL_TO_CITED)
        cite_request.change(show_marker, [cite_request, turns], viewer, **private).then(None, js=SCROLL_TO_CITED)
        demo.load(None, js=MARKER_CLICKS)
        # the Documents tab shows the index as it is now: on every page load and whenever the tab is opened
        demo.load(lambda: documents_view(assistant), None, [table, choice], **private)
        documents_tab.select(lambda: documents_view(assistant), None, [table, choice], **private)
        files.upload(upload, files, [table, choice, status], **private)
        reload_button.click(reload_folder, None, [table, choice, status], **private)
        remove_button.click(ask_to_remove, choice, [confirm_row, confirm_text, pending_removal, status, table, choice],
                            **private)
        choice.input(lambda: (gr.update(visible=False), None), None, [confirm_row, pending_removal], **private)
        cancel_button.click(lambda: (gr.update(visible=False), None, "nothing was removed"), None,
                            [confirm_row, pending_removal, status], **private)
        confirm_button.click(remove, pending_removal, [table, choice, status, confirm_row, pending_removal],
                             **private)
        timer.tick(tick, [seen_generation, choice], [table, choice, watch_line, seen_generation],
                   show_progress="hidden", concurrency_limit=None, **private)  # quick: never queued behind questions
        gr.api(ask, api_name="ask")
        gr.api(retrieve, api_name="retrieve")
    demo.queue(default_concurrency_limit=4)
    return demo
