"""How well a piece of text covers a question's terms: exact stems, aliases, typos, meaning.

Coverage is the weighted share of the question's terms found in the evidence, where a term is
found exactly (same stem), through an alias defined in the corpus ("Tokyo Electron Miyagi Ltd
(TEL Miyagi)" makes TEL stand for Tokyo Electron), as another name of the same place ("British"
for "the UK", `qa/answer/demonyms.py`), as a near-spelling, or by meaning (cosine
of MiniLM word vectors, e.g. turbulence ≈ instability). This module scores; it decides nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from rapidfuzz import fuzz

from qa.answer.demonyms import Demonyms, default_demonyms
from qa.answer.question import Term
from qa.text import family_roots, is_content, number_forms, stem, tokenize

SOFT_FLOOR = 0.35  # word cosine below which two words are unrelated
SOFT_FULL = 0.75   # word cosine at which two words mean the same
SOFT_MAX = 0.85    # a match by meaning never counts as much as the word itself
# A match by form, not meaning (an alias, an initialism, a typo, a word family, a demonym):
# nearly the word itself, and above any match by meaning.
LITERAL_MATCH = 0.9

_SHORT_FORM = r"[A-Z][A-Za-z&]{1,7}"  # what a document may define in parentheses: TEL, MeitY
_SHORT_FORM_WORD = re.compile(rf"\b{_SHORT_FORM}\b")
_DEFINITION = re.compile(rf"((?:[A-Z][\w&-]*\s+){{1,6}})\(({_SHORT_FORM})\b")


@dataclass(frozen=True)
class EvidenceWords:
    """The content words of some text: stems, lower-case forms and their word-vector rows."""

    stems: frozenset[str]
    norms: tuple[str, ...]
    rows: np.ndarray
    initialisms: frozenset[str] = frozenset()

    @cached_property
    def family_roots(self) -> frozenset[str]:
        """Roots of the stems' word families ("german" for Germany), built when first asked."""
        return frozenset(root for s in self.stems for root in family_roots(s))


def mentions_number(digits: str, evidence: EvidenceWords) -> bool:
    """The evidence has this number in digits or words ("8" ~ "eight"), or the decade it opens
    ("1970" in "the 1970s")."""
    return any(form in evidence.stems or form + "s" in evidence.stems
               for form in number_forms(digits))


def _definitions(texts: Iterable[str]) -> Iterator[tuple[list[str], str]]:
    """(capitalised words, short form) of each "Tokyo Electron Miyagi Ltd (TEL" in the texts."""
    for text in texts:
        for match in _DEFINITION.finditer(text):
            yield match.group(1).split(), match.group(2)


def find_aliases(texts: Iterable[str]) -> dict[str, set[str]]:
    """Acronyms defined in parentheses, mapped to the stems of the words they abbreviate."""
    aliases: dict[str, set[str]] = {}
    for words, short_form in _definitions(texts):
        long_words = [stem(w) for w in words if is_content(w.lower())]
        short = stem(short_form)
        if long_words and short not in long_words:
            aliases.setdefault(short, set()).update(long_words[:3])
    return aliases


def find_long_forms(texts: Iterable[str]) -> dict[str, str]:
    """Acronyms defined in parentheses, mapped to the words they abbreviate as written
    ("TEL" → "Tokyo Electron Miyagi Ltd"); the first definition wins. Only an acronym whose
    capitals are initials of those words, in order, counts ("Tata Electronics (India)" defines
    nothing), and a sentence-opening "The" or "In" is not part of the long form."""
    long_forms: dict[str, str] = {}
    for words, short in _definitions(texts):
        while words and not is_content(words[0].lower()):
            words.pop(0)
        if words and _abbreviates(short, words):
            long_forms.setdefault(short, " ".join(words))
    return long_forms


def _abbreviates(short: str, words: list[str]) -> bool:
    """The acronym's capitals (two or more) are initials of the words, in order."""
    capitals = [ch for ch in short if ch.isupper()]
    initials = iter(w[0] for w in words)
    return len(capitals) >= 2 and all(ch in initials for ch in capitals)


def spell_out_acronyms(question: str, long_forms: dict[str, str]) -> str:
    """The question with each acronym the documents define written as they define it, long
    form first ("partner of TEL" → "partner of Tokyo Electron Miyagi Ltd (TEL)"), unless the
    long form is already there. (The reader's margin on the development question is −6.6 with
    the acronym alone, −1.6 with the long form after it, +1.4 with it first.)"""
    done: set[str] = set()

    def spell_out(match: re.Match[str]) -> str:
        long_form = long_forms.get(match.group())
        if long_form is None or long_form.lower() in question.lower() or long_form in done:
            return match.group()
        done.add(long_form)
        return f"{long_form} ({match.group()})"

    return _SHORT_FORM_WORD.sub(spell_out, question)


