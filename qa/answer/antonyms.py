"""Opposites: does the evidence say the opposite of a word of the question?

SQuAD 2.0's crowd workers made many unanswerable questions by turning one word of a real
question into its opposite ("What is the *smallest* …" against "… the largest …", "*public*
schools" against "private schools"), and word vectors rate such pairs as near synonyms. The
lexicon is WordNet 3.0's direct antonyms (`qa/data/antonyms.tsv`, extracted by
`scripts/build_antonyms.py`); a question word counts as contradicted when it is missing from the
evidence in every form while its antonym is there, and the question does not itself name both.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from qa.text import STOPWORDS, Token, tokenize

LEXICON = Path(__file__).parent.parent / "data" / "antonyms.tsv"  # qa/data/, package data
# Regular inflections tried when a word is not in the lexicon as it stands: (suffix, ending).
_SUFFIXES = (("iest", "y"), ("ier", "y"), ("est", ""), ("est", "e"), ("er", ""), ("er", "e"),
             ("ily", "y"), ("ly", ""), ("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""),
             ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"))
# Comparative families WordNet keeps apart: "less" and "least" are the same word here.
_FAMILIES = {"less": "little", "least": "little", "fewer": "few", "fewest": "few",
             "more": "much", "most": "much"}


@dataclass(frozen=True)
class Contradiction:
    """The question's word and the opposite the evidence has instead."""

    asked: str
    found: str


class Antonyms:
    """WordNet's antonym pairs and the irregular forms of their words."""

    def __init__(self, pairs: dict[str, set[str]], forms: dict[str, str]) -> None:
        self.pairs = pairs
        self.forms = forms

    @classmethod
    def from_file(cls, path: Path = LEXICON) -> Antonyms:
        pairs: dict[str, set[str]] = defaultdict(set)
        forms: dict[str, str] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if fields[0] == "antonym":
                pairs[fields[1]].add(fields[2])
                pairs[fields[2]].add(fields[1])
            elif fields[0] == "form":
                forms[fields[1]] = fields[2]
        return cls(dict(pairs), forms)

    def lemmas(self, word: str) -> set[str]:
        """The word and the lexicon's words it may be a form of ("smallest" → "small")."""
        word = word.lower()
        found = {word}
        for base in (self.forms.get(word), _FAMILIES.get(word)):
            if base:
                found.add(base)
        for suffix, ending in _SUFFIXES:
            base = word[:-len(suffix)] + ending
            if word.endswith(suffix) and len(base) >= 3:
                if base in self.pairs:
                    found.add(base)
                elif base[-1:] == base[-2:-1] and base[:-1] in self.pairs:  # "bigg-est"
                    found.add(base[:-1])
        return found

    def contradiction(self, question: str, evidence: str) -> Contradiction | None:
        """The first question word whose opposite the evidence says instead of it."""
        evidence_lower = evidence.lower()
        evidence_lemmas = self._lemmas_of(tokenize(evidence))
        question_tokens = tokenize(question)
        question_lemmas = self._lemmas_of(question_tokens)
        for token in question_tokens:
            if token.norm in STOPWORDS and token.norm not in _FAMILIES:
                continue
            if token.start > 0 and token.text[:1].isupper():
                continue  # a name: "Black Death" is no colour
            lemmas = self.lemmas(token.norm)
            if lemmas & evidence_lemmas or token.stem in evidence_lower:
                continue  # said in some form ("official" in "unofficially" too)
            for lemma in sorted(lemmas):
                for opposite in sorted(self.pairs.get(lemma, ())):
                    if opposite in evidence_lemmas and opposite not in question_lemmas:
                        return Contradiction(token.text, opposite)
        return None

    def _lemmas_of(self, tokens: list[Token]) -> set[str]:
        return {lemma for token in tokens for lemma in self.lemmas(token.norm)}


@cache
def default_antonyms() -> Antonyms:
    """The shipped lexicon, read once per process."""
    return Antonyms.from_file()
