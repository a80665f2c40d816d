"""Keep an assistant's index in step with its documents folder: ``FolderWatcher`` watches the folder with
watchfiles in a background thread and calls ``Assistant.refresh()`` once a burst of changes has settled.

It does not index anything itself (``refresh`` decides what to embed again), and it does not tell the UI by
itself: the UI reads ``events`` / ``last_error`` or passes ``on_refresh``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from index import RefreshReport
from index.loaders import SUFFIXES

if TYPE_CHECKING:
    from qa.assistant import Assistant

logger = logging.getLogger(__name__)

_KINDS = {1: "added", 2: "modified", 3: "deleted"}  # watchfiles.Change values


@dataclass(frozen=True)
class WatchEvent:
    """One refresh the watcher made: when it finished, the changes on disk that set it off (kind "added",
    "modified" or "deleted", and the path relative to the folder), the refresh's report (None when it
    failed), what went wrong (empty when nothing did) and how long it took."""

    at: float
    changes: tuple[tuple[str, str], ...]
    report: RefreshReport | None
    error: str = ""
    seconds: float = 0.0


def is_relevant(relative: str, is_dir: bool | None = None) -> bool:
    """Whether a change at a path (relative to the watched folder, "/" or os.sep separated) can change the
    index: a document file (``index.loaders.SUFFIXES``) or a folder that may hold some, never anything
    hidden or under a hidden folder (``.removed/``, ``.git/``), as ``index.documents`` skips those too.

    ``is_dir`` is whether the path is a folder now (None: it is gone, so a name without a suffix may have
    been one).

    Example:
        >>> is_relevant("notes/a.PDF", False), is_relevant(".removed/a.txt", False), is_relevant("a.png", False)
        (True, False, False)
    """
    parts = [p for p in relative.replace(os.sep, "/").split("/") if p not in ("", ".")]
    if not parts or any(p.startswith(".") for p in parts):
        return False
    name = parts[-1].lower()
    if name.endswith(SUFFIXES):  # a document, or a folder named like one (which may hold documents)
        return True
    if is_dir is None:  # deleted or moved away: "2024" may have been a folder of documents
        return "." not in name
    return is_dir


def _identity(folder: Path) -> tuple[int, int] | None:
    """The folder's device and inode, or None when there is no folder there."""
    try:
        info = os.stat(folder)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if os.path.isdir(folder) else None


