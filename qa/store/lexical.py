"""BM25 over paragraph stems, assembled from per-document term counts.

    counts = TermCounts.of_tokens([bm25_tokens(passage_text(p)) for p in paragraphs])
    bm25 = Bm25.merge([counts_of_doc_a, counts_of_doc_b])   # the corpus, in row order
    scores = bm25.get_scores(bm25_tokens(question))          # one float32 score per row

Each document's term counts are made once, with its segment (`qa.store.segments`); a build
merges them with array operations instead of re-counting every paragraph of the corpus (with
a 100,000-paragraph document in the library that took 3 s under the library's lock, for each
small add). The scores are the Lucene variant of BM25 with k1 = 1.5 and b = 0.75, computed
the way bm25s 0.3 computed them (the library this replaced), so rankings did not change:

    score(row, term) = idf(term) · tf / (tf + k1 · (1 − b + b · length(row) / mean length))
    idf(term)        = ln(1 + (rows − df + 0.5) / (df + 0.5))
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from qa.store.npz import mapped_member
from qa.text import bm25_tokens
from qa.types import Paragraph

EMPTY_TOKEN = "\u2205"  # a paragraph with no indexable word still takes its row
K1, B = 1.5, 0.75


def passage_text(paragraph: Paragraph) -> str:
    """What is embedded and indexed for a paragraph: its section heading gives it context."""
    if paragraph.section:
        return f"{paragraph.section}: {paragraph.text}"
    return paragraph.text


@dataclass(frozen=True)
class TermCounts:
    """Term frequencies of a run of paragraph rows: row r holds terms[indptr[r]:indptr[r+1]]
    (ids into `vocabulary`) with counts tf[…]; `lengths` counts every token of a row."""

    vocabulary: np.ndarray  # str, sorted
    indptr: np.ndarray      # int64, rows + 1
    terms: np.ndarray       # int32
    tf: np.ndarray          # float32
    lengths: np.ndarray     # int64

    @classmethod
    def of_tokens(cls, rows: list[list[str]]) -> TermCounts:
        """Counts of rows given as their tokens (an empty row counts as EMPTY_TOKEN)."""
        rows = [tokens or [EMPTY_TOKEN] for tokens in rows]
        flat = np.array([t for tokens in rows for t in tokens], dtype=str)
        lengths = np.array([len(tokens) for tokens in rows], dtype=np.int64)
        vocabulary, ids = np.unique(flat, return_inverse=True)
        row_of = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
        pairs, tf = np.unique(row_of * max(len(vocabulary), 1) + ids, return_counts=True)
        pair_rows = pairs // max(len(vocabulary), 1)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(pair_rows, minlength=len(rows)))])
        return cls(vocabulary, indptr.astype(np.int64),
                   (pairs % max(len(vocabulary), 1)).astype(np.int32),
                   tf.astype(np.float32), lengths)

    @property
    def rows(self) -> int:
        return len(self.lengths)

    def arrays(self, prefix: str = "") -> dict[str, np.ndarray]:
        """The arrays to save (in an .npz), under names starting with `prefix`."""
        return {f"{prefix}{name}": getattr(self, name)
                for name in ("vocabulary", "indptr", "terms", "tf", "lengths")}

    @classmethod
    def from_arrays(cls, data: dict[str, np.ndarray] | np.lib.npyio.NpzFile,
                    prefix: str = "") -> TermCounts:
        counts = cls(*(np.asarray(data[f"{prefix}{name}"]) for name in
                       ("vocabulary", "indptr", "terms", "tf", "lengths")))
        if len(counts.indptr) != counts.rows + 1 or len(counts.terms) != len(counts.tf) \
                or int(counts.indptr[-1]) != len(counts.terms):
            raise ValueError("inconsistent term counts")
        return counts


class Bm25:
    """Scores of every paragraph row for a question's stems (term → rows, column-wise)."""

    def __init__(self, vocabulary: np.ndarray, indptr: np.ndarray, rows: np.ndarray,
                 scores: np.ndarray, num_rows: int, mean_length: float = 0.0) -> None:
        self.vocabulary = vocabulary
        self.indptr, self.rows, self.scores, self.num_rows = indptr, rows, scores, num_rows
        self.mean_length = mean_length  # tokens per row (0: not recorded, older files)

    @classmethod
    def merge(cls, parts: list[TermCounts], background: Bm25 | None = None) -> Bm25:
        """The BM25 index of the parts' rows, one after another. With `background` (the
        base a delta generation lies on), idf and the mean length count its rows too, so
        the delta's scores are on the base's scale."""
        parts = [p for p in parts if p.rows]
        if not parts:
            return cls(np.array([], dtype=str), np.zeros(1, dtype=np.int64),
                       np.array([], dtype=np.int64), np.array([], dtype=np.float32), 0)
        vocabulary = np.unique(np.concatenate([p.vocabulary for p in parts]))
        terms = np.concatenate([np.searchsorted(vocabulary, p.vocabulary)[p.terms]
                                for p in parts])
        lengths = np.concatenate([p.lengths for p in parts])
        offsets = np.cumsum([0] + [p.rows for p in parts])
        rows = np.concatenate([np.repeat(np.arange(p.rows) + offset, np.diff(p.indptr))
                               for p, offset in zip(parts, offsets, strict=False)])
        tf = np.concatenate([p.tf for p in parts])
        num_rows = len(lengths)
        df = np.bincount(terms, minlength=len(vocabulary))
        all_rows, all_df, mean_length = num_rows, df, float(lengths.mean())
        if background is not None and background.num_rows:
            all_rows = num_rows + background.num_rows
            all_df = df + background.doc_freq(vocabulary)
            if background.mean_length:
                mean_length = (background.mean_length * background.num_rows +
                               float(lengths.sum())) / all_rows
        idf = np.array([math.log(1 + (all_rows - d + 0.5) / (d + 0.5))
                        for d in all_df.tolist()], dtype=np.float32)
        norm = K1 * ((1 - B) + B * lengths[rows] / mean_length)
        scores = (idf[terms] * (tf / (norm + tf))).astype(np.float32)
        order = np.lexsort((rows, terms))  # column-wise: by term, then row
        indptr = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
        return cls(vocabulary, indptr, rows[order], scores[order], num_rows,
                   float(lengths.mean()))

    def doc_freq(self, terms: np.ndarray) -> np.ndarray:
        """How many rows hold each of `terms` (0 for a term this index lacks)."""
        at = np.searchsorted(self.vocabulary, terms)
        at = np.minimum(at, max(len(self.vocabulary) - 1, 0))
        known = (self.vocabulary[at] == terms) if len(self.vocabulary) else \
            np.zeros(len(terms), bool)
        counts = np.diff(self.indptr)
        return np.where(known, counts[at] if len(counts) else 0, 0)

    @cached_property
    def ids(self) -> dict[str, int]:
        """Term → column (made on first use: a build that only saves the index skips it)."""
        return {str(term): i for i, term in enumerate(self.vocabulary.tolist())}

    def get_scores(self, tokens: list[str]) -> np.ndarray:
        """One score per row: the sum over the tokens (repeats count again) of their scores."""
        scores = np.zeros(self.num_rows, dtype=np.float32)
        for token in tokens:
            term = self.ids.get(token)
            if term is not None:
                start, end = self.indptr[term], self.indptr[term + 1]
                np.add.at(scores, self.rows[start:end], self.scores[start:end])
        return scores

    def hits(self, tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The rows any token occurs in (ascending) and their scores, exactly as `get_scores`
        gives them: the caller ranks those rows only, not all of them (at 1 M rows a partial
        sort of every score cost more than the postings)."""
        scores = self.get_scores(tokens)
        rows = np.flatnonzero(scores)  # every BM25 contribution is positive
        return rows, scores[rows]

    def save(self, path: Path) -> None:
        with open(path, "wb") as handle:
            np.savez(handle, vocabulary=self.vocabulary, indptr=self.indptr, rows=self.rows,
                     scores=self.scores, num_rows=np.array(self.num_rows),
                     mean_length=np.array(self.mean_length))

    @classmethod
    def load(cls, path: Path) -> Bm25:
        """The saved index; the postings (`rows`, `scores`: most of its size) are mapped from
        the file, read as the questions' terms need them, not copied into memory."""
        with np.load(path) as data:
            vocabulary, indptr, num_rows = data["vocabulary"], data["indptr"], int(data["num_rows"])
            mean_length = float(data["mean_length"]) if "mean_length" in data.files else 0.0
        bm25 = cls(vocabulary, indptr, mapped_member(path, "rows"),
                   mapped_member(path, "scores"), num_rows, mean_length)
        if len(bm25.indptr) != len(bm25.vocabulary) + 1 or len(bm25.rows) != len(bm25.scores):
            raise ValueError("inconsistent BM25 arrays")
        bm25.ids  # noqa: B018 - made while loading, not at the first question
        return bm25


def build_bm25(paragraphs: list[Paragraph]) -> Bm25:
    """The BM25 index of these paragraphs (for an index that was loaded without one)."""
    return Bm25.merge([TermCounts.of_tokens([bm25_tokens(passage_text(p))
                                             for p in paragraphs])])
