import numpy as np
import pytest

from index.store import VectorStore


def _unit(rows: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize("k", [1, 5, 40, 100])
def test_faiss_equals_numpy_brute_force(k):
    vectors, queries = _unit(40), _unit(3, seed=1)
    ids, scores = VectorStore(vectors).search(queries, k)
    expected = np.argsort(-(queries @ vectors.T), axis=1, kind="stable")[:, : min(k, 40)]
    assert ids.shape == (3, min(k, 40))
    np.testing.assert_array_equal(ids, expected)
    np.testing.assert_allclose(scores, np.take_along_axis(queries @ vectors.T, expected, 1), atol=1e-6)


def test_empty_store_returns_nothing():
    ids, scores = VectorStore(np.zeros((0, 8), np.float32)).search(_unit(1, 8), 5)
    assert ids.shape == (1, 0)


def test_rejects_wrong_dtype():
    with pytest.raises(ValueError, match="float32"):
        VectorStore(np.zeros((2, 8)))


def test_real_embeddings_rank_like_numpy(embedder):
    texts = ["The FSB arrested two men in Moscow.", "Minsk is the capital of Belarus.", "Cats sleep a lot."]
    vectors = embedder.encode(texts)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    query = embedder.encode(["Who was detained in Moscow?"])
    ids, _ = VectorStore(vectors).search(query, 3)
    assert ids[0].tolist() == np.argsort(-(vectors @ query[0])).tolist()
    assert ids[0][0] == 0


def _clustered(rows: int, dim: int = 32, centres: int = 50, seed: int = 0) -> np.ndarray:
    """Vectors in clusters, like real embeddings (uniform random vectors are a worst case for IVF)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(centres, dim))[rng.integers(0, centres, rows)] + rng.normal(scale=0.3, size=(rows, dim))
    x = x.astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_auto_kind_switches_to_ivf_at_the_threshold():
    from index.store import EXACT_LIMIT, choose_kind

    assert choose_kind(EXACT_LIMIT - 1) == "exact"
    assert choose_kind(EXACT_LIMIT) == "ivf"
    assert choose_kind(10, "ivf") == "ivf" and choose_kind(10**7, "exact") == "exact"
    with pytest.raises(ValueError, match="unknown vector index kind 'hnsw'"):
        choose_kind(10, "hnsw")


def test_ivf_finds_what_exact_search_finds(tmp_path):
    vectors, queries = _clustered(20_000), _clustered(100, seed=1)
    exact, _ = VectorStore(vectors, "exact").search(queries, 10)
    store = VectorStore(vectors, "ivf")
    assert store.kind == "ivf" and len(store) == 20_000
    found, _ = store.search(queries, 10)
    overlap = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found.tolist(), exact.tolist())])
    assert overlap >= 0.95
    store.save(tmp_path / "v.faiss")
    loaded = VectorStore.load(tmp_path / "v.faiss", vectors, "ivf")
    np.testing.assert_array_equal(loaded.search(queries, 10)[0], found)
    with pytest.raises(ValueError, match="expected"):
        VectorStore.load(tmp_path / "v.faiss", vectors[:10], "ivf")


def test_tiny_ivf_request_falls_back_to_exact():
    store = VectorStore(_unit(20), "ivf")
    assert store.kind == "exact"
