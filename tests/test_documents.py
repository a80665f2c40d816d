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
    with pytest.raises(EmptyFolderError, match="no readable .txt or .md documents"):
        load_folder(tmp_path)


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="documents folder not found"):
        load_folder(tmp_path / "nope")
