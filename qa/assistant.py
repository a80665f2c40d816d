"""The public entry point: ``Assistant`` opens (builds or refreshes) an index and answers questions."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import replace
from pathlib import Path

from index import Chunking, Embedder, Index, RefreshReport, Skipped, open_index
from index.documents import Document, read_document
from index.embed import Progress
from index.extracted import FOLDER as EXTRACTED, ExtractionCache
from index.loaders import page_of
from index.milvus import MilvusAddress, MilvusCollection, collection_name
from qa.answer import Answer, AnswerSettings, Citation
from qa.article import answer_from_head
from qa.describe import load_parser
from qa.engine import answer_planned, combined, with_context
from qa.errors import InvalidQuestionError, check_k, check_question
from qa.judge import Judged, SentenceJudge
from qa.plan import ARTICLE, DOCUMENTS, TOPIC, QuestionPlan, plan_question
from qa.reader import PassageRef, Reader
from qa.retrieve import Hit, RetrievalSettings, Retriever
from qa.spelling import Speller
from qa.topic import DOCUMENTS_SEARCHED, answer_about, answer_which_documents


def default_index_dir(docs_dir: str | Path) -> Path:
    """A per-corpus cache folder: ``$XDG_CACHE_HOME/docqa/<folder name>-<hash of its absolute path>``."""
    docs = Path(docs_dir).resolve()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(str(docs).encode()).hexdigest()[:12]
    return cache / "docqa" / f"{docs.name or 'root'}-{digest}"


class Assistant:
    """Question answering over a folder of documents, with citations.

    Example:
        >>> assistant = Assistant.open("seeds", index_dir=".index")
        >>> assistant.ask("Who was arrested in Moscow?").answerable
        True
    """

    def __init__(self, docs_dir: Path, index_dir: Path, embedder: Embedder, reader: Reader | None,
                 chunking: Chunking, retrieval: RetrievalSettings, answering: AnswerSettings,
                 vector_index: str = "auto", judge: SentenceJudge | None = None,
                 remote: MilvusCollection | None = None) -> None:
        self.docs_dir, self.index_dir, self.vector_index, self.remote = docs_dir, index_dir, vector_index, remote
        self.extracted = ExtractionCache(index_dir / EXTRACTED)  # PDF/DOCX/HTML text as the index read it
        self.embedder, self.reader, self.judge = embedder, reader, judge
        self._speller: Speller | None = None
        self.chunking, self.retrieval, self.answering = chunking, retrieval, answering
        self._lock = threading.RLock()  # held only to read or swap the index and its retriever
        self._refresh_lock = threading.Lock()  # one refresh at a time
        self.index: Index
        self.last_refresh: RefreshReport
        self._retriever: Retriever

    @classmethod
    def open(cls, docs_dir: str | Path, index_dir: str | Path | None = None, *, embedder: Embedder | None = None,
             reader: Reader | None = None, use_reader: bool = True, chunking: Chunking = Chunking(),
             retrieval: RetrievalSettings = RetrievalSettings(),
             answering: AnswerSettings = AnswerSettings(), progress: Progress | None = None,
             vector_index: str = "auto", judge: SentenceJudge | None = None, store: str | None = None) -> Assistant:
        """Open the assistant over docs_dir, building or refreshing its index in index_dir.

        Args:
            docs_dir: folder of ``.txt``/``.md`` documents (searched recursively).
            index_dir: where the index lives; default ``default_index_dir(docs_dir)``.
            embedder, reader, judge: share already-loaded models between assistants (judge: the
                answer-sentence model, ``qa.judge``).
            use_reader: False answers from sentences only, without the trained reader or the
                answer-sentence model.
            progress: called with (passages embedded, passages to embed) while indexing.
            vector_index: "auto" (exact search below ``index.store.EXACT_LIMIT`` passages, IVF above),
                "exact" or "ivf".
            store: where the passage vectors are searched: "local" (FAISS in this process) or
                "milvus://HOST:PORT[/COLLECTION]" (a Milvus server that several app servers share; the
                collection defaults to ``docqa_<folder name>``); default ``$DOCQA_STORE``, else "local".

        Raises:
            FileNotFoundError: docs_dir does not exist.
            index.EmptyFolderError: docs_dir holds no readable document.
            ValueError: store is neither "local" nor a milvus:// address.
            index.milvus.MilvusUnavailableError: no Milvus server answers at that address.
        """
        docs = Path(docs_dir)
        embedder = embedder or Embedder()
        store = store or os.environ.get("DOCQA_STORE") or "local"
        remote = None if store == "local" else MilvusCollection.connect(
            MilvusAddress.parse(store, collection_name(docs)), embedder.name, embedder.dimension)
        assistant = cls(
            docs, Path(index_dir) if index_dir else default_index_dir(docs), embedder,
            (reader or Reader()) if use_reader else None, chunking, retrieval, answering, vector_index,
            (judge or SentenceJudge()) if use_reader else None, remote,
        )
        assistant.refresh(progress)
        return assistant

    def refresh(self, progress: Progress | None = None) -> RefreshReport:
        """Re-read the documents folder and update the index (only new or changed documents are embedded).

        One refresh runs at a time; questions go on being answered from the current index while it
        builds the next one, which replaces it (under the lock) only when it is complete."""
        with self._refresh_lock:
            index, report = open_index(self.docs_dir, self.index_dir, self.embedder, self.chunking, progress,
                                       self.vector_index, previous=getattr(self, "index", None), remote=self.remote)
            retriever = Retriever(index, self.embedder, self.retrieval)
            with self._lock:
                self.index, self.last_refresh, self._retriever, self._speller = index, report, retriever, None
            return report

    def speller(self) -> Speller:
        """The documents' vocabulary, for correcting the words of questions (built on first use after
        each refresh, outside the lock)."""
        with self._lock:
            index, speller = self.index, self._speller
        if speller is None:
            speller = Speller(p.searchable for p in index.passages)
            with self._lock:
                if self.index is index:
                    self._speller = speller
        return speller

    def warm_up(self) -> None:
        """Load both models (and the parser ``qa.describe`` uses) and run each once, so that the first
        question is answered at full speed (the UI calls this in a background thread while the chat starts)."""
        self.embedder.encode(["warm up"])
        if self.reader is not None and self.reader.available:
            self.reader.read("Who wrote it?", [PassageRef("warm-up", 0, "Anna wrote it.")])
            load_parser()
        if self.judge is not None and self.judge.available:
            self.judge.logits("Who wrote it?", [Judged("Anna wrote it.")])
        self.speller()

    def document_text(self, source: str) -> str:
        """The text of an indexed document, as its offsets refer to it."""
        if source not in self.index.documents:
            raise KeyError(f"no indexed document {source!r}")
        doc = self.read_source(source)
        if isinstance(doc, Skipped):
            raise FileNotFoundError(f"{source}: {doc.reason}")
        return doc.text

    def read_source(self, source: str) -> Document | Skipped:
        """The document source of the folder as it is on disk now: its bytes read again, its text extracted
        once per version (kept in the index folder, ``index.extracted``)."""
        return read_document(self.docs_dir / source, source, self.extracted)

    def retrieve(self, question: str, k: int = 5) -> list[Hit]:
        """The k passages that best match question, best first (see ``qa.retrieve.Hit`` and its trace)."""
        question, k = check_question(question), check_k(k)
        with self._lock:
            retriever = self._retriever
        return retriever.retrieve(question, k)

    def retrieve_many(self, questions: list[str], k: int = 5) -> list[list[Hit]]:
        """``retrieve`` for a batch of questions (one embedding pass, one vector search): for evaluations
        and bulk jobs. Raises InvalidQuestionError naming the first bad question."""
        if not isinstance(questions, list | tuple):
            raise InvalidQuestionError(f"questions must be a list of strings, got {type(questions).__name__}")
        checked = []
        for n, question in enumerate(questions, start=1):
            try:
                checked.append(check_question(question))
            except InvalidQuestionError as error:
                raise InvalidQuestionError(f"question {n}: {error}") from None
        k = check_k(k)
        with self._lock:
            retriever = self._retriever
        return retriever.retrieve_many(checked, k)

    def plan(self, question: str) -> QuestionPlan:
        """How ``ask`` understands question (``qa.plan``): its form, and its words as searched."""
        return plan_question(check_question(question), self.speller())

    def ask(self, question: str, k: int = 5) -> Answer:
        """Answer question from the documents, with citations; ``answerable`` is False when they do not say."""
        k = check_k(k)
        plan = self.plan(question)
        if plan.parts:  # "Who leads the team, and when did she join?": each part on its own
            answers: list[Answer] = []
            for part in plan.parts:
                answers.append(self.ask(with_context(part, answers[-1] if answers else None), k))
            return replace(combined(plan.searched, list(plan.parts), answers), form="parts",
                           searched="" if plan.searched == " ".join(plan.asked.split()) else plan.searched)
        with self._lock:
            retriever, index = self._retriever, self.index
        depth = max(k, self.answering.read_depth, self.answering.corroboration_depth)
        searched, answer = plan.searched, None
        if plan.form == ARTICLE:  # "Who wrote the article about ...?": the byline of the article about it
            topic_hits = retriever.retrieve(plan.subject or searched, k)
            answer = answer_from_head(plan.article, searched, topic_hits, index.head, len(index.documents),
                                      self.answering)
        elif plan.form == TOPIC:  # "Tell me about X", or just "X"
            answer = answer_about(searched, plan.subject, retriever.retrieve(plan.subject, depth), self.answering)
            if not answer.answerable and plan.keywords:  # keywords no sentence holds all of: ask them
                answer = None
        elif plan.form == DOCUMENTS:  # "Which articles mention X?"
            hits = retriever.retrieve(plan.subject, DOCUMENTS_SEARCHED)
            answer = answer_which_documents(searched, plan.subject, hits, index.passage_count)
        if answer is None:
            vector = self.embedder.encode([searched])[0]
            hits = retriever.retrieve(searched, depth, vector)
            if plan.name and hits:  # "Who is X?": also where each document first names X
                seen = {(h.source, h.start) for h in hits}
                hits += [h for h in retriever.first_mentions(searched, plan.name, [h.source for h in hits], vector)
                         if (h.source, h.start) not in seen]
            answer = answer_planned(plan, hits, self.reader, self.judge, self.answering, retriever.following)
        shown = "" if searched == " ".join(plan.asked.split()) else searched
        return replace(answer, hits=answer.hits[:k], searched=shown, form=plan.form,
                       citations=self._with_pages(answer.citations))

    def _with_pages(self, citations: tuple[Citation, ...]) -> tuple[Citation, ...]:
        """citations with the page each quote starts on, for documents with pages (PDFs)."""
        if not any(c.source.lower().endswith(".pdf") for c in citations):
            return citations
        paged = []
        for c in citations:
            doc = self.read_source(c.source) if c.source.lower().endswith(".pdf") else None
            pages = doc.pages if isinstance(doc, Document) else ()
            paged.append(replace(c, page=page_of(pages, c.start)) if pages else c)
        return tuple(paged)
