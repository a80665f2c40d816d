"""Documents in, searchable passages out: loading, chunking, embedding, FAISS and BM25 stores.

Knows nothing of questions or answers (that is ``qa``).
"""

from index.build import (
    Chunking,
    CorruptIndexError,
    DocumentInfo,
    Index,
    RefreshReport,
    Tiering,
    load_index,
    open_index,
    refresh_index,
)
from index.chunk import Passage, chunk_document, split_sentences
from index.documents import Document, EmptyFolderError, LoadReport, Skipped, load_folder
from index.embed import Embedder

__all__ = [
    "Chunking", "CorruptIndexError", "Document", "DocumentInfo", "Embedder", "EmptyFolderError", "Index",
    "LoadReport", "Passage", "RefreshReport", "Skipped", "chunk_document", "load_folder", "load_index",
    "open_index", "refresh_index", "split_sentences", "Tiering",
]
