"""Names of one place: its adjective, its people and its other names (British ~ UK).

Questions often name a place by its adjective where the text names the place, or the other way
round: "What percentage of *Filipino* students …" against "In the *Philippines*, …", "*British*
children" against "in the *UK*". The lexicon (`qa/data/demonyms.tsv`, extracted from WordNet 3.0
by `scripts/build_demonyms.py`) lists such groups; here every name becomes a tuple of content
stems, and a one-word name maps to the other names of its groups.
"""

from __future__ import annotations

from collections.abc import Container
from functools import cache
from pathlib import Path

from qa.text import is_content, stem, tokenize

LEXICON = Path(__file__).parent.parent / "data" / "demonyms.tsv"  # qa/data/, package data
Name = tuple[str, ...]  # the content stems of a name: ("unit", "kingdom")


class Demonyms:
    """One-word place names and adjectives → the other names of the same place."""

    def __init__(self, groups: list[list[str]]) -> None:
        self._others: dict[str, set[Name]] = {}
        for group in groups:
            names = {name: _stems(name) for name in group}
            for word, key in names.items():
                if len(key) != 1 or " " in word:
                    continue
                others = {n for n in names.values() if n and n != key}
                self._others.setdefault(key[0], set()).update(others)

    @classmethod
    def from_file(cls, path: Path = LEXICON) -> Demonyms:
        lines = path.read_text(encoding="utf-8").splitlines()
        return cls([line.split("\t") for line in lines if line and not line.startswith("#")])

    def others(self, stem_: str) -> frozenset[Name]:
        """The other names of the place a word's stem names ("british" → ("uk",), …)."""
        return frozenset(self._others.get(stem_, ()))

    def named_in(self, stem_: str, stems: Container[str]) -> bool:
        """Some other name of the place is in these stems (all of its words)."""
        return any(all(s in stems for s in name) for name in self._others.get(stem_, ()))


def _stems(name: str) -> Name:
    """The name's stems; () when a word other than "of" / "the" / "and" carries no meaning of
    its own ("us", "the states"), so that the name cannot be checked."""
    words = [t.norm for t in tokenize(name) if t.norm not in ("of", "the", "and")]
    if not words or not all(is_content(w) for w in words):
        return ()
    return tuple(stem(w) for w in words)


@cache
def default_demonyms() -> Demonyms:
    """The shipped lexicon, read once."""
    return Demonyms.from_file()
