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
import re
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


_WORD = re.compile(r"[\w'’.-]+")


def casing_of(texts: list[str]) -> dict[str, str]:
    """lower case → the form written, for words written with a capital anywhere but at the
    start of a sentence or question."""
    cased: dict[str, str] = {}
    for text in texts:
        for match in _WORD.finditer(text):
            word, before = match.group(), text[:match.start()].rstrip()
            starts = not before or before[-1] in ".?!:\"“("
            if not starts and word[:1].isupper():
                cased.setdefault(word.lower(), word)
    return cased


def truecased(question: str, casing: dict[str, str]) -> str:
    """The release lower-cased its unanswerable questions; the engine's name checks read
    capitals, and users type them, so a question gets back the capitals its words have in
    the paragraph and the paired question (a name found nowhere stays lower case)."""
    text = _WORD.sub(lambda m: casing.get(m.group().lower(), m.group()), question)
    return text[:1].upper() + text[1:]


def unanswerable_item(line: str, paragraphs: list[str], by_id: dict[str, dict]) -> dict:
    item = json.loads(line)
    number = int(item["paragraph"].rsplit("-p", 1)[1])
    pair = by_id.get(item["pair_id"], {}).get("question", "")
    casing = casing_of([paragraphs[number - 1] if number <= len(paragraphs) else "", pair])
    return {"id": item["id"], "question": truecased(item["question"], casing),
            "article": item["article"], "type": "unanswerable", "answers": [],
            "plausible_answers": item.get("plausible_answers", [])}


def paragraphs_of(folder: Path) -> list[str]:
    text = next((folder / "corpus").glob("*.txt")).read_text(encoding="utf-8")
    return [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()][1:]


def write(out: Path, seed: int = 7, per_article: int | None = None,
          articles: list[Path] | None = None) -> int:
    rng = random.Random(seed)
    total = 0
    for folder in articles or validation_articles():
        lines = (folder / "unanswerable.jsonl").read_text(encoding="utf-8").splitlines()
        answerable = [json.loads(x) for x in (folder / "questions.jsonl").read_text(
            encoding="utf-8").splitlines() if x.strip()]
        paragraphs, by_id = paragraphs_of(folder), {q["id"]: q for q in answerable}
        unanswerable = [unanswerable_item(x, paragraphs, by_id) for x in lines if x.strip()]
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
