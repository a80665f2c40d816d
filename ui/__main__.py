"""``python -m ui --docs DIR --port N --host 127.0.0.1``: serve the chat."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui", description="Serve the document chat in a browser.")
    parser.add_argument("--docs", default="seeds", help="folder of .txt/.md documents (default: seeds)")
    parser.add_argument("--index-dir", help="where the index lives (default: a per-folder cache)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--auth", default=os.environ.get("DOCQA_AUTH"),
                        help="USER:PASSWORD required to use the app (or set DOCQA_AUTH)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    from index import EmptyFolderError
    from qa import Assistant
    from ui.app import CSS, build_app

    auth = None
    if args.auth:
        user, _, password = args.auth.partition(":")
        if not user or not password:
            print("error: --auth must be USER:PASSWORD", file=sys.stderr)
            return 2
        auth = (user, password)
    if args.host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        print(f"warning: serving on {args.host} without authentication: anyone who can reach this machine "
              "can read your documents. Use --auth USER:PASSWORD.", file=sys.stderr)
    try:
        assistant = Assistant.open(args.docs, args.index_dir)
    except (EmptyFolderError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"indexed {len(assistant.index.documents)} documents; open http://{args.host}:{args.port}", flush=True)
    threading.Thread(target=assistant.warm_up, name="warm-up", daemon=True).start()  # models load meanwhile
    build_app(assistant).launch(server_name=args.host, server_port=args.port, auth=auth, css=CSS,
                                show_error=True, footer_links=["api"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
