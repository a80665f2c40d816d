"""``python -m ui --docs DIR --port N --host 127.0.0.1``: serve the chat. Also the ``docqa`` console command."""

from __future__ import annotations

import argparse
import logging
import os
import stat
import sys
import threading
from pathlib import Path

OWN_LOGGERS = ("qa", "index", "ui")


class _OwnNews(logging.Filter):
    """Lets through this project's INFO lines and everyone's warnings. Libraries' INFO and DEBUG lines read
    as errors to a user: faiss's "Could not load library with AVX2 support due to: ModuleNotFoundError",
    bm25s's "Building index from tokens" (bm25s sets its own logger to DEBUG when imported), httpx's requests."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or (
            record.levelno >= logging.INFO and record.name.split(".")[0] in OWN_LOGGERS)


def configure_logging() -> None:
    """INFO lines of qa/index/ui and warnings of all, one line each, on stderr; no progress bars of model
    loading ("Loading weights: 100%")."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # read by transformers when it is imported
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(_OwnNews())
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)


Logins = list[tuple[str, str]]


def read_auth(cli: str | None, auth_file: str | None, env: str | None) -> tuple[Logins | None, list[str]]:
    """The logins (USER:PASSWORD, one per line in a file) from ``--auth``, ``--auth-file`` or ``DOCQA_AUTH``, in
    that order, and the warnings to print.

    Raises:
        ValueError: a login that is not USER:PASSWORD, or an unreadable or empty file.

    Example:
        >>> read_auth(None, None, "ana:s3cret")
        ([('ana', 's3cret')], [])
    """
    warnings = []
    if cli:
        warnings.append("warning: a password given with --auth shows in the process list (ps) and the shell "
                        "history; use --auth-file FILE or the DOCQA_AUTH environment variable instead.")
        lines, origin = [cli], "--auth"
    elif auth_file:
        path = Path(auth_file)
        try:
            lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            mode = path.stat().st_mode
        except OSError as error:
            raise ValueError(f"--auth-file {auth_file}: {error.strerror or error}") from None
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            warnings.append(f"warning: {auth_file} can be read by other users; chmod 600 {auth_file}")
        origin = f"--auth-file {auth_file}"
    elif env:
        lines, origin = [env], "DOCQA_AUTH"
    else:
        return None, warnings
    logins = []
    for line in lines:
        user, _, password = line.partition(":")
        if not user.strip() or not password:
            raise ValueError(f"{origin} must be USER:PASSWORD" + (" (one per line)" if auth_file and not cli else ""))
        logins.append((user.strip(), password))
    if not logins:
        raise ValueError(f"{origin} holds no USER:PASSWORD line")
    return logins, warnings


def main(argv: list[str] | None = None, prog: str = "python -m ui") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="Serve the document chat in a browser.")
    parser.add_argument("--docs", default="seeds", help="folder of documents (default: seeds)")
    parser.add_argument("--index-dir", help="where the index lives (default: a per-folder cache)")
    parser.add_argument("--store", metavar="URL",
                        help="'local' (FAISS, the default) or milvus://HOST:PORT[/COLLECTION]: several servers "
                             "share one Milvus collection (default: $DOCQA_STORE)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--auth-file", metavar="FILE",
                        help="file of USER:PASSWORD lines required to use the app (or set DOCQA_AUTH)")
    parser.add_argument("--auth", metavar="USER:PASSWORD",
                        help="a login on the command line (visible in ps: prefer --auth-file or DOCQA_AUTH)")
    parser.add_argument("--no-watch", action="store_true",
                        help="do not watch the folder (changes are indexed on upload or 'Check the folder again')")
    args = parser.parse_args(argv)
    configure_logging()
    try:
        auth, warnings = read_auth(args.auth, args.auth_file, os.environ.get("DOCQA_AUTH"))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for warning in warnings:
        print(warning, file=sys.stderr)
    if args.host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        print(f"warning: serving on {args.host} without authentication: anyone who can reach this machine "
              "can read your documents. Use --auth-file FILE or DOCQA_AUTH=USER:PASSWORD.", file=sys.stderr)
    from index import EmptyFolderError
    from qa import Assistant
    from qa.watch import FolderWatcher
    from ui.app import CSS, build_app, serve

    from qa.cli import embedding_progress, index_summary

    try:
        with embedding_progress() as progress:
            assistant = Assistant.open(args.docs, args.index_dir, progress=progress, store=args.store)
        print(index_summary(assistant), flush=True)
    except (EmptyFolderError, FileNotFoundError, ConnectionError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    threading.Thread(target=assistant.warm_up, name="warm-up", daemon=True).start()  # models load meanwhile
    # files added, changed or removed on disk while the chat runs are indexed in the background
    watcher = None if args.no_watch else FolderWatcher(assistant).start()
    try:
        demo = build_app(assistant, watcher=watcher)
        serve(demo, args.host, args.port, auth=auth, css=CSS, show_error=True, footer_links=["api"],
              prevent_thread_lock=True)
        print(f"open http://{args.host}:{args.port}"
              + (" and log in" if auth else "") + ("" if watcher is None else f"; watching {args.docs}"),
              flush=True)
        try:
            demo.block_thread()
        except KeyboardInterrupt:
            pass
    finally:
        if watcher is not None:
            watcher.stop()
    return 0


COMMANDS = {"ask": "answer a question, with citations", "search": "the passages that best match a question",
            "index": "build or refresh the index of a folder", "eval": "score a question set and write a report",
            "serve": "serve the chat in a browser"}


def docqa(argv: list[str] | None = None) -> int:
    """The ``docqa`` console command: ``docqa ask|search|index|eval ...`` is ``python -m qa ...``, and
    ``docqa serve ...`` is ``python -m ui ...``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        out = sys.stdout if argv and argv[0] in ("-h", "--help") else sys.stderr
        if argv and argv[0] not in ("-h", "--help"):
            print(f"docqa: unknown command {argv[0]!r}", file=out)
        print("usage: docqa {" + ",".join(COMMANDS) + "} ...\n\nAnswer questions from a folder of documents, "
              "with citations.\n\ncommands:\n" + "".join(f"  {c:<8}{text}\n" for c, text in COMMANDS.items())
              + "\n`docqa COMMAND --help` shows each command's options.", file=out)
        return 0 if out is sys.stdout else 2
    if argv[0] == "serve":
        return main(argv[1:], prog="docqa serve")
    from qa.cli import main as qa_main

    return qa_main(argv)


if __name__ == "__main__":
    sys.exit(main())
