"""Build, save, verify and incrementally refresh an index folder for a documents folder.

Layout of an index folder: ``manifest.json`` (written last, atomically) names the current generation
folder ``gen-N/`` that holds ``vectors.npy``, ``passages.jsonl`` and the BM25 folders, with the sha256 of
every file. A crash mid-write leaves the previous manifest, and so the previous generation, in force.

An index has two tiers. The *base* is the bulk of the corpus, written once; the *delta* (``gen-N/delta/``)
holds documents added or changed since, and the manifest lists the base documents that were removed or
replaced (``retired``). Adding, changing or removing a document re-embeds and re-indexes that document
only, links the base files into the new generation and writes the small delta; when the delta or the
retired share outgrows ``Tiering``'s limits, the next refresh merges everything into a new base (no
re-embedding: vectors are kept).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from filelock import FileLock

from index.chunk import Passage, chunk_document, split_sentences
from index.documents import Document, LoadReport, Skipped, load_folder
from index.extracted import FOLDER as EXTRACTED, ExtractionCache
from index.embed import Embedder, Progress
from index.lexical import LexicalIndex, TieredLexicalIndex, key_tokens
from index.store import Store, VectorStore, choose_kind

if TYPE_CHECKING:
    from index.milvus import MilvusCollection

logger = logging.getLogger(__name__)

FORMAT_VERSION = 7  # 3: sentence vectors pooled from the passage's own pass; 4: base and delta tiers;
# 5: passages know their heading path, which is embedded and indexed with them; 6: a line break that only
# wraps prose does not end a sentence; 7: nor does the period of a list item's number ("2. Finances")
MANIFEST = "manifest.json"


class CorruptIndexError(RuntimeError):
    """An index file is missing, truncated or does not match its checksum."""


@dataclass(frozen=True)
class Chunking:
    """How documents are cut into passages (see ``index.chunk.chunk_document``)."""

    max_words: int = 150
    overlap_words: int = 30


@dataclass(frozen=True)
class DocumentInfo:
    """What the index knows of one document."""

    source: str
    sha256: str
    size: int
    chunks: int
    indexed_at: float
    encoding: str = "utf-8"


@dataclass(frozen=True)
class RefreshReport:
    """What opening the index did: documents embedded, reused, removed, skipped; and how long it took.
    ``pulled``: added or changed documents whose vectors came from a shared store (another server embedded
    them), so that this one did not embed them."""

    embedded: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    rebuilt_because: str = ""
    seconds: float = 0.0
    pulled: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.embedded or self.removed or self.pulled)


@dataclass(frozen=True)
class Tiering:
    """When a refresh writes a delta instead of a new base: the base has at least ``min_base_rows``
    passages (below that a full re-index takes about a second), the delta stays within
    ``max_delta_share`` of the base and the retired base rows within ``max_retired_share``."""

    min_base_rows: int = 2000
    max_delta_share: float = 0.05
    max_retired_share: float = 0.10


SENTENCE_CACHE_ROWS = 50_000  # passages whose sentence spans and keys are kept (a few KB each)
StoreFactory = Callable[[np.ndarray, list[Passage]], Store]  # (vectors, passages) -> their vector store


@dataclass
class Index:
    """Passages of a corpus with their vectors, a FAISS store and two BM25 indexes, aligned by row.

    Rows ``[0, base_rows)`` are the base tier, the rest the delta; base rows of ``retired`` documents
    stay in the arrays but are never returned (``alive`` is False for them).
    """

    passages: list[Passage]
    vectors: np.ndarray
    documents: dict[str, DocumentInfo]
    model: str
    chunking: Chunking
    lexical_words: TieredLexicalIndex
    lexical_names: TieredLexicalIndex
    sentence_vectors: np.ndarray  # float16, the sentences of passage i at rows sentence_offsets[i]:[i + 1]
    sentence_offsets: np.ndarray
    store: Store
    base_rows: int = -1  # -1: all rows
    retired: frozenset[str] = frozenset()
    generation: str = ""
    alive: np.ndarray = field(init=False, repr=False)
    _sentences: dict[int, tuple[list[tuple[int, int]], list[frozenset[str]]]] = field(
        init=False, repr=False, default_factory=dict)  # row -> sentence spans and name keys, filled on demand
    _rows_by_source: dict[str, list[int]] | None = field(init=False, repr=False, default=None)  # filled on demand

    def __post_init__(self) -> None:
        if self.base_rows < 0:
            self.base_rows = len(self.passages)
        if len(self.passages) != len(self.vectors) or len(self.store) != len(self.vectors):
            raise CorruptIndexError(f"{len(self.passages)} passages, {len(self.vectors)} vectors, "
                                    f"{len(self.store)} in the vector index")
        offsets = self.sentence_offsets
        if len(offsets) != len(self.passages) + 1 or offsets[-1] != len(self.sentence_vectors):
            raise CorruptIndexError("sentence vectors do not match the passages")
        if len(self.lexical_words) != len(self.passages) or len(self.lexical_names) != len(self.passages):
            raise CorruptIndexError("the BM25 indexes do not match the passages")
        self.alive = np.ones(len(self.passages), dtype=bool)
        if self.retired:
            self.alive[: self.base_rows] = [p.source not in self.retired for p in self.passages[: self.base_rows]]

    @classmethod
    def from_parts(cls, passages, vectors, documents, model, chunking, sentence_vectors, sentence_counts,
                   vector_index: str = "auto", make_store: StoreFactory | None = None) -> Index:
        """A base-only index (every row in the base tier); ``make_store``: its vector store, when not FAISS."""
        texts = [p.searchable for p in passages]
        offsets = _Embedded(passages, vectors, sentence_vectors, sentence_counts).sentence_offsets
        return cls(passages, vectors, documents, model, chunking,
                   TieredLexicalIndex(LexicalIndex(texts, "words")),
                   TieredLexicalIndex(LexicalIndex(texts, "names", fuzzy=True)), sentence_vectors, offsets,
                   make_store(vectors, passages) if make_store else VectorStore(vectors, vector_index))

    @property
    def passage_count(self) -> int:
        """Passages that can be returned (retired base rows left out)."""
        return int(self.alive.sum())

    @property
    def delta_rows(self) -> int:
        return len(self.passages) - self.base_rows

    def rows_of(self, source: str) -> list[int]:
        """The rows of document source's live passages, in text order ([] for a document not indexed)."""
        if self._rows_by_source is None:
            by_source: dict[str, list[int]] = {}
            for row in np.flatnonzero(self.alive).tolist():
                by_source.setdefault(self.passages[row].source, []).append(row)
            self._rows_by_source = {doc: sorted(rows, key=lambda r: self.passages[r].start)
                                    for doc, rows in by_source.items()}
        return self._rows_by_source.get(source, [])

    def head(self, source: str) -> Passage | None:
        """The first indexed passage of document source (its headline, byline and dateline), or None."""
        rows = self.rows_of(source)
        return self.passages[rows[0]] if rows else None

    def passage_sentences(self, row: int) -> tuple[list[tuple[int, int]], list[frozenset[str]], np.ndarray]:
        """Document offsets of passage row's sentences, each sentence's name keys (``key_tokens``) and
        their (float16) vectors. Spans and keys are worked out once per passage, on first use."""
        known = self._sentences.get(row)
        if known is None:
            p = self.passages[row]
            local = split_sentences(p.text)
            known = ([(p.start + s, p.start + e) for s, e in local],
                     [frozenset(key_tokens(p.text[s:e])) for s, e in local])
            if len(self._sentences) >= SENTENCE_CACHE_ROWS:  # bounded: a long-running server stays small
                self._sentences.clear()
            self._sentences[row] = known  # a race only computes the same value twice
        spans, keys = known
        lo, hi = int(self.sentence_offsets[row]), int(self.sentence_offsets[row + 1])
        if hi - lo != len(spans):
            raise CorruptIndexError(f"passage {self.passages[row].id}: {len(spans)} sentences but {hi - lo} "
                                    "sentence vectors")
        return spans, keys, self.sentence_vectors[lo:hi]

    def tier(self, delta: bool) -> _Embedded:
        """The base's or the delta's passages with their vectors."""
        rows = slice(self.base_rows, None) if delta else slice(0, self.base_rows)
        offsets = self.sentence_offsets[rows.start : (None if delta else self.base_rows + 1)]
        return _Embedded(self.passages[rows], self.vectors[rows],
                         self.sentence_vectors[int(offsets[0]) : int(offsets[-1])], np.diff(offsets).tolist())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


