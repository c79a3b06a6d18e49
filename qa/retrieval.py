"""Find the paragraphs that may answer a question: dense (FAISS) and BM25, fused by RRF.

Reciprocal rank fusion adds 1 / (60 + rank) from each ranking, so a paragraph that both
methods like rises, and neither score scale has to be calibrated against the other. A
follow-up question is searched together with its conversation context at a lower weight.
This module ranks paragraphs; choosing sentences and answering is `qa.answering`'s job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from qa.embedding import Embedder
from qa.faiss_index import build as build_faiss
from qa.faiss_index import search as faiss_search
from qa.index import LoadedIndex
from qa.lexical import build_bm25
from qa.text import bm25_tokens
from qa.types import Paragraph

log = logging.getLogger(__name__)

RRF_K = 60
CANDIDATES = 30
SENTENCE_SHORTLIST = 3


@dataclass(frozen=True)
class Hit:
    """A retrieved paragraph with its fused score and the dense cosine of the main query."""

    row: int
    paragraph: Paragraph
    fused: float
    dense: float
    rank: int


@dataclass(frozen=True)
class Query:
    text: str
    weight: float = 1.0


class Retriever:
    """Hybrid search over one loaded index; all heavy structures are built once, here."""

    def __init__(self, index: LoadedIndex, embedder: Embedder) -> None:
        self.index = index
        self.embedder = embedder
        # Built by `qa build` and loaded with the index; built here only for a bare index.
        self.bm25 = index.bm25 if index.bm25 is not None else build_bm25(index.paragraphs)
        self._doc_rows: dict[str, np.ndarray] = {}
        for row, paragraph in enumerate(index.paragraphs):
            self._doc_rows.setdefault(paragraph.doc, []).append(row)  # type: ignore[arg-type]
        self._doc_rows = {d: np.array(r) for d, r in self._doc_rows.items()}
        self._sentences_of: dict[int, np.ndarray] = {}
        # Sentence-level dense search finds a paragraph whose one sentence matches even when
        # the paragraph as a whole is about something broader.
        self.sentence_faiss = (index.sentence_faiss if index.sentence_faiss is not None
                               else build_faiss(np.asarray(index.sentence_vectors)))
        self.sentence_paragraph = np.array([row for row, _ in index.sentence_rows] or [0])

    def search(self, queries: list[Query], k: int = 8, doc: str | None = None,
               vectors: np.ndarray | None = None) -> tuple[list[Hit], np.ndarray]:
        """Top-k fused hits for the weighted queries, and the query vectors (one per query)."""
        if vectors is None:
            vectors = self.embedder.encode_queries([q.text for q in queries])
        allowed = self._doc_rows.get(doc) if doc else None
        fused: dict[int, float] = {}
        best_sentences: list[int] = []
        for query, vector in zip(queries, vectors, strict=True):
            by_sentence = self._sentence_ranking(vector, allowed)
            best_sentences.extend(by_sentence[:SENTENCE_SHORTLIST])
            rankings = ((self._dense_ranking(vector, allowed), 0.5), (by_sentence, 0.5),
                        (self._bm25_ranking(query.text, allowed), 1.0))
            for ranking, weight in rankings:
                for rank, row in enumerate(ranking):
                    fused[row] = fused.get(row, 0.0) + query.weight * weight / (RRF_K + rank + 1)
        ordered = sorted(fused.items(), key=lambda item: -item[1])[:k]
        # The paragraphs of the closest sentences are always candidates, even when the fused
        # ranking of whole paragraphs leaves them out.
        chosen = {row for row, _ in ordered}
        ordered += [(row, fused[row]) for row in dict.fromkeys(best_sentences)
                    if row not in chosen]
        if not ordered:
            return [], vectors
        rows = np.array([row for row, _ in ordered])
        dense = self.index.paragraph_vectors[rows] @ vectors[0]
        hits = [Hit(int(row), self.index.paragraphs[int(row)], score, float(cos), rank)
                for rank, ((row, score), cos) in enumerate(zip(ordered, dense, strict=True))]
        return hits, vectors

    def _dense_ranking(self, vector: np.ndarray, allowed: np.ndarray | None) -> list[int]:
        if allowed is not None:
            scores = self.index.paragraph_vectors[allowed] @ vector
            order = np.argsort(-scores)[:CANDIDATES]
            return [int(allowed[i]) for i in order]
        _, ids = faiss_search(self.index.faiss, vector[None, :], CANDIDATES)
        return [int(i) for i in ids[0] if i >= 0]

    def _doc_sentences(self, allowed: np.ndarray) -> np.ndarray:
        """Sentence ids of one document's paragraphs (computed once per document)."""
        key = int(allowed[0]) if len(allowed) else -1
        if key not in self._sentences_of:
            self._sentences_of[key] = np.flatnonzero(np.isin(self.sentence_paragraph, allowed))
        return self._sentences_of[key]

    def _sentence_ranking(self, vector: np.ndarray, allowed: np.ndarray | None) -> list[int]:
        if self.sentence_faiss.ntotal == 0:
            return []
        if allowed is not None:
            ids = self._doc_sentences(allowed)
            order = ids[np.argsort(-(self.index.sentence_vectors[ids] @ vector))[:CANDIDATES * 3]]
        else:
            _, found = faiss_search(self.sentence_faiss, vector[None, :], CANDIDATES * 3)
            order = found[0][found[0] >= 0]
        ranking: list[int] = []
        for sentence in order:
            row = int(self.sentence_paragraph[sentence])
            if row not in ranking:
                ranking.append(row)
        return ranking[:CANDIDATES]

    def _bm25_ranking(self, text: str, allowed: np.ndarray | None) -> list[int]:
        tokens = bm25_tokens(text)
        if not tokens:
            return []
        scores = self.bm25.get_scores(tokens)
        if allowed is not None:
            masked = np.full_like(scores, -1.0)
            masked[allowed] = scores[allowed]
            scores = masked
        top = np.argsort(-scores)[:CANDIDATES]
        return [int(i) for i in top if scores[i] > 0]
