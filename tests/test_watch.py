"""FolderWatcher over a real Assistant and a real folder: files added, changed, moved and deleted on disk reach
the index; hidden and unsupported files do not; errors never stop the watcher; stop() is prompt."""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

import pytest

from qa.watch import FolderWatcher, WatchEvent, is_relevant

WAIT = 20.0  # seconds a change may take to reach the index (debounce, then an embedding pass on 2 CPUs)


def wait_for(predicate, timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def folder(tmp_path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "anchor.txt").write_text("The lighthouse keeper logs the weather every morning at six.\n")
    return docs


@pytest.fixture
def assistant(folder, tmp_path, embedder):
    from qa import Assistant

    return Assistant.open(folder, index_dir=tmp_path / "idx", embedder=embedder, use_reader=False)


@pytest.fixture
def watcher(assistant):
    reports = []
    watcher = FolderWatcher(assistant, debounce=0.3, on_refresh=reports.append)
    watcher.reports = reports  # what on_refresh received, for the tests
    watcher.start()
    assert watcher.wait_until_watching()
    yield watcher
    watcher.stop()


def test_added_changed_moved_and_deleted_files_reach_the_index(folder, assistant, watcher):
    def documents():  # read anew each time: every refresh replaces the index
        return assistant.index.documents

    (folder / "otters.txt").write_text("Sea otters hold hands while they sleep so they do not drift apart.\n")
    assert wait_for(lambda: "otters.txt" in documents())
    assert assistant.retrieve("Why do sea otters hold hands?", k=1)[0].source == "otters.txt"

    changed = "Sea otters keep a favourite stone in a pouch of loose skin under each forearm.\n"
    (folder / "otters.txt").write_text(changed)
    assert wait_for(lambda: documents().get("otters.txt") and documents()["otters.txt"].sha256 == sha(changed))
    hit = assistant.retrieve("Where do otters keep their stone?", k=1)[0]
    assert hit.source == "otters.txt" and hit.text in changed

    (folder / "animals").mkdir()
    (folder / "otters.txt").rename(folder / "animals" / "otters.txt")
    assert wait_for(lambda: "animals/otters.txt" in documents() and "otters.txt" not in documents())

    (folder / "animals" / "otters.txt").unlink()
    assert wait_for(lambda: "animals/otters.txt" not in documents())
    assert set(documents()) == {"anchor.txt"}

    events = watcher.events
    assert all(isinstance(e, WatchEvent) and e.report is not None and not e.error for e in events)
    seen = {change for e in events for change in e.changes}
    assert {("added", "otters.txt"), ("deleted", "otters.txt"), ("deleted", "animals/otters.txt")} <= seen, seen
    # a file moved into a folder made a moment before may be reported as the folder only: either is a change
    assert {("added", "animals/otters.txt"), ("added", "animals")} & seen, seen
    assert [r.embedded for r in watcher.reports if r.embedded][0] == ["otters.txt"], watcher.events
    assert any(r.removed == ["animals/otters.txt"] for r in watcher.reports)
    assert watcher.last_error == "" and watcher.running


def test_a_moved_folder_of_documents_is_picked_up_and_dropped(folder, tmp_path, assistant, watcher):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "tides.md").write_text("# Tides\nSpring tides come twice a month, at new and full moon.\n")
    shutil.move(str(outside), str(folder / "coast"))  # the OS reports the folder only, not its files
    assert wait_for(lambda: "coast/tides.md" in assistant.index.documents)
    shutil.move(str(folder / "coast"), str(tmp_path / "gone"))
    assert wait_for(lambda: "coast/tides.md" not in assistant.index.documents)


def test_a_folder_removed_and_made_again_is_watched_again(folder, tmp_path, assistant, watcher):
    shutil.rmtree(folder)
    assert wait_for(lambda: "FileNotFoundError" in watcher.last_error)
    assert watcher.running
    again = tmp_path / "again"
    again.mkdir()
    (again / "herons.txt").write_text("Grey herons stand still for hours at the edge of the water.\n")
    again.rename(folder)  # files made before the new watch is in place are found by the refresh that follows
    assert wait_for(lambda: set(assistant.index.documents) == {"herons.txt"})
    assert wait_for(lambda: watcher.last_error == "")
    (folder / "egrets.txt").write_text("Little egrets stir the mud with their yellow feet.\n")
    assert wait_for(lambda: "egrets.txt" in assistant.index.documents)


