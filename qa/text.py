"""Word-level text helpers shared by retrieval and answering: tokens, stems, stopwords.

Tokens keep their character offsets so that spans found in a sentence map back to verbatim
quotes. Stemming is Snowball (PyStemmer), the same for questions, BM25 and evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

import Stemmer

_STEMMER = Stemmer.Stemmer("english")
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[.,][0-9]+)*(?:['’][A-Za-z]+)?|[$¥€£₹%]")

STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can cannot could did do does doing down during each
few for from further had has have having he her here hers herself him himself his how i if in
into is it its itself just let me more most my myself no nor not of off on once only or other
ought our ours ourselves out over own same she should so some such than that the their theirs
them themselves then there these they this those through to too under until up upon very was
we were what when where which while who whom whose why will with would you your yours yourself
yourselves shall may might must ever many much one's s t don't doesn't didn't isn't wasn't
us via per onto within whether
""".split())

# Words that frame a question rather than carry its content.
QUESTION_FRAME = frozenset("""
article text document passage author's according say says said mention mentioned mentions
tell tells describe described state stated states give given name named list kind type
something anything thing things anyone someone exactly specifically please
""".split()) - {"author"}


class Token(NamedTuple):
    """A word of some text with its offsets; `norm` is lower-case, `stem` its Snowball stem."""

    text: str
    start: int
    end: int
    norm: str
    stem: str


def normalise_word(word: str) -> str:
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace(",", "")


# A people's adjective means its country for matching ("Indian state" ~ "India").
DEMONYMS = {
    "indian": "india", "indians": "india", "japanese": "japan", "chinese": "china",
    "taiwanese": "taiwan", "korean": "korea", "koreans": "korea", "american": "america",
    "americans": "america", "british": "britain", "french": "france", "german": "germany",
    "russian": "russia", "european": "europe", "australian": "australia",
    "canadian": "canada", "italian": "italy", "spanish": "spain", "mexican": "mexico",
    "brazilian": "brazil", "african": "africa", "asian": "asia", "norman": "normandy",
    "english": "england", "dutch": "netherlands", "swiss": "switzerland",
}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    word = normalise_word(word)
    return _STEMMER.stemWord(DEMONYMS.get(word, word))


def tokenize(text: str) -> list[Token]:
    """Words, numbers and currency/percent signs, with offsets into `text`."""
    return [Token(match.group(), match.start(), match.end(), *_norm_and_stem(match.group()))
            for match in _TOKEN.finditer(text)]


@lru_cache(maxsize=500_000)
def _norm_and_stem(raw: str) -> tuple[str, str]:
    """A word's `norm` and `stem`, once per distinct spelling (a corpus repeats its words)."""
    norm = normalise_word(raw)
    return norm, stem(norm)


FAMILY_SUFFIXES = ("s", "es", "i", "y", "e", "n", "an", "ian", "ese", "ish", "ism", "ist",
                   "ic", "er")


def same_family(a: str, b: str) -> bool:
    """Two stems of one word family, as names vary: "german" ~ "germani" (Germans, Germany),
    "nepales" ~ "nepal", "buddhist" ~ "buddhism", "1970s" ~ "1970"; not "johnson" ~
    "johnston" or "georg" ~ "georgia"."""
    return bool(family_roots(a) & family_roots(b))


def family_roots(word: str) -> set[str]:
    """The word and its roots under the family suffixes (roots of 4 letters or more)."""
    if len(word) > 1 and word[:-1].isdigit() and word[-1] == "s":
        word = word[:-1]  # a decade, "1970s"
    return {word} | {word[:len(word) - len(suffix)] for suffix in FAMILY_SUFFIXES
                     if word.endswith(suffix) and len(word) - len(suffix) >= 4}


NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                "fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()


def number_forms(digits: str) -> set[str]:
    """How a number may be written in a text: "8" → {"8", "eight"} (stems, as indexed)."""
    forms = {stem(digits)}
    if digits.isdigit() and int(digits) < len(NUMBER_WORDS):
        forms.add(stem(NUMBER_WORDS[int(digits)]))
    return forms


def is_content(norm: str) -> bool:
    """A word that carries meaning: not a stopword, not a question-framing word."""
    return bool(norm) and norm not in STOPWORDS and norm not in QUESTION_FRAME and (
        len(norm) > 1 or norm.isdigit() or norm in "$¥€£₹%")


def content_stems(text: str) -> set[str]:
    return {t.stem for t in tokenize(text) if is_content(t.norm)}


def content_vocabulary(texts: Iterable[str]) -> set[str]:
    """Distinct lower-case content words of the texts (for typo repair and soft matching)."""
    vocabulary: set[str] = set()
    for text in texts:
        vocabulary.update(t.norm for t in tokenize(text) if is_content(t.norm)
                          and not t.norm.replace(".", "").isdigit())
    return vocabulary


def bm25_tokens(text: str) -> list[str]:
    """Stems of the content words, the vocabulary of the BM25 index."""
    return [t.stem for t in tokenize(text) if t.norm not in STOPWORDS]
