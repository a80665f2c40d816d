import numpy as np

from index.chunk import split_sentences


def test_passage_vectors_from_the_sentence_pass_equal_plain_encoding(embedder, seed_texts):
    texts = [text[:700] for text in seed_texts.values()]
    spans = [split_sentences(t) for t in texts]
    vectors, sentences = embedder.encode_with_sentences(texts, spans)
    np.testing.assert_allclose(vectors, embedder.encode(texts), atol=1e-5)
    assert [len(s) for s in sentences] == [len(s) for s in spans]
    for group in sentences:
        np.testing.assert_allclose(np.linalg.norm(group, axis=1), 1.0, rtol=1e-4)


def test_sentence_vectors_rank_their_own_topic_first(embedder):
    text = "The bakery sells rye bread every morning. The football club lost the final on penalties."
    spans = split_sentences(text)
    _, (sentences,) = embedder.encode_with_sentences([text], [spans])
    query = embedder.encode(["Which team lost the match?", "Where can I buy bread?"])
    assert (query @ sentences.T).argmax(axis=1).tolist() == [1, 0]


def test_sentences_past_the_token_limit_are_encoded_on_their_own(embedder):
    filler = " ".join(f"word{n}" for n in range(300)) + "."
    last = "The museum opened a new wing in May."
    text = filler + " " + last
    spans = split_sentences(text)
    _, (sentences,) = embedder.encode_with_sentences([text], [spans])
    np.testing.assert_allclose(sentences[-1], embedder.encode([last])[0], atol=1e-5)
