"""How broad questions (why, how, role, definition, comparison, list: the kinds of
`qa.answer.question_form`) are scored and checked differently from fact questions.

- Meaning counts more than words: their few words are the thing asked about plus a generic
  verb ("work", "offer", "play") that may match an unrelated sentence literally.
- A section whose heading reads like the question ("How a Heat Pump Works") lends its
  sentences a bonus; a heading itself is never the answer.
- A comparison prefers a sentence that sets two sides against each other ("…, while …").
- The coverage and meaning floors are not held against them when the quote names what the
  question names (the reader's answerability is: the doubt once let off here is gone).
Fact questions are scored exactly as before; this module changes nothing for them.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from qa.answer.page import LINKS_HEADING
from qa.answer.question import Term
from qa.answer.recent import Recent
from qa.answer.settings import EngineSettings
from qa.store.index import LoadedIndex
from qa.types import Paragraph

BROAD_KINDS = ("why", "how", "role", "definition", "compare", "list")
EXPLAINING_KINDS = ("why", "how", "role")
COVERAGE_RULES = ("paragraph-coverage", "sentence-coverage")
# Words that make the form of a broad question rather than its subject: "What role does X
# play?", "How does X work?", "What does each side bring?". X decides the answer.
FORM_WORDS = frozenset("""
role roles play plays played part parts function functions involved involvement relationship
relation relations connection connections link links work works worked stand stands mean
means meant reason reasons purpose differ differs difference differences compare compared
comparison bring brings offer offers contribute contributes contribution each change changed
""".split())

_SIDES = re.compile(r"\b(?:each|both|either|every|the two) (?:of (?:the|these|those|two) )?"
                    r"([a-z][\w-]*)", re.IGNORECASE)
_CONTRAST = re.compile(r"\b(?:while|whereas|in contrast|by contrast|compared (?:with|to)|"
                       r"unlike|versus|vs\.|on the other hand|alongside)\b", re.IGNORECASE)


class Headings:
    """The vector of each section heading, looked up by (document, heading text)."""

    def __init__(self, index: LoadedIndex) -> None:
        self._index = index
        self._vectors: Recent[dict[str, np.ndarray]] = Recent(self._find)

    def closeness(self, paragraph: Paragraph, question: np.ndarray) -> float:
        """Cosine of the question with the heading over the paragraph (0 without one)."""
        if not paragraph.section:
            return 0.0
        vector = self._vectors.get(paragraph.doc).get(paragraph.section)
        return max(0.0, float(vector @ question)) if vector is not None else 0.0

    def _find(self, doc: str) -> dict[str, np.ndarray]:
        """The vectors of one document's headings, gathered the first time it is asked."""
        index, found = self._index, {}
        for row in index.rows_of(doc):
            paragraph = index.paragraphs[row]
            if paragraph.role == "heading" and paragraph.sentences:
                found.setdefault(paragraph.text,
                                 np.asarray(index.sentence_vectors[index.sentence_offsets[row]]))
        return found


GENERIC_SIDES = frozenset({"side", "sides", "one", "ones", "party", "parties", "partner",
                           "partners"})


class Contrasts:
    """Per document, the paragraphs with a sentence that sets two names against each other
    ("Japan offers precision …, while India can provide scale …"): a comparison's answer
    even when its words ("What does each country bring?") are not the document's."""

    def __init__(self, index: LoadedIndex, proper_words: frozenset[str]) -> None:
        self._index = index
        self._proper_words = proper_words
        self._rows: Recent[list[int]] = Recent(self._find)

    def rows(self, doc: str) -> list[int]:
        """The document's contrasting paragraphs, found the first time it is compared."""
        return self._rows.get(doc)

    def _find(self, doc: str) -> list[int]:
        paragraphs = self._index.paragraphs
        return [row for row in self._index.rows_of(doc) if paragraphs[row].role == "body"
                and any(self.sets_names_apart(s.text) for s in paragraphs[row].sentences)]

    def sets_names_apart(self, sentence: str) -> bool:
        """The sentence sets two names against each other."""
        return contrasts(sentence) and len(_names(sentence, self._proper_words)) >= 2


