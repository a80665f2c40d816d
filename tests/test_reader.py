"""The shipped reader: loading, span offsets, seed answers; and a tiny training run of the script."""

import json
from pathlib import Path

import pytest

from qa.reader import SHIPPED_WEIGHTS, PassageRef, Reader


def test_weights_are_shipped_small_and_safe():
    assert SHIPPED_WEIGHTS.is_file(), "qa/models/reader.safetensors is part of the repository"
    assert SHIPPED_WEIGHTS.stat().st_size <= 50 * 1024 * 1024
    data = SHIPPED_WEIGHTS.read_bytes()
    header_length = int.from_bytes(data[:8], "little")  # safetensors: length, then a JSON header; no pickle
    header = json.loads(data[8 : 8 + header_length])
    assert header["__metadata__"]["dtype"] == "float16"
    assert {v["dtype"] for k, v in header.items() if k != "__metadata__"} == {"F16"}


def test_spans_map_back_to_document_offsets(reader):
    document = "Intro line.\n\nThe harbour of Valparaiso was rebuilt in 1906 by engineer Ana Rojas."
    offset = document.index("The harbour")
    span = reader.read("Who rebuilt the harbour of Valparaiso?", [PassageRef("x.txt", offset, document[offset:])])[0]
    assert document[span.start : span.end] == span.text
    assert "Ana Rojas" in span.text
    assert span.margin > 0


def test_a_span_is_also_read_inside_a_given_sentence(reader):
    document = "Customer success manager: Ines Roth. Account executive: Pavel Dubek (Leeds)."
    asked = document.index("Account executive")
    passage = PassageRef("x.txt", 100, document)
    best, inside = reader.read_within("Who is the customer success manager?", [passage],
                                      [[(100 + asked, 100 + len(document))]])[0]
    assert best == reader.read("Who is the customer success manager?", [passage])[0]
    assert "Ines Roth" in best.text
    assert inside.start >= 100 + asked and "Pavel Dubek" in inside.text
    assert document[inside.start - 100 : inside.end - 100] == inside.text
    assert inside.score <= best.score  # the best span of the range is no better than the passage's best
    assert reader.read_within("Who?", [passage], [[]]) == [[reader.read("Who?", [passage])[0]]]


def test_the_runner_up_span_does_not_overlap_the_best(reader):
    text = "You can freeze a membership for up to three months a year, for a fee of GBP 5 per month."
    passage = PassageRef("terms.txt", 40, text)
    best, runner_up = reader.read_within("How much does it cost to freeze a membership?", [passage], [[]],
                                         runner_up=True)[0]
    assert best == reader.read("How much does it cost to freeze a membership?", [passage])[0]
    assert runner_up is not None and runner_up.score <= best.score
    assert runner_up.end <= best.start or runner_up.start >= best.end
    assert text[runner_up.start - 40 : runner_up.end - 40] == runner_up.text


def test_null_score_wins_on_an_unrelated_passage(reader):
    passage = PassageRef("x.txt", 0, "The harbour of Valparaiso was rebuilt in 1906 by engineer Ana Rojas.")
    answerable = reader.read("Who rebuilt the harbour?", [passage])[0]
    unrelated = reader.read("What is the boiling point of mercury?", [passage])[0]
    assert unrelated.margin < answerable.margin
    assert unrelated.margin < 0


def test_long_passages_are_read_in_windows(reader):
    filler = " ".join(f"Sentence {i} talks about nothing in particular." for i in range(80))
    text = filler + " The lighthouse keeper was Tomas Vidal."
    span = reader.read("Who was the lighthouse keeper?", [PassageRef("long.txt", 5, text)])[0]
    assert span.text == "Tomas Vidal"
    assert span.start == 5 + text.index("Tomas Vidal")


def _valparaiso() -> list[PassageRef]:
    filler = " ".join(f"Sentence {i} is about the weather." for i in range(60))
    return [PassageRef("a.txt", 0, "The harbour of Valparaiso was rebuilt in 1906 by engineer Ana Rojas."),
            PassageRef("b.txt", 40, "Mercury boils at 357 degrees. " + filler + " Ana Rojas retired in 1920."),
            PassageRef("c.txt", 7, "Short.")]


