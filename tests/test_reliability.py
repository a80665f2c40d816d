"""Crash safety, concurrent processes, hostile uploads and load: each failure mode the issue lists."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from index import load_index
from tests.conftest import ROOT

BUILD = """
import sys
from index import Embedder, open_index
open_index(sys.argv[1], sys.argv[2], Embedder())
print("done", flush=True)
"""


def _corpus(folder, count: int, salt: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        sentences = " ".join(f"Report {i}{salt} mentions river number {i * 7 + j} near town {j}." for j in range(40))
        (folder / f"doc{i:03d}.txt").write_text(sentences, encoding="utf-8")


def _build(docs, index_dir) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", BUILD, str(docs), str(index_dir)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_sigkill_mid_refresh_leaves_a_loadable_consistent_index(tmp_path):
    docs, index_dir = tmp_path / "docs", tmp_path / "idx"
    _corpus(docs, 20)
    assert _build(docs, index_dir).wait(timeout=300) == 0
    before = load_index(index_dir)
    _corpus(docs, 60, salt="b")  # every document changes: a long refresh to interrupt
    for delay in (1.0, 3.0, 6.0, 9.0):
        process = _build(docs, index_dir)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        index = load_index(index_dir)  # never raises: the manifest always names a complete generation
        sources = {p.source for p in index.passages}
        assert sources == set(index.documents)
        assert index.passages == before.passages or len(index.documents) == 60
    assert _build(docs, index_dir).wait(timeout=300) == 0
    assert len(load_index(index_dir).documents) == 60


@pytest.mark.slow
def test_two_processes_opening_one_index_do_not_corrupt_it(tmp_path):
    docs, index_dir = tmp_path / "docs", tmp_path / "idx"
    _corpus(docs, 15)
    first, second = _build(docs, index_dir), _build(docs, index_dir)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert second.wait(timeout=300) == 0, second.stderr.read()
    index = load_index(index_dir)
    assert len(index.documents) == 15
    assert len(list(index_dir.glob("gen-*"))) == 1


def test_no_pickle_is_loaded_from_the_index(assistant):
    for path in assistant.index_dir.rglob("*"):
        if path.is_file():
            assert path.suffix in {".json", ".jsonl", ".npy", ".lock", ""} or path.name.startswith("."), path
    for path in assistant.index_dir.rglob("*.npy"):
        import numpy as np

        np.load(path, allow_pickle=False)  # raises if the file holds Python objects


def test_upload_names_cannot_escape_the_folder():
    from ui.app import safe_upload_name

    assert safe_upload_name("../../etc/evil.txt") == "evil.txt"
    assert safe_upload_name("..\\..\\win.md") == "win.md"
    assert safe_upload_name("a b<c>.txt") == "a b_c_.txt"
    assert safe_upload_name(".hidden.txt") == "hidden.txt"
    for bad, message in (("..", "unusable"), ("/", "unusable"), ("x.exe", "only .txt, .md")):
        with pytest.raises(ValueError, match=message):
            safe_upload_name(bad)


def test_uploads_over_the_size_limit_or_of_other_types_are_refused(assistant, tmp_path):
    from ui.app import MAX_UPLOAD_BYTES, add_files

    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_UPLOAD_BYTES + 1))
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    before = sorted(p.name for p in assistant.docs_dir.iterdir())
    messages = add_files(assistant, [str(big), str(pdf)])
    assert messages == [f"not added: big.txt: {MAX_UPLOAD_BYTES + 1} bytes is over the {MAX_UPLOAD_BYTES} byte limit",
                        "not added: paper.pdf: only .txt, .md files can be added"]
    assert sorted(p.name for p in assistant.docs_dir.iterdir()) == before


def test_binding_everywhere_without_auth_warns(tmp_path):
    (tmp_path / "docs").mkdir()
    env = dict(os.environ, DOCQA_AUTH="", XDG_CACHE_HOME=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-m", "ui", "--docs", str(tmp_path / "docs"), "--host", "0.0.0.0"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2  # the empty folder stops it before it serves anything
    assert "without authentication" in result.stderr
    assert "no readable .txt or .md documents" in result.stderr
    assert not (tmp_path / "cache" / "docqa").exists() or not any((tmp_path / "cache" / "docqa").iterdir())


def test_uploading_a_new_version_archives_the_old_one_and_removals_never_overwrite(tmp_path, embedder):
    from qa import Assistant
    from ui.app import REMOVED, add_files, archive

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("The first version of the notes.", encoding="utf-8")
    assistant = Assistant.open(docs, tmp_path / "idx", embedder=embedder, use_reader=False)
    upload = tmp_path / "upload" / "notes.txt"
    upload.parent.mkdir()
    upload.write_text("The first version of the notes.", encoding="utf-8")
    assert add_files(assistant, [str(upload)]) == ["unchanged notes.txt (already in the folder)"]
    upload.write_text("The second version of the notes.", encoding="utf-8")
    [message] = add_files(assistant, [str(upload)])
    assert message.startswith("added notes.txt (the earlier version was moved to")
    assert (docs / "notes.txt").read_text() == "The second version of the notes."
    assert (docs / REMOVED / "notes.txt").read_text() == "The first version of the notes."
    assert archive(docs, "notes.txt") == docs / REMOVED / "notes.1.txt"  # the earlier archived copy stays
    assert (docs / REMOVED / "notes.txt").read_text() == "The first version of the notes."
    assert (docs / REMOVED / "notes.1.txt").read_text() == "The second version of the notes."
