"""The Milvus store: an index's passage vectors and payloads in a Milvus collection that app servers share.

A row is one passage, keyed by a hash of its content (source, offsets, heading, text): the same passage has
the same key on every server, so writing it twice is harmless and a changed document gets new keys. A row
holds the passage vector (IVF_FLAT, inner product), the passage's source, offsets, heading and text, and its
sentences' float16 vectors (base64: the 2.3 server has no vector arrays), so that a second server takes a
document another server embedded from Milvus instead of embedding it again.

It does not do lexical search (the 2.3 server has no BM25; the BM25 indexes stay in the index folder) or
re-ranking (which reads sentence vectors from the index folder: a round trip per candidate would be slow).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.chunk import Passage

logger = logging.getLogger(__name__)

DEFAULT_PORT = 19530
# IVF_FLAT, 1/32 of the lists probed: HNSW (M 32, efConstruction 256) lost passages among near-duplicates
# (dense recall@50 against exact 0.69-0.77 at 500,000 passages of benchmarks.scale; IVF_FLAT 0.996).
# Milvus builds the index per sealed segment; a small segment is searched whole.
VECTOR_INDEX = {"index_type": "IVF_FLAT", "metric_type": "IP", "params": {"nlist": 1024}}
SEARCH = {"metric_type": "IP", "params": {"nprobe": 32}}
MARGIN = 16  # hits asked for beyond k: keys this index does not hold (another server's newer rows) are dropped
BATCH = 500  # rows per write or read, well under gRPC's 64 MB message limit
MAX_BYTES = 65_535  # Milvus' VARCHAR limit, in bytes
MAX_LIMIT = 16_384  # Milvus' largest top-k
JOURNAL = "milvus-journal.json"  # in the index folder: keys a refresh writes or deletes, until it has done so
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,254}")


class MilvusUnavailableError(ConnectionError):
    """The Milvus server cannot be reached (or pymilvus is not installed)."""


class ForeignCollectionError(ValueError):
    """The collection holds vectors of another embedding model or dimension."""


@dataclass(frozen=True)
class MilvusAddress:
    """Where a Milvus store lives: ``milvus://HOST:PORT/COLLECTION``."""

    host: str
    port: int
    collection: str

    @classmethod
    def parse(cls, url: str, collection: str) -> MilvusAddress:
        """Read ``milvus://HOST[:PORT][/COLLECTION]``; ``collection`` is the name used when the URL has none.

        Example:
            >>> MilvusAddress.parse("milvus://10.0.0.5/news", "docqa_seeds").url
            'milvus://10.0.0.5:19530/news'
        """
        match = re.fullmatch(r"milvus://([^:/\s]+)(?::(\d+))?(?:/([^/]*))?/?", url)
        if match is None:
            raise ValueError(f"store must be 'local' or 'milvus://HOST:PORT[/COLLECTION]', got {url!r}")
        name = match.group(3) or collection
        if not _NAME.fullmatch(name):
            raise ValueError(f"Milvus collection names are letters, digits and '_' (not first a digit), got {name!r}")
        return cls(match.group(1), int(match.group(2) or DEFAULT_PORT), name)

    @property
    def url(self) -> str:
        return f"milvus://{self.host}:{self.port}/{self.collection}"


def collection_name(docs_dir: str | Path) -> str:
    """The default collection of a documents folder: ``docqa_`` and the folder's name (the same on every
    server that mounts the folder, wherever it mounts it).

    Example:
        >>> collection_name("/mnt/shared/HR docs")
        'docqa_HR_docs'
    """
    return "docqa_" + re.sub(r"[^A-Za-z0-9_]", "_", Path(docs_dir).resolve().name or "root")[:200]


