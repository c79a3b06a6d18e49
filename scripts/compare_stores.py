"""Do the stores answer alike? The same questions through the index folder and through Milvus.

    python scripts/compare_stores.py                       # Milvus Lite, embedded, in a temp dir
    python scripts/compare_stores.py --store milvus://127.0.0.1:19530

For each eval set (the article's, the heat-pumps notes, one SQuAD article, and all of those
plus two more SQuAD articles in one corpus) it builds both
stores from the same corpus with the real models, asks every question of both, and prints
how many answers are identical (answer text, abstention, cited paragraphs) and each store's
answer accuracy, citation accuracy, abstention and false abstention.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.config import Settings  # noqa: E402
from qa.embedding import MiniLMEmbedder  # noqa: E402
from qa.eval.evaluation import read_eval_file, run_eval, summarise  # noqa: E402
from qa.pipeline import Pipeline  # noqa: E402
from qa.store import close_store  # noqa: E402

DATA = ROOT / "tests" / "data"
SQUAD = ROOT.parent / "shared" / "eval" / "squad"
ARTICLE_SETS = [DATA / n for n in ("dev.jsonl", "extra.jsonl", "chat-dev.jsonl",
                                   "chat-extra.jsonl")]
# (name, corpus files, question files). "mixed" puts five documents (318 paragraphs) in one
# corpus, so every search has more candidates than it keeps.
SETS = [("article", [ROOT / "corpus" / "india-japan-semiconductors.txt"], ARTICLE_SETS),
        ("heat-pumps", [DATA / "heat-pumps.md"], [DATA / "heat-pumps-chat.jsonl"]),
        ("squad:normans", sorted((SQUAD / "normans" / "corpus").iterdir()),
         [SQUAD / "normans" / "questions.jsonl"]),
        ("mixed", [ROOT / "corpus" / "india-japan-semiconductors.txt", DATA / "heat-pumps.md",
                   *[f for a in ("normans", "black-death", "harvard-university")
                     for f in sorted((SQUAD / a / "corpus").iterdir())]],
         [*ARTICLE_SETS, DATA / "heat-pumps-chat.jsonl"])]


def answers(pipeline: Pipeline, items: list[dict[str, Any]]) -> tuple[list, list]:
    def ask(item: dict[str, Any]) -> dict[str, Any]:
        return pipeline.ask(item["question"], history=item.get("history") or []).to_dict()

    return run_eval(items, ask)


def signature(result: dict[str, Any]) -> tuple:
    return (result["answer"], result["abstained"],
            tuple(c["anchor"] for c in result["citations"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="a Milvus spec (default: a temporary Milvus Lite .db)")
    args = parser.parse_args()
    embedder = MiniLMEmbedder()
    with tempfile.TemporaryDirectory(prefix="qa-compare-") as tmp:
        folder = Path(tmp)
        print(f"{'set':16} {'n':>5} {'same':>6}   {'answer':>13} {'cite':>13} "
              f"{'abstain':>13} {'f-abst':>13}   (files / milvus)")
        for name, sources, files in SETS:
            corpus = folder / f"corpus-{name.replace(':', '-')}"
            corpus.mkdir()
            for source in sources:
                (corpus / source.name).write_bytes(source.read_bytes())
            items = [item for f in files for item in read_eval_file(f)]
            prefix = f"c{uuid.uuid4().hex[:12]}"
            spec = (f"{args.store}{'&' if '?' in args.store else '?'}prefix={prefix}"
                    if args.store else f"milvus://{folder / 'milvus.db'}?prefix={prefix}")
            base = Settings(corpus_dir=corpus, index_dir=folder / f"index-{prefix}")
            runs = {}
            for label, settings in (("files", base), ("milvus", replace(base, store=spec))):
                pipeline = Pipeline.load(settings, embedder=embedder)
                runs[label] = answers(pipeline, items)
            close_store(spec)
            same = sum(signature(a) == signature(b)
                       for a, b in zip(runs["files"][1], runs["milvus"][1], strict=True))
            figures = {label: summarise(outcomes)["overall"]
                       for label, (outcomes, _) in runs.items()}

            def pair(key: str, figures: dict = figures) -> str:
                return " / ".join(f"{figures[label][key] * 100:5.1f}" for label in figures)

            print(f"{name:16} {len(items):5d} {same / len(items) * 100:5.1f}%   "
                  f"{pair('answer'):>13} {pair('citation'):>13} {pair('abstain'):>13} "
                  f"{pair('false_abstain'):>13}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
