"""Paragraph search at scale: random unit vectors, the index kind the project picks by size.

Random unit vectors of the model's dimension (384) stand in for paragraphs; the queries are
independent random unit vectors. This is the hardest case for an approximate index: real
embeddings cluster by topic, random ones have no structure to exploit, and every true
neighbour is barely closer than the rest. Recall@10 is measured against exact search over the
same vectors (`faiss.knn`, a brute-force scan). Latency is one query at a time, as a question
searches, through `qa.store.faiss_index.search`. Memory is the process's resident-set growth while
the index is built, next to the index's size on disk.
"""

from __future__ import annotations

import gc
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from qa.store import faiss_index

DIM = 384
QUERIES = 200
EXACT_QUERIES = 50  # the exact-scan reference is slow at 1 M; fewer queries suffice
K = 10
CHUNK = 100_000


def unit_vectors(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, CHUNK):
        block = rng.standard_normal((min(CHUNK, n - start), DIM), dtype=np.float32)
        out[start:start + len(block)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def tier(n: int) -> dict[str, Any]:
    """Build the automatically chosen index over n vectors; time and score its searches."""
    import faiss

    vectors = unit_vectors(n, seed=n)
    queries = unit_vectors(QUERIES, seed=1)
    faiss.omp_set_num_threads(max(1, min(2, os.cpu_count() or 1)))  # batch exact search
    _, exact = faiss.knn(queries, vectors, K, metric=faiss.METRIC_INNER_PRODUCT)
    _release_freed_memory()
    before = rss_bytes()
    started = time.perf_counter()
    index = faiss_index.build(vectors)
    build_s = time.perf_counter() - started
    memory = rss_bytes() - before
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "paragraphs.faiss"
        faiss_index.save_faiss(index, path)
        disk = path.stat().st_size
    latencies, found = _timed_searches(index, queries)
    recall = float(np.mean([len(set(a) & set(b)) / K for a, b in zip(found, exact,
                                                                     strict=True)]))
    exact_index = _exact_view(index)
    exact_latencies, _ = _timed_searches(exact_index, queries[:EXACT_QUERIES])
    result = {
        "n": n, "kind": faiss_index.kind_of(index), "build_s": build_s,
        "p50_ms": float(np.percentile(latencies, 50)),
        "p95_ms": float(np.percentile(latencies, 95)),
        "recall_at_10": recall,
        "exact_p50_ms": float(np.percentile(exact_latencies, 50)),
        "rss_delta_mb": memory / 2**20, "index_file_mb": disk / 2**20,
        "vectors_mb": vectors.nbytes / 2**20,
    }
    del index, exact_index, vectors
    gc.collect()
    return result


def _release_freed_memory() -> None:
    """Hand freed heap back to the system, so RSS growth counts only the new index."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the figure is then an upper bound
        pass


def _timed_searches(index: Any, queries: np.ndarray) -> tuple[list[float], list[np.ndarray]]:
    faiss_index.search(index, queries[:1], K)
    latencies, found = [], []
    for query in queries:
        started = time.perf_counter()
        _, ids = faiss_index.search(index, query[None, :], K)
        latencies.append((time.perf_counter() - started) * 1000)
        found.append(ids[0])
    return latencies, found


def _exact_view(index: Any) -> Any:
    """The exact flat index: the index itself, or the re-ranking store of a pq_refine or
    pq_rerank one."""
    import faiss

    if faiss_index.kind_of(index) == "pq_rerank":
        flat = faiss.IndexFlatIP(index.d)
        flat.add(np.ascontiguousarray(index.vectors, dtype=np.float32))
        return flat
    if faiss_index.kind_of(index) == "pq_refine":
        return faiss.downcast_index(index.refine_index)
    return index
