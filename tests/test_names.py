import pytest

from index.lexical import LexicalIndex
from index.names import fold, name_key, similar_keys


@pytest.mark.parametrize(
    "variants",
    [
        ("Gorbachev", "Gorbatschow"),
        ("Tchaikovsky", "Tschaikowski"),
        ("Zelensky", "Selenskyj", "Zelenskyy", "Зеленский"),
        ("Dostoevsky", "Dostojewski"),
        ("Navalny", "Nawalny", "Навальный"),
        ("Khodorkovsky", "Chodorkowski"),
    ],
)
def test_variants_not_in_the_seeds_share_a_key_or_are_one_edit_apart(variants):
    keys = [name_key(v) for v in variants]
    for key in keys[1:]:
        assert key == keys[0] or keys[0] in similar_keys(key, [keys[0]])


def test_different_names_stay_apart():
    assert name_key("Putin") != name_key("Biden")
    assert similar_keys(name_key("Moscow"), [name_key("Minsk")]) == []


def test_fold_transliterates_and_strips_accents():
    assert fold("Łukaszenka Лукашенко Café") == "lukaszenka lukashenko cafe"


def test_names_index_finds_a_passage_spelled_another_way():
    texts = ["Chancellor Gorbatschow visited Bonn.", "The weather in Bonn was cold.", "Chodorkowski left prison."]
    names = LexicalIndex(texts, "names", fuzzy=True)
    words = LexicalIndex(texts, "words")
    assert names.search("Where did Gorbachev go?", 1)[0].tolist() == [0]
    assert names.search("Khodorkovsky", 1)[0].tolist() == [2]
    assert words.search("Khodorkovsky", 1)[0].tolist() == []


def test_lexical_kind_is_checked():
    with pytest.raises(ValueError, match="kind must be one of"):
        LexicalIndex(["x"], "chars")
