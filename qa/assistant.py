"""The public entry point: ``Assistant`` opens (builds or refreshes) an index and answers questions."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import replace
from pathlib import Path

from index import Chunking, Embedder, Index, RefreshReport, Skipped, open_index
from index.documents import read_document
from index.embed import Progress
from qa.answer import Answer, AnswerSettings, compose_answer
from qa.answer_type import plain_question
from qa.article import answer_from_head, article_question
from qa.describe import asked_name, load_parser
from qa.errors import InvalidQuestionError, check_k, check_question
from qa.reader import PassageRef, Reader
from qa.retrieve import Hit, RetrievalSettings, Retriever
from qa.topic import DOCUMENTS_SEARCHED, answer_about, answer_which_documents, documents_request, topic_request


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
                 vector_index: str = "auto") -> None:
        self.docs_dir, self.index_dir, self.vector_index = docs_dir, index_dir, vector_index
        self.embedder, self.reader = embedder, reader
        self.chunking, self.retrieval, self.answering = chunking, retrieval, answering
        self._lock = threading.RLock()
        self.index: Index
        self.last_refresh: RefreshReport
        self._retriever: Retriever

    @classmethod
    def open(cls, docs_dir: str | Path, index_dir: str | Path | None = None, *, embedder: Embedder | None = None,
             reader: Reader | None = None, use_reader: bool = True, chunking: Chunking = Chunking(),
             retrieval: RetrievalSettings = RetrievalSettings(),
             answering: AnswerSettings = AnswerSettings(), progress: Progress | None = None,
             vector_index: str = "auto") -> Assistant:
        """Open the assistant over docs_dir, building or refreshing its index in index_dir.

        Args:
            docs_dir: folder of ``.txt``/``.md`` documents (searched recursively).
            index_dir: where the index lives; default ``default_index_dir(docs_dir)``.
            embedder, reader: share already-loaded models between assistants.
            use_reader: False answers from sentences only, without the trained reader.
            progress: called with (passages embedded, passages to embed) while indexing.
            vector_index: "auto" (exact search below ``index.store.EXACT_LIMIT`` passages, IVF above),
                "exact" or "ivf".

        Raises:
            FileNotFoundError: docs_dir does not exist.
            index.EmptyFolderError: docs_dir holds no readable document.
        """
        docs = Path(docs_dir)
        assistant = cls(
            docs, Path(index_dir) if index_dir else default_index_dir(docs), embedder or Embedder(),
            (reader or Reader()) if use_reader else None, chunking, retrieval, answering, vector_index,
        )
        assistant.refresh(progress)
        return assistant

    def refresh(self, progress: Progress | None = None) -> RefreshReport:
        """Re-read the documents folder and update the index (only new or changed documents are embedded)."""
        with self._lock:
            index, report = open_index(self.docs_dir, self.index_dir, self.embedder, self.chunking, progress,
                                       self.vector_index, previous=getattr(self, "index", None))
            self.index, self.last_refresh = index, report
            self._retriever = Retriever(index, self.embedder, self.retrieval)
            return report

    def warm_up(self) -> None:
        """Load both models (and the parser ``qa.describe`` uses) and run each once, so that the first
        question is answered at full speed (the UI calls this in a background thread while the chat starts)."""
        self.embedder.encode(["warm up"])
        if self.reader is not None and self.reader.available:
            self.reader.read("Who wrote it?", [PassageRef("warm-up", 0, "Anna wrote it.")])
            load_parser()

    def document_text(self, source: str) -> str:
        """The text of an indexed document, as its offsets refer to it."""
        if source not in self.index.documents:
            raise KeyError(f"no indexed document {source!r}")
        doc = read_document(self.docs_dir / source, source)
        if isinstance(doc, Skipped):
            raise FileNotFoundError(f"{source}: {doc.reason}")
        return doc.text

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

    def ask(self, question: str, k: int = 5) -> Answer:
        """Answer question from the documents, with citations; ``answerable`` is False when they do not say."""
        question, k = plain_question(check_question(question)), check_k(k)  # "Can you tell me who ...?": "Who ...?"
        with self._lock:
            retriever, index = self._retriever, self.index
        depth = max(k, self.answering.read_depth, self.answering.corroboration_depth)
        asked, answer = article_question(question), None
        if asked is not None:  # "Who wrote the article about ...?": the byline of the article about it
            topic_hits = retriever.retrieve(asked.topic or question, k)
            answer = answer_from_head(asked, question, topic_hits, index.head, len(index.documents), self.answering)
        if answer is None and (topic := topic_request(question)) is not None:  # "Tell me about X", or just "X"
            answer = answer_about(question, topic, retriever.retrieve(topic, depth), self.answering)
        if answer is None and (topic := documents_request(question)) is not None:  # "Which articles mention X?"
            hits = retriever.retrieve(topic, DOCUMENTS_SEARCHED)
            answer = answer_which_documents(question, topic, hits, index.passage_count)
        if answer is None:
            vector = self.embedder.encode([question])[0]
            hits = retriever.retrieve(question, depth, vector)
            if (name := asked_name(question)) and hits:  # "Who is X?": also where each document first names X
                seen = {(h.source, h.start) for h in hits}
                hits += [h for h in retriever.first_mentions(question, name, [h.source for h in hits], vector)
                         if (h.source, h.start) not in seen]
            answer = compose_answer(question, hits, self.reader, self.answering)
        return replace(answer, hits=answer.hits[:k])
