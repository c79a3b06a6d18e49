"""Write the answerability validation set: squad-train articles no reader trained on, in the
`qa eval FOLDER` layout, with their real SQuAD 2.0 unanswerable questions.

    .venv/bin/python scripts/validation_set.py /tmp/valid        # then:
    .venv/bin/qa eval /tmp/valid --details /tmp/valid.jsonl

The articles are the reader's held-out ones (every 20th squad-train article, counted from 0
and from 10; `scripts/train_reader.py`) that have an `unanswerable.jsonl`. Each gets every
unanswerable question and as many answerable ones (a seeded sample), the SQuAD 2.0 mix. The
corpus folder is linked, not copied; nothing from ../shared is written into the repository.
Thresholds of the decision are chosen on this set (`scripts/calibrate.py`), never on
../shared/eval/squad/.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQUAD_TRAIN = ROOT.parent / "shared" / "eval" / "squad-train"
VALIDATION_EVERY = 20
OFFSETS = (0, 10)


def validation_articles() -> list[Path]:
    folders = sorted(p for p in SQUAD_TRAIN.iterdir() if (p / "questions.jsonl").is_file())
    chosen = sorted({f for o in OFFSETS for f in folders[o::VALIDATION_EVERY]})
    return [f for f in chosen if (f / "unanswerable.jsonl").is_file()]


def validation_articles_never_trained() -> list[Path]:
    """The validation articles (offset 10) that no stage of the reader ever trained on."""
    folders = sorted(p for p in SQUAD_TRAIN.iterdir() if (p / "questions.jsonl").is_file())
    return folders[OFFSETS[1]::VALIDATION_EVERY]


def unanswerable_item(line: str) -> dict:
    item = json.loads(line)
    return {"id": item["id"], "question": item["question"], "article": item["article"],
            "type": "unanswerable", "answers": [],
            "plausible_answers": item.get("plausible_answers", [])}


def write(out: Path, seed: int = 7, per_article: int | None = None,
          articles: list[Path] | None = None) -> int:
    rng = random.Random(seed)
    total = 0
    for folder in articles or validation_articles():
        lines = (folder / "unanswerable.jsonl").read_text(encoding="utf-8").splitlines()
        unanswerable = [unanswerable_item(x) for x in lines if x.strip()]
        answerable = [json.loads(x) for x in (folder / "questions.jsonl").read_text(
            encoding="utf-8").splitlines() if x.strip()]
        answerable = rng.sample(answerable, min(len(answerable), len(unanswerable)))
        items = answerable + unanswerable
        rng.shuffle(items)
        items = items[:per_article]
        target = out / folder.name
        target.mkdir(parents=True, exist_ok=True)
        link = target / "corpus"
        if not link.exists():
            link.symlink_to(folder / "corpus", target_is_directory=True)
        (target / "questions.jsonl").write_text(
            "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
        total += len(items)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-article", type=int, help="at most this many questions each")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    total = write(args.out, args.seed, args.per_article)
    print(f"{total} questions on {len(validation_articles())} articles in {args.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
