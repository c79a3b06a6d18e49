"""Extract the antonym lexicon `qa/data/antonyms.tsv` from WordNet 3.0.

    apt-get install wordnet-base      # Debian's package of Princeton's WordNet 3.0 database
    .venv/bin/python scripts/build_antonyms.py [--wordnet /usr/share/wordnet]

The output is committed, so neither `make run` nor `make test` needs WordNet installed. It
holds two kinds of rows, tab-separated:
- `antonym  WORD  OTHER  POS` — a direct antonym pair of WordNet (single words only) whose part
  of speech is adjective or adverb, or verb or noun when one word is the other with a negating
  prefix ("connect" / "disconnect", "vertebrate" / "invertebrate"), or a verb pair that is not
  a change of viewpoint ("win" / "lose" stays, "buy" / "sell" and "have" / "lack" go: a question
  that swaps them usually asks the same fact from the other side);
- `form  INFLECTED  LEMMA` — WordNet's irregular forms ("worst" → "bad", "begun" → "begin")
  of the words above.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "qa" / "data" / "antonyms.tsv"
POS_FILES = {"adj": "adj", "adv": "adv", "verb": "verb", "noun": "noun"}
POINTER_POS = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}
NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non", "de", "a", "anti")
# Verbs whose antonym states the same event from the other party's side, or is too common to
# mean a contradiction ("lack" / "have", "lead" / "follow").
VIEWPOINT_VERBS = frozenset("""
have lack give take get keep find make go come buy sell lend borrow receive send teach learn
lead follow ask answer push pull bring stay leave
""".split())

NOTICE = """\
# Antonym pairs and irregular forms extracted from WordNet 3.0 by scripts/build_antonyms.py.
# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.
# THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO
# REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION,
# PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES OF MERCHANTABILITY OR FITNESS
# FOR ANY PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR
# DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER
# RIGHTS. The full licence: https://wordnet.princeton.edu/license-and-commercial-use
"""


def read_synsets(folder: Path) -> dict[tuple[str, str], tuple[list[str], list[list[str]]]]:
    """(offset, pos) → (its words, its pointers as [symbol, offset, pos, source/target])."""
    synsets = {}
    for pos, name in POS_FILES.items():
        for line in (folder / f"data.{name}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):  # the licence header
                continue
            fields = line.split(" | ")[0].split()
            count = int(fields[3], 16)
            words = [re.sub(r"\(.*\)", "", fields[4 + 2 * i]).lower() for i in range(count)]
            rest = fields[4 + 2 * count:]
            pointers = rest[1:1 + 4 * int(rest[0])]
            synsets[(fields[0], pos)] = (words, [pointers[i:i + 4]
                                                 for i in range(0, len(pointers), 4)])
    return synsets


def is_prefixed(word: str, other: str) -> bool:
    return any(word == p + other or other == p + word for p in NEGATING_PREFIXES)


def keep(word: str, other: str, pos: str) -> bool:
    if not (word.isalpha() and other.isalpha()):
        return False  # phrases ("in_front") and hyphenated forms
    if pos in ("adj", "adv"):
        return True
    if is_prefixed(word, other):
        return True
    return pos == "verb" and not ({word, other} & VIEWPOINT_VERBS)


def antonym_pairs(folder: Path) -> set[tuple[str, str, str]]:
    synsets = read_synsets(folder)
    pairs = set()
    for (_, pos), (words, pointers) in synsets.items():
        for symbol, offset, target_pos, source_target in pointers:
            if symbol != "!":
                continue
            target = synsets.get((offset, POINTER_POS[target_pos]))
            if target is None:
                continue
            source, goal = int(source_target[:2], 16), int(source_target[2:], 16)
            word, other = words[source - 1], target[0][goal - 1]
            if keep(word, other, pos):
                pairs.add((*sorted((word, other)), pos))
    return pairs


def irregular_forms(folder: Path, lemmas: set[str]) -> dict[str, str]:
    forms: dict[str, str] = {}
    for name in ("adj", "adv", "verb"):
        for line in (folder / f"{name}.exc").read_text(encoding="latin-1").splitlines():
            form, *bases = line.split()
            base = next((b for b in bases if b in lemmas), None)
            if base and form != base:
                forms.setdefault(form, base)
    return forms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if not (args.wordnet / "data.adj").exists():
        raise SystemExit(f"No WordNet database in {args.wordnet}: apt-get install wordnet-base")
    pairs = antonym_pairs(args.wordnet)
    by_pos: dict[str, int] = defaultdict(int)
    for *_, pos in pairs:
        by_pos[pos] += 1
    forms = irregular_forms(args.wordnet, {w for a, b, _ in pairs for w in (a, b)})
    rows = [f"antonym\t{a}\t{b}\t{pos}" for a, b, pos in sorted(pairs)]
    rows += [f"form\t{form}\t{base}" for form, base in sorted(forms.items())]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(NOTICE + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(pairs)} antonym pairs ({dict(by_pos)}), {len(forms)} irregular forms "
          f"-> {args.out}")


if __name__ == "__main__":
    main()
