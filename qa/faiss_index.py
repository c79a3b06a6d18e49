"""Choose, build, save and load the FAISS index over paragraph vectors.

Vectors are L2-normalised, so the inner-product metric ranks by cosine similarity. Small
corpora get an exact flat index; large ones an HNSW graph (approximate, much faster), chosen
automatically by size. This module does not know about paragraphs or text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

EXACT_LIMIT = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128


def choose_kind(n: int) -> str:
    """'flat' (exact) below EXACT_LIMIT vectors, else 'hnsw'."""
    return "flat" if n < EXACT_LIMIT else "hnsw"


def build(vectors: np.ndarray, kind: str | None = None) -> Any:
    """A populated FAISS index of the chosen kind."""
    import faiss

    n, dim = vectors.shape
    kind = kind or choose_kind(n)
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        raise ValueError(f"unknown FAISS index kind {kind!r}")
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def make_faiss_index(vectors: np.ndarray, path: Path) -> dict[str, Any]:
    """Build the index for `vectors`, save it at `path`; return its manifest entry."""
    index = build(vectors)
    save_faiss(index, path)
    kind = "flat" if index.__class__.__name__ == "IndexFlatIP" else "hnsw"
    return {"kind": kind, "ntotal": int(index.ntotal), "file": path.name}


def save_faiss(index: Any, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))


def load_faiss(path: Path, entry: dict[str, Any]) -> Any:
    import faiss

    index = faiss.read_index(str(path))
    if entry.get("kind") == "hnsw":
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def search(index: Any, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, ids) per query; ids are -1 where fewer than k exist."""
    k = max(1, min(k, max(1, index.ntotal)))
    return index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
