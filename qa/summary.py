"""Extractive summaries: the few sentences that best cover a document, or one part of it.

Centrality is the cosine of a sentence's vector (the index's own, `index.sentence_vectors`)
with its document's mean sentence direction, computed once when the index is loaded; the
summary picks by maximal marginal relevance (relevance minus the similarity to what is
already picked, so it covers instead of repeating), then quotes the picks in document order,
each cited, grouped under the document's headings. A summary of one part ("the part about
talent") ranks the sentences under a matching heading or holding the part's words by their
closeness to it; a part the document never mentions is refused.

This module does not retrieve and does not judge whether a question is in scope beyond that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from qa.answering import Draft
from qa.citations import CitationList, Quote
from qa.index import LoadedIndex
from qa.quoting import refers_back
from qa.text import content_stems, family_roots
from qa.types import Paragraph

SUMMARY_SENTENCES = 5     # a whole document
PART_SENTENCES = 3        # one part of it
MMR_LAMBDA = 0.6          # relevance against redundancy
POOL = 60                 # the most relevant sentences MMR chooses from
MIN_WORDS = 6             # shorter sentences are headings or fragments, not points
MIN_PART_COVERAGE = 0.5   # a sentence is about the part when it holds half its words (by rarity)
SUMMARISED_ROLES = ("body", "list_item")


@dataclass
class _DocSentences:
    """One document's summarisable sentences: global sentence ids, (row, j), centrality."""

    ids: np.ndarray
    places: list[tuple[int, int]]
    centrality: np.ndarray


