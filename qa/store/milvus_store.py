"""The index in Milvus, so that several processes (or machines) serve one library.

    store = MilvusStore("milvus:///abs/path/to.db")   # Milvus Lite, embedded in this process
    store = MilvusStore("milvus://127.0.0.1:19530")   # a Milvus server (Lite, Standalone, …)

The store is the library. An explicit build (`qa build --store …`) adds or replaces the corpus
folder's documents and keeps the others; an automatic one (loading finds files the store has
never held) adds only those, so a replica's old copy cannot revert or resurrect what another
replica replaced or removed; `remove_document` removes one and remembers it.

Its parts: the collections, keys and versions (`qa.store.milvus_schema`), the connection and
small reads (`qa.store.milvus_connection`), building and removing (`qa.store.milvus_build`),
loading (`qa.store.milvus_load`) and the searches a loaded index makes
(`qa.store.milvus_search`).
"""

from __future__ import annotations

from qa.store.milvus_build import MilvusBuild
from qa.store.milvus_load import MilvusLoad


class MilvusStore(MilvusBuild, MilvusLoad):
    """The `qa.store.Store` interface over a Milvus database (embedded Lite or a server)."""

    shared = True
