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


def test_line_separators_inside_passages_survive_save_and_load(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    text = "A form\x0cfeed, a line\u2028separator and a next\x85line sit inside one sentence.\n\nAnother one."
    (docs / "odd.txt").write_text(text, encoding="utf-8")
    built, _ = open_index(docs, tmp_path / "idx", embedder)
    loaded = load_index(tmp_path / "idx")
    assert loaded.passages == built.passages
    assert all(text[p.start : p.end] == p.text for p in loaded.passages)


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




def _tiered():
    from index import Tiering

    return Tiering(min_base_rows=0, max_delta_share=10.0, max_retired_share=1.0)


def _live_sources(index):
    return sorted({p.source for p, alive in zip(index.passages, index.alive) if alive})


def test_adding_changing_removing_one_document_touches_only_the_delta(corpus, tmp_path, embedder):
    folder = tmp_path / "idx"
    base, _ = open_index(corpus, folder, embedder)
    base_manifest = json.loads((folder / "manifest.json").read_text())
    base_files = base_manifest["files"]
    base_inode = (folder / base_manifest["generation"] / "vectors.npy").stat().st_ino
    (corpus / "extra.txt").write_text("The lighthouse keeper Oskar Wendt retired in 1999.\n", encoding="utf-8")
    added, report = open_index(corpus, folder, embedder, tiering=_tiered(), previous=base)
    assert report.embedded == ["extra.txt"] and added.delta_rows == 1 and added.base_rows == len(base.passages)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {k: v for k, v in manifest["files"].items() if not k.startswith("delta/")} == base_files
    generation = folder / manifest["generation"]
    assert (generation / "vectors.npy").stat().st_ino == base_inode  # linked, not rewritten
    assert (generation / "delta" / "passages.jsonl").exists()
    hits = added.lexical_words.search("lighthouse keeper", 3)[0].tolist()
    assert hits and added.passages[hits[0]].source == "extra.txt"

    changed = sorted(corpus.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nA correction: the bridge was painted green.\n",
                       encoding="utf-8")
    edited, report = open_index(corpus, folder, embedder, tiering=_tiered(), previous=added)
    assert report.embedded == [changed.name] and edited.retired == {changed.name}
    old_rows = [i for i, p in enumerate(edited.passages[: edited.base_rows]) if p.source == changed.name]
    assert old_rows and not edited.alive[old_rows].any()
    assert _live_sources(edited) == sorted(p.name for p in corpus.glob("*.txt"))
    (corpus / "extra.txt").unlink()
    removed, report = open_index(corpus, folder, embedder, tiering=_tiered(), previous=edited)
    assert report.removed == ["extra.txt"] and "extra.txt" not in _live_sources(removed)
    assert added.head("extra.txt").text.startswith("The lighthouse keeper") and removed.head("extra.txt") is None
    head = edited.head(changed.name)  # the head of the live (delta) version, not of the retired one
    assert head.start == 0 and any(p is head for p in edited.passages[edited.base_rows:])
    assert not removed.lexical_words.search("lighthouse keeper", 3)[0].size

    reloaded = load_index(folder)  # the delta and the retired list survive a reload
    assert reloaded.passages == removed.passages and reloaded.retired == removed.retired
    np.testing.assert_array_equal(reloaded.alive, removed.alive)
    for q in ("bridge painted green", "Who was arrested in Moscow?"):
        assert reloaded.lexical_words.search(q, 5)[0].tolist() == removed.lexical_words.search(q, 5)[0].tolist()
        assert _search(reloaded, embedder, q) == _search(removed, embedder, q)


def test_delta_scores_rank_like_a_full_rebuild(corpus, tmp_path, embedder):
    from qa.retrieve import RetrievalSettings, Retriever

    base, _ = open_index(corpus, tmp_path / "a", embedder)
    (corpus / "extra.txt").write_text("Minsk police detained the journalist Irina Volkova on Monday.\n",
                                      encoding="utf-8")
    tiered, _ = open_index(corpus, tmp_path / "a", embedder, tiering=_tiered(), previous=base)
    full, _ = open_index(corpus, tmp_path / "b", embedder)
    assert tiered.delta_rows and not full.delta_rows
    for q in ("Which journalist was detained?", "Who was arrested in Moscow?", "Volkova"):
        ranked = [[(h.source, h.start) for h in Retriever(i, embedder, RetrievalSettings()).retrieve(q, 5)]
                  for i in (tiered, full)]
        assert ranked[0][:3] == ranked[1][:3]


def test_outgrown_delta_is_merged_into_a_new_base(corpus, tmp_path, embedder):
    from index import Tiering

    folder = tmp_path / "idx"
    base, _ = open_index(corpus, folder, embedder)
    (corpus / "extra.txt").write_text("A short note about tides.\n", encoding="utf-8")
    tight = Tiering(min_base_rows=0, max_delta_share=0.0, max_retired_share=1.0)
    merged, report = open_index(corpus, folder, embedder, tiering=tight, previous=base)
    assert report.embedded == ["extra.txt"] and merged.delta_rows == 0 and not merged.retired
    assert "delta/passages.jsonl" not in json.loads((folder / "manifest.json").read_text())["files"]
    assert merged.passage_count == len(base.passages) + 1
