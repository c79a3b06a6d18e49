"""The three searches retrieval fuses, run in memory: FAISS over paragraph and sentence
vectors, and bm25s over paragraph stems. The default store's `Rankings` (`qa.store`).

Each search returns paragraph rows (positions in `LoadedIndex.paragraphs`), best first, at
most CANDIDATES; `doc` limits it to one document, searched exactly.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from qa.faiss_index import build as build_faiss
from qa.faiss_index import search as faiss_search
from qa.index import LoadedIndex
from qa.lexical import build_bm25
from qa.text import bm25_tokens

CANDIDATES = 30
SENTENCE_FACTOR = 3  # sentences searched per paragraph wanted: one paragraph has several


class LocalRankings:
    """Searches over one loaded index; all heavy structures are built once, here."""

    def __init__(self, index: LoadedIndex) -> None:
        self.index = index
        # Built by `qa build` and loaded with the index; built here only for a bare index.
        self.bm25 = index.bm25 if index.bm25 is not None else build_bm25(index.paragraphs)
        rows: dict[str, list[int]] = {}
        for row, paragraph in enumerate(index.paragraphs):
            rows.setdefault(paragraph.doc, []).append(row)
        self._doc_rows = {d: np.array(r) for d, r in rows.items()}
        self._sentences_of: dict[str, np.ndarray] = {}
        self.sentence_faiss = (index.sentence_faiss if index.sentence_faiss is not None
                               else build_faiss(np.asarray(index.sentence_vectors)))
        self.sentence_paragraph = np.array([row for row, _ in index.sentence_rows] or [0])

    def paragraphs(self, vector: np.ndarray, doc: str | None = None) -> list[int]:
        """Paragraph rows by the cosine of their vector with `vector`."""
        allowed = self._allowed(doc)
        if allowed is not None:
            scores = self.index.paragraph_vectors[allowed] @ vector
            order = np.argsort(-scores)[:CANDIDATES]
            return [int(allowed[i]) for i in order]
        _, ids = faiss_search(self.index.faiss, vector[None, :], CANDIDATES)
        return [int(i) for i in ids[0] if i >= 0]

    def sentences(self, vector: np.ndarray, doc: str | None = None) -> list[int]:
        """Paragraph rows in the order of their best sentence's cosine with `vector`."""
        if self.sentence_faiss.ntotal == 0:
            return []
        allowed = self._allowed(doc)
        wanted = CANDIDATES * SENTENCE_FACTOR
        if allowed is not None:
            ids = self._doc_sentences(doc or "", allowed)
            order = ids[np.argsort(-(self.index.sentence_vectors[ids] @ vector))[:wanted]]
        else:
            _, found = faiss_search(self.sentence_faiss, vector[None, :], wanted)
            order = found[0][found[0] >= 0]
        return first_rows((int(self.sentence_paragraph[s]) for s in order), CANDIDATES)

    def lexical(self, text: str, doc: str | None = None) -> list[int]:
        """Paragraph rows by BM25 over stems, only those sharing a word with `text`."""
        tokens = bm25_tokens(text)
        if not tokens:
            return []
        scores = self.bm25.get_scores(tokens)
        allowed = self._allowed(doc)
        if allowed is not None:
            masked = np.full_like(scores, -1.0)
            masked[allowed] = scores[allowed]
            scores = masked
        top = np.argsort(-scores)[:CANDIDATES]
        return [int(i) for i in top if scores[i] > 0]

    def _allowed(self, doc: str | None) -> np.ndarray | None:
        if not doc:
            return None
        return self._doc_rows.get(doc, np.array([], dtype=int))

    def _doc_sentences(self, doc: str, allowed: np.ndarray) -> np.ndarray:
        """Sentence ids of one document's paragraphs (computed once per document)."""
        if doc not in self._sentences_of:
            self._sentences_of[doc] = np.flatnonzero(np.isin(self.sentence_paragraph, allowed))
        return self._sentences_of[doc]


def first_rows(rows: Iterable[int], limit: int) -> list[int]:
    """The distinct rows of an iterable, in order, at most `limit`."""
    ranking: list[int] = []
    for row in rows:
        if row not in ranking:
            ranking.append(row)
            if len(ranking) == limit:
                break
    return ranking
