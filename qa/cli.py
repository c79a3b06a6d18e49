"""The `qa` command line: build | ask | eval. Every QAError becomes one line and exit 1.

    qa build [--if-needed]
    qa ask "QUESTION" [--json] [--doc DOC]
    qa ask --batch IN.jsonl --out OUT.jsonl
    qa eval FILE.jsonl [--verbose] | qa eval FOLDER [--limit N]  (see qa.eval.commands)
    qa add PATH... [--replace] | qa remove NAME | qa list      (see qa.documents.library)
    qa bench [--quick] [--replica N]                            (see benchmarks/run.py)
    qa feedback list | qa feedback export FILE.jsonl            (see qa.ui.feedback)
    qa user add|remove|list|passwd | qa token create|list|revoke (see qa.access)
Every command takes --corpus DIR and --index DIR (or QA_CORPUS_DIR / QA_INDEX_DIR).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import NoReturn

from qa.access import commands as access_commands
from qa.config import Settings
from qa.errors import InputError, QAError
from qa.eval import commands as eval_commands
from qa.logs import quiet_libraries


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"qa: error: {message}", file=sys.stderr)
        raise SystemExit(1)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", type=Path, help="folder of documents (default: corpus/)")
    common.add_argument("--index", type=Path, help="index folder (default: index/)")
    common.add_argument("--store", help="where the index lives instead of the index folder: "
                        "milvus:///abs/path.db (Milvus Lite) or milvus://host:19530 "
                        "(default: $QA_STORE, else the index folder)")
    common.add_argument("-v", "--verbose", action="store_true", help="log details")
    parser = _Parser(prog="qa", description="Answers questions about your documents, "
                     "quoting them verbatim with numbered citations.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    build = commands.add_parser("build", parents=[common], help="build the index")
    build.add_argument("--if-needed", action="store_true",
                       help="only build when the index is missing or stale")
    build.add_argument("--rebuild", action="store_true", help="a Milvus store built by another "
                       "embedder or qa version: drop it and build it again")
    build.add_argument("--ray", metavar="ADDRESS", help="embed on a Ray cluster: 'auto' (the "
                       "running one, or a local one), or its address; needs .[scale]")
    build.add_argument("--ray-actors", type=int, default=2, metavar="N",
                       help="embedding actors (default 2)")

    ask = commands.add_parser("ask", parents=[common], help="ask a question")
    ask.add_argument("question", nargs="?", help="the question (quote it)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--doc", help="only search this document (its id, see `qa list`)")
    ask.add_argument("--batch", type=Path, help="JSONL file of {id, question, history}")
    ask.add_argument("--out", type=Path, help="where --batch writes its JSONL answers")

    evaluate = commands.add_parser("eval", parents=[common], help="score an eval file")
    evaluate.add_argument("file", type=Path, help="questions in the eval JSONL format")
    evaluate.add_argument("--details", type=Path, help="write per-question results (JSONL)")
    evaluate.add_argument("--limit", type=int, help="SQuAD folders: questions per article")

    add = commands.add_parser("add", parents=[common], help="add documents and index them")
    add.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                     help="text, Markdown, HTML, PDF, CSV, XLSX, ODS, DOCX, PPTX, EPUB, "
                          "PNG, JPEG or TIFF files")
    add.add_argument("--replace", action="store_true",
                     help="replace a different document that has the same name")
    add.add_argument("--library", default="main",
                     help="the library the documents go to (default main); users read the "
                          "libraries granted to them (qa user add --library)")
    watch = commands.add_parser("watch", parents=[common],
                                help="apply a folder's new, changed and deleted files as they "
                                     "happen (a running app answers from them within seconds)")
    watch.add_argument("folder", type=Path)
    watch.add_argument("--library", default="main", help="the library its documents go to")
    watch.add_argument("--once", action="store_true", help="apply what changed, then stop")
    remove = commands.add_parser("remove", parents=[common], help="remove a document")
    remove.add_argument("name", help="document id or file name (see qa list)")
    commands.add_parser("list", parents=[common], help="list the indexed documents")
    feedback = commands.add_parser("feedback", parents=[common],
                                   help="votes on answers given in the app (stored locally)")
    feedback_commands = feedback.add_subparsers(dest="feedback_command", required=True,
                                                parser_class=_Parser)
    feedback_commands.add_parser("list", parents=[common], help="one line per rated answer")
    export = feedback_commands.add_parser(
        "export", parents=[common], help="write the disliked answers as eval items (JSONL)")
    export.add_argument("out", type=Path, metavar="FILE.jsonl", help="where to write them")
    access_commands.register(commands, common, _Parser)
    bench = commands.add_parser("bench", parents=[common],  # runs on a copy of the article
                                help="measure speed on this machine (benchmarks/)")
    bench.add_argument("--quick", action="store_true", help="skip the 1 M-vector tier")
    bench.add_argument("--out", type=Path, help="folder for results.json and results.png")
    bench.add_argument("--replica", type=int, default=0, metavar="N",
                       help="one replica over an index folder of N paragraphs")
    bench.add_argument("--replica-work", type=Path, metavar="DIR", help="keep its index here")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="qa: %(message)s")
    quiet_libraries()
    settings = Settings.from_env(corpus_dir=args.corpus, index_dir=args.index,
                                 store=args.store)
    try:
        if args.command == "build":
            return _build(settings, args)
        if args.command == "ask":
            return _ask(settings, args, parser)
        if args.command in ("add", "remove", "list"):
            return _library(settings, args)
        if args.command == "watch":
            return _watch(settings, args)
        if args.command == "bench":
            return _bench(args)
        if args.command == "feedback":
            return _feedback(settings, args)
        if args.command in ("user", "token"):
            return access_commands.run(settings.index_dir, args)
        return eval_commands.run(settings, args)
    except QAError as error:
        print(f"qa: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("qa: interrupted", file=sys.stderr)
        return 130


def _build(settings: Settings, args: argparse.Namespace) -> int:
    from qa.embedding import Embedder, MiniLMEmbedder
    from qa.store import open_store
    from qa.store.index import StaleIndex

    store = open_store(settings)
    embedder: Embedder = MiniLMEmbedder()
    if args.if_needed:
        try:
            store.load(settings.corpus_dir, embedder)
            print(f"Index in {store.spec} is up to date.")
            return 0
        except StaleIndex as reason:
            print(f"{reason} Building.")
    if args.ray:
        from qa.store.ray_embedding import RayEmbedder

        embedder = RayEmbedder(args.ray, actors=args.ray_actors)
    report = store.build(settings.corpus_dir, embedder, progress=True, rebuild=args.rebuild)
    for warning in report.warnings:
        print(f"skipped: {warning}", file=sys.stderr)
    print(f"Indexed {report.documents} document(s): {report.paragraphs} paragraphs, "
          f"{report.sentences} sentences; embedded {report.embedded} new texts, reused "
          f"{report.reused}; {report.seconds:.1f} s → {store.spec}")
    return 0


def _library(settings: Settings, args: argparse.Namespace) -> int:
    from qa.documents import library

    if args.command == "list":
        print(library.listing(settings).format(settings.store))
        return 0
    from qa.embedding import MiniLMEmbedder  # the model loads only if something is embedded

    if args.command == "add":
        report = library.add(settings, MiniLMEmbedder(), args.paths, replace=args.replace,
                             bars=True, library=args.library)
    else:
        report = library.remove(settings, MiniLMEmbedder(), args.name)
    print(report.summary())
    return 0


def _watch(settings: Settings, args: argparse.Namespace) -> int:
    import threading

    from qa.documents import library
    from qa.documents.watch import FolderWatch
    from qa.embedding import MiniLMEmbedder

    embedder = MiniLMEmbedder()
    watcher = FolderWatch(args.folder, settings.index_dir,
                          add=lambda path: library.add(settings, embedder, [path],
                                                       replace=True, library=args.library),
                          remove=lambda doc: library.remove(settings, embedder, doc))
    if args.once:
        for change in watcher.step():
            print(change.line())
        return 0
    print(f"Watching {watcher.folder} (Ctrl-C stops it) …", flush=True)
    watcher.run(threading.Event(), report=lambda change: print(change.line(), flush=True))
    return 0


def _feedback(settings: Settings, args: argparse.Namespace) -> int:
    from qa.ui.feedback import FeedbackStore

    store = FeedbackStore.for_settings(settings)
    if args.feedback_command == "list":
        print(store.format())
        return 0
    count = store.export(args.out)
    print(f"Wrote {count} eval item(s) from disliked answers → {args.out}")
    return 0


def _ask(settings: Settings, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.batch and args.question:
        parser.error("give either a question or --batch, not both")
    if not args.batch and not args.question:
        parser.error("give a question, e.g. qa ask \"Who wrote the article?\"")
    if args.batch and not args.out:
        parser.error("--batch needs --out OUT.jsonl")
    if args.batch and not args.batch.is_file():
        parser.error(f"--batch file {args.batch} does not exist")
    from qa.pipeline import Pipeline

    pipeline = Pipeline.load(settings)
    if args.batch:
        from qa.eval.batch import run_batch

        count, errors = run_batch(pipeline, args.batch, args.out)
        print(f"Answered {count - errors} of {count} questions → {args.out}"
              + (f" ({errors} with errors)" if errors else ""), file=sys.stderr)
        return 0
    answer = pipeline.ask(args.question, doc=args.doc)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        from qa.ui.render_text import render_answer

        print(render_answer(answer, pipeline.documents))
    return 0


def _bench(args: argparse.Namespace) -> int:
    from qa.config import PROJECT_ROOT

    if not (PROJECT_ROOT / "benchmarks" / "run.py").is_file():
        raise InputError("qa bench runs from a source checkout (benchmarks/run.py is missing).")
    sys.path.insert(0, str(PROJECT_ROOT))
    from benchmarks.run import main as bench_main

    return bench_main(["--quick"] * args.quick + (["--out", str(args.out)] if args.out else [])
                      + (["--replica", str(args.replica)] if args.replica else [])
                      + (["--replica-work", str(args.replica_work)] if args.replica_work
                         else []))


if __name__ == "__main__":
    raise SystemExit(main())
