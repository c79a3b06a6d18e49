"""The pipeline a running app serves, replaced by a fresh one after a document is added.

    live = LivePipeline(Pipeline.load())
    live.ask(question, history, doc)     # answered by whichever pipeline is current at the call
    live.add([path], progress=…)         # qa.library.add, load the new index, then swap
    live.remove("garden-notes")          # qa.library.remove, the same way

The swap is safe because nothing is changed in place: the new index is built into a new
generation (`qa.store`), loaded into a new `Pipeline` (BM25 and FAISS included) while the old
one keeps answering, and only then is the reference replaced, under a lock. A question already
running finishes on the pipeline it started with. A failed add raises before the swap, so the
app keeps serving what it served. Adds run one at a time. This module knows nothing of Gradio.
"""

from __future__ import annotations

import threading
from pathlib import Path

from qa import library
from qa.config import Settings
from qa.embedding import Embedder
from qa.index import load_index
from qa.pipeline import Pipeline
from qa.types import Answer, Document


class LivePipeline:
    """A `Pipeline` stand-in (settings, documents, ask) whose documents can grow."""

    def __init__(self, pipeline: Pipeline) -> None:
        self._current = pipeline
        self._swap = threading.Lock()
        self._changing = threading.Lock()

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
            doc: str | None = None) -> Answer:
        return self.current.ask(question, history=history, doc=doc)

    def add(self, paths: list[Path], replace: bool = False,
            progress: library.Progress | None = None) -> library.AddReport:
        """Add files to the corpus and index them, then serve the new index."""
        with self._changing:
            settings, embedder = self.settings, self.embedder
            report = library.add(settings, embedder, paths, replace=replace, progress=progress,
                                 bars=True)
            if report.build is not None:
                self._reload()
            return report

    def remove(self, name: str) -> library.RemoveReport:
        """Remove a document (id or file name) from the corpus and the index, then serve that."""
        with self._changing:
            report = library.remove(self.settings, self.embedder, name)
            self._reload()
            return report

    def _reload(self) -> None:
        settings, embedder = self.settings, self.embedder
        index = load_index(settings.corpus_dir, settings.index_dir, embedder)
        fresh = Pipeline(settings, embedder, index, self.current.reader)
        with self._swap:
            self._current = fresh