def passage_key(p: Passage) -> int:
    """A passage's primary key: 63 bits of a hash of everything its vectors are computed from and its row holds.

    Example:
        >>> passage_key(Passage("a.txt", 0, 2, "Hi")) == passage_key(Passage("a.txt", 0, 2, "Hi"))
        True
    """
    digest = hashlib.blake2b(json.dumps([p.source, p.start, p.end, p.heading, p.text]).encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big") >> 1


def _fit(text: str, limit: int = MAX_BYTES) -> str:
    """text cut to limit UTF-8 bytes, on a character boundary."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", "ignore")


def _encode_sentences(vectors: np.ndarray) -> str:
    """float16 sentence vectors as base64 text; "" when they exceed the field (the reader embeds them again)."""
    text = base64.b64encode(np.ascontiguousarray(vectors, dtype="<f2").tobytes()).decode("ascii")
    return text if len(text) <= MAX_BYTES else ""


def _decode_sentences(text: str, dimension: int) -> np.ndarray | None:
    if not text:
        return None
    return np.frombuffer(base64.b64decode(text), dtype="<f2").reshape(-1, dimension).astype(np.float16)


@dataclass(frozen=True)
class Embedded:
    """A passage's vector and its sentences' vectors, as stored."""

    vector: np.ndarray
    sentence_vectors: np.ndarray


class MilvusCollection:
    """One Milvus collection of passage rows for one embedding model: write, read, delete and search by key.

    Example (needs a server, so not run as a doctest)::

        collection = MilvusCollection.connect(MilvusAddress("127.0.0.1", 19530, "docqa_seeds"), "model", 384)
        collection.store(passages).search(query_vectors, k=5)  # (row ids, scores), as index.store.Store
    """

    def __init__(self, address: MilvusAddress, dimension: int, client, version: str) -> None:
        self.address, self.dimension, self._client, self.server_version = address, dimension, client, version

    @classmethod
    def connect(cls, address: MilvusAddress, model: str, dimension: int, timeout: float = 30.0) -> MilvusCollection:
        """Open the collection at address, creating it (with its vector index) when it does not exist.

        Raises:
            MilvusUnavailableError: no server answers there, or pymilvus is not installed.
            ForeignCollectionError: the collection was made for another model or dimension.
        """
        try:
            from pymilvus import DataType, MilvusClient, MilvusException
        except ImportError as error:
            raise MilvusUnavailableError(f"the Milvus store needs pymilvus (pip install pymilvus): {error}") from None
        try:
            client = MilvusClient(uri=f"http://{address.host}:{address.port}", timeout=timeout)
            version = client.get_server_version()
        except MilvusException as error:
            raise MilvusUnavailableError(f"cannot reach Milvus at {address.host}:{address.port}: "
                                         f"{error.message}") from None
        description = json.dumps({"model": model, "dimension": dimension})
        name = address.collection
        if client.has_collection(name):
            found = client.describe_collection(name).get("description", "")
            if found != description:
                raise ForeignCollectionError(f"Milvus collection {name} holds {found or 'other rows'}, not "
                                             f"{description}; name another collection (milvus://HOST:PORT/NAME)")
        else:
            schema = MilvusClient.create_schema(auto_id=False, description=description)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("source", DataType.VARCHAR, max_length=MAX_BYTES)
            schema.add_field("start", DataType.INT64)
            schema.add_field("end", DataType.INT64)
            schema.add_field("heading", DataType.VARCHAR, max_length=MAX_BYTES)
            schema.add_field("text", DataType.VARCHAR, max_length=MAX_BYTES)
            schema.add_field("sentences", DataType.VARCHAR, max_length=MAX_BYTES)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
            index = client.prepare_index_params()
            index.add_index("vector", **VECTOR_INDEX)
            client.create_collection(name, schema=schema, index_params=index)
            logger.info("created Milvus collection %s on %s (server %s)", name, address.url, version)
        client.load_collection(name)
        return cls(address, dimension, client, version)

    def upsert(self, passages: list[Passage], vectors: np.ndarray, sentence_vectors: list[np.ndarray]) -> None:
        """Write these passages' rows (replacing rows of the same keys)."""
        for lo in range(0, len(passages), BATCH):
            rows = [{"id": passage_key(p), "source": _fit(p.source), "start": p.start, "end": p.end,
                     "heading": _fit(p.heading), "text": _fit(p.text), "sentences": _encode_sentences(s),
                     "vector": v.tolist()}
                    for p, v, s in zip(passages[lo:lo + BATCH], vectors[lo:lo + BATCH],
                                       sentence_vectors[lo:lo + BATCH])]
            self._client.upsert(self.address.collection, rows)

    def fetch(self, keys: Iterable[int]) -> dict[int, Embedded]:
        """The stored vectors of those keys that Milvus holds with their sentence vectors."""
        keys, found = list(dict.fromkeys(keys)), {}
        for lo in range(0, len(keys), BATCH):
            rows = self._client.query(self.address.collection, filter=f"id in {keys[lo:lo + BATCH]}",
                                      output_fields=["id", "vector", "sentences"], consistency_level="Strong")
            for row in rows:
                sentences = _decode_sentences(row["sentences"], self.dimension)
                if sentences is not None:
                    found[int(row["id"])] = Embedded(np.asarray(row["vector"], dtype=np.float32), sentences)
        return found

    def count(self) -> int:
        """Rows in the collection (of every index that shares it)."""
        rows = self._client.query(self.address.collection, filter="", output_fields=["count(*)"],
                                  consistency_level="Strong")
        return int(rows[0]["count(*)"])

    def delete(self, keys: Iterable[int]) -> None:
        keys = sorted(set(keys))
        for lo in range(0, len(keys), BATCH):
            self._client.delete(self.address.collection, ids=keys[lo:lo + BATCH])

    def keys(self, lo: int = 0, hi: int = (1 << 63) - 1) -> set[int]:
        """Every key from lo to hi (a full scan: for checks and repairs, not per question). Keys are uniform
        hashes, so the range is halved until each part fits one read."""
        rows = self._client.query(self.address.collection, filter=f"id >= {lo} and id <= {hi}", output_fields=["id"],
                                  limit=MAX_LIMIT, consistency_level="Strong")
        if len(rows) < MAX_LIMIT:
            return {int(row["id"]) for row in rows}
        middle = lo + (hi - lo) // 2
        return self.keys(lo, middle) | self.keys(middle + 1, hi)

    def search(self, queries: np.ndarray, limit: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per query, (keys, scores) of its best rows, best first. Bounded consistency: a search does not wait
        for writes of the last moments (Strong waits ~200 ms here); a refresh ends with a Strong read instead."""
        results = self._client.search(self.address.collection, data=np.asarray(queries, dtype=np.float32).tolist(),
                                      limit=limit, search_params=SEARCH, consistency_level="Bounded")
        return [(np.array([h["id"] for h in hits], dtype=np.int64), np.array([h["distance"] for h in hits],
                                                                              dtype=np.float32)) for hits in results]

    def publish(self, passages: list[Passage], vectors: np.ndarray, sentence_vectors: list[np.ndarray],
                stale: set[int], switch: Callable[[], object], folder: Path) -> None:
        """Write new rows, run ``switch`` (which writes the manifest that names them), then delete the stale
        keys. The keys go first into a journal in folder, so that a refresh killed at any point leaves rows
        that no manifest names, which searches skip and :meth:`recover` deletes."""
        journal = folder / JOURNAL
        keys = {passage_key(p) for p in passages} | stale
        tmp = journal.with_name(f".{JOURNAL}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"collection": self.address.url, "keys": sorted(keys)}))
        tmp.replace(journal)
        self.upsert(passages, vectors, sentence_vectors)
        switch()
        self.delete(stale)
        self.wait()
        journal.unlink()

    def wait(self) -> None:
        """Return once this server's writes so far are visible to searches (a Strong read of nothing)."""
        self._client.query(self.address.collection, filter="id == -1", output_fields=["id"],
                           consistency_level="Strong")

    def recover(self, folder: Path, live: set[int]) -> int:
        """Delete the rows an interrupted :meth:`publish` left (its journal's keys that the index in force does
        not hold); the number of keys it looked at."""
        journal = folder / JOURNAL
        if not journal.exists():
            return 0
        written = json.loads(journal.read_text())
        if written.get("collection") == self.address.url:
            self.delete(set(written["keys"]) - live)
            logger.warning("Milvus: cleaned up after an interrupted refresh (%d keys)", len(written["keys"]))
        journal.unlink()
        return len(written["keys"])

    def store(self, passages: list[Passage]) -> MilvusStore:
        """A store that searches this collection for the rows of an index with these passages."""
        return MilvusStore(self, np.fromiter((passage_key(p) for p in passages), dtype=np.int64, count=len(passages)))


class MilvusStore:
    """``index.store.Store`` over a Milvus collection for one index's rows: Milvus ranks keys, the store turns
    them into the index's row numbers and drops keys the index does not hold.

    A key that two rows share (a retired base row and its unchanged copy in the delta) maps to the later row.
    """

    def __init__(self, collection: MilvusCollection, keys: np.ndarray) -> None:
        self.collection, self.keys, self.kind = collection, keys, collection.address.url
        self._order = np.argsort(keys, kind="stable")
        self._sorted = keys[self._order]

    def __len__(self) -> int:
        return len(self.keys)

    def rows(self, keys: np.ndarray) -> np.ndarray:
        """The row of each key (-1 for a key this index does not hold)."""
        at = np.searchsorted(self._sorted, keys, side="right") - 1
        known = (at >= 0) & (self._sorted[np.maximum(at, 0)] == keys)
        return np.where(known, self._order[np.maximum(at, 0)], -1)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k rows per query: (ids, scores), each (n_queries, min(k, len)); id -1 pads."""
        k = min(k, len(self))
        ids = np.full((len(queries), max(k, 0)), -1, dtype=np.int64)
        scores = np.full(ids.shape, -np.inf, dtype=np.float32)
        if k <= 0:
            return ids, scores
        for q, (keys, distances) in enumerate(self.collection.search(queries, min(k + MARGIN, MAX_LIMIT))):
            rows = self.rows(keys)
            known = rows >= 0
            found = rows[known][:k]
            ids[q, : len(found)], scores[q, : len(found)] = found, distances[known][:k]
        return ids, scores
