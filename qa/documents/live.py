"""The pipeline a running app serves, replaced by a fresh one after a document is added.

    live = LivePipeline(Pipeline.load())
    live.ask(question, history, doc)     # answered by whichever pipeline is current at the call
    live.add([path], progress=…)         # qa.documents.library.add, load the new index, then swap
    live.remove("garden-notes")          # qa.documents.library.remove, the same way

The swap is safe because nothing is changed in place: the new index is built into a new
generation (`qa.store.generations`, or new rows in a shared store), loaded into a new `Pipeline`
while the old one keeps answering, and only then is the reference replaced, under a lock. A
question already running finishes on the pipeline it started with. A failed add raises before
the swap, so the app keeps serving what it served. Adds run one at a time. This module knows
nothing of Gradio.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from qa.answer import corpus_statistics
from qa.config import Settings
from qa.documents import library
from qa.embedding import Embedder
from qa.pipeline import Pipeline
from qa.store import open_store, segments
from qa.types import Answer, Document

log = logging.getLogger(__name__)

WATCH_SECONDS = 1.0  # how often a shared store (Milvus) is asked whether it changed
MAX_WATCH_SECONDS = 30.0  # the longest wait between tries while it cannot be reached


class LivePipeline:
    """A `Pipeline` stand-in (settings, documents, ask) whose documents can grow."""

    def __init__(self, pipeline: Pipeline) -> None:
        self._current = pipeline
        self._swap = threading.Lock()
        self._changing = threading.Lock()  # one add or remove builds at a time
        self._loading = threading.Lock()   # one load of a new index at a time
        self.store = open_store(pipeline.settings)
        self._stop = threading.Event()
        self._revision = self._served_revision(pipeline)
        # Another process (a replica, `qa add`, `qa watch`) may change the index: follow it.
        threading.Thread(target=self._watch, name="qa-store-watch", daemon=True).start()
        self.catching_up = threading.Thread(target=self._catch_up, name="qa-catch-up",
                                            daemon=True)
        if pipeline.stale:  # started after an interrupted change: serve, then rebuild
            self.catching_up.start()

    def close(self) -> None:
        """Stop following the shared store."""
        self._stop.set()

    @property
    def current(self) -> Pipeline:
        with self._swap:
            return self._current

    @property
    def settings(self) -> Settings:
        return self.current.settings

    @property
    def embedder(self) -> Embedder:
        return self.current.embedder

    @property
    def documents(self) -> list[Document]:
        return self.current.documents

    def ask(self, question: str, history: list[list[str]] | None = None,
            doc: str | None = None, scope: frozenset[str] | None = None) -> Answer:
        return self.current.ask(question, history=history, doc=doc, scope=scope)

    def add(self, paths: list[Path], replace: bool = False,
            progress: library.Progress | None = None,
            library_name: str = library.DEFAULT_LIBRARY) -> library.AddReport:
        """Add files to the corpus and index them, then serve the new index. The files are
        parsed, tokenized and embedded first, outside the lock (`qa.store.segments.prepare`),
        so other adds and removes wait only for the short build that assembles them."""
        if not self.store.shared:
            if progress is not None:
                progress(0.05, "Reading and embedding (the library stays open meanwhile)")
            made = segments.prepare([(p, library.safe_name(p)) for p in paths],
                                    self.settings.index_dir, self.embedder,
                                    served=self.current.index, progress=True)
            for segment in made:  # the engine's counts too, so that the load only merges
                corpus_statistics.save_counts(self.settings.index_dir / segments.SEGMENTS_DIR,
                                              segment.key, segment.document.paragraphs)
        with self._changing:
            settings, embedder = self.settings, self.embedder
            report = library.add(settings, embedder, paths, replace=replace,
                                 progress=progress, bars=True, library=library_name)
        if report.build is not None:
            self._serve_latest()
        return report

    def remove(self, name: str) -> library.RemoveReport:
        """Remove a document (id or file name) from the corpus and the index, then serve that."""
        with self._changing:
            report = library.remove(self.settings, self.embedder, name)
        self._serve_latest()
        return report

    def _catch_up(self) -> None:
        """Build what the corpus holds and the served index lacks, then serve it."""
        try:
            with self._changing:
                library.catch_up(self.settings, self.embedder)
            self._serve_latest()
            log.info("Caught up with the corpus folder.")
        except Exception as error:  # keep serving the last good index
            log.warning("Could not catch up with the corpus folder: %s", error)

    def _serve_latest(self) -> None:
        """Load the store's newest index and serve it. Outside the change lock: the next add
        or remove builds while this one loads (the load of a large library takes seconds);
        loads take turns, and each loads whatever is newest when its turn comes."""
        with self._loading:
            if self.store.revision() != self._revision or self.store.shared:
                self._reload(check_corpus=False)

    def _reload(self, check_corpus: bool = True) -> None:
        settings, embedder = self.settings, self.embedder
        revision = self.store.revision()
        index = self.store.load(settings.corpus_dir, embedder, check_corpus=check_corpus,
                                reuse=self.current.index)
        fresh = Pipeline(settings, embedder, index, self.current.reader)
        with self._swap:
            self._current = fresh
            self._revision = self._served_revision(fresh, revision)

    def _served_revision(self, pipeline: Pipeline, fallback: str | None = None) -> str | None:
        """What `store.revision()` said of the index this pipeline serves (a shared store
        writes it in the manifest; the index folder names its generation)."""
        return pipeline.index.manifest.get("revision") or fallback or (
            None if self.store.shared else self.store.revision())

    def _watch(self) -> None:
        """Reload when the store's revision is not the one the pipeline was loaded at: a
        document added or removed through another process is served within seconds. While
        the store cannot be reached, it keeps serving and asks less often."""
        wait, failing = WATCH_SECONDS, False
        while not self._stop.wait(wait):
            try:
                revision = self.store.revision()
                if revision is not None and revision != self._revision:
                    with self._loading:
                        if self.store.revision() != self._revision:
                            self._reload(check_corpus=False)
                            log.info("Reloaded the index: %s changed.", self.store.spec)
                wait, failing = WATCH_SECONDS, False
            except Exception as error:  # unreachable for a while, say: keep serving, retry
                if not failing:
                    log.warning("Could not follow %s (retrying): %s", self.store.spec, error)
                wait, failing = min(MAX_WATCH_SECONDS, wait * 2), True
