"""A small delta generation served on top of a large base: an add costs its own size.

    index/g-A/   a full generation (the base): every document, FAISS, BM25, vectors
    index/g-B/   a delta: manifest {"base": "g-A", "removed": [documents of g-A not served],
                 "documents": [its own]}, and the same files over its own documents only

A build writes a delta instead of a full generation when the base is large and what changed
since it is small (`qa.store.index_build`); a replica that already serves the base loads only
the delta (`qa.store.index`). Rows of the served index are the base's, then the delta's; the
base rows of removed or changed documents are "dead": kept in place (so that row numbers and
the base's files stay as they are) but never returned by a search. This module holds the
views that make two layers look like one: rows of several arrays (`Stacked`), a search over
several FAISS indexes (`LayeredSearch`) and BM25 over both (`LayeredBm25`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from qa.store.faiss_index import search as faiss_search


class Stacked:
    """The rows of several 2-d arrays, one after another, without copying them (the base's
    are memory-mapped): indexing by a row, a slice or an array of rows gathers from each."""

    def __init__(self, parts: list[np.ndarray]) -> None:
        self.parts = [p for p in parts if len(p)] or parts[:1]
        self.starts = np.cumsum([0] + [len(p) for p in self.parts])
        width = self.parts[0].shape[1] if self.parts and self.parts[0].ndim == 2 else 0
        self.shape = (int(self.starts[-1]), width)
        self.ndim, self.dtype = 2, self.parts[0].dtype if self.parts else np.float32

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: Any) -> np.ndarray:
        if isinstance(key, int | np.integer):
            row = int(key) + (self.shape[0] if key < 0 else 0)
            if not 0 <= row < self.shape[0]:
                raise IndexError(key)
            part = int(np.searchsorted(self.starts, row, side="right")) - 1
            return self.parts[part][row - int(self.starts[part])]
        if isinstance(key, slice):
            rows = np.arange(*key.indices(self.shape[0]))
        else:
            rows = np.asarray(key)
            rows = np.flatnonzero(rows) if rows.dtype == bool else \
                np.where(rows < 0, rows + self.shape[0], rows)
        out = np.empty((len(rows), self.shape[1]), dtype=np.float32)
        which = np.searchsorted(self.starts, rows, side="right") - 1
        for part in np.unique(which):
            at = which == part
            out[at] = self.parts[part][rows[at] - self.starts[part]]
        return out

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        whole = np.concatenate([np.asarray(p) for p in self.parts]) if self.parts else \
            np.zeros((0, self.shape[1]), np.float32)
        return whole if dtype is None else whole.astype(dtype)


class LayeredSearch:
    """FAISS-like (`ntotal`, `d`, `search`): the best of each layer's index, ids offset to
    the served rows, dead ids left out."""

    def __init__(self, layers: list[Any], dead: np.ndarray | None) -> None:
        self.layers = layers
        self.offsets = np.cumsum([0] + [layer.ntotal for layer in layers])
        self.ntotal, self.d = int(self.offsets[-1]), layers[0].d
        self.dead = dead if dead is not None and dead.any() else None
        self.dead_in = [0 if self.dead is None else int(self.dead[a:b].sum())  # per layer, once
                        for a, b in zip(self.offsets[:-1], self.offsets[1:], strict=True)]

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The best k live ids per query, merged from each layer's best k live ones."""
        found_scores, found_ids = [], []
        for layer, offset, count in zip(self.layers, self.offsets, self.dead_in, strict=False):
            if layer.ntotal:
                scores, ids = self._live(layer, int(offset), count, queries, k)
                found_scores.append(scores)
                found_ids.append(np.where(ids >= 0, ids + offset, -1))
        if not found_ids:
            return (np.full((len(queries), 1), -np.inf, np.float32),
                    np.full((len(queries), 1), -1, np.int64))
        scores, ids = np.concatenate(found_scores, axis=1), np.concatenate(found_ids, axis=1)
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(scores, order, 1), np.take_along_axis(ids, order, 1)

    def _live(self, layer: Any, offset: int, count: int, queries: np.ndarray,
              k: int) -> tuple[np.ndarray, np.ndarray]:
        """One layer's best k live ids (its own numbering): asked for k plus as many as its
        `count` dead rows could take, and again for four times more while too few were alive."""
        dead = self.dead[offset:offset + layer.ntotal] if self.dead is not None else None
        wide = k + min(count, k)
        while True:
            scores, ids = faiss_search(layer, queries, wide)
            if not count:
                return scores, ids
            gone = (ids >= 0) & dead[np.maximum(ids, 0)]
            ids, scores = np.where(gone, -1, ids), np.where(gone, -np.inf, scores)
            if (ids >= 0).sum(axis=1).min() >= min(k, layer.ntotal - count) \
                    or wide >= layer.ntotal:
                return scores, ids
            wide = min(layer.ntotal, wide * 4)


class LayeredBm25:
    """BM25 scores of the served rows: the base's, then the delta's (scored with the base's
    statistics, `Bm25.merge(..., background=base)`), dead rows at 0."""

    def __init__(self, layers: list[Any], dead: np.ndarray | None) -> None:
        self.layers, self.dead = layers, dead
        self.num_rows = sum(layer.num_rows for layer in layers)

    def get_scores(self, tokens: list[str]) -> np.ndarray:
        scores = np.concatenate([layer.get_scores(tokens) for layer in self.layers])
        if self.dead is not None:
            scores[self.dead] = 0.0
        return scores

    def hits(self, tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """`Bm25.hits` over the served rows, dead ones left out."""
        rows, scores, offset = [], [], 0
        for layer in self.layers:
            found, weights = layer.hits(tokens)
            rows.append(found + offset)
            scores.append(weights)
            offset += layer.num_rows
        all_rows, all_scores = np.concatenate(rows), np.concatenate(scores)
        if self.dead is not None:
            alive = ~self.dead[all_rows]
            all_rows, all_scores = all_rows[alive], all_scores[alive]
        return all_rows, all_scores


__all__ = ["LayeredBm25", "LayeredSearch", "Stacked"]
