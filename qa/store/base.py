"""Where the index lives: the interface the engine talks to, and the choice of implementation.

    store = open_store(settings)           # FilesStore (the index/ folder) or a MilvusStore
    store.build(corpus_dir, embedder)      # index the folder's documents → BuildReport
    store.load(corpus_dir, embedder)       # → LoadedIndex (StaleIndex, IndexCorruptError)
    store.pending(corpus_dir)              # corpus files a load would index first
    store.manifest()                       # the live documents and build facts; no model needed
    store.revision()                       # changes whenever what a load reads changes

Two implementations:
  FilesStore   the default: FAISS and BM25 files in `index/` (`qa.store.index`), searched in memory
               (`qa.store.local_search`). The corpus folder is the library; a build mirrors it.
  MilvusStore  `milvus:///path/to.db` (Milvus Lite, embedded) or `milvus://host:19530` (a
               Milvus server): vectors, BM25 and the documents' text live in Milvus, so any
               process can answer; the store is the library, and a build adds or replaces
               the folder's documents in it, keeping the others (`qa.store.milvus_store`, which
               also has `remove_document`).
Either way `load` returns the same `LoadedIndex`; its `rankings` are the three searches that
retrieval fuses.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from qa.config import Settings
from qa.documents.corpus import corpus_files
from qa.embedding import Embedder
from qa.errors import IndexError_, InputError
from qa.store import generations
from qa.store.index import BuildReport, LoadedIndex, corpus_hash
from qa.store.index_build import build_index
from qa.store.index_load import load_index, served_manifest

Scope = frozenset[str]  # the document ids a search may return; None: every document


class Rankings(Protocol):
    """The three searches retrieval fuses; each returns paragraph rows, best first, of the
    documents in `scope` only (every document when it is None)."""

    def paragraphs(self, vector: np.ndarray, scope: Scope | None = None) -> list[int]: ...

    def sentences(self, vector: np.ndarray, scope: Scope | None = None) -> list[int]: ...

    def lexical(self, text: str, scope: Scope | None = None) -> list[int]: ...


class Store(Protocol):
    """What the engine, the library and the CLI need from wherever the index lives."""

    spec: str        # how the user named it, for messages
    shared: bool     # other processes may change it: watch `revision()`

    def build(self, corpus_dir: Path, embedder: Embedder, progress: bool = False,
              only: list[str] | None = None, rebuild: bool = False) -> BuildReport: ...

    def load(self, corpus_dir: Path, embedder: Embedder, check_corpus: bool = True,
             reuse: LoadedIndex | None = None) -> LoadedIndex: ...

    def pending(self, corpus_dir: Path) -> list[str]: ...

    def exists(self) -> bool: ...

    def manifest(self) -> dict[str, Any] | None: ...

    def revision(self) -> str | None: ...

    def is_current(self, corpus_dir: Path, embedder: Embedder) -> bool: ...


class FilesStore:
    """The index folder on disk (`qa.store.index`, `qa.store.generations`): one machine's
    default."""

    shared = False

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.spec = str(index_dir)

    def build(self, corpus_dir: Path, embedder: Embedder, progress: bool = False,
              only: list[str] | None = None, rebuild: bool = False) -> BuildReport:
        """Mirror the corpus folder (`only` and `rebuild` change nothing: every build does)."""
        return build_index(corpus_dir, self.index_dir, embedder, progress=progress)

    def load(self, corpus_dir: Path, embedder: Embedder, check_corpus: bool = True,
             reuse: LoadedIndex | None = None) -> LoadedIndex:
        """The live generation; documents `reuse` holds unchanged are not parsed again."""
        return load_index(corpus_dir, self.index_dir, embedder, check_corpus=check_corpus,
                          reuse=reuse)

    def pending(self, corpus_dir: Path) -> list[str]:
        """Corpus files the live index does not hold (by file name)."""
        indexed = {d.get("path") for d in (self.manifest() or {}).get("documents", [])}
        return [p.name for p in corpus_files(corpus_dir) if p.name not in indexed]

    def exists(self) -> bool:
        return generations.current_generation(self.index_dir) is not None

    def manifest(self) -> dict[str, Any] | None:
        """What the live generation serves (a delta's lists its base's documents too)."""
        try:
            data = served_manifest(self.index_dir)
        except IndexError_:
            return None
        return data if isinstance(data, dict) else None

    def revision(self) -> str | None:
        generation = generations.current_generation(self.index_dir)
        return generation.name if generation is not None else None

    def is_current(self, corpus_dir: Path, embedder: Embedder) -> bool:
        manifest = self.manifest() or {}
        try:
            return (manifest.get("embedder") == {"id": embedder.id, "dim": embedder.dim}
                    and manifest.get("corpus_hash") == corpus_hash(corpus_dir))
        except OSError:  # an unreadable corpus folder: a build will say what is wrong
            return False


_shared: dict[str, Store] = {}  # one client per shared store and process
_shared_lock = threading.Lock()


def open_store(settings: Settings) -> Store:
    """The store `settings.store` names: empty → the index folder, `milvus://…` → Milvus."""
    spec = settings.store.strip()
    if not spec:
        return FilesStore(settings.index_dir)
    if spec.startswith("milvus://"):
        from qa.store.milvus_store import MilvusStore

        with _shared_lock:
            if spec not in _shared:
                _shared[spec] = MilvusStore(spec)
            return _shared[spec]
    raise InputError(f"Unknown store {spec!r}: give milvus:///path/to.db, "
                     "milvus://host:19530, or nothing for the index folder.")


def close_store(spec: str) -> None:
    """Disconnect a shared store opened by `open_store` (an embedded Milvus Lite database
    can then be opened by another process)."""
    with _shared_lock:
        store = _shared.pop(spec.strip(), None)
    close = getattr(store, "close", None)
    if close is not None:
        close()
