"""Command line: ``python -m qa index|search|ask|eval``. A thin layer over ``qa.Assistant``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

EXAMPLES = """examples:
  python -m qa index seeds
  python -m qa search "Who was arrested in Moscow?" -k 5 --docs seeds
  python -m qa ask "Who was arrested in Moscow?" --docs seeds --json
  python -m qa eval tests/data/seeds_qa.jsonl --docs seeds --out report/
"""


@contextmanager
def embedding_progress(enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A progress callback for ``Assistant.open``: a bar on a terminal, nothing otherwise."""
    from tqdm import tqdm

    with tqdm(desc="embedding passages", unit="passage", disable=None if enabled else True, leave=False) as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield progress


def index_summary(assistant) -> str:
    """One line on what the last refresh of the assistant's index did."""
    report, documents = assistant.last_refresh, len(assistant.index.documents)
    return (f"indexed {documents} document{'' if documents == 1 else 's'}, {assistant.index.passage_count} passages in "
            f"{assistant.index_dir} ({len(report.embedded)} embedded, {len(report.reused)} reused, "
            f"{len(report.removed)} removed, {report.seconds:.1f}s)"
            + (f"; vectors in {assistant.remote.address.url}, {len(report.pulled)} documents taken from it"
               if assistant.remote else ""))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m qa", description="Answer questions from a folder of documents, with citations.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, docs_positional: bool = False) -> None:
        if docs_positional:
            p.add_argument("docs", help="folder of documents (.txt, .md, .pdf, .docx, .html)")
        else:
            p.add_argument("--docs", default="seeds", help="folder of .txt/.md documents (default: seeds)")
        p.add_argument("--index-dir", help="where the index lives (default: a per-folder cache)")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.add_argument("--vector-index", choices=["auto", "exact", "ivf"], default="auto",
                       help="FAISS index: exact search, IVF, or chosen by size (default auto)")
        p.add_argument("--store", metavar="URL",
                       help="'local' (FAISS, the default) or milvus://HOST:PORT[/COLLECTION] (default: $DOCQA_STORE)")
        p.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")

    common(sub.add_parser("index", help="build or refresh the index of a folder", epilog=EXAMPLES,
                          formatter_class=argparse.RawDescriptionHelpFormatter), docs_positional=True)
    for name, text in (("search", "show the passages that best match a question"),
                       ("ask", "answer a question, with citations")):
        p = sub.add_parser(name, help=text, epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("question")
        p.add_argument("-k", type=int, default=5, help="how many passages (default 5)")
        p.add_argument("--no-reader", action="store_true", help="answer from sentences, without the reader")
        common(p)
    p = sub.add_parser("eval", help="score a JSONL question set and write a report", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("questions", help="JSON Lines file: question, answers, answerable, sources, start, end, id, kind")
    p.add_argument("-k", type=int, default=5, help="retrieval depth scored (default 5)")
    p.add_argument("--out", default="eval-report", help="report folder (default eval-report)")
    p.add_argument("--compare", help="an earlier report.json to compare with, question by question")
    p.add_argument("--no-reader", action="store_true", help="answer from sentences, without the reader")
    p.add_argument("--answer-all", action="store_true",
                   help="never abstain, so every answer is scored: the run to fit the answerable decision on")
    p.add_argument("--answer-threshold", type=_probability, metavar="P",
                   help="answer when the answerable probability is at least P (default: the fitted threshold)")
    common(p)
    return parser


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a probability in [0, 1], got {text}")
    return value


def _print_json(data: object) -> None:
    from qa.answer import json_ready

    print(json.dumps(json_ready(data), indent=2, ensure_ascii=False, allow_nan=False))


def _open(args: argparse.Namespace):
    from dataclasses import replace

    from qa import AnswerSettings, Assistant

    answering = AnswerSettings()
    if getattr(args, "answer_all", False):
        answering = replace(answering, answer_threshold=0.0, sentence_answer_threshold=0.0, min_similarity=-1.0)
    elif (threshold := getattr(args, "answer_threshold", None)) is not None:
        answering = replace(answering, answer_threshold=threshold, sentence_answer_threshold=threshold)
    return Assistant.open(args.docs, args.index_dir, use_reader=not getattr(args, "no_reader", False),
                          vector_index=args.vector_index, answering=answering, store=args.store)


def run(args: argparse.Namespace) -> int:
    if args.command == "index":
        from qa import Assistant

        with embedding_progress(enabled=not args.json) as progress:
            assistant = Assistant.open(args.docs, args.index_dir, use_reader=False, progress=progress,
                                       vector_index=args.vector_index, store=args.store)
        report = assistant.last_refresh
        if args.json:
            _print_json({"index_dir": str(assistant.index_dir), **asdict(report),
                         "passages": assistant.index.passage_count})
        else:
            print(index_summary(assistant))
            for skipped in report.skipped:
                print(f"skipped {skipped.source}: {skipped.reason}")
        return 0
    if args.command == "search":
        hits = _open(args).retrieve(args.question, k=args.k)
        if args.json:
            _print_json([asdict(h) for h in hits])
        else:
            for n, hit in enumerate(hits, start=1):
                print(f"[{n}] {hit.source}:{hit.start}-{hit.end}  score {hit.score:.3f}")
                print("    " + " ".join(hit.text.split())[:300])
        return 0
    if args.command == "ask":
        answer = _open(args).ask(args.question, k=args.k)
        if args.json:
            _print_json(answer.as_dict())
        else:
            if answer.searched:
                print(f"Searched for: {answer.searched}\n")
            print(answer.text)
            print(f"\nConfidence: {answer.confidence:.0%}")
            if answer.citations:
                print("\nSources:")
                for n, c in enumerate(answer.citations, start=1):
                    print(f"  [{n}] {c.source}, characters {c.start}-{c.end}")
            else:
                print("\nClosest passages:")
                for hit in answer.hits[:3]:
                    print(f"  {hit.source}:{hit.start}-{hit.end}  " + " ".join(hit.text.split())[:120])
        return 0
    if args.command == "eval":
        from qa.evaluate import compare_reports, evaluate_file

        report = evaluate_file(Path(args.questions), _open(args), Path(args.out), k=args.k)
        if args.json:
            _print_json(report["summary"])
        else:
            for key, value in report["summary"].items():
                print(f"{key:28s} {value}")
            for kind, figures in report["by_kind"].items():
                print(f"kind {kind:23s} " + ", ".join(f"{key} {value}" for key, value in figures.items()))
            if (best := report["trade_off"]["best"]) is not None:
                print(f"{'best threshold (this set)':28s} " + ", ".join(f"{k} {v}" for k, v in best.items()))
            print(f"report written to {args.out}/report.md")
        if args.compare:
            print(compare_reports(json.loads(Path(args.compare).read_text()), report))
        return 0
    raise AssertionError(args.command)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    from index import EmptyFolderError
    from qa.errors import InvalidQuestionError

    try:
        return run(args)
    except (InvalidQuestionError, EmptyFolderError, FileNotFoundError, ConnectionError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
