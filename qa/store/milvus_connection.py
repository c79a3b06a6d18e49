"""One Milvus store's connection, and the small reads every part of it needs: the meta row,
the published documents, scans past Milvus's query window, the manifest and revision.
`qa.store.milvus_store` builds on it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from qa.documents.corpus import corpus_files, doc_id_for
from qa.embedding import Embedder
from qa.errors import IndexError_
from qa.store.milvus_schema import (
    FORMAT_VERSION,
    KINDS,
    QUERY_WINDOW,
    READ_BATCH,
    READ_TIMEOUT_S,
    parse_spec,
    revision_of,
)


class MilvusConnection:
    """A Milvus database (embedded Lite or a server) and the store's reads of it."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.uri, self.prefix = parse_spec(spec)
        self._write_lock = threading.Lock()

    @cached_property
    def client(self) -> Any:
        try:
            from pymilvus import MilvusClient
        except ImportError as error:
            raise IndexError_("The Milvus store needs pymilvus and milvus-lite: "
                              "pip install -e '.[scale]'") from error
        if self.uri.endswith(".db"):
            Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
        try:
            client = MilvusClient(uri=self.uri, timeout=30)
            for kind in KINDS:  # a reopened database starts with its collections released
                if client.has_collection(self.name(kind)):
                    client.load_collection(self.name(kind))
        except Exception as error:  # pymilvus raises several kinds for the same reason
            detail = getattr(error, "message", None) or str(error)
            raise IndexError_(f"Cannot open the Milvus store {self.spec}: "
                              f"{detail[:300]}") from error
        return client

    def close(self) -> None:
        """Disconnect (and stop the embedded server of a .db store)."""
        client = self.__dict__.pop("client", None)
        if client is not None:
            client.close()
            if self.uri.endswith(".db"):
                from milvus_lite.server_manager import server_manager_instance

                server_manager_instance.release_server(self.uri)

    def name(self, kind: str) -> str:
        return f"{self.prefix}_{kind}"

    def _drop_all(self) -> None:
        for kind in KINDS:
            if self.client.has_collection(self.name(kind)):
                self.client.drop_collection(self.name(kind))

    # -- small reads -------------------------------------------------------------------
    def _meta(self) -> dict[str, Any] | None:
        if not self.client.has_collection(self.name("meta")):
            return None
        rows = self.client.get(self.name("meta"), ids=["index"], output_fields=["value"],
                               timeout=READ_TIMEOUT_S)
        return json.loads(rows[0]["value"]) if rows else None

    def _live(self) -> dict[str, dict[str, Any]]:
        """The published documents' manifest entries, by document id."""
        if not self.client.has_collection(self.name("documents")):
            return {}
        entries = [json.loads(row["value"]) for row in self._documents(["value"])]
        return {entry["doc"]: entry for entry in entries}

    def _documents(self, fields: list[str]) -> Iterator[dict[str, Any]]:
        name = self.name("documents")
        count = self.client.query(name, filter="", output_fields=["count(*)"],
                                  timeout=READ_TIMEOUT_S)[0]["count(*)"]
        return self._scan(name, 'key != ""', fields, count)

    def _scan(self, collection: str, expr: str, fields: list[str],
              expected: int) -> Iterator[dict[str, Any]]:
        """The rows `expr` selects: one query, or an iterator past Milvus's query window."""
        if expected < QUERY_WINDOW:
            rows = self.client.query(collection, filter=expr, output_fields=fields,
                                     limit=QUERY_WINDOW, timeout=READ_TIMEOUT_S)
            if len(rows) < QUERY_WINDOW:  # else more rows than expected: page through them
                yield from rows
                return
        iterator = self.client.query_iterator(collection, batch_size=READ_BATCH, filter=expr,
                                              output_fields=fields)
        try:
            while batch := iterator.next():
                yield from batch
        finally:
            iterator.close()

    def exists(self) -> bool:
        return self._meta() is not None

    def revision(self) -> str | None:
        """A hash of the published (document, version) pairs; None before the first build."""
        if not self.client.has_collection(self.name("documents")):
            return None
        return revision_of((row["key"], row["version"])
                           for row in self._documents(["key", "version"]))

    def manifest(self) -> dict[str, Any] | None:
        """Build facts and the published documents (ordered by file name), as the files
        store's manifest.json gives them."""
        meta = self._meta()
        if meta is None:
            return None
        documents = sorted(self._live().values(), key=lambda e: (e.get("path", ""), e["doc"]))
        return {**meta, "store": self.spec, "documents": documents,
                "revision": revision_of((e["doc"], e["version"]) for e in documents),
                "counts": {"paragraphs": sum(e["paragraphs"] for e in documents),
                           "sentences": sum(e.get("sentences", 0) for e in documents)}}

    def pending(self, corpus_dir: Path) -> list[str]:
        """Corpus files of documents the store has never held (nor had removed): what a load
        imports. A file whose document the store holds in another version is left alone:
        the store's copy may be another replica's newer one (`qa build` imports it)."""
        held = set(self._live()) | set((self._meta() or {}).get("removed", {}))
        return [path.name for path in corpus_files(corpus_dir) if doc_id_for(path) not in held]

    def is_current(self, corpus_dir: Path, embedder: Embedder) -> bool:
        meta = self._meta()
        return (meta is not None and meta.get("format_version") == FORMAT_VERSION
                and meta.get("embedder") == {"id": embedder.id, "dim": embedder.dim}
                and not self.pending(corpus_dir))
