"""Extractive summaries: the few sentences that best cover a document, or one part of it.

Centrality is the cosine of a sentence's vector (the index's own, `index.sentence_vectors`)
with its document's mean sentence direction, computed when the document is first summarised; the
summary picks by maximal marginal relevance (relevance minus the similarity to what is
already picked, so it covers instead of repeating), then quotes the picks in document order,
each cited, grouped under the document's headings. A summary of one part ("the part about
talent") ranks the sentences under a matching heading or holding the part's words by their
closeness to it; a part the document never mentions is refused.

This module does not retrieve and does not judge whether a question is in scope beyond that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qa.answer.citations import CitationList, Quote
from qa.answer.draft import Draft
from qa.answer.quoting import refers_back
from qa.answer.recent import Recent
from qa.store.index import LoadedIndex
from qa.text import content_stems, family_roots
from qa.types import Paragraph

SUMMARY_SENTENCES = 5     # a whole document
PART_SENTENCES = 3        # one part of it
MMR_LAMBDA = 0.6          # relevance against redundancy
POOL = 60                 # the most relevant sentences MMR chooses from
MIN_WORDS = 6             # shorter sentences are headings or fragments, not points
MIN_PART_COVERAGE = 0.5   # a sentence is about the part when it holds half its words (by rarity)
SUMMARISED_ROLES = ("body", "list_item")
# What may follow a word's root in another word of its family: "talent" → "talented",
# "compan" → "company", "companies"; not "mine" → "minerals".
_ENDINGS = (r"(?:s|es|e|ed|d|ing|er|ers|y|ies|i|n|an|ans|ian|ians|ese|ish|ism|ist|ists|ic|al|"
            r"ally|ly|ment|ments|ion|ions|ation|ations)?")


@dataclass
class _DocSentences:
    """One document's summarisable sentences: global sentence ids, (row, j), centrality; and
    for finding a part's words fast, their lower-cased text joined with each one's offset,
    and each one's section (an index into `sections`, the section headings' stems)."""

    ids: np.ndarray
    places: list[tuple[int, int]]
    centrality: np.ndarray
    text: str = ""
    starts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    section_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    sections: list[set[str]] = field(default_factory=list)


def _doc_sentences(index: LoadedIndex, doc: str) -> _DocSentences:
    """`doc`'s summarisable sentences with their centrality, and its section headings."""
    paragraphs = index.paragraphs
    rows = index.rows_of(doc)
    found = [(row, j) for row in rows if paragraphs[row].role in SUMMARISED_ROLES
             for j, sentence in enumerate(paragraphs[row].sentences)
             if len(sentence.text.split()) >= MIN_WORDS]
    if not found:
        return _DocSentences(np.zeros(0, dtype=np.int64), [], np.zeros(0, dtype=np.float32))
    ids = np.array([index.sentence_offsets[row] + j for row, j in found])
    vectors = np.asarray(index.sentence_vectors[ids], dtype=np.float32)
    centre = vectors.mean(axis=0)
    centre /= np.linalg.norm(centre) or 1.0
    return _DocSentences(ids, found, vectors @ centre,  # cosines: unit rows
                         *_searchable(paragraphs, found))


def _doc_headings(index: LoadedIndex, doc: str) -> dict[str, str]:
    """`doc`'s section headings over body paragraphs, by their plain words."""
    paragraphs = index.paragraphs
    return {_plain(paragraphs[row].section): paragraphs[row].section
            for row in index.rows_of(doc)
            if paragraphs[row].section and paragraphs[row].role == "body"}