class FolderWatcher:
    """Watches ``assistant.docs_dir`` and refreshes the assistant's index after changes on disk.

    Changes are gathered until the folder has been quiet for ``debounce`` seconds (a copy of a hundred
    files is one refresh), but never held longer than ``max_delay`` seconds. Hidden files and folders and
    unsupported file types are ignored. The thread never dies of an error: a failed refresh or callback is
    logged and kept in ``last_error``, and watching goes on (a folder that vanishes is watched again once
    it is back).

    Args:
        assistant: the assistant to refresh (its ``refresh`` is thread-safe).
        debounce: seconds of quiet after the last change before refreshing.
        max_delay: most seconds a change waits while changes keep coming.
        on_refresh: called with each successful refresh's ``RefreshReport`` (from the watcher thread).
        history: how many recent ``WatchEvent`` are kept.
        force_polling: poll the folder instead of using OS notifications (network and some container
            mounts); None lets watchfiles decide.

    Example (``start`` returns the watcher; ``stop`` joins its thread):
        watcher = FolderWatcher(assistant, on_refresh=lambda report: print(report.embedded)).start()
        ...; watcher.stop()
    """

    def __init__(self, assistant: Assistant, *, debounce: float = 1.0, max_delay: float = 10.0,
                 on_refresh: Callable[[RefreshReport], None] | None = None, history: int = 50,
                 force_polling: bool | None = None) -> None:
        if debounce <= 0:
            raise ValueError(f"debounce must be > 0 seconds, got {debounce}")
        if max_delay < debounce:
            raise ValueError(f"max_delay must be >= debounce ({debounce}), got {max_delay}")
        if history < 1:
            raise ValueError(f"history must be >= 1, got {history}")
        self.assistant = assistant
        self.folder = Path(os.path.realpath(assistant.docs_dir))
        self.debounce, self.max_delay, self.force_polling = debounce, max_delay, force_polling
        self.on_refresh = on_refresh
        self._events: deque[WatchEvent] = deque(maxlen=history)
        self._state = threading.Lock()  # guards _events, _last_error, _refreshing
        self._last_error = ""
        self._refreshing = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._watching = threading.Event()  # set while the OS watch is in place (tests and the UI wait on it)
        self._pending: dict[str, str] = {}  # path relative to the folder -> kind of its last change (thread only)
        self._first = 0.0  # when the oldest pending change was seen

    # --- what the UI reads ------------------------------------------------------------------------------

    @property
    def events(self) -> list[WatchEvent]:
        """The recent refreshes, oldest first."""
        with self._state:
            return list(self._events)

    @property
    def last_error(self) -> str:
        """What went wrong last (a refresh, the callback or the watch itself); empty once a refresh succeeds."""
        with self._state:
            return self._last_error

    @property
    def refreshing(self) -> bool:
        """Whether a refresh is running now."""
        with self._state:
            return self._refreshing

    @property
    def running(self) -> bool:
        """Whether the watcher thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    # --- start and stop ---------------------------------------------------------------------------------

    def start(self) -> FolderWatcher:
        """Start watching in a daemon thread (a second call while running does nothing). Returns self."""
        if self.running:
            return self
        self._stop.clear()
        self._watching.clear()
        self._thread = threading.Thread(target=self._run, name=f"docqa-watch:{self.folder.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop watching and join the thread. The watch itself stops within a tenth of a second; a refresh
        already running is not interrupted, so this waits up to ``timeout`` seconds for it.

        Returns:
            True when the thread has ended (False: a refresh is still finishing; the daemon thread ends
            after it and refreshes nothing more).
        """
        self._stop.set()
        thread = self._thread
        if thread is None:
            return True
        if thread is not threading.current_thread():  # on_refresh may call stop()
            thread.join(timeout)
        return not thread.is_alive()

    def wait_until_watching(self, timeout: float = 10.0) -> bool:
        """Block until the OS watch is in place (about ``debounce`` seconds after ``start``; changes made
        before may be missed); False on timeout."""
        return self._watching.wait(timeout)

    def __enter__(self) -> FolderWatcher:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- the thread -------------------------------------------------------------------------------------

    def _relevant(self, change, path: str) -> bool:
        try:
            relative = os.path.relpath(path, self.folder)
        except ValueError:  # another drive (Windows)
            return False
        if relative.startswith(".."):
            return False
        is_dir = None if _KINDS.get(int(change)) == "deleted" else os.path.isdir(path)
        return is_relevant(relative, is_dir)

    def _run(self) -> None:
        failed = ""
        while not self._stop.is_set():
            try:
                self._watch()
                if self._stop.is_set():
                    return
                message = f"watching {self.folder} ended by itself"
            except Exception as error:  # the folder vanished, the OS ran out of watches...: wait, try again
                message = f"watching {self.folder} failed: {type(error).__name__}: {error}"
            self._watching.clear()
            self._record_error(message)
            if message != failed:  # once per kind of failure, not once a second while it lasts
                logger.warning("%s; retrying every %.0f s", message, max(self.debounce, 1.0))
            failed = message
            if not self._pending:
                self._first = time.monotonic()
            self._pending[""] = "resync"  # changes may have been missed: refresh once the watch is back
            self._stop.wait(max(self.debounce, 1.0))

    def _watch(self) -> None:
        """Watch until stopped (returns) or until the watch breaks (raises); refresh as changes settle."""
        import watchfiles

        # rust_timeout with yield_on_timeout: an empty set arrives after `debounce` seconds without changes,
        # which is when the pending ones have settled. step is how often the stop event is checked.
        changes_iter = watchfiles.watch(
            self.folder, watch_filter=self._relevant, debounce=int(self.max_delay * 1000), step=50,
            stop_event=self._stop, rust_timeout=int(self.debounce * 1000), yield_on_timeout=True,
            raise_interrupt=False, force_polling=self.force_polling, ignore_permission_denied=True,
        )
        identity = _identity(self.folder)
        if identity is None:
            raise FileNotFoundError(f"no folder {self.folder}")
        for changes in changes_iter:
            self._watching.set()  # the first answer, changes or a timeout, comes from a watch in place
            if self._stop.is_set():
                return
            if not changes and _identity(self.folder) != identity:
                # a watch on a deleted or moved folder sees nothing more, even once a new one is made there
                raise FileNotFoundError(f"{self.folder} was removed or replaced")
            now = time.monotonic()
            for change, path in changes:
                if not self._pending:
                    self._first = now
                source = os.path.relpath(path, self.folder).replace(os.sep, "/")
                self._pending[source] = _KINDS.get(int(change), "modified")
            if self._pending and (not changes or now - self._first >= self.max_delay):
                batch = tuple(sorted((kind, source) for source, kind in self._pending.items() if source))
                self._pending = {}
                self._refresh(batch)

    def _refresh(self, changes: tuple[tuple[str, str], ...]) -> None:
        with self._state:
            self._refreshing = True
        started = time.monotonic()
        report, error = None, ""
        try:
            report = self.assistant.refresh()
        except Exception as failure:  # an empty folder, a full disk...: the next change tries again
            error = f"refresh failed: {type(failure).__name__}: {failure}"
            logger.warning("refreshing %s after %d changes failed", self.folder, len(changes), exc_info=True)
        if report is not None:
            logger.info("%s changed (%d paths): embedded %d, removed %d, skipped %d", self.folder, len(changes),
                        len(report.embedded), len(report.removed), len(report.skipped))
        event = WatchEvent(time.time(), changes, report, error, time.monotonic() - started)
        with self._state:
            self._events.append(event)
            self._last_error = error
            self._refreshing = False
        if report is not None and self.on_refresh is not None:
            try:
                self.on_refresh(report)
            except Exception as failure:
                self._record_error(f"on_refresh failed: {type(failure).__name__}: {failure}")
                logger.warning("on_refresh callback failed", exc_info=True)

    def _record_error(self, error: str) -> None:
        with self._state:
            self._last_error = error