def test_onnx_reader_reads_like_the_pytorch_model(reader):
    import torch

    assert reader.backend == "onnx" and not isinstance(reader._load()[0], torch.nn.Module)
    question = "Who rebuilt the harbour of Valparaiso?"
    fast, slow = reader.read(question, _valparaiso()), Reader(backend="torch").read(question, _valparaiso())
    for a, b in zip(fast, slow, strict=True):
        assert (a.source, a.start, a.end, a.text) == (b.source, b.start, b.end, b.text)
        assert a.score == pytest.approx(b.score, abs=1e-3) and a.null_score == pytest.approx(b.null_score, abs=1e-3)


def test_exported_reader_is_cached_and_made_again_when_corrupt(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCQA_CACHE", str(tmp_path))
    question, passages = "Who rebuilt the harbour of Valparaiso?", _valparaiso()[:1]
    first = Reader().read(question, passages)[0]
    [cached] = tmp_path.glob("reader-*.onnx")
    made = cached.stat().st_mtime_ns
    assert Reader().read(question, passages)[0] == first
    assert cached.stat().st_mtime_ns == made, "a second process must load the cached file, not export again"
    cached.write_bytes(b"half a file")
    assert Reader().read(question, passages)[0].text == first.text
    assert cached.stat().st_size > 10_000_000
    # A whole ONNX file of other weights under this name is caught by the logits check and made again.
    from safetensors.torch import load_file, save_file

    state = load_file(str(SHIPPED_WEIGHTS))
    state["qa_outputs.weight"] = -state["qa_outputs.weight"]
    save_file(state, str(tmp_path / "other.safetensors"))
    Reader(tmp_path / "other.safetensors").read(question, passages)
    [other] = [p for p in tmp_path.glob("reader-*.onnx") if p != cached]
    other.replace(cached)
    again = Reader().read(question, passages)[0]
    assert again.text == first.text and again.score == pytest.approx(first.score, abs=1e-3)


def test_reader_falls_back_to_pytorch_when_the_cache_cannot_be_written(tmp_path, monkeypatch, caplog):
    import torch

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("DOCQA_CACHE", str(blocker / "cache"))
    reader = Reader()
    assert "Ana Rojas" in reader.read("Who rebuilt the harbour of Valparaiso?", _valparaiso()[:1])[0].text
    assert isinstance(reader._load()[0], torch.nn.Module)
    assert "reading with PyTorch" in caplog.text


def test_the_length_penalty_prefers_the_shorter_of_two_close_spans():
    import numpy as np

    from qa import Reader

    start = np.array([0.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0])  # the CLS token, then six context tokens
    end = np.array([0.0, 0.0, 4.0, 0.0, 0.0, 0.0, 4.2])
    context = list(range(1, 7))
    assert Reader(length_penalty=0.0)._best_span(start, end, context) == pytest.approx((9.2, 1, 6))
    # 4 tokens longer for 0.2 more: with 0.1 a token the one-token span wins, and keeps its own score
    assert Reader(length_penalty=0.1)._best_span(start, end, context) == pytest.approx((9.0, 1, 2))
    assert Reader(length_penalty=0.1, max_answer_tokens=1)._best_span(start, end, context) == pytest.approx(
        (5.0, 1, 1))


def test_reader_rejects_unknown_backends():
    with pytest.raises(ValueError, match="backend"):
        Reader(backend="tpu")
    with pytest.raises(ValueError, match="quantize"):
        Reader(quantize=True)


@pytest.mark.parametrize(
    ("question", "expected"),
    [("Which national broadcaster ran a story naming suspected conspirators?", "ONT"),
     ("Where is Svetlana Tichanovskaya in exile?", "Lithuania"),
     ("Which retired general called on Poland to get ready for an uprising in Belarus?", "Skrzypczak")],
)
def test_shipped_reader_answers_seed_questions(assistant, question, expected):
    answer = assistant.ask(question)
    assert answer.answerable and expected in answer.short_answer


def test_training_script_runs_a_few_steps(tmp_path):
    import gzip

    from qa import train_reader

    paris = "Paris is the capital of France. It lies on the Seine."
    context = "Marie Curie won the Nobel Prize in 1903. She was born in Warsaw. Later she moved to Paris."
    data = {"data": [{"title": "t", "paragraphs": [
        {"context": context, "qas": [
            {"id": "1", "question": "Where was Marie Curie born?",
             "answers": [{"text": "Warsaw", "answer_start": context.index("Warsaw")}]},
            {"id": "2", "question": "When did Curie win the Nobel Prize?",
             "answers": [{"text": "1903", "answer_start": context.index("1903")}]},
        ]},
        {"context": paris, "qas": [
            {"id": "3", "question": "Which river does Paris lie on?",
             "answers": [{"text": "Seine", "answer_start": paris.index("Seine")}]},
        ]},
    ]}]}
    path = tmp_path / "train.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(data, handle)
    args = train_reader.parse_args(["--data", str(path), "--work-dir", str(tmp_path / "run"), "--examples", "0",
                                    "--batch-size", "2", "--negative-ratio", "1.0", "--warmup", "1",
                                    "--checkpoint-every", "1", "--export", str(tmp_path / "out.safetensors")])
    final = train_reader.train(args)
    assert final.is_file() and (tmp_path / "out.safetensors").is_file()
    log = [json.loads(line) for line in (tmp_path / "run" / "train_log.jsonl").read_text().splitlines()]
    assert len(log) >= 2 and all(r["loss"] > 0 for r in log)
    # Resuming after the end does no more steps and keeps the checkpoint.
    train_reader.train(args)
    assert len((tmp_path / "run" / "train_log.jsonl").read_text().splitlines()) == len(log)
    examples = train_reader.load_examples(path, 1.0, 0)
    negatives = [e for e in examples if e.answer_start < 0]
    assert negatives and all(e.context for e in negatives)
    for e in examples:
        if e.answer_start >= 0:
            assert e.context[e.answer_start : e.answer_start + len(e.answer_text)] == e.answer_text
        else:
            assert "Warsaw" not in e.context or e.question != "Where was Marie Curie born?"
    Reader(tmp_path / "out.safetensors").read("Where was Curie born?", [PassageRef("c", 0, context)])


def test_entity_swaps_ask_about_something_the_context_never_mentions():
    import random

    from qa.train_reader import swap_entity

    context = "Marie Curie won the Nobel Prize in 1903. She was born in Warsaw."
    pool = ["Warsaw", "Vienna", "1911", "Curie"]
    rng = random.Random(0)
    for _ in range(20):
        swapped = swap_entity("Where was Marie Curie born in 1867?", context, pool, rng)
        assert swapped and swapped != "Where was Marie Curie born in 1867?"
        assert ("Vienna" in swapped) != ("1911" in swapped)
    assert swap_entity("where was she born?", context, pool, rng) is None
    assert swap_entity("Where was Marie Curie born?", context, ["Warsaw", "Curie"], rng) is None


def test_contradictions_turn_a_question_against_its_paragraph():
    import random

    from qa.train_reader import contradict

    context = "The largest bridge of the town was opened in 1903. It was not paid for by the state."
    rng = random.Random(0)
    turned = {contradict("Which bridge was the largest?", context, 0, rng) for _ in range(30)}
    assert turned == {"Which bridge was the smallest?", "Which bridge wasn't the largest?"}
    # No opposite the paragraph also uses, no negation where the answer's sentence negates.
    assert contradict("Who paid for the largest bridge?", context + " The smallest is older.",
                      context.index("It was"), rng) is None
    assert contradict("When did the bridge open?", context, 0, rng) == "When didn't the bridge open?"
    assert contradict("Built in 1903?", context, 0, rng) is None


def test_role_swaps_ask_about_another_of_the_paragraphs_own_names():
    import random

    from qa.train_reader import swap_role

    context = ("Anna Berg founded the Harbour School in Bergen in 1902. Her rival Tom Lund opened a bank in Oslo "
               "in 1911.")
    question = "Who founded the Harbour School in Bergen?"
    rng = random.Random(0)
    swapped = {swap_role(question, context, 0, rng) for _ in range(30)}
    # A place for the place: Oslo is named, but not in the answer's sentence; never a person or a year.
    # (When the school is drawn, no other organisation is named: no swap.)
    assert swapped == {"Who founded the Harbour School in Oslo?", None}
    assert swap_role("Who opened a bank in 1911?", context, context.index("Her"), rng) == "Who opened a bank in 1902?"
    assert swap_role("who founded it?", context, 0, rng) is None


def test_contradicted_questions_are_labelled_unanswerable(tmp_path):
    from qa import train_reader

    path, _ = _towns(tmp_path)
    examples = train_reader.load_examples(path, 0.0, 0, contradict_ratio=1.0)
    turned = [e for e in examples if "hasn't" in e.question.lower()]
    assert len(turned) == 30 and all(e.answer_start == -1 and e.answer_text == "" for e in turned)
    plain = train_reader.load_examples(path, 0.0, 0)
    assert [e for e in examples if e.answer_start >= 0] == plain


def _towns(tmp_path) -> tuple[Path, list[dict]]:
    """A SQuAD-format file of 30 one-question paragraphs ("How many bridges has Town 12?")."""
    import gzip

    paragraphs = [{"context": f"Town {n} has {n} bridges and the Mayor Anna {n}.", "qas": [
        {"id": str(n), "question": f"How many bridges has Town {n}?",
         "answers": [{"text": str(n), "answer_start": len(f"Town {n} has ")}]}]} for n in range(10, 40)]
    path = tmp_path / "train.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump({"data": [{"title": "t", "paragraphs": paragraphs}]}, handle)
    return path, paragraphs


def test_a_later_stage_skips_what_the_first_stage_saw(tmp_path):
    from qa import train_reader

    path, _ = _towns(tmp_path)
    first = train_reader.select_examples(train_reader.parse_args(["--data", str(path), "--examples", "12"]))
    second = train_reader.select_examples(train_reader.parse_args(
        ["--data", str(path), "--examples", "0", "--skip-seen", "12", "--swap-ratio", "1.0"]))
    assert {e.question for e in first}.isdisjoint(e.question for e in second if e.answer_start >= 0)
    # An entity swap asks about another town's number: a question the paragraph cannot answer.
    mismatched = [e for e in second if e.question.split()[-1].rstrip("?") not in e.context]
    assert mismatched and all(e.answer_start < 0 for e in mismatched)


def test_a_third_stage_skips_the_questions_recorded_by_earlier_runs(tmp_path):
    from qa import train_reader

    path, paragraphs = _towns(tmp_path)
    common = ["--data", str(path), "--negative-ratio", "0", "--prepare-only"]
    train_reader.train(train_reader.parse_args([*common, "--work-dir", str(tmp_path / "one"), "--examples", "8"]))
    train_reader.train(train_reader.parse_args([*common, "--work-dir", str(tmp_path / "two"), "--examples", "9",
                                                "--skip-questions-of", str(tmp_path / "one")]))
    recorded = [set((tmp_path / name / "questions.txt").read_text().splitlines()) for name in ("one", "two")]
    assert len(recorded[0]) == 8 and len(recorded[1]) == 9 and recorded[0].isdisjoint(recorded[1])
    third = train_reader.select_examples(train_reader.parse_args(
        [*common, "--examples", "0", "--skip-questions-of", str(tmp_path / "one"), str(tmp_path / "two")]))
    assert {e.question for e in third} == {p["qas"][0]["question"] for p in paragraphs} - recorded[0] - recorded[1]
    assert not (tmp_path / "one" / "checkpoint.pt").exists()  # --prepare-only trains nothing


def test_the_export_cache_keeps_the_three_newest_files(tmp_path):
    import os

    from qa.reader import _prune

    files = [tmp_path / f"reader-{n}-v1.onnx" for n in range(5)]
    for n, path in enumerate(files):
        path.write_bytes(b"x")
        os.utime(path, (1000 + n, 1000 + n))
    (tmp_path / "notes.txt").write_text("not an export")
    _prune(files[0])  # the oldest is the one just used: it stays, with the two newest others
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [files[0].name, files[3].name, files[4].name, "notes.txt"])
