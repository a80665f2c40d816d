import os
from pathlib import Path

import pytest

from index import EmptyFolderError, load_folder
from index.documents import decode


def test_loads_every_seed_with_relative_posix_source(seed_texts):
    from tests.conftest import SEEDS

    report = load_folder(SEEDS)
    assert [d.source for d in report.documents] == sorted(seed_texts)
    for doc in report.documents:
        assert doc.text == seed_texts[doc.source]
    assert report.skipped == []


def test_recursive_and_suffixes(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "a.md").write_text("# Title\n\nSome text.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Other text.", encoding="utf-8")
    (tmp_path / "c.csv").write_text("x,y", encoding="utf-8")
    assert [d.source for d in load_folder(tmp_path).documents] == ["b.txt", "sub/deeper/a.md"]


def test_bad_files_are_skipped_with_reasons(tmp_path):
    (tmp_path / "good.txt").write_text("Fine text.", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 au lait.".encode("latin-1"))
    (tmp_path / "loop").mkdir()
    os.symlink(tmp_path, tmp_path / "loop" / "back")
    report = load_folder(tmp_path)
    reasons = {s.source: s.reason for s in report.skipped}
    assert reasons == {"binary.txt": "binary content", "empty.txt": "empty"}
    assert report.fallback_decoded == ["latin.txt"]
    latin = next(d for d in report.documents if d.source == "latin.txt")
    assert latin.text == "Café au lait."


def test_unreadable_file_is_skipped(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = tmp_path / "secret.txt"
    path.write_text("hidden", encoding="utf-8")
    path.chmod(0)
    (tmp_path / "ok.txt").write_text("visible", encoding="utf-8")
    assert [s.source for s in load_folder(tmp_path).skipped] == ["secret.txt"]


def test_permission_denied_is_skipped_even_as_root(tmp_path, monkeypatch):
    # Root reads any file, so the OS refusal is simulated at the one call that reads bytes.
    (tmp_path / "secret.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("visible", encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = load_folder(tmp_path)
    assert [d.source for d in report.documents] == ["ok.txt"]
    assert [(s.source, s.reason) for s in report.skipped] == [("secret.txt", "unreadable: Permission denied")]


def test_fifo_named_like_a_document_is_skipped_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block forever
    (tmp_path / "ok.txt").write_text("visible", encoding="utf-8")
    report = load_folder(tmp_path)
    assert [(s.source, s.reason) for s in report.skipped] == [("pipe.txt", "not a regular file")]


def test_decode_matches_read_text_newlines(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"One.\r\nTwo.\rThree.")
    assert decode(path.read_bytes())[0] == path.read_text(encoding="utf-8")


def test_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(EmptyFolderError, match=r"no readable documents \(.txt, .md, .pdf, .docx, .html, .htm\) in "):
        load_folder(tmp_path)


def test_symlinks_leaving_the_folder_are_skipped(tmp_path):
    outside = tmp_path / "outside"
    (outside / "private").mkdir(parents=True)
    (outside / "secret.txt").write_text("The vault code is 4711.", encoding="utf-8")
    (outside / "private" / "diary.md").write_text("Dear diary.", encoding="utf-8")
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "own.txt").write_text("Our own text.", encoding="utf-8")
    os.symlink(outside / "secret.txt", docs / "secret.txt")  # a file link out
    os.symlink(outside / "private", docs / "private")  # a folder link out
    os.symlink(outside / "secret.txt", docs / "sub" / "relative.txt")  # nested: still out
    os.symlink(docs / "own.txt", docs / "sub" / "alias.txt")  # inside to inside: kept
    os.symlink(docs / "sub", docs / "shortcut")  # a folder link inside: kept
    report = load_folder(docs)
    assert [d.source for d in report.documents] == ["own.txt", "sub/alias.txt"]  # sub is read once, by its name
    assert [(s.source, s.reason) for s in report.skipped] == [
        ("private", "links outside the folder"), ("secret.txt", "links outside the folder"),
        ("sub/relative.txt", "links outside the folder"),
    ]
    assert all("4711" not in d.text and "diary" not in d.text for d in report.documents)


def test_docs_folder_reached_through_a_link_is_inside(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("Text.", encoding="utf-8")
    os.symlink(tmp_path / "real", tmp_path / "docs")
    assert [d.source for d in load_folder(tmp_path / "docs").documents] == ["a.txt"]


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="documents folder not found"):
        load_folder(tmp_path / "nope")
