"""The answer-sentence model: shipped weights, ONNX inference equal to PyTorch, and its training command's data."""

import gzip
import json

import pytest

from qa.judge import SHIPPED_JUDGE, Judged, SentenceJudge, probability
from qa.train_sentence import Pair, parse_args, sentence_input, squad_pairs, train, written_pairs

SENTENCES = [Judged("The finance office is on the third floor of the Quayside building.", "Offices"),
             Judged("Tobias Fenn heads the finance team.", "Leadership"),
             Judged("Visitors sign in at the front desk.", "Offices")]


@pytest.fixture(scope="module")
def judge():
    return SentenceJudge()


def test_the_weights_are_shipped_small(judge):
    assert judge.available and SHIPPED_JUDGE.stat().st_size < 50_000_000


def test_the_sentence_that_answers_scores_highest(judge):
    logits = judge.logits("Where is the finance office?", SENTENCES)
    assert max(range(3), key=logits.__getitem__) == 0
    assert probability(logits[0]) > 0.5 > probability(logits[2])
    assert judge.logits("Where is the finance office?", []) == []


def test_onnx_gives_the_logits_of_pytorch_and_int8_stays_close(judge):
    torch_judge = SentenceJudge(backend="torch")
    exact = SentenceJudge(backend="onnx").logits("Who heads finance?", SENTENCES)
    reference = torch_judge.logits("Who heads finance?", SENTENCES)
    assert max(abs(a - b) for a, b in zip(exact, reference)) < 1e-3
    int8 = judge.logits("Who heads finance?", SENTENCES)  # the default backend
    assert type(judge._load()[0]).__name__ == "InferenceSession" and judge.backend == "onnx-int8"
    assert max(abs(a - b) for a, b in zip(int8, reference)) < 1.0
    assert max(range(3), key=int8.__getitem__) == max(range(3), key=reference.__getitem__)


def test_an_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="onnx-int8"):
        SentenceJudge(backend="tensorrt")


def test_the_heading_path_is_read_before_the_sentence():
    assert sentence_input("Hold it for five seconds.", "FAQ > How do I pair it?") == \
        "FAQ > How do I pair it?: Hold it for five seconds."


def _squad2_file(path):
    context = "Anna Rossi founded the lab in 1990. It has two buildings. Its director is Tom Berg."
    data = {"data": [{"title": "Lab", "paragraphs": [{"context": context, "qas": [
        {"question": "When was the lab founded?", "answers": [{"text": "1990", "answer_start": 29}],
         "is_impossible": False, "id": "a"},
        {"question": "When was the lab closed?", "answers": [], "is_impossible": True, "id": "b"},
    ]}]}]}
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(data, handle)


def test_squad_pairs_take_the_answer_sentence_and_near_misses(tmp_path):
    _squad2_file(tmp_path / "train.json.gz")
    pairs = squad_pairs(tmp_path / "train.json.gz", "all", seed=1)
    positives = [p for p in pairs if p.label == 1.0]
    assert [p.sentence for p in positives] == ["Anna Rossi founded the lab in 1990."]
    closed = [p for p in pairs if p.question == "When was the lab closed?"]
    assert closed and all(p.label == 0.0 for p in closed)
    assert "Anna Rossi founded the lab in 1990." in [p.sentence for p in closed]  # the near miss


def test_the_written_pairs_cover_both_labels():
    pairs = written_pairs()
    assert len(pairs) > 500 and {p.label for p in pairs} == {0.0, 1.0}
    assert all(isinstance(p, Pair) and p.question and p.sentence for p in pairs)


def test_training_checkpoints_and_resumes(tmp_path):
    """Two steps on a tiny file, then a restart in the same work dir resumes rather than starts over."""
    _squad2_file(tmp_path / "train.json.gz")
    written = tmp_path / "pairs.jsonl"
    written.write_text(json.dumps({"question": "Is it waterproof?", "sentence": "No, it is not.", "context": "",
                                   "label": 1}) + "\n", encoding="utf-8")
    args = ["--data", str(tmp_path / "train.json.gz"), "--written", str(written), "--written-repeat", "2",
            "--work-dir", str(tmp_path / "run"), "--batch-size", "2", "--warmup", "1", "--checkpoint-every", "1",
            "--threads", "1"]
    final = train(parse_args(args))
    log = (tmp_path / "run" / "train_log.jsonl").read_text().splitlines()
    assert final.is_file() and len(log) >= 2
    train(parse_args(args))  # resumes at the last step: no new steps
    assert len((tmp_path / "run" / "train_log.jsonl").read_text().splitlines()) == len(log)


def test_the_reader_trains_on_squad2_unanswerable_questions_as_they_are(tmp_path):
    """qa.train_reader reads a SQuAD 2.0 file: an unanswerable question is a negative with its own
    paragraph, and --split keeps the held-out articles out of training (and reads only them)."""
    from qa.train_reader import is_heldout, load_examples

    _squad2_file(tmp_path / "train.json.gz")
    examples = load_examples(tmp_path / "train.json.gz", negative_ratio=0.0, seed=1, split="all")
    by_question = {e.question: e for e in examples}
    assert by_question["When was the lab closed?"].answer_start == -1
    assert by_question["When was the lab founded?"].answer_text == "1990"
    assert not is_heldout("Lab")
    assert load_examples(tmp_path / "train.json.gz", 0.0, 1, split="heldout") == []
    assert len(load_examples(tmp_path / "train.json.gz", 0.0, 1, split="train")) == 2
