"""Understand a question: clean it, repair its typos against the corpus, weigh its terms.

Terms are its content words with a weight (rarer in the corpus → heavier; names and numbers
heavier still). Its form (kind, answer type, unit …) is read by `qa.answer.question_form`, and
`QuestionInfo` carries both. Instructions inside a question are never followed: they are just
more words to look up.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Container, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from qa.answer.demonyms import default_demonyms
from qa.answer.question_form import read_form
from qa.errors import InputError
from qa.text import STOPWORDS, family_roots, is_content, stem, tokenize

MAX_WORD_CHARS = 40  # longer "words" are noise (a pasted hash, "xxxx…"), not terms
IDF_POWER = 1.5  # > 1 lets the rare words of a question decide, as they do for a reader

# Terminal escapes: CSI (colours, cursor), OSC (window title … up to BEL or ESC \), the rest.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]")
# Also lone surrogates (undecodable argv bytes, JSON "\ud800"): the tokenizer rejects them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")


@dataclass(frozen=True)
class Term:
    """A content word of the question: its surface form, stem, weight and whether a name."""

    text: str
    norm: str
    stem: str
    weight: float
    entity: bool


@dataclass(frozen=True)
class QuestionInfo:
    """The question as the engine reads it: repaired, weighed, and its form."""

    text: str
    corrected: str
    answer_type: str  # "number" | "date" | "name" | "other"
    terms: tuple[Term, ...]
    wants_list: bool
    unit: str = ""  # for numbers: "money" | "share" | "duration" | ""
    head: str = ""  # the noun a "which X" question asks for: "publication", "city"
    strict_type: bool = False  # only an answer of its type will do (`question_form.needs_typed_answer`)


def lookup_text(question: str) -> str:
    """The words to look up: markup tags dropped ("<b>Who wrote it?</b>" → "Who wrote it?")."""
    stripped = re.sub(r"<script\b.*?</script\s*>|<style\b.*?</style\s*>", " ", question,
                      flags=re.IGNORECASE | re.DOTALL)
    stripped = re.sub(r"\s+", " ", re.sub(r"<[^<>]{1,200}>", " ", stripped)).strip()
    return stripped if any(ch.isalnum() for ch in stripped) else question


def clean_question(question: object, max_chars: int) -> str:
    """The question as text to look up, or InputError with a message the user can act on."""
    if not isinstance(question, str):
        raise InputError("The question must be text.")
    text = _ANSI.sub(" ", question)
    text = _CONTROL.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise InputError("Please type a question about the document.")
    if len(text) > max_chars:
        raise InputError(f"The question is too long ({len(text):,} characters; the limit is "
                         f"{max_chars:,}). Please ask something shorter.")
    if not any(ch.isalnum() for ch in text):
        raise InputError("The question has no words to look up; please ask in words.")
    return text


def family_in(stem_: str, stems: Container[str], roots: AbstractSet[str]) -> bool:
    """The word, another of its family, or another name of the same place is among `stems`
    (whose family roots are `roots`)."""
    return (stem_ in stems or bool(family_roots(stem_) & roots)
            or default_demonyms().named_in(stem_, stems))


class QuestionAnalyser:
    """Turns question text into QuestionInfo, using the corpus vocabulary and frequencies."""

    def __init__(self, doc_freq: dict[str, int], sentence_count: int, roots: Iterable[str],
                 vocabulary: Iterable[str], dictionary: frozenset[str] = frozenset()) -> None:
        self.sentence_count = max(1, sentence_count)
        self.doc_freq = doc_freq  # stem → sentences holding it
        self.family_roots = set(roots)
        self.vocabulary = sorted(set(vocabulary))
        self.known_norms = set(self.vocabulary)
        self.dictionary = dictionary  # real English words: never repaired as typos
        self.max_idf = math.log(1 + self.sentence_count / 0.5)

    @classmethod
    def of_sentences(cls, sentence_texts: Iterable[str], vocabulary: Iterable[str],
                     dictionary: frozenset[str] = frozenset()) -> QuestionAnalyser:
        """Counted from the sentences themselves (`qa.answer.corpus_statistics` counts a
        corpus once per document)."""
        doc_freq: Counter[str] = Counter()
        count = 0
        for text in sentence_texts:
            count += 1
            doc_freq.update({t.stem for t in tokenize(text)})
        roots = {root for s in doc_freq for root in family_roots(s)}
        return cls(dict(doc_freq), count, roots, vocabulary, dictionary)

    def idf(self, stem_: str) -> float:
        df = self.doc_freq.get(stem_, 0)
        return math.log(1 + self.sentence_count / (df + 0.5))

    def in_corpus(self, stem_: str) -> bool:
        return stem_ in self.doc_freq

    def family_in_corpus(self, stem_: str) -> bool:
        """The word, another of its family ("Germans" for "Germany"), or another name of the
        same place ("Filipino" for "the Philippines") is in the corpus."""
        return family_in(stem_, self.doc_freq, self.family_roots)

    def repair(self, norm: str) -> str:
        """The closest corpus word for an unknown word (a typo), or the word itself."""
        if (norm in self.known_norms or norm in self.dictionary or len(norm) < 4
                or not norm.isalpha()):
            return norm
        if self.in_corpus(stem(norm)):
            return norm
        match = process.extractOne(norm, self.vocabulary, scorer=fuzz.ratio, score_cutoff=80)
        return match[0] if match else norm

    def analyse(self, question: str) -> QuestionInfo:
        question = repair_function_words(question, self.known_norms)
        tokens = tokenize(question)
        terms: list[Term] = []
        corrected = question
        for i, token in enumerate(tokens):
            if not is_content(token.norm) or len(token.norm) > MAX_WORD_CHARS:
                continue
            norm = self.repair(token.norm)
            if norm != token.norm:
                corrected = corrected.replace(token.text, norm, 1)
            stem_ = stem(norm)
            entity = _is_entity(token.text, first=(i == 0))
            weight = min(self.idf(stem_), self.max_idf) ** IDF_POWER * (1.5 if entity else 1.0)
            terms.append(Term(token.text, norm, stem_, max(weight, 0.1), entity))
        unique: dict[str, Term] = {}
        for term in terms:
            unique.setdefault(term.stem, term)
        form = read_form(question, corrected)
        return QuestionInfo(
            text=question, corrected=corrected, answer_type=form.answer_type,
            terms=tuple(unique.values()), wants_list=form.wants_list, unit=form.unit,
            head=form.head, strict_type=form.strict_type)


_FUNCTION_WORDS = ("what", "which", "where", "when", "who", "whom", "whose", "why", "how",
                   "does", "did", "many", "much", "there", "their", "about", "with", "from",
                   "were", "have", "that", "this", "these", "those", "into", "after", "before")


def repair_function_words(question: str, known: set[str] | frozenset[str] = frozenset()) -> str:
    """Fix a misspelt question word at the start ("wich", "wat"): it decides the answer type."""
    seen = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        word = match.group()
        lower = word.lower()
        if seen > 2 or lower in STOPWORDS or lower in known or len(lower) < 3:
            return word
        best = process.extractOne(lower, _FUNCTION_WORDS, scorer=fuzz.ratio, score_cutoff=75)
        if not best or len(best[0]) - len(lower) > 1:
            return word
        return best[0].capitalize() if word[0].isupper() else best[0]
    return re.sub(r"[A-Za-z]+", fix, question)


def is_acronym(word: str) -> bool:
    """GDP, MeitY, PM: short words with two or more capitals."""
    return len(word) <= 6 and sum(ch.isupper() for ch in word) >= 2


def _is_entity(word: str, first: bool) -> bool:
    """A name, acronym or number in the question (first words are capitalised anyway)."""
    if word[0].isdigit():
        return True
    if len(word) > 1 and word.isupper():
        return True
    return word[0].isupper() and not first and word.lower() not in STOPWORDS