def find_initialisms(texts: Iterable[str]) -> set[str]:
    """Initials of runs of capitalised words ("Prime Minister" → "pm"), for acronyms."""
    found: set[str] = set()
    for text in texts:
        for run in re.findall(r"(?:[A-Z][\w-]*(?:,?\s+(?:of|and|for|the|&)?\s*)?){2,8}", text):
            initials = "".join(w[0] for w in re.findall(r"[A-Z][\w-]*", run)).lower()
            for i in range(len(initials)):
                for j in range(i + 2, min(len(initials), i + 6) + 1):
                    found.add(initials[i:j])
    return found


class Matcher:
    """Scores terms against evidence; holds the corpus word vectors and aliases."""

    def __init__(self, words: list[str], word_vectors: np.ndarray,
                 aliases: dict[str, set[str]], demonyms: Demonyms | None = None) -> None:
        self.word_rows = {w: i for i, w in enumerate(words)}
        self.word_vectors = word_vectors
        self.aliases = aliases
        self.demonyms = demonyms if demonyms is not None else default_demonyms()

    def evidence(self, text: str) -> EvidenceWords:
        norms = tuple({t.norm for t in tokenize(text) if is_content(t.norm)})
        rows = np.array([self.word_rows[n] for n in norms if n in self.word_rows], dtype=np.int64)
        return EvidenceWords(frozenset(stem(n) for n in norms), norms, rows,
                             frozenset(find_initialisms([text])))

    def term_vectors(self, terms: tuple[Term, ...], encode) -> np.ndarray:  # noqa: ANN001
        """A vector per term: from the corpus table when known, else encoded now."""
        dim = self.word_vectors.shape[1] if self.word_vectors.ndim == 2 else 0
        vectors = np.zeros((len(terms), dim), dtype=np.float32)
        unknown = [i for i, t in enumerate(terms) if t.norm not in self.word_rows]
        for i, term in enumerate(terms):
            if term.norm in self.word_rows:
                vectors[i] = self.word_vectors[self.word_rows[term.norm]]
        if unknown and dim:
            vectors[unknown] = encode([terms[i].norm for i in unknown])
        return vectors

    def word_vector(self, word: str, encode) -> np.ndarray:  # noqa: ANN001
        """The vector of one word: from the corpus table when known, else encoded now."""
        if word in self.word_rows:
            return self.word_vectors[self.word_rows[word]]
        return encode([word])[0]

    def phrase_fit(self, phrase: str, vector: np.ndarray) -> float:
        """How well a phrase's words fit a word (0–1): "India's World Magazine" ~ publication."""
        rows = [self.word_rows[t.norm] for t in tokenize(phrase) if t.norm in self.word_rows]
        if not rows:
            return 0.0
        cosine = float(np.max(self.word_vectors[rows] @ vector))
        return float(np.clip((cosine - SOFT_FLOOR) / (SOFT_FULL - SOFT_FLOOR), 0, 1))

    def match(self, term: Term, vector: np.ndarray, evidence: EvidenceWords) -> float:
        """How well the evidence contains this one term, from 0 to 1."""
        if term.stem in evidence.stems:
            return 1.0
        if self.aliases.get(term.stem, set()) & evidence.stems:
            return 1.0
        if any(term.stem in longs and short in evidence.stems
               for short, longs in self.aliases.items()):
            return LITERAL_MATCH
        if term.norm.isdigit():
            return 1.0 if mentions_number(term.norm, evidence) else 0.0
        if term.text.isupper() and len(term.norm) >= 2 and term.norm in evidence.initialisms:
            return LITERAL_MATCH  # "PM" for "Prime Minister"
        if len(term.norm) >= 5 and any(fuzz.ratio(term.norm, n) >= 88 for n in evidence.norms):
            return LITERAL_MATCH
        if term.entity and family_roots(term.stem) & evidence.family_roots:
            return LITERAL_MATCH  # "Germans" for "Germany"
        if term.entity and self.demonyms.named_in(term.stem, evidence.stems):
            return LITERAL_MATCH  # "British" for "the UK"
        if term.entity or not len(evidence.rows) or not vector.any():
            return 0.0
        cosine = float(np.max(self.word_vectors[evidence.rows] @ vector))
        return SOFT_MAX * float(np.clip((cosine - SOFT_FLOOR) / (SOFT_FULL - SOFT_FLOOR), 0, 1))

    def coverage(self, terms: tuple[Term, ...], vectors: np.ndarray,
                 evidence: EvidenceWords) -> tuple[float, list[float]]:
        """Weighted share of the terms found, and each term's match."""
        if not terms:
            return 0.0, []
        matches = [self.match(t, v, evidence) for t, v in zip(terms, vectors, strict=True)]
        total = sum(t.weight for t in terms)
        return sum(t.weight * m for t, m in zip(terms, matches, strict=True)) / total, matches
