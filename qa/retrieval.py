"""Find the paragraphs that may answer a question: dense (FAISS) and BM25, fused by RRF.

Reciprocal rank fusion adds 1 / (60 + rank) from each ranking, so a paragraph that both
methods like rises, and neither score scale has to be calibrated against the other. A
follow-up question is searched together with its conversation context at a lower weight.
The rankings come from the store (`qa.store`): FAISS and BM25 in memory by default,
Milvus requests for a shared store. This module fuses them; choosing sentences and
answering is `qa.answer`'s job.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from qa.embedding import Embedder
from qa.store import Rankings, Scope
from qa.store.index import LoadedIndex
from qa.store.local_search import LocalRankings
from qa.types import Paragraph

log = logging.getLogger(__name__)

RRF_K = 60
SENTENCE_SHORTLIST = 3
PARALLEL_FROM = 50_000  # paragraphs: from here the two dense searches run side by side
_searches = ThreadPoolExecutor(max_workers=2, thread_name_prefix="qa-search")


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
    """Hybrid search over one loaded index, through the store's three rankings."""

    def __init__(self, index: LoadedIndex, embedder: Embedder) -> None:
        self.index = index
        self.embedder = embedder
        self.rankings: Rankings = (index.rankings if index.rankings is not None
                                   else LocalRankings(index))

    def search(self, queries: list[Query], k: int = 8, scope: Scope | None = None,
               vectors: np.ndarray | None = None) -> tuple[list[Hit], np.ndarray]:
        """Top-k fused hits for the weighted queries, and the query vectors (one per query);
        only paragraphs of the documents in `scope`, when given."""
        if vectors is None:
            vectors = self.embedder.encode_queries([q.text for q in queries])
        fused: dict[int, float] = {}
        best_sentences: list[int] = []
        for query, vector in zip(queries, vectors, strict=True):
            by_paragraph, by_sentence, by_words = self._rankings(query, vector, scope)
            best_sentences.extend(by_sentence[:SENTENCE_SHORTLIST])
            rankings = ((by_paragraph, 0.5), (by_sentence, 0.5), (by_words, 1.0))
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

    def _rankings(self, query: Query, vector: np.ndarray, scope: Scope | None
                  ) -> tuple[list[int], list[int], list[int]]:
        """The paragraph, sentence and BM25 rankings of one query. On a large index in memory
        the two FAISS scans (tens of ms each at 1 M paragraphs; FAISS lets go of the GIL)
        run on two threads while BM25 runs here."""
        if isinstance(self.rankings, LocalRankings) and len(self.index.paragraphs) >= PARALLEL_FROM:
            paragraphs = _searches.submit(self.rankings.paragraphs, vector, scope)
            sentences = _searches.submit(self.rankings.sentences, vector, scope)
            words = self.rankings.lexical(query.text, scope)
            return paragraphs.result(), sentences.result(), words
        return (self.rankings.paragraphs(vector, scope), self.rankings.sentences(vector, scope),
                self.rankings.lexical(query.text, scope))
