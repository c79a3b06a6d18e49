"""Candidates: every sentence of the retrieved paragraphs, scored for how well it answers.

The score weighs meaning (cosine with the question), the weighted share of the question's
terms the sentence and its paragraph cover (`qa.answer.evidence`), a span of the asked type
(`qa.answer.spans`), the paragraph's retrieval rank and a broad question's bonus
(`qa.answer.broad`); the weights are `EngineSettings`'. A sentence that refers back is scored
(and later quoted) with the one before it. The reader's nudge is added by `qa.answer.reading`;
nothing here refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qa.answer.broad import BROAD_KINDS, answers_broadly, kind_bonus, links_away
from qa.answer.evidence import LITERAL_MATCH
from qa.answer.facts import CorpusFacts
from qa.answer.question import QuestionInfo, Term
from qa.answer.quoting import contrasts_back, refers_back
from qa.answer.settings import EngineSettings
from qa.answer.spans import fits_unit, typed_spans
from qa.embedding import Embedder
from qa.reader import ReadSpan
from qa.retrieval import Hit
from qa.store.index import LoadedIndex
from qa.text import content_stems, tokenize
from qa.types import Paragraph, Sentence


@dataclass
class Candidate:
    """A sentence of a retrieved paragraph with the features that score it."""

    hit: Hit
    index: int
    start: int
    end: int
    dense: float = 0.0
    sentence_coverage: float = 0.0
    paragraph_coverage: float = 0.0
    typed: list[tuple[int, int]] = field(default_factory=list)
    matches: list[float] = field(default_factory=list)
    paragraph_matches: list[float] = field(default_factory=list)
    score: float = 0.0
    span_fit: list[float] = field(default_factory=list)  # typed span ~ the question's head noun
    proximity: float = 0.0
    reading: ReadSpan | None = None  # the reader's best span inside this sentence
    reader_bonus: float = 0.0
    items_margin: float | None = None  # the reader's best margin in this sentence or after it
    paragraph_margin: float | None = None  # the reader's best margin in the whole paragraph
    verifier: float | None = None  # the verifier's logit that the quote answers (when read)

    @property
    def rank_score(self) -> float:
        return self.score + self.reader_bonus

    @property
    def paragraph(self) -> Paragraph:
        return self.hit.paragraph

    @property
    def text(self) -> str:
        """The quoted window: the sentence, with the one before when it is quoted too."""
        return self.paragraph.text[self.start:self.end]


class SentenceScorer:
    """Scores the sentences of retrieved paragraphs; built once per loaded index."""

    def __init__(self, index: LoadedIndex, facts: CorpusFacts, embedder: Embedder,
                 settings: EngineSettings) -> None:
        self.index = index
        self.facts = facts
        self.embedder = embedder
        self.settings = settings

    def candidates(self, info: QuestionInfo, hits: list[Hit], vector: np.ndarray,
                   context_vector: np.ndarray | None, kind: str = "fact") -> list[Candidate]:
        """Every sentence of the hits, best first (`context_vector`: a follow-up's turn)."""
        s, matcher, terms = self.settings, self.facts.matcher, info.terms
        term_vectors = matcher.term_vectors(terms, self.embedder.encode_queries)
        head_vector = (matcher.word_vector(info.head, self.embedder.encode_queries)
                       if info.head and info.answer_type == "name" else None)
        question_stems = {t.stem for t in terms}
        entity_stems = {t.stem for t in terms if t.entity}
        candidates: list[Candidate] = []
        for hit in hits:
            paragraph = hit.paragraph
            if kind in BROAD_KINDS and not answers_broadly(paragraph) or links_away(paragraph):
                continue  # a heading names a why and gives none; a byline, a link, neither
            p_cov, p_matches = matcher.coverage(terms, term_vectors,
                                                matcher.evidence(self._context(hit.row)))
            offset = self.index.sentence_offsets[hit.row]
            previous_matches: list[float] = []
            previous_dense = 0.0
            for j, sentence in enumerate(paragraph.sentences):
                _, own = matcher.coverage(terms, term_vectors, matcher.evidence(sentence.text))
                sv = self.index.sentence_vectors[offset + j]
                dense = float(sv @ vector)
                if context_vector is not None:
                    dense = max(dense, s.context_dense * float(sv @ context_vector))
                # a comparison's other side is in the sentence before "In contrast, …"
                leans_back = j > 0 and (refers_back(sentence.text) or kind == "compare"
                                        and contrasts_back(sentence.text))
                credit = s.lean_back_credit if leans_back else s.context_credit
                merged = [max(m, (credit if not t.entity else 1.0) * pm) for t, m, pm in
                          zip(terms, own, previous_matches or [0.0] * len(own), strict=True)]
                s_cov = weighted(terms, merged)
                start = sentence.start
                typed = _typed(sentence, info, question_stems, entity_stems)
                if j > 0 and (leans_back or s_cov - weighted(terms, own) >= s.quote_context_gain):
                    before = paragraph.sentences[j - 1]  # quoted too, so its spans count
                    start = before.start
                    dense = max(dense, (dense + previous_dense) / 2)
                    typed = _typed(before, info, question_stems, entity_stems) + typed
                candidate = Candidate(hit, j, start, sentence.end, dense, s_cov, p_cov, typed,
                                      merged, p_matches)
                candidate.proximity = _proximity(terms, sentence.text, s.proximity_window)
                if head_vector is not None:
                    candidate.span_fit = [matcher.phrase_fit(paragraph.text[a:b], head_vector)
                                          for a, b in typed]
                candidate.score = (s.w_dense * dense + s.w_sentence * s_cov
                                   + s.w_paragraph * p_cov
                                   + s.w_type * (bool(typed) if info.answer_type != "other" else 0)
                                   + s.w_rank / (1 + hit.rank)
                                   + s.w_head * max(candidate.span_fit, default=0.0)
                                   + s.w_proximity * candidate.proximity
                                   + kind_bonus(kind, sentence.text, paragraph, dense, vector,
                                                self.facts.headings, s))
                candidates.append(candidate)
                previous_matches, previous_dense = own, float(sv @ vector)
        candidates.sort(key=lambda c: -c.score)
        return candidates

    def contrast_hits(self, hits: list[Hit], vector: np.ndarray) -> list[Hit]:
        """For a comparison, the searched document's paragraphs that set two names against
        each other, as further hits (closest in meaning first)."""
        seen = {hit.row for hit in hits}
        rows = [row for row in self.facts.contrasts.rows(hits[0].paragraph.doc)
                if row not in seen]
        dense = [float(self.index.paragraph_vectors[row] @ vector) for row in rows]
        ranked = sorted(zip(rows, dense, strict=True), key=lambda pair: -pair[1])
        return [Hit(row, self.index.paragraphs[row], 0.0, cosine, len(hits) + i)
                for i, (row, cosine) in enumerate(ranked[:self.settings.max_contrast_hits])]

    def _context(self, row: int) -> str:
        """A paragraph with its document title, section, and short neighbours (bylines…)."""
        paragraphs = self.index.paragraphs
        paragraph = paragraphs[row]
        parts = [self.facts.titles.get(paragraph.doc, ""), paragraph.section, paragraph.text]
        if len(paragraph.text.split()) < self.settings.short_paragraph_words:
            for near in (row - 1, row + 1):
                if 0 <= near < len(paragraphs) and self.index.is_live(near) \
                        and paragraphs[near].doc == paragraph.doc:
                    parts.append(paragraphs[near].text)
        return " ".join(parts)


def weighted(terms: tuple[Term, ...], matches: list[float]) -> float:
    """The weighted share of the terms found (each match 0…1)."""
    total = sum(t.weight for t in terms)
    return sum(t.weight * m for t, m in zip(terms, matches, strict=True)) / total if total else 0.0


def literal_coverage(terms: tuple[Term, ...], matches: list[float]) -> float:
    """The weighted share of the terms found as themselves, not only by meaning."""
    return weighted(terms, [m if m >= LITERAL_MATCH else 0.0 for m in matches])


def describe(c: Candidate) -> dict[str, Any]:
    """A candidate's features, rounded, for the answer's debug record."""
    return {"anchor": c.paragraph.anchor, "sentence": c.index, "score": round(c.score, 3),
            "dense": round(c.dense, 3), "s_cov": round(c.sentence_coverage, 3),
            "p_cov": round(c.paragraph_coverage, 3), "typed": len(c.typed),
            "reader_bonus": round(c.reader_bonus, 3)}


def _typed(sentence: Sentence, info: QuestionInfo, question_stems: set[str],
           entity_stems: set[str]) -> list[tuple[int, int]]:
    """The sentence's spans of the asked type (and unit) that add information, as paragraph
    offsets."""
    spans = []
    for a, b in typed_spans(sentence.text, info.answer_type):
        text = sentence.text[a:b]
        if (_new_information(text, question_stems, entity_stems, info.answer_type)
                and (not info.unit or fits_unit(text, info.unit))):
            spans.append((a + sentence.start, b + sentence.start))
    return spans


def _new_information(span: str, question: set[str], entities: set[str], kind: str) -> bool:
    """A span can answer only if it adds something: not all question words, and a name is
    not one the question itself names ("Who met Modi?" is not answered by "Narendra Modi")."""
    stems = content_stems(span)
    if stems and stems <= question:
        return False
    return not (kind == "name" and stems & entities)


def _proximity(terms: tuple[Term, ...], sentence: str, window: int) -> float:
    """Weighted share of the question's terms found together within `window` words."""
    total = sum(t.weight for t in terms)
    if not total:
        return 0.0
    weights = {t.stem: t.weight for t in terms}
    hits = [(i, tok.stem) for i, tok in enumerate(tokenize(sentence)) if tok.stem in weights]
    best = 0.0
    for i, (position, _) in enumerate(hits):
        inside = {stem_ for p, stem_ in hits[i:] if p - position < window}
        best = max(best, sum(weights[s] for s in inside))
    return best / total


__all__ = ["Candidate", "SentenceScorer", "describe", "literal_coverage", "weighted"]
