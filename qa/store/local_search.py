"""The three searches retrieval fuses, run in memory: FAISS over paragraph and sentence
vectors, and BM25 over paragraph stems (`qa.store.lexical`). The default store's `Rankings`
(`qa.store`).

Each search returns paragraph rows (positions in `LoadedIndex.paragraphs`), best first, at
most CANDIDATES; `scope` limits it to some documents (one chosen in the page, or those the
caller's libraries hold), searched exactly. Scores that tie (within
TIE: duplicate paragraphs, equal BM25 sums) are ordered by row, here and in the Milvus store,
so that both stores rank alike; each search looks SLACK hits past the cut for the same reason.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np

from qa.store.base import Scope
from qa.store.faiss_index import build as build_faiss
from qa.store.faiss_index import search as faiss_search
from qa.store.index import LoadedIndex
from qa.store.lexical import build_bm25
from qa.text import bm25_tokens

CANDIDATES = 30
SENTENCE_FACTOR = 3  # sentences searched per paragraph wanted: one paragraph has several
SLACK = 10           # hits looked at past the cut, so that ties at the cut break alike
SCOPES_KEPT = 64     # scopes whose sentence ids are kept (one per document, per team…)
TIE = 1e-6           # scores closer than this are equal: the earlier row comes first


class LocalRankings:
    """Searches over one loaded index; all heavy structures are built once, here."""

    def __init__(self, index: LoadedIndex) -> None:
        self.index = index
        # Built by `qa build` and loaded with the index; built here only for a bare index.
        self.bm25 = index.bm25 if index.bm25 is not None else build_bm25(index.paragraphs)
        self._sentences_of: dict[Scope, np.ndarray] = {}
        self._scopes_lock = threading.Lock()
        self.sentence_faiss = (index.sentence_faiss if index.sentence_faiss is not None
                               else build_faiss(np.asarray(index.sentence_vectors)))
        self.sentence_paragraph = (np.asarray(index.sentence_rows)[:, 0] if len(index.sentence_rows)
                                   else np.zeros(1, dtype=np.int64))

    def paragraphs(self, vector: np.ndarray, scope: Scope | None = None) -> list[int]:
        """Paragraph rows by the cosine of their vector with `vector`."""
        allowed = self._allowed(scope)
        if allowed is not None:
            scores = self.index.paragraph_vectors[allowed] @ vector
            return [int(allowed[i]) for i in top_rows(scores, CANDIDATES)]
        scores, ids = faiss_search(self.index.faiss, vector[None, :], CANDIDATES + SLACK)
        return tie_order(zip(ids[0], scores[0], strict=True))[:CANDIDATES]

    def sentences(self, vector: np.ndarray, scope: Scope | None = None) -> list[int]:
        """Paragraph rows in the order of their best sentence's cosine with `vector`."""
        if self.sentence_faiss.ntotal == 0:
            return []
        allowed = self._allowed(scope)
        wanted = CANDIDATES * SENTENCE_FACTOR
        if scope is not None and allowed is not None:
            ids = self._scope_sentences(scope, allowed)
            order = ids[top_rows(self.index.sentence_vectors[ids] @ vector, wanted)]
        else:
            scores, found = faiss_search(self.sentence_faiss, vector[None, :], wanted + SLACK)
            order = tie_order(zip(found[0], scores[0], strict=True))[:wanted]
        return first_rows((int(self.sentence_paragraph[s]) for s in order), CANDIDATES)

    def lexical(self, text: str, scope: Scope | None = None) -> list[int]:
        """Paragraph rows by BM25 over stems, only those sharing a word with `text`."""
        tokens = bm25_tokens(text)
        if not tokens:
            return []
        rows, scores = self.bm25.hits(tokens)  # ascending rows: ties stay in row order
        allowed = self._allowed(scope)
        if allowed is not None:
            keep = np.isin(rows, allowed)
            rows, scores = rows[keep], scores[keep]
        return [int(rows[i]) for i in top_rows(scores, CANDIDATES) if scores[i] > 0]

    def _allowed(self, scope: Scope | None) -> np.ndarray | None:
        """The paragraph rows of the scope's documents, in row order (None: no scope)."""
        if scope is None:
            return None
        parts = [_array(self.index.rows_of(d)) for d in scope]
        return np.sort(np.concatenate(parts)) if parts else np.array([], dtype=int)

    def _scope_sentences(self, scope: Scope, allowed: np.ndarray) -> np.ndarray:
        """Sentence ids of the scope's paragraphs (kept for the last SCOPES_KEPT scopes)."""
        with self._scopes_lock:  # the searches of one question may run on two threads
            found = self._sentences_of.get(scope)
            if found is None:
                if len(self._sentences_of) >= SCOPES_KEPT:
                    self._sentences_of.pop(next(iter(self._sentences_of)))
                found = np.flatnonzero(np.isin(self.sentence_paragraph, allowed))
                self._sentences_of[scope] = found
            return found


def tie_order(hits: Iterable[tuple[int, float]]) -> list[int]:
    """The ids of best-first (id, score) hits, runs of equal scores (within TIE) put in id
    order; ids below 0 (FAISS's "no hit") are dropped."""
    ordered: list[int] = []
    group: list[int] = []
    last = None
    for hit, score in hits:
        if hit < 0:
            continue
        if last is not None and abs(float(score) - last) > TIE:
            ordered += sorted(group)
            group = []
        group.append(int(hit))
        last = float(score)
    return ordered + sorted(group)


def top_rows(scores: np.ndarray, k: int) -> list[int]:
    """Positions of the k best scores, best first, ties in position order (`tie_order`);
    a partial sort, so a million scores cost little more than a scan."""
    if len(scores) > k + SLACK:
        threshold = np.partition(scores, -(k + SLACK))[-(k + SLACK)]
        candidates = np.flatnonzero(scores >= threshold)
    else:
        candidates = np.arange(len(scores))
    order = candidates[np.argsort(-scores[candidates], kind="stable")]
    return tie_order(zip(order, scores[order], strict=True))[:k]


def first_rows(rows: Iterable[int], limit: int) -> list[int]:
    """The distinct rows of an iterable, in order, at most `limit`."""
    ranking: list[int] = []
    for row in rows:
        if row not in ranking:
            ranking.append(row)
            if len(ranking) == limit:
                break
    return ranking


def _array(rows: range | list[int]) -> np.ndarray:
    if isinstance(rows, range):
        return np.arange(rows.start, rows.stop, dtype=np.int64)
    return np.asarray(rows, dtype=np.int64)