def test_hidden_and_unsupported_files_are_ignored(folder, assistant, watcher):
    (folder / ".draft.txt").write_text("A hidden draft about penguins.\n")
    (folder / ".removed").mkdir()
    (folder / ".removed" / "old.txt").write_text("An archived note about walruses.\n")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (folder / "notes.txt~").write_text("an editor's backup\n")
    time.sleep(1.5)  # five times the debounce: any refresh they set off would have started
    assert watcher.events == []

    (folder / "puffins.txt").write_text("Puffins carry up to ten fish crosswise in their beaks.\n")
    assert wait_for(lambda: "puffins.txt" in assistant.index.documents)
    assert {change for e in watcher.events for change in e.changes} == {("added", "puffins.txt")}
    assert set(assistant.index.documents) == {"anchor.txt", "puffins.txt"}


def test_a_file_that_fails_to_read_or_a_failing_refresh_does_not_stop_the_watcher(folder, assistant, watcher):
    (folder / "report.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))  # a PNG named .pdf
    assert wait_for(lambda: any(s.source == "report.pdf" for e in watcher.events if e.report
                                for s in e.report.skipped))
    assert "report.pdf" not in assistant.index.documents and watcher.last_error == ""

    def broken(report):
        raise RuntimeError("the UI went away")

    watcher.on_refresh = broken
    (folder / "gulls.txt").write_text("Herring gulls learn to stamp their feet to bring up worms.\n")
    assert wait_for(lambda: "gulls.txt" in assistant.index.documents)
    assert wait_for(lambda: "on_refresh failed: RuntimeError: the UI went away" in watcher.last_error)

    # Every document gone: refresh raises EmptyFolderError, the watcher records it and keeps watching.
    for path in (folder / "anchor.txt", folder / "gulls.txt"):
        path.unlink()
    assert wait_for(lambda: "EmptyFolderError" in watcher.last_error)
    assert watcher.running and watcher.events[-1].report is None
    (folder / "terns.txt").write_text("Arctic terns see two summers a year.\n")
    assert wait_for(lambda: set(assistant.index.documents) == {"terns.txt"})
    assert watcher.running and watcher.events[-1].error == ""


def test_stop_returns_promptly_and_nothing_is_refreshed_after_it(folder, assistant):
    watcher = FolderWatcher(assistant, debounce=0.3).start()
    assert watcher.wait_until_watching() and watcher.running
    started = time.monotonic()
    assert watcher.stop() is True
    assert time.monotonic() - started < 2.0  # the watch checks its stop event every 50 ms
    assert not watcher.running
    (folder / "late.txt").write_text("Written after the watcher stopped.\n")
    time.sleep(1.0)
    assert "late.txt" not in assistant.index.documents and watcher.events == []
    with watcher:  # restartable, and a context manager
        assert wait_for(lambda: watcher.running)
    assert not watcher.running


def test_which_paths_count():
    assert is_relevant("a.txt", False) and is_relevant("sub/b.HTML", False) and is_relevant("c.pdf", None)
    assert is_relevant("2024", True) and is_relevant("2024", None)  # a folder, or a deleted path that was one
    assert not is_relevant("2024", False)  # a file without a suffix
    assert not is_relevant("photo.png", False) and not is_relevant("photo.png", None)
    assert not is_relevant(".removed", True) and not is_relevant(".removed/a.txt", False)
    assert not is_relevant("sub/.cache/a.md", False) and not is_relevant(".a.txt", False)
    assert not is_relevant("", True)


def test_bad_settings_are_refused(assistant):
    with pytest.raises(ValueError, match="debounce must be > 0"):
        FolderWatcher(assistant, debounce=0)
    with pytest.raises(ValueError, match="max_delay must be >= debounce"):
        FolderWatcher(assistant, debounce=2.0, max_delay=1.0)
