"""The answer-sentence model at inference: the probability that a sentence (read under its heading path)
answers a question. Trained by ``python -m qa.train_sentence`` (see ``qa/models/SENTENCE_MODEL_CARD.md``).

Like the reader, it runs on ONNX Runtime: the shipped fp16 weights are exported once per weights file to
the cache and checked against the PyTorch model's logits on load; then quantized to int8 weights (once,
checked against the exact export on load), which halves the time to judge a question's sentences.
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass
from pathlib import Path

from qa.reader import _checksum, base_model_path, onnx_session, reader_cache_dir
from qa.train_sentence import MAX_LENGTH, sentence_input

SHIPPED_JUDGE = Path(__file__).resolve().parent / "models" / "sentence.safetensors"
ONNX_FORMAT = 1
BACKENDS = ("onnx-int8", "onnx", "torch")  # int8 weights by default: see the model card for what it costs
INT8_TOLERANCE = 1.0  # log-odds; measured drift is about 0.2
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Judged:
    """A sentence to judge: its text and the heading path it sits under ("" for none)."""

    text: str
    context: str = ""


def probability(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-logit)) if logit > -500 else 0.0


class SentenceJudge:
    """Scores (question, sentence) pairs with the answer-sentence cross-encoder; loads on first use;
    thread-safe. ``logits`` are log-odds that each sentence answers the question.

    Example:
        >>> judge = SentenceJudge()
        >>> a, b = judge.logits("Who founded the lab?", [Judged("Anna Rossi founded the lab in 1990."),
        ...                                                Judged("The lab has two buildings.")])
        >>> a > b
        True
    """

    def __init__(self, weights: str | Path = SHIPPED_JUDGE, batch_size: int = 32, max_length: int = MAX_LENGTH,
                 backend: str = "onnx-int8") -> None:
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
        self.weights, self.batch_size, self.max_length, self.backend = Path(weights), batch_size, max_length, backend
        self._model = self._tokenizer = None
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return self.weights.is_file()

    def _load(self):
        with self._lock:
            if self._model is None:
                if not self.available:
                    raise FileNotFoundError(f"answer-sentence weights not found: {self.weights}")
                from safetensors.torch import load_file
                from transformers import AutoConfig, AutoTokenizer, BertForSequenceClassification

                base = base_model_path()
                config = AutoConfig.from_pretrained(base, num_labels=1)
                model = BertForSequenceClassification(config)
                model.load_state_dict({k: v.float() for k, v in load_file(str(self.weights)).items()}, strict=False)
                model.eval()
                self._tokenizer = AutoTokenizer.from_pretrained(base)
                self._model = model if self.backend == "torch" else self._onnx_session(model)
        return self._model, self._tokenizer

    def _onnx_session(self, model):
        path = reader_cache_dir() / f"judge-{_checksum(self.weights)}-v{ONNX_FORMAT}.onnx"
        return onnx_session(model, path, ("logits",), self._check, "answer-sentence model",
                            self._check_int8 if self.backend == "onnx-int8" else None)

    @staticmethod
    def _check_int8(exact, quantized) -> None:
        """The int8 model's log-odds stay within ``INT8_TOLERANCE`` of the exact export's on a fixed batch."""
        import numpy as np

        rng = np.random.default_rng(0)
        ids = rng.integers(1000, 20000, (4, 40))
        segments = np.zeros_like(ids)
        segments[:, 12:] = 1
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": segments}
        drift = np.abs(quantized.run(None, feed)[0] - exact.run(None, feed)[0]).max()
        if drift > INT8_TOLERANCE:
            raise RuntimeError(f"the int8 model's log-odds drift by {drift:.2f}")

    @staticmethod
    def _check(model, session) -> None:
        import numpy as np
        import torch

        ids = torch.randint(1000, 20000, (3, 29), generator=torch.Generator().manual_seed(0))
        mask, segments = torch.ones_like(ids), torch.zeros_like(ids)
        mask[1, 20:] = 0
        segments[:, 9:] = 1
        with torch.inference_mode():
            expected = model(input_ids=ids, attention_mask=mask, token_type_ids=segments).logits.numpy()
        (got,) = session.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy(),
                                    "token_type_ids": segments.numpy()})
        if np.abs(got - expected).max() > 1e-3:
            raise RuntimeError("the ONNX export differs from the model")

    def logits(self, question: str, sentences: list[Judged]) -> list[float]:
        """The log-odds that each sentence answers question, in order."""
        if not sentences:
            return []
        import torch

        model, tokenizer = self._load()
        seconds = [sentence_input(s.text, s.context) for s in sentences]
        out: list[float] = []
        for b in range(0, len(seconds), self.batch_size):
            enc = tokenizer([question] * len(seconds[b : b + self.batch_size]), seconds[b : b + self.batch_size],
                            truncation="only_second", max_length=self.max_length, padding=True, return_tensors="pt")
            feed = {k: enc[k] for k in ("input_ids", "attention_mask", "token_type_ids")}
            if isinstance(model, torch.nn.Module):
                with torch.inference_mode():
                    values = model(**feed).logits[:, 0].numpy()
            else:
                values = model.run(None, {k: v.numpy() for k, v in feed.items()})[0][:, 0]
            out.extend(float(v) for v in values)
        return out