def _write_passages(path: Path, passages: list[Passage]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for p in passages:
            row = {"source": p.source, "start": p.start, "end": p.end, "text": p.text}
            handle.write(json.dumps({**row, "heading": p.heading} if p.heading else row) + "\n")


def _write_tier(folder: Path, tier: _Embedded) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "vectors.npy", tier.vectors, allow_pickle=False)
    np.save(folder / "sentence_vectors.npy", tier.sentence_vectors, allow_pickle=False)
    np.save(folder / "sentence_offsets.npy", tier.sentence_offsets, allow_pickle=False)
    _write_passages(folder / "passages.jsonl", tier.passages)


def _link_base(source: Path, target: Path, files: dict[str, str]) -> dict[str, str]:
    """Hard-link (or copy) the base files of generation source into target; their checksums."""
    linked = {}
    for name, digest in files.items():
        if name.startswith("delta/"):
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source / name, target / name)
        except OSError:
            shutil.copyfile(source / name, target / name)
        linked[name] = digest
    return linked


def save_index(index: Index, folder: Path, base_from: dict | None = None) -> Path:
    """Write index as a new generation under folder, then switch the manifest to it; old ones go.

    With ``base_from`` (the manifest the index's base was loaded from) the base files are linked from
    that generation, so only the delta is written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name[4:]) for p in folder.glob("gen-*") if p.name[4:].isdigit()]
    number = max(numbers, default=0) + 1
    generation = folder / f"gen-{number}"
    shutil.rmtree(generation, ignore_errors=True)
    generation.mkdir()
    if base_from is not None and (folder / base_from["generation"]).is_dir():
        files = _link_base(folder / base_from["generation"], generation, base_from["files"])
    else:
        _write_tier(generation, index.tier(delta=False))
        index.lexical_words.base.save(generation / "bm25-words")
        index.lexical_names.base.save(generation / "bm25-names")
        if index.store.kind == "ivf":  # an exact index is rebuilt from vectors.npy in milliseconds
            index.store.save(generation / "vectors.faiss")
        files = {}
    if index.delta_rows:
        _write_tier(generation / "delta", index.tier(delta=True))
    files |= {
        path.relative_to(generation).as_posix(): _sha256(path)
        for path in sorted(generation.rglob("*"))
        if path.is_file() and path.relative_to(generation).as_posix() not in files
    }
    manifest = {
        "format_version": FORMAT_VERSION,
        "model": index.model,
        "dimension": int(index.vectors.shape[1]),
        "vector_index": index.store.kind,
        "chunking": asdict(index.chunking),
        "generation": generation.name,
        "files": files,
        "base_rows": index.base_rows,
        "retired": sorted(index.retired),
        "documents": {s: vars(d) for s, d in index.documents.items()},  # flat fields: no deep copy as asdict
        "saved_at": time.time(),
    }
    _atomic_write_text(folder / MANIFEST, json.dumps(manifest, separators=(",", ":")))
    index.generation = generation.name
    for old in folder.glob("gen-*"):
        if old.name != generation.name:
            shutil.rmtree(old, ignore_errors=True)
    return folder / MANIFEST


def _read_manifest(folder: Path) -> dict | None:
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        missing = {"generation", "files", "documents"} - set(manifest)
        if missing:
            raise KeyError(f"no {', '.join(sorted(missing))}")
        return manifest
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise CorruptIndexError(f"unreadable manifest {path}: {error}") from error


def load_index(folder: str | Path, remote: MilvusCollection | None = None) -> Index:
    """Load a saved index, verifying every file against the manifest's checksums. An index kept in Milvus
    searches the ``remote`` collection when it is the one the manifest names, and its saved vectors with
    FAISS otherwise.

    Raises:
        FileNotFoundError: no index in folder.
        CorruptIndexError: a file is missing, altered or truncated.
    """
    folder = Path(folder)
    manifest = _read_manifest(folder)
    if manifest is None:
        raise FileNotFoundError(f"no index at {folder} (no {MANIFEST})")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise CorruptIndexError(f"index format {manifest.get('format_version')}, expected {FORMAT_VERSION}")
    generation = folder / manifest["generation"]
    for name, digest in manifest["files"].items():
        path = generation / name
        if not path.is_file() or _sha256(path) != digest:
            raise CorruptIndexError(f"index file {path} is missing or does not match its checksum")
    try:
        base = _read_tier(generation)
        delta = _read_tier(generation / "delta") if "delta/passages.jsonl" in manifest["files"] else None
        documents = {s: DocumentInfo(**d) for s, d in manifest["documents"].items()}
        kind = manifest.get("vector_index", "exact")
        saved = generation / "vectors.faiss"

        def store(vectors: np.ndarray, passages: list[Passage]) -> Store:
            if remote is not None and kind == remote.address.url:
                return remote.store(passages)
            if kind.startswith("milvus://"):
                return VectorStore(vectors, "auto")
            return VectorStore.load(saved, vectors, kind) if saved.exists() else VectorStore(vectors, kind)

        return _tiered_index(
            base, delta, LexicalIndex.load(generation / "bm25-words"), LexicalIndex.load(generation / "bm25-names"),
            frozenset(manifest.get("retired", ())), store, documents, manifest["model"],
            Chunking(**manifest["chunking"]), manifest["generation"],
        )
    except (ValueError, TypeError, KeyError, OSError, RuntimeError) as error:
        raise CorruptIndexError(f"cannot load index at {folder}: {error}") from error


def _tiered_index(base: _Embedded, delta: _Embedded | None, words: LexicalIndex, names: LexicalIndex,
                  retired: frozenset[str], store: StoreFactory,
                  documents: dict[str, DocumentInfo], model: str, chunking: Chunking, generation: str) -> Index:
    """An Index over a base tier (with its BM25 indexes and retired documents) and an optional delta."""
    joined = _Embedded.join([base] + ([delta] if delta else []), base.vectors.shape[1])
    mask = np.array([p.source in retired for p in base.passages], dtype=bool)
    texts = [p.searchable for p in delta.passages] if delta else []
    return Index(
        joined.passages, joined.vectors, documents, model, chunking, TieredLexicalIndex(words, mask, texts),
        TieredLexicalIndex(names, mask, texts), joined.sentence_vectors, joined.sentence_offsets,
        store(joined.vectors, joined.passages), len(base.passages), retired, generation,
    )


def _read_tier(folder: Path) -> _Embedded:
    lines = [line for line in (folder / "passages.jsonl").read_text(encoding="utf-8").split("\n") if line]
    passages = [Passage(**row) for row in json.loads("[" + ",".join(lines) + "]")]  # one parse: 2x faster
    offsets = np.load(folder / "sentence_offsets.npy", allow_pickle=False)
    return _Embedded(passages, np.load(folder / "vectors.npy", allow_pickle=False),
                     np.load(folder / "sentence_vectors.npy", allow_pickle=False), np.diff(offsets).tolist())


@dataclass(frozen=True)
class _Embedded:
    """Passages with their vectors and their sentences' vectors (counts[i] sentences for passage i)."""

    passages: list[Passage]
    vectors: np.ndarray
    sentence_vectors: np.ndarray
    sentence_counts: list[int]

    @property
    def sentence_offsets(self) -> np.ndarray:
        """Passage i's sentence vectors are rows sentence_offsets[i]:sentence_offsets[i + 1]."""
        return np.concatenate([[0], np.cumsum(self.sentence_counts, dtype=np.int64)]).astype(np.int64)

    def select(self, rows: list[int]) -> _Embedded:
        offsets = self.sentence_offsets
        pieces = [np.arange(offsets[i], offsets[i + 1]) for i in rows]
        sentence_rows = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
        return _Embedded([self.passages[i] for i in rows], self.vectors[rows], self.sentence_vectors[sentence_rows],
                         [self.sentence_counts[i] for i in rows])

    @staticmethod
    def join(parts: list[_Embedded], dimension: int) -> _Embedded:
        """The parts one after another (a single part's arrays are used as they are, not copied)."""

        def stack(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
            joined = arrays[0] if len(arrays) == 1 else np.concatenate(arrays)
            return joined.reshape(-1, dimension).astype(dtype, copy=False)

        return _Embedded(
            [p for part in parts for p in part.passages],
            stack([part.vectors for part in parts], np.float32),
            stack([part.sentence_vectors for part in parts], np.float16),
            [c for part in parts for c in part.sentence_counts],
        )


def _embed_documents(
    documents: list[Document], embedder: Embedder, chunking: Chunking, progress: Progress | None = None,
    remote: MilvusCollection | None = None,
) -> tuple[_Embedded, dict[str, DocumentInfo], set[str]]:
    """The documents' passages with their vectors, their infos, and the documents whose vectors all came from
    remote (passages another server embedded: the same content has the same key)."""
    passages: list[Passage] = []
    infos: dict[str, DocumentInfo] = {}
    now = time.time()
    for doc in documents:
        chunks = chunk_document(doc, chunking.max_words, chunking.overlap_words)
        passages.extend(chunks)
        infos[doc.source] = DocumentInfo(doc.source, doc.sha256, len(doc.text.encode("utf-8")), len(chunks), now,
                                         doc.encoding)
    # The heading path is embedded before the text, so each sentence's vector is read in its section's context.
    spans = [[(s + len(p.searchable) - len(p.text), e + len(p.searchable) - len(p.text)) for s, e in
              split_sentences(p.text)] for p in passages]
    stored = _stored_vectors(passages, spans, remote) if remote is not None else {}
    todo = [i for i in range(len(passages)) if i not in stored]
    fresh, fresh_sentences = embedder.encode_with_sentences([passages[i].searchable for i in todo],
                                                            [spans[i] for i in todo], progress)
    if stored:
        vectors = np.zeros((len(passages), embedder.dimension), dtype=np.float32)
        vectors[todo] = fresh
        sentence_vectors = [stored[i].sentence_vectors if i in stored else None for i in range(len(passages))]
        for i, group in zip(todo, fresh_sentences):
            sentence_vectors[i] = group
        for i, found in stored.items():
            vectors[i] = found.vector
    else:
        vectors, sentence_vectors = fresh, fresh_sentences
    stacked = np.concatenate(sentence_vectors) if sentence_vectors else np.zeros((0, embedder.dimension))
    embedded = _Embedded(passages, vectors, stacked.astype(np.float16), [len(group) for group in spans])
    pulled = {p.source for p in passages} - {passages[i].source for i in todo}
    return embedded, infos, pulled


def _stored_vectors(passages: list[Passage], spans: list[list[tuple[int, int]]], remote: MilvusCollection) -> dict:
    """Row -> the vectors remote holds for that passage (with as many sentence vectors as it has sentences)."""
    from index.milvus import passage_key

    found = remote.fetch(passage_key(p) for p in passages)
    rows = {}
    for i, p in enumerate(passages):
        stored = found.get(passage_key(p))
        if stored is not None and len(stored.sentence_vectors) == len(spans[i]):
            rows[i] = stored
    return rows


def _current(folder: Path, previous: Index | None, remote: MilvusCollection | None = None) -> tuple[Index, dict]:
    """The saved index and its manifest; ``previous`` is used as is when it is that very generation."""
    manifest = _read_manifest(folder)
    if manifest is None:
        raise FileNotFoundError(f"no index at {folder} (no {MANIFEST})")
    if previous is not None and previous.generation and previous.generation == manifest["generation"]:
        return previous, manifest
    return load_index(folder, remote), manifest


def _with_delta(old: Index, keep: set[str], new: _Embedded, infos: dict[str, DocumentInfo],
                tiering: Tiering, vector_index: str, remote: MilvusCollection | None = None) -> Index | None:
    """old's base with new added to its delta, or None when the tiers' limits say "merge"."""
    if old.store.kind != _wanted_kind(old, vector_index, remote) or old.store.kind == "ivf":
        return None  # an approximate index is rebuilt whole, and so is one that moves to another store
    base = old.tier(delta=False)
    retired = old.retired | {p.source for p in base.passages if p.source not in keep}
    delta_before = old.tier(delta=True)
    delta = _Embedded.join(
        [delta_before.select([i for i, p in enumerate(delta_before.passages) if p.source in keep]), new],
        old.vectors.shape[1],
    )
    retired_rows = sum(p.source in retired for p in base.passages)
    if (len(base.passages) < tiering.min_base_rows
            or len(delta.passages) > tiering.max_delta_share * len(base.passages)
            or retired_rows > tiering.max_retired_share * len(base.passages)):
        return None
    return _tiered_index(base, delta, old.lexical_words.base, old.lexical_names.base, frozenset(retired),
                         _store_factory("exact", remote), infos, old.model, old.chunking, old.generation)


def _wanted_kind(old: Index, vector_index: str, remote: MilvusCollection | None) -> str:
    """The store kind old should have now: remote's address, or the FAISS kind for its size."""
    return remote.address.url if remote is not None else choose_kind(len(old.vectors), vector_index)


def _store_factory(vector_index: str, remote: MilvusCollection | None) -> StoreFactory:
    if remote is not None:
        return lambda vectors, passages: remote.store(passages)
    return lambda vectors, passages: VectorStore(vectors, vector_index)


def _live_keys(index: Index | None, remote: MilvusCollection) -> set[int]:
    """The Milvus keys of index's live rows (none when index is not kept in remote's collection)."""
    if index is None or index.store.kind != remote.address.url:
        return set()
    return set(index.store.keys[index.alive].tolist())


def _save(index: Index, folder: Path, before: Index | None, remote: MilvusCollection | None, pulled: set[str],
          base_from: dict | None = None) -> None:
    """save_index; with a Milvus store, first write the rows Milvus lacks, and after, delete the ones gone."""
    if remote is None:
        save_index(index, folder, base_from)
        return
    old, live = _live_keys(before, remote), index.store.keys
    rows = [int(i) for i in np.flatnonzero(index.alive)
            if int(live[i]) not in old and index.passages[i].source not in pulled]
    offsets = index.sentence_offsets
    remote.publish([index.passages[i] for i in rows], index.vectors[rows],
                   [index.sentence_vectors[offsets[i]:offsets[i + 1]] for i in rows],
                   old - set(live[index.alive].tolist()), lambda: save_index(index, folder, base_from), folder)


def refresh_index(
    docs: LoadReport, folder: Path, embedder: Embedder, chunking: Chunking = Chunking(),
    progress: Progress | None = None, vector_index: str = "auto", tiering: Tiering = Tiering(),
    previous: Index | None = None, remote: MilvusCollection | None = None,
) -> tuple[Index, RefreshReport]:
    """Bring the index in folder up to date with docs, embedding only added or changed documents.

    ``progress(done, total)`` is called as passages are embedded (for progress bars); ``vector_index``
    picks the FAISS index kind (see ``index.store.choose_kind``); ``tiering`` decides between writing a
    delta and merging into a new base; ``previous`` (the index this process last saw) spares reloading
    the folder when it is still the saved generation; ``remote``: keep the vectors in this Milvus
    collection (``index.milvus``) instead of FAISS, taking from it what another server embedded."""
    started = time.time()
    reason = ""
    manifest = None
    loaded = None
    try:
        old, manifest = _current(folder, previous, remote)
        loaded = old
        if old.model != embedder.name or old.chunking != chunking:
            reason = f"model or chunking changed ({old.model}, {old.chunking})"
            old = None
    except FileNotFoundError:
        old, reason = None, "no index yet"
    except CorruptIndexError as error:
        logger.warning("rebuilding index: %s", error)
        old, reason = None, f"corrupt index: {error}"
    rewrite = False
    if remote is not None:
        remote.recover(folder, _live_keys(loaded, remote))
        if old is not None and _live_keys(old, remote) and remote.count() < old.passage_count:
            reason = f"{remote.address.url} lacks rows of the index (a new or emptied collection)"
            logger.warning("%s: writing them again", reason)
            rewrite, loaded = True, None  # every live row is written again, from the index folder's vectors
    current = {d.source: d for d in docs.documents}
    old_docs = old.documents if old else {}
    keep = {s for s, info in old_docs.items() if s in current and current[s].sha256 == info.sha256}
    todo = [d for d in docs.documents if d.source not in keep]
    removed = sorted(set(old_docs) - set(current))
    if (old is not None and not todo and not removed and not rewrite
            and old.store.kind == _wanted_kind(old, vector_index, remote)):
        report = RefreshReport([], sorted(keep), [], docs.skipped, "", time.time() - started)
        return old, report
    new, new_infos, pulled = _embed_documents(todo, embedder, chunking, progress, remote)
    infos = dict(sorted(({s: old_docs[s] for s in keep} | new_infos).items()))
    index = _with_delta(old, keep, new, infos, tiering, vector_index, remote) if old is not None else None
    if index is not None:
        _save(index, folder, loaded, remote, pulled, base_from=manifest)
    else:
        parts = [new]
        if old is not None:
            counts = np.diff(old.sentence_offsets).tolist()
            everything = _Embedded(old.passages, old.vectors, old.sentence_vectors, counts)
            kept = [i for i, p in enumerate(old.passages) if old.alive[i] and p.source in keep]
            parts.insert(0, everything.select(kept))
        joined = _Embedded.join(parts, embedder.dimension)
        order = sorted(range(len(joined.passages)), key=lambda i: (joined.passages[i].source, joined.passages[i].start))
        joined = joined.select(order)
        index = Index.from_parts(joined.passages, np.ascontiguousarray(joined.vectors), infos, embedder.name,
                                 chunking, joined.sentence_vectors, joined.sentence_counts, vector_index,
                                 _store_factory(vector_index, remote) if remote is not None else None)
        _save(index, folder, loaded, remote, pulled)
    report = RefreshReport(sorted(d.source for d in todo if d.source not in pulled), sorted(keep), removed,
                           docs.skipped, reason, time.time() - started, sorted(pulled))
    logger.info("index %s: embedded %d, reused %d, removed %d documents in %.1fs (%d in the delta)",
                folder, len(report.embedded), len(report.reused), len(removed), report.seconds, index.delta_rows)
    return index, report


def open_index(
    docs_dir: str | Path, index_dir: str | Path, embedder: Embedder, chunking: Chunking = Chunking(),
    progress: Progress | None = None, vector_index: str = "auto", tiering: Tiering = Tiering(),
    previous: Index | None = None, remote: MilvusCollection | None = None,
) -> tuple[Index, RefreshReport]:
    """Load the documents under docs_dir and return their up-to-date index (built or refreshed as needed;
    see ``refresh_index`` for the options).

    Two processes opening the same index_dir wait for each other (a file lock), so neither sees a
    half-written index.
    """
    folder = Path(index_dir)
    extracted = ExtractionCache(folder / EXTRACTED)
    # the documents first, so that a missing or empty folder leaves no index folder behind
    loaded = load_folder(docs_dir, extracted)
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder / ".lock")):
        index, report = refresh_index(loaded, folder, embedder, chunking, progress, vector_index, tiering, previous,
                                      remote)
        extracted.prune({info.sha256 for info in index.documents.values()})
        return index, report
