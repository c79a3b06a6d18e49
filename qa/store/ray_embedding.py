"""Embed an index build on a Ray cluster: Ray Data's `map_batches` over a pool of actors, each
holding the same bundled all-MiniLM-L6-v2 (`qa.embedding.MiniLMEmbedder`), so the vectors are
the plain build's (a test holds them to 1e-5).

    qa build --ray auto          # the cluster RAY_ADDRESS or `ray start` names, else a local one
    qa build --ray HOST:6379     # a given cluster; its workers need this package installed

For the index folder only `encode_passages` goes to Ray and the store writes the vectors. For
a Milvus server (`--store milvus://host:port`) the actors write where the data goes:
`write_rows` hands them rows without vectors; each actor embeds its batch and inserts the rows
into the collection itself, and the driver sees only counts (logged as progress). On one
2-core machine this is slower than the plain build (actors start and load the model); it pays
when a cluster has many nodes. Needs the `scale` extra (`pip install -e '.[scale]'`).
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import numpy as np

from qa.embedding import MiniLMEmbedder
from qa.errors import IndexError_

log = logging.getLogger(__name__)

BATCH = 256  # texts per Ray batch
PROGRESS_EVERY = 10_000  # rows between progress lines of `write_rows`
WRITE_TIMEOUT_S = 60.0


class EmbedBatch:
    """A Ray actor's work: one model, loaded once, encoding batch after batch."""

    def __init__(self, threads: int = 1) -> None:
        self.embedder = MiniLMEmbedder(threads=threads)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self.embedder.encode_passages([str(text) for text in batch["text"]])
        return {"position": batch["position"], "vector": vectors}


class EmbedAndWrite:
    """A Ray actor's work for a Milvus server: embed a batch's texts, insert its rows with
    their vectors into the collection, return how many it wrote."""

    def __init__(self, uri: str, collection: str, upsert: bool = False,
                 threads: int = 1) -> None:
        from pymilvus import MilvusClient

        self.embedder = MiniLMEmbedder(threads=threads)
        self.client = MilvusClient(uri=uri, timeout=30)
        self.collection, self.upsert = collection, upsert

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self.embedder.encode_passages([str(text) for text in batch["text"]])
        rows = [dict(json.loads(str(row)), dense=vector.tolist())
                for row, vector in zip(batch["row"], vectors, strict=True)]
        write = self.client.upsert if self.upsert else self.client.insert
        write(self.collection, rows, timeout=WRITE_TIMEOUT_S)
        return {"written": np.array([len(rows)])}


class RayEmbedder:
    """An `Embedder` whose passages are encoded by Ray actors; queries stay local."""

    id = MiniLMEmbedder.id
    dim = MiniLMEmbedder.dim

    def __init__(self, address: str = "auto", actors: int = 2, batch_size: int = BATCH) -> None:
        self.address = address
        self.actors = max(1, actors)
        self.batch_size = batch_size
        self._local: MiniLMEmbedder | None = None

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if self._local is None:
            self._local = MiniLMEmbedder()
        return self._local.encode_queries(texts)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        ray = self._ray(progress)
        items = [{"position": i, "text": text} for i, text in enumerate(texts)]
        embedded = ray.data.from_items(items).map_batches(
            EmbedBatch, batch_size=self.batch_size, num_cpus=1, max_restarts=0,
            compute=ray.data.ActorPoolStrategy(size=self.actors))
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        seen = 0
        for row in embedded.iter_rows():
            vectors[int(row["position"])] = row["vector"]
            seen += 1
        if seen != len(texts):
            raise IndexError_(f"Ray returned {seen} of {len(texts)} vectors.")
        return vectors


    def write_rows(self, uri: str, collection: str, rows: list[dict[str, Any]],
                   texts: list[str], upsert: bool = False, progress: bool = False,
                   label: str = "rows") -> int:
        """Embed `texts[i]` as the vector of `rows[i]` and insert the rows into `collection`
        of the Milvus server at `uri`, in the actors; returns how many were written."""
        if not rows:
            return 0
        ray = self._ray(progress)
        items = [{"row": json.dumps(row, ensure_ascii=False), "text": text}
                 for row, text in zip(rows, texts, strict=True)]
        written = ray.data.from_items(items).map_batches(
            EmbedAndWrite, fn_constructor_args=(uri, collection, upsert),
            batch_size=self.batch_size, num_cpus=1, max_restarts=0,
            compute=ray.data.ActorPoolStrategy(size=self.actors))
        count = reported = 0
        for batch in written.iter_batches(batch_size=None):
            count += int(np.sum(batch["written"]))
            if progress and count - reported >= PROGRESS_EVERY:
                log.info("Ray: %d of %d %s embedded and written", count, len(rows), label)
                reported = count
        if progress:
            log.info("Ray: %d of %d %s embedded and written", count, len(rows), label)
        if count != len(rows):
            raise IndexError_(f"Ray wrote {count} of {len(rows)} {label}.")
        return count

    def _ray(self, progress: bool) -> Any:
        ray = connect(self.address)
        # Ray Data configures its loggers when imported: its INFO lines on every dataset
        # would drown the build's own report.
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.WARNING)
        ray.data.DataContext.get_current().enable_progress_bars = False  # ours: the log lines
        return ray


def connect(address: str) -> Any:
    """The `ray` module, connected: to a running cluster, or (for "auto" when none runs) to a
    local one started for this process."""
    try:
        import ray
    except ImportError as error:
        raise IndexError_("Building with Ray needs the scale extra: "
                          "pip install -e '.[scale]'") from error
    if ray.is_initialized():
        return ray
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    quiet = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.ERROR}
    try:
        ray.init(address=address, **quiet)
    except ConnectionError as error:
        if address != "auto":
            raise IndexError_(f"Cannot reach the Ray cluster at {address}: {error}") from error
        log.info("No Ray cluster is running; starting a local one for this build.")
        ray.init(**quiet)
    return ray
