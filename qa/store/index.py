"""The searchable index folder: what a generation holds (`qa.store.index_load` loads it).

A generation folder (see `qa.store.generations`; built by `qa.store.index_build`) holds:
    manifest.json        format version, embedder id and dimension, corpus hash, build time
    paragraphs.json      the parsed documents (paragraph rows in FAISS order, with sentences;
                         the manifest says where each document's JSON lies in it)
    paragraphs.faiss     FAISS index over paragraph vectors (inner product = cosine)
    sentences.faiss      the same over sentence vectors
    bm25.npz             BM25 over paragraph stems (`qa.store.lexical`)
    paragraph_vectors.npy, sentence_vectors.npy, word_vectors.npy + words.json
A delta generation holds the same files over the documents added or changed since a large
base generation, which it names (`qa.store.overlay`). Loading checks the manifest against
the corpus and embedder: stale → StaleIndex, damaged → IndexCorruptError. Each document's
parsed, tokenized and embedded form is kept beside the generations, in `segments/`
(`qa.store.segments`), so a rebuild works only on new files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from qa.documents.corpus import PARSER_VERSION
from qa.errors import IndexError_
from qa.types import Document, Paragraph

FORMAT_VERSION = 3  # 2: the sentence FAISS index and BM25 saved; 3: BM25 as bm25.npz


class StaleIndex(IndexError_):
    """The index was built from another corpus or embedder; it needs a rebuild."""


@dataclass
class BuildReport:
    """What a build did, for the CLI and the benchmarks."""

    documents: int
    paragraphs: int
    sentences: int
    embedded: int
    reused: int
    seconds: float
    warnings: list[str] = field(default_factory=list)
    paragraphs_embedded: int = 0  # of `paragraphs`; `embedded` also counts sentences and words


@dataclass
class LoadedIndex:
    """Everything retrieval and answering need, in memory."""

    manifest: dict[str, Any]
    documents: list[Document]
    paragraphs: Sequence[Paragraph]  # a list, or rows read when used (`qa.store.rows`)
    faiss: Any
    paragraph_vectors: np.ndarray
    sentence_vectors: np.ndarray
    sentence_rows: np.ndarray  # (sentences, 2): each sentence's paragraph row and place in it
    words: list[str]
    word_vectors: np.ndarray
    sentence_faiss: Any = None
    bm25: Any = None
    sentence_offsets: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    rankings: Any = None  # the store's searches (`qa.store.Rankings`); None: in memory
    segments_dir: Path | None = None  # where per-document caches live (the index folder's)
    generation_dir: Path | None = None  # where caches of this whole index live (ditto)
    dead: np.ndarray | None = None  # per paragraph row: a base row a delta replaced or removed
    base: LoadedIndex | None = None  # the full generation a delta lies on (`qa.store.overlay`)
    _doc_rows: dict[str, range | list[int]] = field(default_factory=dict, repr=False)
    _doc_numbers: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        rows = np.asarray(self.sentence_rows, dtype=np.int64).reshape(-1, 2)
        counts = np.bincount(rows[:, 0], minlength=len(self.paragraphs)) if len(rows) else \
            np.zeros(len(self.paragraphs), dtype=np.int64)
        self.sentence_offsets = (np.cumsum(counts) - counts).astype(np.int64)
        self._doc_numbers = {d.doc: i for i, d in enumerate(self.documents)}
        if not self._doc_rows:  # a delta's are given (`qa.store.index_load`)
            self._doc_rows = _rows_by_document(self.documents, self.paragraphs)

    @cached_property
    def word_set(self) -> frozenset[str]:
        """The vocabulary as a set (made once, when a delta is laid on this index)."""
        return frozenset(self.words)

    def is_live(self, row: int) -> bool:
        """Whether a row is served (a delta's base rows of replaced documents are not)."""
        return self.dead is None or not bool(self.dead[row])

    def document_number(self, doc: str) -> int | None:
        """The document's place in `documents` (and in the manifest's lists)."""
        return self._doc_numbers.get(doc)

    def rows_of(self, doc: str) -> range | list[int]:
        """The paragraph rows of one document, in order (empty for an unknown one)."""
        return self._doc_rows.get(doc, range(0))

    def paragraphs_of(self, doc: str) -> list[Paragraph]:
        """One document's paragraphs, in order."""
        return [self.paragraphs[row] for row in self.rows_of(doc)]

    def paragraph_at(self, anchor: str) -> Paragraph | None:
        """The paragraph of an anchor (`doc#p7`), or None."""
        doc, _, number = anchor.rpartition("#p")
        return next((p for p in self.paragraphs_of(doc) if str(p.number) == number), None)


def _rows_by_document(documents: list[Document], paragraphs: Sequence[Paragraph]
                      ) -> dict[str, range | list[int]]:
    """Each document's paragraph rows: its run of rows where the paragraphs are the documents'
    in order (every store's layout; nothing is parsed), else found one paragraph at a time."""
    found: dict[str, range | list[int]] = {}
    if sum(len(d.paragraphs) for d in documents) == len(paragraphs):
        at = 0
        for document in documents:
            run = range(at, at + len(document.paragraphs))
            found[document.doc] = [*found[document.doc], *run] if document.doc in found else run
            at += len(run)
        return found
    for row, paragraph in enumerate(paragraphs):
        found.setdefault(paragraph.doc, []).append(row)  # type: ignore[union-attr]
    return found


def sentence_rows(paragraphs: list[Paragraph]) -> np.ndarray:
    """(paragraph row, sentence number) of every sentence, in sentence-vector order."""
    counts = np.fromiter((len(p.sentences) for p in paragraphs), np.int64, len(paragraphs))
    return sentence_rows_of_counts(counts)


def sentence_rows_of_counts(counts: np.ndarray) -> np.ndarray:
    """`sentence_rows` from each paragraph's number of sentences."""
    counts = np.asarray(counts, dtype=np.int64)
    rows = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.stack([rows, np.arange(len(rows), dtype=np.int64) - starts], axis=1)


def corpus_hash(corpus_dir: Path) -> str:
    """A hash of every file name and content in the corpus, plus the parser version."""
    digest = hashlib.sha256(f"parser={PARSER_VERSION}".encode())
    if corpus_dir.is_dir():
        for path in sorted(p for p in corpus_dir.iterdir() if p.is_file()):
            if path.name.startswith("."):
                continue
            digest.update(path.name.encode("utf-8", "surrogateescape") + b"\0")
            try:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:  # skipped by load_corpus; readable again later means stale
                digest.update(b"unreadable")
    return digest.hexdigest()


def documents_by_content(index: LoadedIndex | None) -> dict[str, Document]:
    """The index's documents by content key (the manifest's "content": its segment)."""
    if index is None:
        return {}
    entries = index.manifest.get("documents", [])
    return {entry["content"]: document for entry, document in
            zip(entries, index.documents, strict=False) if entry.get("content")}