class Summarizer:
    """Built once per loaded index; `summarize` costs a few milliseconds a question."""

    def __init__(self, index: LoadedIndex, idf: Any = None) -> None:
        self.index = index
        self.idf = idf or (lambda _stem: 1.0)
        self.titles = {d.doc: d.title for d in index.documents}
        self.subject = "article" if len(index.documents) == 1 else "document"
        self._docs: Recent[_DocSentences] = Recent(lambda doc: _doc_sentences(index, doc))
        self._doc_headings: Recent[dict[str, str]] = Recent(
            lambda doc: _doc_headings(index, doc))

    def _sentences(self, doc: str) -> _DocSentences:
        """One document's summarisable sentences, gathered the first time it is asked about
        (its rows and their vectors only: a large library is not read at load)."""
        return self._docs.get(doc)

    def _headings(self, doc: str) -> dict[str, str]:
        return self._doc_headings.get(doc)

    def summarize(self, doc: str, part: str = "", part_vector: np.ndarray | None = None
                  ) -> Draft:
        """The summary of `doc`, or of its part about `part` (closeness by `part_vector`)."""
        sentences = self._sentences(doc)
        debug: dict[str, Any] = {"kind": "summary", "doc": doc, "part": part}
        if not len(sentences.ids):
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

    def heading_asked(self, question: str, doc: str) -> str:
        """The heading of `doc` the question repeats ("What Is the New Proposition?"), whose
        section is its answer; "" when it repeats none."""
        return self._headings(doc).get(_plain(question), "")

    def _part(self, sentences: _DocSentences, part: str, part_vector: np.ndarray | None
              ) -> tuple[np.ndarray, np.ndarray] | None:
        """The sentences about the part — holding, or under a heading holding, at least
        MIN_PART_COVERAGE of its words by rarity — and their relevance; None when none is."""
        stems = content_stems(part)
        if not stems:
            return None
        weights = {s: self.idf(s) for s in stems}
        total = sum(weights.values())
        on_words = np.zeros(len(sentences.ids), dtype=np.float32)
        for stem_, weight in weights.items():
            root = min(family_roots(stem_), key=len)  # "compani" → "compan": company, companies
            pattern = rf"\b{re.escape(root)}{_ENDINGS}\b"
            found = [m.start() for m in re.finditer(pattern, sentences.text)]
            if found:
                hit = np.unique(np.searchsorted(sentences.starts, found, side="right") - 1)
                on_words[hit] += weight / total
        by_section = np.array([sum(w for s, w in weights.items() if _in_family(s, heading))
                               / total for heading in sentences.sections] or [0.0])
        under_heading = by_section[sentences.section_of]
        keep = np.flatnonzero(np.maximum(on_words, under_heading) >= MIN_PART_COVERAGE)
        if not len(keep):
            return None
        score = (0.5 * on_words[keep] + 0.25 * under_heading[keep]
                 + 0.25 * sentences.centrality[keep])
        if part_vector is not None:
            vectors = np.asarray(self.index.sentence_vectors[sentences.ids[keep]])
            score = score + 0.5 * (vectors @ part_vector)
        return keep, score

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
        if part in self._headings(doc).values():
            lead = f"Under “{part}”, the {self.subject} says:"
        elif part:
            lead = f"What the {self.subject} says about {part}:"
        else:
            lead = f"In brief, “{title}” says:"
        lines, section = [lead], None
        for paragraph, start, end in _merged(paragraphs, places):
            if paragraph.section and paragraph.section != section:
                section = paragraph.section
                lines.append(f"\n**{section}**")
            quote = Quote(paragraph, start, end)
            lines.append(f"- “{quote.text}” [{citations.cite(quote)}]")
        debug["quotes"] = [f"{paragraphs[row].anchor}:{j}" for row, j in places]
        return Draft("\n".join(lines), False, citations.citations, None, debug)


def _searchable(paragraphs: list[Paragraph], places: list[tuple[int, int]]
                ) -> tuple[str, np.ndarray, np.ndarray, list[set[str]]]:
    """The sentences' lower-cased text joined, each one's offset, section and the sections'
    stems (see `_DocSentences`)."""
    texts = [paragraphs[row].sentences[j].text.lower() for row, j in places]
    starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    names: dict[str, int] = {}
    section_of = np.array([names.setdefault(paragraphs[row].section, len(names))
                           for row, _ in places])
    return "\n".join(texts), starts, section_of, [content_stems(name) for name in names]


def _in_family(stem_: str, stems: set[str]) -> bool:
    roots = family_roots(stem_)
    return any(roots & family_roots(other) for other in stems)


def _plain(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


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