def _names(sentence: str, proper_words: frozenset[str]) -> set[str]:
    """The distinct names a sentence mentions (words the corpus capitalises mid-sentence)."""
    return {w.lower() for w in re.findall(r"\b[A-Z][\w-]*", sentence)
            if w.lower() in proper_words}


def answers_broadly(paragraph: Paragraph) -> bool:
    """Body text or a list item of the content: not a heading, byline, caption or a link to
    another page (`qa.answer.page`)."""
    return paragraph.role == "body" or (paragraph.role == "list_item"
                                        and not links_away(paragraph))


def links_away(paragraph: Paragraph) -> bool:
    """A list item under "Related" / "See also": the title of another page, which says
    nothing this document claims ("Japan Eyes ¥10 Trillion Investment Target …")."""
    return paragraph.role == "list_item" and bool(LINKS_HEADING.search(paragraph.section))


def contrasts(sentence: str) -> bool:
    """The sentence sets two things against each other ("X offers …, while Y …")."""
    return bool(_CONTRAST.search(sentence))


def kind_bonus(kind: str, sentence: str, paragraph: Paragraph, dense: float,
               question: np.ndarray, headings: Headings, settings: EngineSettings) -> float:
    """What a broad question adds to a sentence's score (0 for a fact question)."""
    if kind not in BROAD_KINDS:
        return 0.0
    bonus = (settings.w_broad_dense * dense
             + settings.w_section * headings.closeness(paragraph, question))
    if kind == "compare" and contrasts(sentence):
        bonus += settings.w_contrast
    return bonus


def weigh_form_words(kind: str, terms: tuple[Term, ...], question: str,
                     settings: EngineSettings) -> tuple[Term, ...]:
    """A broad question's terms with the words of its form made light; in a comparison,
    also the class that stands for its sides ("each *country*", "both *companies*")."""
    if kind not in BROAD_KINDS:
        return terms
    form = set(FORM_WORDS)
    if kind == "compare":
        form |= set(sides_of(question))
    return tuple(replace(t, weight=t.weight * settings.form_weight)
                 if t.norm in form and not t.entity else t for t in terms)


_ENUMERATION = re.compile(r"(?:\bsuch as|\bincluding|\binclude|\bincludes|\bin|:)\s+"
                          r"((?:[^.;:,()]+, )+[^.;:,()]*?\b(?:and|or) [^.;:,()]+?)(?=[.;:]|$)")


def enumeration(text: str) -> str | None:
    """The items a sentence enumerates ("such as A, B, and C" → "A, B, and C"), or None."""
    match = _ENUMERATION.search(text)
    return match.group(1) if match else None


def sides_of(question: str) -> list[str]:
    """The class a comparison's sides belong to ("each *country*"), as written."""
    return [m.lower() for m in _SIDES.findall(question)]


def waived_rules(kind: str, named: list[tuple[float, float]],
                 sides_contrasted: bool) -> set[str]:
    """The checks a broad question is not held to. `named`: for each name the question
    must find, its match in the quote and in the quote's paragraph (0…1).

    Let off: for a comparison, a word whose opposite the quote says (two sides compared say
    opposite things by design); the coverage floors when the quote names all the question's
    names, or (`sides_contrasted`) a comparison of "each X" (X a word of the document, or
    "side") whose quote sets two names against each other; a rival name in the quote, for
    why / how / role ("Why did Modi visit a plant in Sendai?" — the sentence names Sendai,
    its paragraph Modi), when the quote names one of them and its paragraph all. The
    reader's answerability is never let off: on the validation set it refuses about two
    unanswerable broad questions for each answerable one (why 15 : 8, how 14 : 7, compare
    9 : 2), as it does fact questions."""
    if kind not in BROAD_KINDS:
        return set()
    waived = {"antonym"} if kind == "compare" else set()
    if named and min(m for m, _ in named) >= 0.5 or sides_contrasted:
        waived |= set(COVERAGE_RULES)
    if (kind in EXPLAINING_KINDS and named and max(m for m, _ in named) >= 0.5
            and min(p for _, p in named) >= 0.5):
        waived.add("rival-name")
    return waived


__all__ = ["BROAD_KINDS", "Contrasts", "Headings", "answers_broadly", "contrasts", "enumeration",
           "kind_bonus", "links_away", "sides_of", "waived_rules",
           "weigh_form_words"]
