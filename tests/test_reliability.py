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
    for bad, message in (("..", "unusable"), ("/", "unusable"), ("x.exe", "only .txt, .md"),
                         (".hidden.txt", "starts with '.' is a hidden file"), ("../.env.md", "hidden file")):
        with pytest.raises(ValueError, match=message):
            safe_upload_name(bad)


def test_upload_names_keep_unicode_and_replace_only_unsafe_characters():
    import unicodedata

    from ui.app import safe_upload_name

    name = "ünïcödé name 日本.md"
    assert safe_upload_name(name) == name
    assert safe_upload_name(unicodedata.normalize("NFD", name)) == unicodedata.normalize("NFC", name)  # macOS sends NFD
    assert safe_upload_name("R&D plan (v2), final!.md") == "R&D plan (v2), final!.md"
    assert safe_upload_name("evil\u202etxt.md") == "evil_txt.md"  # a right-to-left override would disguise it
    assert safe_upload_name("tab\tname:1.txt") == "tab_name_1.txt"


def test_uploads_over_the_size_limit_or_of_other_types_are_refused(assistant, tmp_path):
    from ui.app import MAX_UPLOAD_BYTES, add_files

    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_UPLOAD_BYTES + 1))
    sheet = tmp_path / "paper.odt"
    sheet.write_bytes(b"PK\x03\x04")
    before = sorted(p.name for p in assistant.docs_dir.iterdir())
    messages = add_files(assistant, [str(big), str(sheet)])
    assert messages[0] == f"not added: big.txt: {MAX_UPLOAD_BYTES + 1} bytes is over the {MAX_UPLOAD_BYTES} byte limit"
    assert messages[1].startswith("not added: paper.odt: only .txt, .md")
    assert sorted(p.name for p in assistant.docs_dir.iterdir()) == before


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def test_uploads_with_nothing_to_index_are_refused_before_they_are_copied(tmp_path, embedder):
    from qa import Assistant
    from ui.app import UPLOAD_SUFFIXES, add_files

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("The notes.", encoding="utf-8")
    assistant = Assistant.open(docs, tmp_path / "idx", embedder=embedder, use_reader=False)
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    files = {"empty.txt": b"", "blank.md": b"  \n\n\t\n", "photo.txt": PNG, "data.txt": b"abc\x00def" * 10}
    if ".pdf" in UPLOAD_SUFFIXES:  # index/loaders.py: a PNG named .pdf
        files["scan.pdf"] = PNG
    for name, data in files.items():
        (uploads / name).write_bytes(data)
    messages = add_files(assistant, [str(uploads / name) for name in files])
    assert messages[:4] == ["not added: empty.txt: the file is empty",
                            "not added: blank.md: the file holds no text (only spaces or blank lines)",
                            "not added: photo.txt: this is a PNG image, not text",
                            "not added: data.txt: binary content, not text"]
    if len(files) > 4:
        assert messages[4] == "not added: scan.pdf: not a PDF: the content is a PNG image"
    assert sorted(p.name for p in docs.iterdir()) == ["notes.txt"]  # nothing copied, so nothing skipped forever


def test_binding_everywhere_without_auth_warns(tmp_path):
    (tmp_path / "docs").mkdir()
    env = dict(os.environ, DOCQA_AUTH="", XDG_CACHE_HOME=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-m", "ui", "--docs", str(tmp_path / "docs"), "--host", "0.0.0.0"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2  # the empty folder stops it before it serves anything
    assert "without authentication" in result.stderr
    assert "no readable documents (.txt, .md, .pdf, .docx, .html, .htm)" in result.stderr
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


@pytest.mark.slow
def test_the_project_builds_a_wheel_with_its_packages_weights_and_console_command(tmp_path):
    """`pip install .` builds this wheel: qa, index and ui with the reader's weights, and `docqa`. Built from a
    copy (an in-tree build would leave build/ in the working tree), without dependencies or the network."""
    import shutil
    import zipfile

    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("qa", "index", "ui"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                             "--quiet", "--wheel-dir", str(tmp_path / "dist"), str(source)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.lower(), result.stderr
    [wheel] = (tmp_path / "dist").glob("docqa-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = {n.split("/")[-1]: archive.read(n).decode() for n in names if ".dist-info/" in n}
    for module in ("qa/__init__.py", "qa/assistant.py", "qa/cli.py", "index/__init__.py", "index/store.py",
                   "ui/__init__.py", "ui/__main__.py", "ui/app.py"):
        assert module in names
    weights = {p.relative_to(ROOT).as_posix() for p in (ROOT / "qa" / "models").glob("*.safetensors")}
    assert "qa/models/reader.safetensors" in weights and weights <= names
    assert "qa/models/MODEL_CARD.md" in names
    assert {p.relative_to(ROOT).as_posix() for p in (ROOT / "qa" / "data").glob("*.jsonl")} <= names
    assert not any(n.startswith(("tests/", "seeds/", "benchmarks/")) or "__pycache__" in n for n in names)
    assert "[console_scripts]\ndocqa = ui.__main__:docqa" in info["entry_points.txt"]
    assert "Requires-Dist: torch==2.13.0" in info["METADATA"]


def test_the_package_pins_what_requirements_txt_pins():
    """pyproject.toml's dependencies (and extras) are requirements.txt's pins: a pin added to one only is an
    error here, so that `pip install .` and `make install` install the same versions."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = set(project["dependencies"]) | {d for extra in project["optional-dependencies"].values() for d in extra}
    pinned = {line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()} - {""}

    def norm(pins: set[str]) -> set[str]:
        return {p.lower().replace("_", "-") for p in pins}

    assert norm(pinned) - norm(declared) == set(), "add these to pyproject.toml (dependencies or an extra)"
    assert norm(declared) - norm(pinned) == set(), "add these to requirements.txt"


def test_the_docqa_command_maps_onto_the_qa_and_ui_commands(capsys):
    from ui.__main__ import docqa

    assert docqa(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(command in out for command in ("ask", "search", "index", "eval", "serve"))
    assert docqa(["frobnicate"]) == 2
    assert "unknown command 'frobnicate'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        docqa(["serve", "--help"])
    out = capsys.readouterr().out
    assert "usage: docqa serve" in out and "--auth-file" in out
    with pytest.raises(SystemExit):
        docqa(["ask", "--help"])
    assert "--no-reader" in capsys.readouterr().out


def test_a_pdf_over_the_page_limit_is_refused_before_it_is_copied(assistant, tmp_path, monkeypatch):
    from fpdf import FPDF

    import ui.app
    from ui.app import add_files

    monkeypatch.setattr(ui.app, "MAX_UPLOAD_PAGES", 2)
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for n in range(3):
        pdf.add_page()
        pdf.cell(0, 10, f"Page {n + 1} of the long report.")
    long_pdf = tmp_path / "long.pdf"
    pdf.output(str(long_pdf))
    before = sorted(p.name for p in assistant.docs_dir.iterdir())
    assert add_files(assistant, [str(long_pdf)]) == ["not added: long.pdf: 3 pages is over the 2 page limit"]
    assert sorted(p.name for p in assistant.docs_dir.iterdir()) == before
