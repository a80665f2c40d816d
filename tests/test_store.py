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
