"""Extract the demonym lexicon `qa/data/demonyms.tsv` from WordNet 3.0.

    apt-get install wordnet-base      # Debian's package of Princeton's WordNet 3.0 database
    .venv/bin/python scripts/build_demonyms.py [--wordnet /usr/share/wordnet]

A question often names a place by its adjective where the text uses the place, or the other
way round ("British students" ~ "in the UK", "Filipino" ~ "the Philippines"). Each row is a
group of interchangeable names, tab-separated, multi-word names with spaces:

    british  britain  gb  great britain  uk  united kingdom  …

A group is a capitalised adjective of WordNet ("British"), the names of the locations it
pertains to (WordNet's pertainym pointer: "Great Britain", "GB"), and the names of locations
that list that name among theirs ("United Kingdom, UK, Britain, Great Britain"). A name that is
another location's first, main name is left out ("China" in the synset of Taiwan), so that an
adjective does not stand for a neighbouring country. WordNet's pointers are not perfect: a few
groups still join places that share an adjective (the two Congos, Georgia the country and the
US state, Washington state and D.C.), which can only make a check more lenient there. The
output is committed, so neither `make run` nor `make test` needs WordNet installed.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

from build_antonyms import NOTICE

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "qa" / "data" / "demonyms.tsv"
PLACES = ("15", "17")  # WordNet's lexicographer files noun.location and noun.object (continents)
# lex file, words, pointers (symbol, offset, pos, source word, target word; 0: the synset)
Synset = tuple[str, list[str], list[tuple[str, str, str, int, int]]]


def read_synsets(folder: Path, pos: str) -> dict[str, Synset]:
    """offset → (lexicographer file, words in their case, pointers)."""
    synsets = {}
    for line in (folder / f"data.{pos}").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):  # the licence header
            continue
        fields = line.split(" | ")[0].split()
        count = int(fields[3], 16)
        words = [re.sub(r"\(.*\)", "", fields[4 + 2 * i]).replace("_", " ")
                 for i in range(count)]
        rest = fields[4 + 2 * count:]
        pointers = [(rest[1 + 4 * i], rest[2 + 4 * i], rest[3 + 4 * i],
                     int(rest[4 + 4 * i][:2], 16), int(rest[4 + 4 * i][2:], 16))
                    for i in range(int(rest[0]))]
        synsets[fields[0]] = (fields[1], words, pointers)
    return synsets


def demonym_groups(folder: Path) -> list[list[str]]:
    nouns = read_synsets(folder, "noun")
    adjectives = read_synsets(folder, "adj")
    locations = {offset: words for offset, (lex, words, _) in nouns.items()
                 if lex in PLACES and words[0][:1].isupper()}
    main_names = defaultdict(set)  # a location's first name → the synsets it heads
    listed_in = defaultdict(set)   # any name → the location synsets that list it
    for offset, words in locations.items():
        main_names[words[0].lower()].add(offset)
        for word in words:
            listed_in[word.lower()].add(offset)

    def names(offset: str) -> set[str]:
        return {w.lower() for w in locations[offset]
                if w == locations[offset][0] or not main_names[w.lower()] - {offset}}

    pertained = {offset for _, _, pointers in adjectives.values()
                 for symbol, offset, pos, _, _ in pointers if symbol == "\\" and pos == "n"}
    groups = defaultdict(set)  # an adjective → its names
    for _, words, pointers in adjectives.values():
        for symbol, offset, pos, source, target in pointers:
            if symbol != "\\" or pos != "n" or offset not in locations:
                continue
            adjectives_ = [words[source - 1]] if source else words
            proper = [w.lower() for w in adjectives_ if w[:1].isupper()]
            # A pointer to one word of a synset ("China" listed for Taiwan) means the place
            # that word mainly names.
            name = locations[offset][target - 1].lower() if target else locations[offset][0]
            places = main_names.get(name.lower()) or {offset}
            for adjective in proper:
                groups[adjective].add(adjective)
                for place in places:
                    groups[adjective] |= names(place)
                    main = locations[place][0].lower()
                    # "Great Britain" names the UK too; but Taiwan, which lists "China", has
                    # its own adjective
                    for other in listed_in[main] - main_names[main] - pertained:
                        groups[adjective] |= names(other)
    return sorted(sorted(group) for group in groups.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    args = parser.parse_args()
    groups = demonym_groups(args.wordnet)
    header = NOTICE.replace("Antonym pairs and irregular forms", "Demonym groups").replace(
        "build_antonyms.py", "build_demonyms.py")
    lines = [header.rstrip("\n")] + ["\t".join(group) for group in groups]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(groups)} groups → {OUT}")


if __name__ == "__main__":
    main()
