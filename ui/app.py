"""The Gradio web chat: a thin layer over ``qa.Assistant`` (chat, source viewer, trace, documents, API)."""

from __future__ import annotations

import filecmp
import logging
import os
import re
import shutil
import time
from dataclasses import asdict
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
import gradio as gr  # noqa: E402

from qa import Assistant, InvalidQuestionError  # noqa: E402
from qa.followup import standalone_question  # noqa: E402
from ui.render import TRACE_HEADERS, answer_markdown, citation_label, source_view, trace_rows  # noqa: E402

logger = logging.getLogger(__name__)

UPLOAD_SUFFIXES = (".txt", ".md")
MAX_UPLOAD_BYTES = 5_000_000
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
"""
SCROLL_TO_CITED = "() => { const m = document.querySelector('#cited'); if (m) m.scrollIntoView({block: 'center'}); }"
# A click on a [n] marker in the chat puts "<turn>-<n>:<time>" into the hidden #cite-request box, whose
# change event shows that citation in the source viewer.
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
}"""


def safe_upload_name(name: str) -> str:
    """The file name alone (no folders, no ``..``), with only safe characters; ValueError if unusable."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .")
    if not base or base.startswith("."):
        raise ValueError(f"unusable file name {name!r}")
    if not base.lower().endswith(UPLOAD_SUFFIXES):
        raise ValueError(f"{base}: only {', '.join(UPLOAD_SUFFIXES)} files can be added")
    return base


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
    """Copy uploaded files into the documents folder (safe names, allowed types, size limit); one
    message per file. A file with the name of a different document replaces it, and the earlier version
    is archived (see ``archive``). The caller re-indexes."""
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
            if target.is_file() and filecmp.cmp(path, target, shallow=False):
                messages.append(f"unchanged {name} (already in the folder)")
                continue
            note = f" (the earlier version was moved to {archive(docs, name)})" if target.exists() else ""
            shutil.copyfile(path, target)
            messages.append(f"added {name}{note}")
        except (ValueError, OSError) as error:
            messages.append(f"not added: {error}")
    return messages


def build_app(assistant: Assistant, examples: list[str] | None = None) -> gr.Blocks:
    """The chat app for assistant; call ``.launch()`` on the result. ``examples``: the example questions
    offered under the question box (default: ``examples_for`` the assistant's folder)."""
    examples = examples_for(assistant.docs_dir) if examples is None else examples

    def ask(question: str, k: int = 5) -> dict:
        """Answer a question from the documents; the JSON of ``qa.Answer``."""
        try:
            return assistant.ask(question, k=int(k)).as_dict()
        except InvalidQuestionError as error:
            raise gr.Error(str(error)) from None

    def retrieve(question: str, k: int = 5) -> list[dict]:
        """The k best passages for a question; the JSON of ``qa.Hit`` each."""
        try:
            return [asdict(h) for h in assistant.retrieve(question, k=int(k))]
        except InvalidQuestionError as error:
            raise gr.Error(str(error)) from None

    def respond(message: str, history: list, turns: list):
        history = list(history or [])
        turns = list(turns or [])
        try:
            searched = standalone_question(message, turns)
            answer = assistant.ask(searched)
        except InvalidQuestionError as error:
            history += [{"role": "user", "content": message or ""}, {"role": "assistant", "content": f"⚠️ {error}"}]
            return history, turns, gr.update(choices=[], value=None), gr.update(), gr.update(), ""
        reply = answer_markdown(answer, asked=message, turn=len(turns))
        history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply}]
        citations_json = [asdict(c) for c in answer.citations]
        turns.append({"question": searched, "answer": answer.short_answer or "", "citations": citations_json})
        labels = [citation_label(n, c) for n, c in enumerate(answer.citations, start=1)]
        viewer = show_citation(labels[0], turns) if labels else ""
        choices = gr.update(choices=labels, value=labels[0] if labels else None)
        return history, turns, choices, trace_rows(answer.hits), viewer, ""

    def view_citation(turn: int, n: int, turns: list) -> str:
        if not 0 <= turn < len(turns) or not 1 <= n <= len(turns[turn]["citations"]):
            return ""
        citation = turns[turn]["citations"][n - 1]
        text = assistant.document_text(citation["source"])
        return source_view(citation["source"], text, citation["start"], citation["end"])

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
        progress(0, desc="Indexing")
        report = assistant.refresh(
            lambda done, total: progress(done / total, desc=f"Indexing: {done}/{total} passages"))
        messages += [f"skipped {s.source}: {s.reason}" for s in report.skipped]
        choices = gr.update(choices=list(assistant.index.documents))
        return documents_table(assistant), "\n".join(messages) or "nothing to add", choices

    def remove(source: str | None):
        if not source or source not in assistant.index.documents:
            return documents_table(assistant), "choose an indexed document to remove", gr.update()
        try:
            moved = archive(assistant.docs_dir, source)
            message = f"removed {source} from the index (the file was moved to {moved})"
        except OSError as error:
            message = f"{source} could not be moved aside ({error.strerror}); the index was refreshed"
        assistant.refresh()
        return documents_table(assistant), message, gr.update(choices=list(assistant.index.documents), value=None)

    with gr.Blocks(title="Ask your documents") as demo:
        gr.Markdown("## Ask your documents\n"
                    "Answers quote the documents and cite the file and characters they come from.")
        turns = gr.State([])
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3, min_width=300):
                    chatbot = gr.Chatbot(label="Conversation", height=460, elem_id="chat",
                                         placeholder="Ask a question about the documents"
                                                     + (", e.g. one of the examples below." if examples else "."))
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
        with gr.Tab("Documents"):
            table = gr.Dataframe(documents_table(assistant), headers=["file", "bytes", "passages", "indexed"],
                                 interactive=False, elem_id="documents")
            files = gr.File(label="Add .txt or .md files", file_count="multiple", file_types=list(UPLOAD_SUFFIXES),
                            type="filepath", elem_id="upload")
            status = gr.Textbox(label="Status", interactive=False, elem_id="status")
            with gr.Row():
                choice = gr.Dropdown(list(assistant.index.documents), label="Document to remove")
                remove_button = gr.Button("Remove from index")
        question.submit(respond, [question, chatbot, turns], [chatbot, turns, citations, trace, viewer, question],
                        api_name="chat").then(None, js=SCROLL_TO_CITED)
        citations.input(show_citation, [citations, turns], viewer, api_visibility="private").then(
            None, js=SCROLL_TO_CITED)
        cite_request.change(show_marker, [cite_request, turns], viewer, api_visibility="private").then(
            None, js=SCROLL_TO_CITED)
        demo.load(None, js=MARKER_CLICKS)
        files.upload(upload, files, [table, status, choice], api_visibility="private")
        remove_button.click(remove, choice, [table, status, choice], api_visibility="private")
        gr.api(ask, api_name="ask")
        gr.api(retrieve, api_name="retrieve")
    demo.queue(default_concurrency_limit=4)
    return demo
