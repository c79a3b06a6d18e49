"""The Milvus store on the article: build time and warm answer latency, beside the default.

Milvus Lite runs embedded (`milvus:///….db` starts its gRPC server in a thread of this
process), so every search is a real gRPC round trip on 127.0.0.1, as against a Milvus server;
a server on another machine adds the network's round trips (three per question).
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import numpy as np

from benchmarks.answers import QUESTION_FILES
from qa.config import Settings
from qa.embedding import MiniLMEmbedder
from qa.evaluation import read_eval_file
from qa.pipeline import Pipeline


def milvus_article(settings: Settings, embedder: MiniLMEmbedder, passes: int) -> dict[str, Any]:
    """Build the article into Milvus Lite, then time every development question."""
    try:
        from qa.milvus_store import MilvusStore
        from qa.store import close_store, open_store
    except ImportError:
        return {}
    spec = f"milvus://{settings.index_dir.parent / 'milvus' / 'bench.db'}"
    milvus = replace(settings, store=spec)
    try:
        store = open_store(milvus)
        assert isinstance(store, MilvusStore)
        report = store.build(milvus.corpus_dir, embedder)
        started = time.perf_counter()
        pipeline = Pipeline.load(milvus, embedder=embedder)
        load_s = time.perf_counter() - started
        items = [item for path in QUESTION_FILES for item in read_eval_file(path)]
        pipeline.ask(items[0]["question"])
        latencies = []
        for _ in range(passes):
            for item in items:
                began = time.perf_counter()
                pipeline.ask(item["question"], history=item.get("history") or [])
                latencies.append((time.perf_counter() - began) * 1000)
    finally:
        close_store(spec)
    return {"milvus_build_s": report.seconds, "milvus_load_s": load_s,
            "milvus_warm_p50_ms": float(np.percentile(latencies, 50)),
            "milvus_warm_p95_ms": float(np.percentile(latencies, 95))}
