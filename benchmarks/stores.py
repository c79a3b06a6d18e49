"""The Milvus store on the article: build time and warm answer latency, beside the default.

Milvus Lite runs embedded (`milvus:///….db` starts its gRPC server in a thread of this
process), so every search is a real gRPC round trip on 127.0.0.1, as against a Milvus server;
a server on another machine adds the network's round trips (three per question).
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from benchmarks.answers import warm_answers
from qa.config import Settings
from qa.embedding import MiniLMEmbedder


def milvus_article(settings: Settings, embedder: MiniLMEmbedder, passes: int) -> dict[str, Any]:
    """Build the article into Milvus Lite, then time every development question (the same
    measurement as `answers.warm_answers`, through the Milvus store)."""
    try:
        from qa.store import close_store, open_store
    except ImportError:
        return {}
    spec = f"milvus://{settings.index_dir.parent / 'milvus' / 'bench.db'}"
    milvus = replace(settings, store=spec)
    try:
        store = open_store(milvus)
        report = store.build(milvus.corpus_dir, embedder)
        started = time.perf_counter()
        store.load(milvus.corpus_dir, embedder)
        load_s = time.perf_counter() - started
        warm = warm_answers(milvus, embedder, passes)
    finally:
        close_store(spec)
    return {"milvus_build_s": report.seconds, "milvus_load_s": load_s,
            "milvus_warm_p50_ms": warm["warm_p50_ms"], "milvus_warm_p95_ms": warm["warm_p95_ms"]}
