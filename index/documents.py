"""Load a folder of documents: which files count (``index.loaders.SUFFIXES``, never through a link that leaves
the folder), how they are read, and which are skipped and why."""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from index.extracted import ExtractionCache
from index.loaders import SUFFIXES, TEXT_SUFFIXES, Extracted, Page, UnreadableDocumentError, decode, extract, sniff

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 20_000_000  # text and HTML
MAX_PACKED_BYTES = 200_000_000  # PDF and DOCX: images make up most of such a file, not text
OUTSIDE = "links outside the folder"


class EmptyFolderError(ValueError):
    """The folder holds no readable document of a supported type (``SUFFIXES``)."""


@dataclass(frozen=True)
class Document:
    """A document's identity (POSIX path relative to the folder), its text (for PDF, DOCX and HTML the
    extracted text, which offsets refer to), the sha256 of its bytes and, for a PDF, its pages
    (``index.loaders.Page``: character range and word boxes of each)."""

    source: str
    text: str
    sha256: str
    encoding: str = "utf-8"
    pages: tuple[Page, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A file that was not indexed, with the reason in a few words."""

    source: str
    reason: str


@dataclass(frozen=True)
class LoadReport:
    """What loading a folder found: documents in source order, files skipped, files decoded by fallback."""

    documents: list[Document]
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def fallback_decoded(self) -> list[str]:
        return [d.source for d in self.documents if d.encoding != "utf-8"]


_CACHE_SIZE = 16  # extracted PDF/DOCX/HTML documents kept, by checksum: a cited document is shown again and again
_cache: OrderedDict[str, Extracted] = OrderedDict()
_cache_lock = threading.Lock()


def _extract_cached(source: str, digest: str, data: bytes, stored: ExtractionCache | None) -> Extracted:
    """``extract``, remembered by the bytes' checksum and the suffix: in memory (the last few) and, given
    the index's ``stored`` cache, on disk, so that an unchanged document is never extracted twice and its
    text stays the one the index was built from."""
    suffix = source.rsplit(".", 1)[-1].lower()
    key = f"{digest}:{suffix}"
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    extracted = stored.get(digest, suffix) if stored is not None else None
    if extracted is None:
        extracted = extract(source, data)
        for warning in extracted.warnings:
            logger.warning("%s", warning)
        if stored is not None:
            try:
                stored.put(digest, suffix, extracted)
            except OSError as error:  # a read-only index folder costs speed, never the document
                logger.warning("cannot keep the extracted text of %s: %s", source, error)
    with _cache_lock:
        _cache[key] = extracted
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return extracted


def read_document(path: Path, source: str, extracted: ExtractionCache | None = None) -> Document | Skipped:
    """Read one file into a Document, or say why it was skipped; a PDF, DOCX or HTML file's text comes from
    the index's ``extracted`` cache when it holds these bytes (``index.extracted``).

    The loader is picked by the suffix and the content must fit it (``index.loaders.sniff``): a PNG named
    ``.pdf`` is skipped with "not a PDF: the content is a PNG image"; an encrypted or broken file, or a PDF
    without a text layer, with what is wrong. The same bytes always give the same text.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device named *.txt would block or never end
            return Skipped(source, "not a regular file")
        limit = MAX_PACKED_BYTES if source.lower().endswith((".pdf", ".docx")) else MAX_DOCUMENT_BYTES
        if info.st_size > limit:
            return Skipped(source, f"larger than {limit} bytes")
        data = path.read_bytes()
    except FileNotFoundError:
        return Skipped(source, "vanished while reading")
    except OSError as error:
        return Skipped(source, f"unreadable: {error.strerror or error}")
    reason = sniff(source, data)
    if reason:
        return Skipped(source, reason)
    digest = hashlib.sha256(data).hexdigest()
    if source.lower().endswith(TEXT_SUFFIXES):
        text, encoding = decode(data)
        pages: tuple[Page, ...] = ()
        if encoding != "utf-8" and text.strip():
            logger.warning("%s: not UTF-8, decoded as %s", source, encoding)
    else:
        try:
            result = _extract_cached(source, digest, data, extracted)
        except UnreadableDocumentError as error:
            return Skipped(source, str(error))
        text, encoding, pages = result.text, result.encoding, result.pages
    if not text.strip():
        return Skipped(source, "empty")
    return Document(source, text, digest, encoding, pages)


def list_files(folder: Path) -> list[tuple[Path, str]]:
    """Every document file (``SUFFIXES``) under folder, sorted by source; symlinks are followed once (loops
    cut) while they stay inside the folder (see ``_walk`` for those that do not)."""
    return _walk(folder)[0]


def _inside(path: str, root: str) -> bool:
    """Whether path, every link resolved, lies in the folder whose resolved path is root."""
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _walk(folder: Path) -> tuple[list[tuple[Path, str]], list[Skipped]]:
    """The document files under folder, and the links (to files or folders) skipped for leaving it: a
    link to ``/etc`` or ``~/.ssh`` dropped in the folder must not put those files in the index."""
    found: list[tuple[Path, str]] = []
    outside: list[Skipped] = []
    seen_dirs: set[tuple[int, int]] = set()
    top = os.fspath(folder)
    root_real = os.path.realpath(top)
    for root, dirs, files in os.walk(top, followlinks=True):
        info = os.stat(root)
        if (info.st_dev, info.st_ino) in seen_dirs:
            dirs[:] = []
            continue
        seen_dirs.add((info.st_dev, info.st_ino))
        # plain strings, not pathlib: a folder of 20k files is listed in a tenth of the time
        prefix = os.path.relpath(root, top).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            path = os.path.join(root, name)
            if os.path.islink(path) and not _inside(path, root_real):
                outside.append(Skipped(prefix + name, OUTSIDE))
            else:
                kept.append((os.path.islink(path), name))
        # real folders first: a folder also reached through a link inside is named by where it is
        dirs[:] = [name for _, name in sorted(kept)]
        for name in files:
            if name.lower().endswith(SUFFIXES) and not name.startswith("."):
                path = os.path.join(root, name)
                if os.path.islink(path) and not _inside(path, root_real):
                    outside.append(Skipped(prefix + name, OUTSIDE))
                else:
                    found.append((Path(path), prefix + name))
    return sorted(found, key=lambda item: item[1]), sorted(outside, key=lambda s: s.source)


def load_folder(folder: str | Path, extracted: ExtractionCache | None = None) -> LoadReport:
    """Load every document under folder (extracted text read from and kept in ``extracted``, the index's
    cache, when given).

    Raises:
        FileNotFoundError: the folder does not exist.
        EmptyFolderError: no readable document was found.

    Example:
        >>> report = load_folder("seeds")
        >>> report.documents[0].source
        '000_88dbb638ea48fc65.txt'
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"documents folder not found: {folder}")
    documents: list[Document] = []
    files, skipped = _walk(folder)
    for result in skipped:
        logger.warning("skipped %s: %s", result.source, result.reason)
    for path, source in files:
        result = read_document(path, source, extracted)
        if isinstance(result, Skipped):
            logger.warning("skipped %s: %s", result.source, result.reason)
            skipped.append(result)
        else:
            documents.append(result)
    if not documents:
        raise EmptyFolderError(
            f"no readable documents ({', '.join(SUFFIXES)}) in {folder}"
            + (f" ({len(skipped)} skipped)" if skipped else "")
        )
    return LoadReport(documents, sorted(skipped, key=lambda s: s.source))
