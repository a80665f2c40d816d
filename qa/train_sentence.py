"""Train the answer-sentence model: a cross-encoder that gives the probability that a sentence answers a
question.

Run ``python -m qa.train_sentence --help``. The encoder starts from the shipped reader's (MiniLM, 6 layers,
already trained to read questions against text) with a fresh one-logit head. Pairs come from
``../shared/squad2-train/`` (the training articles only; :func:`qa.train_reader.is_heldout` keeps a tenth
out) and from a hand-written file of the kinds SQuAD lacks (FAQ answers, list items, definitions, yes-no
and how-to answers, near misses): see :func:`squad_pairs` and :func:`written_pairs`. The run is
deterministic for a seed, checkpoints, resumes from its checkpoint in the same ``--work-dir``, and writes
fp16 weights with ``--export``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path

from index.chunk import split_sentences
from qa.train_reader import SQUAD2_TRAIN, _atomic_save, export_fp16, is_heldout, make_batches, optimizer_and_resume

logger = logging.getLogger(__name__)

WRITTEN_PAIRS = Path(__file__).resolve().parent / "data" / "sentence_pairs.jsonl"
MAX_LENGTH = 128


@dataclass(frozen=True)
class Pair:
    """A question, a sentence with its little context (``context``: the heading or title it sits
    under, "" for none) and whether the sentence answers the question (1.0) or not (0.0)."""

    question: str
    sentence: str
    context: str
    label: float


def sentence_input(sentence: str, context: str = "") -> str:
    """The second segment the model reads: the heading path (or title) it sits under, then the sentence.

    Example:
        >>> sentence_input("Press and hold for 5 seconds.", "Scanner FAQ > Pairing")
        'Scanner FAQ > Pairing: Press and hold for 5 seconds.'
    """
    return f"{context}: {sentence}" if context else sentence


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def _closest(question: str, sentences: list[str]) -> list[int]:
    """Sentence indexes ordered by the number of question words they share, most first."""
    words = _words(question)
    return sorted(range(len(sentences)), key=lambda i: -len(words & _words(sentences[i])))


def squad_pairs(path: Path, split: str, seed: int, others: int = 2, title_share: float = 0.5) -> list[Pair]:
    """Pairs from a SQuAD 2.0 file, articles chosen by ``split`` as in ``qa.train_reader.load_examples``.

    An answerable question gives its answer's sentence (positive), the paragraph's sentence that shares
    most words with it besides that one, and up to ``others`` more random sentences of the paragraph
    (negatives). An unanswerable question, written against that very paragraph, gives the two sentences
    that share most words with it (negatives): the near misses a good model must refuse. The article's
    title stands as the context for a ``title_share`` of the pairs.
    """
    rng = random.Random(seed)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        articles = json.load(handle)["data"]
    pairs: list[Pair] = []
    for article in articles:
        title = article.get("title", "").replace("_", " ")
        if split != "all" and is_heldout(article.get("title", "")) != (split == "heldout"):
            continue
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            spans = split_sentences(context)
            sentences = [context[s:e] for s, e in spans]
            if len(sentences) < 2:
                continue
            for qa in paragraph["qas"]:
                heading = title if rng.random() < title_share else ""
                question = qa["question"]
                ranked = _closest(question, sentences)
                if qa.get("is_impossible"):
                    pairs += [Pair(question, sentences[i], heading, 0.0) for i in ranked[:2]]
                    continue
                start = qa["answers"][0]["answer_start"]
                end = start + len(qa["answers"][0]["text"])
                gold = [i for i, (s, e) in enumerate(spans) if s < end and start < e]
                if len(gold) != 1:
                    continue  # an answer across sentences: no single positive
                pairs.append(Pair(question, sentences[gold[0]], heading, 1.0))
                rest = [i for i in ranked if i != gold[0] and qa["answers"][0]["text"] not in sentences[i]]
                picked = rest[:1] + rng.sample(rest[1:], max(0, min(others, len(rest) - 1)))
                pairs += [Pair(question, sentences[i], heading, 0.0) for i in picked]
    return pairs


def written_pairs(path: Path = WRITTEN_PAIRS) -> list[Pair]:
    """The hand-written pairs: one JSON object a line with question, sentence, context and label."""
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Pair(r["question"], r["sentence"], r.get("context", ""), float(r["label"])) for r in rows]


def encode(tokenizer, pairs: list[Pair], max_length: int = MAX_LENGTH) -> list[dict]:
    """Tokenized (question, context: sentence) pairs, truncating the sentence side."""
    enc = tokenizer([p.question for p in pairs], [sentence_input(p.sentence, p.context) for p in pairs],
                    truncation="only_second", max_length=max_length)
    return [{"input_ids": enc["input_ids"][i], "token_type_ids": enc["token_type_ids"][i], "label": p.label}
            for i, p in enumerate(pairs)]


def collate(rows: list[dict], indices: list[int]):
    import torch

    length = (max(len(rows[i]["input_ids"]) for i in indices) + 7) // 8 * 8
    ids = torch.zeros((len(indices), length), dtype=torch.long)
    types, mask = torch.zeros_like(ids), torch.zeros_like(ids)
    for row, i in enumerate(indices):
        n = len(rows[i]["input_ids"])
        ids[row, :n] = torch.tensor(rows[i]["input_ids"])
        types[row, :n] = torch.tensor(rows[i]["token_type_ids"])
        mask[row, :n] = 1
    return ids, types, mask, torch.tensor([rows[i]["label"] for i in indices])


def build_model(reader_weights: str = ""):
    """A one-logit sequence classifier on the MiniLM encoder, the encoder taken from the reader's weights
    (or, from an earlier answer-sentence run's weights, the whole model: a second stage)."""
    from transformers import AutoModelForSequenceClassification

    from qa.reader import base_model_path

    model = AutoModelForSequenceClassification.from_pretrained(base_model_path(), num_labels=1)
    if reader_weights:
        from safetensors.torch import load_file

        state = load_file(reader_weights)
        whole = "classifier.weight" in state
        encoder = {k: v.float() for k, v in state.items() if whole or k.startswith("bert.")}
        missing = model.load_state_dict(encoder, strict=False)
        logger.info("encoder from %s (%d head tensors new)", reader_weights, len(missing.missing_keys))
    return model


def select_pairs(args: argparse.Namespace) -> list[Pair]:
    """The run's pairs: ``--squad-pairs`` from SQuAD 2.0 (seeded sample) plus every written pair, repeated
    ``--written-repeat`` times, shuffled together."""
    rng = random.Random(args.seed)
    squad = squad_pairs(Path(args.data), "train", args.seed)
    rng.shuffle(squad)
    squad = squad[args.skip_squad_pairs :]
    pairs = squad[: args.squad_pairs] + written_pairs(Path(args.written)) * args.written_repeat
    rng.shuffle(pairs)
    return pairs


def train(args: argparse.Namespace) -> Path:
    import torch
    from transformers import AutoTokenizer

    from qa.reader import SHIPPED_WEIGHTS, base_model_path

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    work = Path(args.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(base_model_path())
    pairs = select_pairs(args)
    rows = encode(tokenizer, pairs, args.max_length)
    batches = make_batches([len(r["input_ids"]) for r in rows], args.batch_size, args.seed)
    total = len(batches)
    logger.info("%d pairs (%d positive) -> %d steps", len(pairs), sum(p.label > 0.5 for p in pairs), total)
    model = build_model(args.init_from or str(SHIPPED_WEIGHTS))
    checkpoint = work / "checkpoint.pt"
    optimizer, scheduler, step = optimizer_and_resume(model, checkpoint, args.lr, 0.01, args.warmup, total)
    log = (work / "train_log.jsonl").open("a", encoding="utf-8")
    model.train()
    tick, seen = time.time(), 0
    while step < total:
        ids, types, mask, labels = collate(rows, batches[step])
        logits = model(input_ids=ids, token_type_ids=types, attention_mask=mask).logits.squeeze(-1)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels.float())
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        seen += len(batches[step - 1])
        log.write(json.dumps({"step": step, "loss": round(loss.item(), 4), "lr": scheduler.get_last_lr()[0]}) + "\n")
        if step % 20 == 0:
            log.flush()
            rate = seen / (time.time() - tick)
            logger.info("step %d/%d loss %.3f %.1f pairs/s eta %.0f min", step, total, loss.item(), rate,
                        (total - step) * args.batch_size / max(rate, 1e-9) / 60)
        if step % args.checkpoint_every == 0 or step == total:
            _atomic_save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                          "scheduler": scheduler.state_dict(), "step": step}, checkpoint)
    log.close()
    final = work / "final.safetensors"
    export_fp16(model, final)
    if args.export:
        export_fp16(model, Path(args.export))
    return final


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m qa.train_sentence",
        description="Fine-tune the answer-sentence cross-encoder on SQuAD 2.0 sentences and written pairs.",
        epilog="example: python -m qa.train_sentence --work-dir .sentence-run --export qa/models/sentence.safetensors",
    )
    parser.add_argument("--data", default=str(SQUAD2_TRAIN), help="SQuAD 2.0 train json.gz")
    parser.add_argument("--written", default=str(WRITTEN_PAIRS), help="hand-written pairs (jsonl)")
    parser.add_argument("--written-repeat", type=int, default=3, help="times each written pair is seen")
    parser.add_argument("--squad-pairs", type=int, default=60000, help="SQuAD pairs to train on (0 = all)")
    parser.add_argument("--skip-squad-pairs", type=int, default=0,
                        help="leave out the first N pairs of the seeded sample (those an earlier stage trained on)")
    parser.add_argument("--init-from", default="",
                        help="reader weights whose encoder to start from (default: the shipped reader), or an earlier "
                        "answer-sentence run's weights to go on from")
    parser.add_argument("--work-dir", default=".sentence-run")
    parser.add_argument("--max-length", type=int, default=MAX_LENGTH)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--warmup", type=int, default=60)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--checkpoint-every", type=int, default=100)
    parser.add_argument("--export", default="", help="write the final fp16 weights here")
    args = parser.parse_args(argv)
    if not args.squad_pairs:
        args.squad_pairs = None
    return args


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    train(parse_args(argv))


if __name__ == "__main__":
    main()
