"""`qa eval`: score an eval file against the index, or a folder of SQuAD articles, each
indexed on its own (`qa.eval.squad`). The command line (`qa.cli`) parses; this runs.

    qa eval FILE.jsonl [--details OUT.jsonl] [--verbose]
    qa eval FOLDER [--limit N] [--details OUT.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from qa.config import Settings
from qa.errors import InputError, QAError


def run(settings: Settings, args: argparse.Namespace) -> int:
    """`qa eval FILE.jsonl` (one index, the settings') or `qa eval FOLDER` (SQuAD articles)."""
    from qa.eval.evaluation import format_table, read_eval_file, run_eval, summarise
    from qa.eval.squad import is_folder_of_articles
    from qa.pipeline import Pipeline

    if args.file.is_dir():
        if not is_folder_of_articles(args.file) and not (args.file / "questions.jsonl").is_file():
            raise InputError(f"{args.file} holds no article folders (corpus/ + questions.jsonl).")
        return _eval_articles(args)

    items = read_eval_file(args.file)
    pipeline = Pipeline.load(settings)

    def ask(item: dict[str, Any]) -> dict[str, Any]:
        try:
            answer = pipeline.ask(item["question"], history=item.get("history") or [])
        except QAError as error:
            return {"answer": str(error), "abstained": True, "citations": [], "latency_ms": 0}
        result = answer.to_dict()
        result["debug"] = answer.debug
        return result

    started = time.perf_counter()
    outcomes, results = run_eval(items, ask)
    print(f"{args.file}: {len(items)} questions in {time.perf_counter() - started:.1f} s")
    print(format_table(summarise(outcomes)))
    if args.verbose or args.details:
        lines = []
        for item, result, outcome in zip(items, results, outcomes, strict=True):
            lines.append({"id": item["id"], "ok": outcome.answer_ok, "question": item["question"],
                          "answer": result["answer"], "debug": result.get("debug")})
        if args.details:
            args.details.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
        if args.verbose:
            for line in lines:
                if not line["ok"]:
                    print(json.dumps(line, ensure_ascii=False))
    return 0


def _eval_articles(args: argparse.Namespace) -> int:
    from qa.embedding import MiniLMEmbedder
    from qa.eval.squad import (
        article_folders,
        evaluate_article,
        format_answerability,
        format_squad_table,
    )

    embedder = MiniLMEmbedder()
    started = time.perf_counter()
    results = [evaluate_article(folder, embedder, limit=args.limit,
                                progress=lambda name: print(f"  scored {name}", file=sys.stderr))
               for folder in article_folders(args.file)]
    print(f"{args.file}: {sum(len(r.rows) for r in results)} questions, {len(results)} "
          f"article(s) in {time.perf_counter() - started:.0f} s")
    print(format_squad_table(results, seen=_reader_seen()))
    print(format_answerability([row for r in results for row in r.rows]))
    if args.details:
        rows = [dict(row, article=r.name) for r in results for row in r.rows]
        args.details.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n"
                                        for row in rows), encoding="utf-8")
    return 0


def _reader_seen() -> frozenset[str]:
    """Article folder names the shipped reader was trained or calibrated on."""
    from qa.errors import ReaderError
    from qa.reader import default_reader

    if not Settings.from_env().reader:
        return frozenset()
    try:
        return default_reader().seen_articles()
    except ReaderError:
        return frozenset()
