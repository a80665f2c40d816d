import json
import shutil

import numpy as np
import pytest

from index import Chunking, CorruptIndexError, load_index, open_index


@pytest.fixture()
def corpus(tmp_path, seed_texts):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in seed_texts.items():
        (docs / name).write_text(text, encoding="utf-8")
    return docs


def _search(index, embedder, question, k=5):
    ids, scores = index.store.search(embedder.encode([question]), k)
    return [(index.passages[i].id, round(float(s), 5)) for i, s in zip(ids[0], scores[0])]


def test_save_load_gives_same_hits(corpus, tmp_path, embedder):
    built, report = open_index(corpus, tmp_path / "idx", embedder)
    assert len(report.embedded) == 4 and report.rebuilt_because == "no index yet"
    loaded = load_index(tmp_path / "idx")
    assert loaded.passages == built.passages
    np.testing.assert_array_equal(loaded.vectors, built.vectors)
    for q in ("Who was arrested in Moscow?", "Lukashenka press secretary"):
        assert _search(loaded, embedder, q) == _search(built, embedder, q)
        assert loaded.lexical_words.search(q, 5)[0].tolist() == built.lexical_words.search(q, 5)[0].tolist()


def test_manifest_records_model_parameters_and_checksums(corpus, tmp_path, embedder):
    open_index(corpus, tmp_path / "idx", embedder, Chunking(120, 20))
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    assert manifest["model"] == embedder.name and manifest["dimension"] == 384
    assert manifest["chunking"] == {"max_words": 120, "overlap_words": 20}
    assert set(manifest["documents"]) == {p.name for p in corpus.iterdir()}
    assert all(len(d["sha256"]) == 64 for d in manifest["documents"].values())
    assert "vectors.npy" in manifest["files"]


def test_only_changed_and_added_documents_are_embedded(corpus, tmp_path, embedder):
    open_index(corpus, tmp_path / "idx", embedder)
    first = sorted(p.name for p in corpus.iterdir())
    (corpus / first[0]).write_text("The river Nemunas flows through Lithuania.", encoding="utf-8")
    (corpus / "new.md").write_text("Zebras graze on the savanna near the lake.", encoding="utf-8")
    (corpus / first[1]).unlink()
    index, report = open_index(corpus, tmp_path / "idx", embedder)
    assert report.embedded == sorted([first[0], "new.md"])
    assert report.removed == [first[1]]
    assert sorted(report.reused) == sorted(first[2:])
    assert first[1] not in {p.source for p in index.passages}
    top = _search(index, embedder, "Which river flows through Lithuania?", 1)[0][0]
    assert top.startswith(first[0] + ":")
    unchanged, report = open_index(corpus, tmp_path / "idx", embedder)
    assert report.embedded == [] and not report.changed


def test_changed_chunking_rebuilds(corpus, tmp_path, embedder):
    open_index(corpus, tmp_path / "idx", embedder)
    index, report = open_index(corpus, tmp_path / "idx", embedder, Chunking(80, 10))
    assert len(report.embedded) == 4 and "chunking changed" in report.rebuilt_because
    assert max(len(p.text.split()) for p in index.passages) <= 80


def test_corrupted_index_is_detected_and_rebuilt(corpus, tmp_path, embedder):
    built, _ = open_index(corpus, tmp_path / "idx", embedder)
    generation = next((tmp_path / "idx").glob("gen-*"))
    vectors = generation / "vectors.npy"
    vectors.write_bytes(vectors.read_bytes()[:-100])
    with pytest.raises(CorruptIndexError, match="checksum"):
        load_index(tmp_path / "idx")
    index, report = open_index(corpus, tmp_path / "idx", embedder)
    assert report.rebuilt_because.startswith("corrupt index")
    assert index.passages == built.passages
    load_index(tmp_path / "idx")


def test_garbage_manifest_is_rebuilt(corpus, tmp_path, embedder):
    open_index(corpus, tmp_path / "idx", embedder)
    (tmp_path / "idx" / "manifest.json").write_text("{not json", encoding="utf-8")
    _, report = open_index(corpus, tmp_path / "idx", embedder)
    assert report.rebuilt_because.startswith("corrupt index")


def test_old_generations_are_removed(corpus, tmp_path, embedder):
    open_index(corpus, tmp_path / "idx", embedder)
    shutil.copy(corpus / sorted(p.name for p in corpus.iterdir())[0], corpus / "copy.txt")
    open_index(corpus, tmp_path / "idx", embedder)
    assert [p.name for p in (tmp_path / "idx").glob("gen-*")] == ["gen-2"]


def test_ivf_vector_index_is_saved_reloaded_and_switched_without_reembedding(tmp_path, embedder):
    docs = tmp_path / "many"
    docs.mkdir()
    topics = ["rivers", "mountains", "elections", "football", "chemistry", "painting", "trains", "bread"]
    for n in range(48):
        (docs / f"note{n:02d}.txt").write_text(f"Note {n} is about {topics[n % 8]} and item number {n}.\n")
    built, _ = open_index(docs, tmp_path / "idx", embedder, vector_index="ivf")
    assert built.store.kind == "ivf"
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    assert manifest["vector_index"] == "ivf" and "vectors.faiss" in manifest["files"]
    reopened, report = open_index(docs, tmp_path / "idx", embedder, vector_index="ivf")
    assert not report.changed and reopened.store.kind == "ivf"
    query = embedder.encode(["football"])
    assert reopened.store.search(query, 5)[0].tolist() == built.store.search(query, 5)[0].tolist()
    exact, report = open_index(docs, tmp_path / "idx", embedder, vector_index="exact")
    assert exact.store.kind == "exact" and report.embedded == []
    assert "vectors.faiss" not in json.loads((tmp_path / "idx" / "manifest.json").read_text())["files"]


def test_progress_reports_every_passage(corpus, tmp_path, embedder):
    calls = []
    index, _ = open_index(corpus, tmp_path / "idx", embedder, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (len(index.passages), len(index.passages))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
