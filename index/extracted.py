"""The extracted text of PDF, DOCX and HTML documents, kept in the index folder by the checksum of the file's
bytes: a refresh reads an unchanged document's text from here instead of extracting it again, and citations
are checked against the very text the index was built from, even after the extraction library changes.

One gzip-compressed JSON file per (checksum, suffix) under ``<index>/extracted/``; written atomically, so
two processes sharing an index never read half a file; an unreadable entry is extracted again.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import tempfile
from pathlib import Path

from index.loaders import Extracted, Page

logger = logging.getLogger(__name__)

FOLDER = "extracted"
FORMAT = 1  # bump when Extracted or the loaders' output changes shape


class ExtractionCache:
    """Extracted documents by (sha256 of the bytes, suffix) in ``folder`` (created on the first write).

    Example:
        >>> cache = ExtractionCache(Path(tempfile.mkdtemp()))
        >>> cache.put("ab" * 32, "pdf", Extracted("Page one."))
        >>> cache.get("ab" * 32, "pdf").text
        'Page one.'
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _path(self, digest: str, suffix: str) -> Path:
        if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest) or not suffix.isalnum():
            raise ValueError(f"not a sha256 and suffix: {digest!r}, {suffix!r}")
        return self.folder / f"{digest}.{suffix.lower()}.json.gz"

    def get(self, digest: str, suffix: str) -> Extracted | None:
        """The cached extraction, or None when there is none (or it cannot be read: it is then replaced)."""
        path = self._path(digest, suffix)
        try:
            with gzip.open(path, "rt", encoding="utf-8") as file:
                row = json.load(file)
            if row.get("format") != FORMAT:
                return None
            pages = tuple(Page(p["number"], p["start"], p["end"], p["width"], p["height"],
                               tuple(tuple(box) for box in p["boxes"])) for p in row["pages"])
            return Extracted(row["text"], pages, row["encoding"], tuple(row["warnings"]))
        except FileNotFoundError:
            return None
        except (OSError, EOFError, ValueError, KeyError, TypeError) as error:
            logger.warning("extraction cache entry %s is unreadable (%s); extracting again", path.name, error)
            return None

    def put(self, digest: str, suffix: str, extracted: Extracted) -> None:
        """Keep extracted for these bytes (atomically: a reader sees the old entry, the new one or none)."""
        path = self._path(digest, suffix)
        row = {
            "format": FORMAT, "text": extracted.text, "encoding": extracted.encoding,
            "warnings": list(extracted.warnings),
            "pages": [{"number": p.number, "start": p.start, "end": p.end, "width": p.width, "height": p.height,
                       "boxes": [list(box) for box in p.boxes]} for p in extracted.pages],
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json.gz")
        try:
            with os.fdopen(handle, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as file:
                file.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def prune(self, keep: set[str]) -> int:
        """Delete the entries whose checksum is not in keep (documents no longer indexed); returns how many."""
        removed = 0
        if not self.folder.is_dir():
            return 0
        for path in self.folder.iterdir():
            digest = path.name.split(".", 1)[0]
            if digest not in keep and path.name.endswith(".json.gz") and not path.name.startswith(".tmp-"):
                path.unlink(missing_ok=True)
                removed += 1
        return removed
