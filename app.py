"""Serve the browser chat: load the pipeline once, then launch the Gradio app on localhost.

    python app.py                  # http://127.0.0.1:7860
    python app.py --port 8000      # or GRADIO_SERVER_PORT=8000
    python app.py --host 0.0.0.0   # every interface: needs accounts (qa user add) first
    python app.py --host 0.0.0.0 --open-access   # or: everyone an anonymous reader (warned)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from qa import Pipeline, QAError, Settings
from qa.access import Gate, is_loopback
from qa.documents.live import LivePipeline
from qa.logs import quiet_libraries

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
CONCURRENCY = 4  # simultaneous questions; the pipeline serialises its model calls anyway
QUEUE_SIZE = 64


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """--host/--port, defaulting to GRADIO_SERVER_NAME/GRADIO_SERVER_PORT, then localhost:7860."""
    parser = argparse.ArgumentParser(description="Serve the document Q&A chat in the browser.")
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", DEFAULT_HOST),
                        help=f"interface to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=_port,  # argparse also converts (and checks) the default
                        default=os.environ.get("GRADIO_SERVER_PORT", str(DEFAULT_PORT)),
                        help=f"port (default $GRADIO_SERVER_PORT or {DEFAULT_PORT})")
    parser.add_argument("--corpus", default=None, help="corpus folder (default corpus/)")
    parser.add_argument("--index", default=None, help="index folder (default index/)")
    parser.add_argument("--open-access", action="store_true",
                        help="beyond loopback without accounts: serve everyone as an "
                             "anonymous reader who can ask but not change the documents")
    parser.add_argument("--watch", type=Path, default=None, metavar="DIR",
                        help="apply this folder's new, changed and deleted files while serving")
    parser.add_argument("--watch-library", default="main",
                        help="the library the watched folder's documents go to")
    parser.add_argument("--store", default=None, help="where the index lives instead: "
                        "milvus:///abs/path.db or milvus://host:19530 (default $QA_STORE)")
    return parser.parse_args(argv)


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"invalid port {value!r} (from --port or GRADIO_SERVER_PORT): use 1-65535")
    return port


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Gradio reads GRADIO_SERVER_PORT with int() when imported: give it the checked value.
    os.environ["GRADIO_SERVER_PORT"] = str(args.port)
    from qa.access.upload_limit import upload_limit
    from qa.ui import build_app, launch_options

    quiet_libraries()
    settings = Settings.from_env(corpus_dir=args.corpus, index_dir=args.index, store=args.store)
    try:
        gate = Gate.for_app(settings.index_dir, args.host, open_access=args.open_access)
        pipeline = Pipeline.load(settings, serve_stale=True)
    except QAError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.open_access and not gate.login_required and not is_loopback(args.host):
        print(f"WARNING: serving {args.host}:{args.port} with no accounts: anyone who can "
              f"reach it can ask questions about every document (they cannot change them).",
              file=sys.stderr)
    live = LivePipeline(pipeline)
    if args.watch is not None:
        try:
            start_watching(live, args.watch, args.watch_library)
        except QAError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    app = build_app(live, gate=gate).queue(default_concurrency_limit=CONCURRENCY,
                                           max_size=QUEUE_SIZE)
    auth = {"auth": gate.login, "auth_message": "Log in with your account or an API token "
            "(qa user / qa token)."} if gate.login_required else {}
    try:
        app.launch(server_name=args.host, server_port=args.port, **auth, **launch_options(),
                   app_kwargs={"middleware": [upload_limit(gate)]})
    except OSError as error:  # port taken, unknown host, no permission
        print(f"error: cannot serve on {args.host}:{args.port} ({error})", file=sys.stderr)
        return 1
    return 0


def start_watching(live: LivePipeline, folder: Path, library_name: str) -> None:
    """Apply the folder's changes through the served pipeline, in a background thread."""
    import threading

    from qa.documents.watch import FolderWatch

    watcher = FolderWatch(folder, live.settings.index_dir,
                          add=lambda path: live.add([path], replace=True,
                                                    library_name=library_name),
                          remove=live.remove)
    threading.Thread(target=watcher.run, args=(threading.Event(),), name="qa-folder-watch",
                     daemon=True).start()
    print(f"Watching {watcher.folder} for documents.", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
