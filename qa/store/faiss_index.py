"""Choose, build, save and load the FAISS index over paragraph vectors.

Vectors are L2-normalised, so the inner-product metric ranks by cosine similarity. The kind is
chosen by size:
    flat       below EXACT_LIMIT vectors: exact search, a scan of every vector (~5 ms at 50 k)
    pq_rerank  from EXACT_LIMIT up: every vector coded in 4-bit product-quantisation "fast
               scan" (dim/4 bytes each, scanned with SIMD lookup tables); the best
               max(k x RERANK_K_FACTOR, RERANK_MIN) by that rough score are re-ranked exactly
               against the vectors the index folder keeps anyway (`paragraph_vectors.npy`,
               memory-mapped), so a replica holds 96 bytes per 384-d vector instead of 1,632.
               Each re-ranked row is a read from the mapped file: at 1 M paragraphs 100 x k
               rows cost 130 ms a search, the 1,000 asked now 40 ms, with the same 77 article
               answers (docs/scaling.md).
    pq_refine  the same with FAISS's own copy of every vector (IndexRefineFlat): what
               pq_rerank replaced. At 1 M random 384-d vectors: ~5 ms per query, recall@10
               >= 0.99 against flat (`benchmarks/run.py` measures both).
    hnsw       still built on request and loaded from older indexes; no longer chosen: on
               100 k random 384-d vectors it took 205 s to build (two busy cores) and found
               26 % of the true top 10 at efSearch 128 (96 % needed efSearch 2048).
Searches of a few queries, and training, run on one thread: FAISS's OpenMP threads only add
barriers there, and stall whenever another process holds the second core. This module does
not know about paragraphs or text.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

EXACT_LIMIT = 50_000
PQ_BITS = 4               # fast-scan codes: 16 centroids per sub-vector
REFINE_K_FACTOR = 100     # pq_refine: candidates re-ranked exactly, per result asked for
RERANK_K_FACTOR = 10      # pq_rerank: the same, but never fewer than RERANK_MIN in all
RERANK_MIN = 1_000
TRAIN_SAMPLE = 65_536     # vectors the product quantiser is trained on
MIN_TRAIN = 256
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
FEW_QUERIES = 8           # up to this many queries are searched on one thread
KINDS = ("flat", "pq_rerank", "pq_refine", "hnsw")


class Reranked:
    """A fast-scan PQ index whose candidates are re-scored exactly against `vectors` (kept
    elsewhere, typically memory-mapped): what IndexRefineFlat does, without its copy."""

    def __init__(self, base: Any, vectors: np.ndarray) -> None:
        if len(vectors) != base.ntotal or vectors.shape[1] != base.d:
            raise ValueError(f"{base.ntotal} codes of dimension {base.d} for vectors of shape "
                             f"{vectors.shape}")
        self.base, self.vectors = base, vectors
        self.ntotal, self.d = base.ntotal, base.d

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        wide = max(k, min(self.ntotal, max(k * RERANK_K_FACTOR, RERANK_MIN)))
        _, candidates = self.base.search(queries, wide)
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        for q, found in enumerate(candidates):
            rows = np.sort(found[found >= 0])  # in file order: fewer pages touched
            exact = np.asarray(self.vectors[rows], dtype=np.float32) @ queries[q]
            best = np.argsort(-exact, kind="stable")[:k]
            scores[q, :len(best)], ids[q, :len(best)] = exact[best], rows[best]
        return scores, ids


def choose_kind(n: int) -> str:
    """'flat' (exact) below EXACT_LIMIT vectors, else 'pq_rerank' (approximate, re-ranked)."""
    return "flat" if n < EXACT_LIMIT else "pq_rerank"


def pq_subvectors(dim: int) -> int:
    """Sub-vectors of the product quantiser: 2-d pieces (1-d when dim is odd)."""
    return dim // 2 if dim % 2 == 0 else dim


def build(vectors: np.ndarray, kind: str | None = None) -> Any:
    """A populated FAISS index of the chosen kind."""
    import faiss

    n, dim = vectors.shape
    kind = kind or choose_kind(n)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    # Training runs hundreds of tiny k-means, each an OpenMP region: on two threads it took
    # 20 s instead of 1.3 s (65 k vectors) while another process used the second core.
    faiss.omp_set_num_threads(_cores() if kind == "hnsw" else 1)
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind in ("pq_rerank", "pq_refine"):
        if n < MIN_TRAIN:
            raise ValueError(f"{kind} needs at least {MIN_TRAIN} vectors to train, got {n}")
        base = faiss.IndexPQFastScan(dim, pq_subvectors(dim), PQ_BITS, faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(0).choice(n, min(n, TRAIN_SAMPLE), replace=False)
        base.train(vectors[np.sort(sample)])
        if kind == "pq_rerank":
            base.add(vectors)
            return Reranked(base, vectors)
        index = faiss.IndexRefineFlat(base)  # keeps the exact vectors for the re-ranking
        index.k_factor = REFINE_K_FACTOR
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        raise ValueError(f"unknown FAISS index kind {kind!r}")
    if n:
        index.add(vectors)
    return index


def kind_of(index: Any) -> str:
    """The kind name of a built or loaded index."""
    name = type(index).__name__
    if name in ("Reranked", "IndexPQFastScan"):
        return "pq_rerank"
    if name == "IndexRefineFlat":
        return "pq_refine"
    if name.startswith("IndexHNSW"):
        return "hnsw"
    return "flat"


def make_faiss_index(vectors: np.ndarray, path: Path) -> dict[str, Any]:
    """Build the index for `vectors`, save it at `path`; return its manifest entry."""
    index = build(vectors)
    save_faiss(index, path)
    return {"kind": kind_of(index), "ntotal": int(index.ntotal), "file": path.name}


def save_faiss(index: Any, path: Path) -> None:
    import faiss

    faiss.write_index(index.base if isinstance(index, Reranked) else index, str(path))


def load_faiss(path: Path, entry: dict[str, Any], vectors: np.ndarray | None = None) -> Any:
    """The saved index; a pq_rerank one re-ranks against `vectors` (the rows it was built
    from, e.g. memory-mapped from the generation's .npy)."""
    import faiss

    index = faiss.read_index(str(path))
    kind = kind_of(index)  # the file says what it is; `entry` is the manifest's record of it
    if kind == "pq_rerank":
        if vectors is None:
            raise ValueError("a pq_rerank index needs the vectors it re-ranks against")
        return Reranked(index, vectors)
    if kind == "hnsw":
        index.hnsw.efSearch = HNSW_EF_SEARCH
    elif kind == "pq_refine":
        index.k_factor = REFINE_K_FACTOR
    return index


def search(index: Any, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, ids) per query; ids are -1 where fewer than k exist."""
    import faiss

    k = max(1, min(k, max(1, index.ntotal)))
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    # The thread count is per calling thread in OpenMP, so it is set on every call.
    faiss.omp_set_num_threads(1 if len(queries) <= FEW_QUERIES else _cores())
    return index.search(queries, k)


def _cores() -> int:
    return max(1, min(2, os.cpu_count() or 1))
