"""Split a paragraph into sentences with character offsets (no model, no download).

A rule-based splitter: a sentence ends at . ! ? (optionally followed by a closing quote or
bracket) before whitespace and an upper-case letter, digit or quote — except after common
abbreviations, initials and decimal numbers. It does not split on semicolons or colons.
"""

from __future__ import annotations

import re

from qa.types import Sentence

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "no", "vs", "etc", "inc",
    "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "approx", "est", "fig", "gen", "gov", "col", "lt", "sgt", "capt", "rev",
    "e.g", "i.e", "u.s", "u.k", "a.m", "p.m", "ca", "cf", "al", "op", "vol", "pp", "ed",
    "v",  # "Wisconsin v. Yoder", "Sweden v. Russia"
}
_BOUNDARY = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences of `text`, each with `text[start:end]` equal to its own text."""
    sentences: list[Sentence] = []
    start = _skip_space(text, 0)
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if _is_abbreviation(text, match.start()):
            continue
        if end > start:
            sentences.append(Sentence.within(text, start, end))
        start = _skip_space(text, end)
    end = len(text.rstrip())
    if end > start:
        sentences.append(Sentence.within(text, start, end))
    return tuple(sentences)


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at `dot` closes an abbreviation or an initial, not a sentence."""
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] != "(":
        word_start -= 1
    word = text[word_start:dot].lower().strip("\"'“‘")
    if word in _ABBREVIATIONS:
        return True
    # A single capital letter ("J. Smith") is an initial.
    return len(word) == 1 and word.isalpha() and text[dot - 1].isupper()