class Summarizer:
    """Built once per loaded index; `summarize` costs a few milliseconds a question."""

    def __init__(self, index: LoadedIndex, idf: Any = None) -> None:
        self.index = index
        self.idf = idf or (lambda _stem: 1.0)
        self.titles = {d.doc: d.title for d in index.documents}
        self.subject = "article" if len(index.documents) == 1 else "document"
        self._docs: dict[str, _DocSentences] = {}
        places: dict[str, list[tuple[int, int]]] = {}
        for row, paragraph in enumerate(index.paragraphs):
            if paragraph.role not in SUMMARISED_ROLES:
                continue
            for j, sentence in enumerate(paragraph.sentences):
                if len(sentence.text.split()) >= MIN_WORDS:
                    places.setdefault(paragraph.doc, []).append((row, j))
        for doc, found in places.items():
            ids = np.array([index.sentence_offsets[row] + j for row, j in found])
            vectors = np.asarray(index.sentence_vectors[ids], dtype=np.float32)
            centre = vectors.mean(axis=0)
            centre /= np.linalg.norm(centre) or 1.0
            self._docs[doc] = _DocSentences(ids, found, vectors @ centre)  # cosines: unit rows

    def summarize(self, doc: str, part: str = "", part_vector: np.ndarray | None = None
                  ) -> Draft:
        """The summary of `doc`, or of its part about `part` (closeness by `part_vector`)."""
        sentences = self._docs.get(doc)
        debug: dict[str, Any] = {"kind": "summary", "doc": doc, "part": part}
        if sentences is None:
            return _refusal(self.subject, "the document has no sentences to summarise", debug)
        if part:
            chosen = self._part(sentences, part, part_vector)
            if chosen is None:
                return _refusal(self.subject, f"nothing in the {self.subject} is about "
                                f"'{part}'", debug)
            picks = self._mmr(sentences, *chosen, PART_SENTENCES)
        else:
            picks = self._mmr(sentences, np.arange(len(sentences.ids)), sentences.centrality,
                              SUMMARY_SENTENCES)
        return self._compose(doc, part, sorted(sentences.places[i] for i in picks), debug)

    def _part(self, sentences: _DocSentences, part: str, part_vector: np.ndarray | None
              ) -> tuple[np.ndarray, np.ndarray] | None:
        """The sentences about the part, and their relevance to it; None when none is."""
        roots = {s: family_roots(s) | {s} for s in content_stems(part)}
        if not roots:
            return None
        weights = {s: self.idf(s) for s in roots}
        total = sum(weights.values())

        def coverage(text: str) -> float:
            found = {r for s in content_stems(text) for r in family_roots(s) | {s}}
            return sum(w for s, w in weights.items() if roots[s] & found) / total

        paragraphs = self.index.paragraphs
        keep, relevance = [], []
        for i, (row, j) in enumerate(sentences.places):
            paragraph = paragraphs[row]
            on_words = coverage(paragraph.sentences[j].text)
            under_heading = coverage(paragraph.section) if paragraph.section else 0.0
            if max(on_words, under_heading) >= MIN_PART_COVERAGE:
                keep.append(i)
                relevance.append(0.5 * max(on_words, under_heading))
        if not keep:
            return None
        kept = np.array(keep)
        score = np.array(relevance) + 0.25 * sentences.centrality[kept]
        if part_vector is not None:
            vectors = np.asarray(self.index.sentence_vectors[sentences.ids[kept]])
            score = score + 0.5 * (vectors @ part_vector)
        return kept, score

    def _mmr(self, sentences: _DocSentences, candidates: np.ndarray, relevance: np.ndarray,
             k: int) -> list[int]:
        """Maximal marginal relevance over the POOL most relevant candidates."""
        order = np.argsort(-relevance)[:POOL]
        pool, scores = candidates[order], relevance[order]
        vectors = np.asarray(self.index.sentence_vectors[sentences.ids[pool]], dtype=np.float32)
        similarity = vectors @ vectors.T
        picked: list[int] = []
        redundancy = np.zeros(len(pool), dtype=np.float32)
        while len(picked) < min(k, len(pool)):
            gain = MMR_LAMBDA * scores - (1 - MMR_LAMBDA) * redundancy
            gain[picked] = -np.inf
            best = int(np.argmax(gain))
            picked.append(best)
            redundancy = np.maximum(redundancy, similarity[best])
        return [int(pool[i]) for i in picked]

    def _compose(self, doc: str, part: str, places: list[tuple[int, int]],
                 debug: dict[str, Any]) -> Draft:
        paragraphs = self.index.paragraphs
        citations = CitationList({paragraphs[row].anchor for row, _ in places})
        title = self.titles.get(doc) or doc
        lead = (f"What the {self.subject} says about {part}:" if part else
                f"In brief, “{title}” says:")
        lines, section = [lead], None
        for paragraph, start, end in _merged(paragraphs, places):
            if paragraph.section and paragraph.section != section:
                section = paragraph.section
                lines.append(f"\n**{section}**")
            quote = Quote(paragraph, start, end)
            lines.append(f"- “{quote.text}” [{citations.cite(quote)}]")
        debug["quotes"] = [f"{paragraphs[row].anchor}:{j}" for row, j in places]
        return Draft("\n".join(lines), False, citations.citations, None, debug)


def _merged(paragraphs: list[Paragraph], places: list[tuple[int, int]]
            ) -> list[tuple[Paragraph, int, int]]:
    """The quotes of the picked sentences (in document order), one where two overlap."""
    quotes: list[tuple[Paragraph, int, int]] = []
    for row, j in places:
        paragraph = paragraphs[row]
        start, end = _quote_span(paragraph, j)
        if quotes and quotes[-1][0] is paragraph and start <= quotes[-1][2]:
            quotes[-1] = (paragraph, quotes[-1][1], end)
        else:
            quotes.append((paragraph, start, end))
    return quotes


def _quote_span(paragraph: Paragraph, j: int) -> tuple[int, int]:
    """The sentence, with the one before when it cannot be understood alone."""
    sentence = paragraph.sentences[j]
    if j > 0 and refers_back(sentence.text):
        return paragraph.sentences[j - 1].start, sentence.end
    return sentence.start, sentence.end


def _refusal(subject: str, reason: str, debug: dict[str, Any]) -> Draft:
    debug["abstain"] = reason
    return Draft(f"The {subject} does not say. I found no passage that answers this question, "
                 f"so there is nothing to cite.", True, (), None, debug)


__all__ = ["Summarizer"]
