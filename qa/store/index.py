"""The searchable index folder: what a generation holds, and loading it.

A generation folder (see `qa.store.generations`; built by `qa.store.index_build`) holds:
    manifest.json        format version, embedder id and dimension, corpus hash, build time
    paragraphs.json      the parsed documents (paragraph rows in FAISS order, with sentences;
                         the manifest says where each document's JSON lies in it)
    paragraphs.faiss     FAISS index over paragraph vectors (inner product = cosine)
    sentences.faiss      the same over sentence vectors
    bm25.npz             BM25 over paragraph stems (`qa.store.lexical`)
    paragraph_vectors.npy, sentence_vectors.npy, word_vectors.npy + words.json
Loading checks the manifest against the corpus and embedder: stale → StaleIndex, damaged →
IndexCorruptError. Each document's parsed, tokenized and embedded form is kept beside the
generations, in `segments/` (`qa.store.segments`), so a rebuild works only on new files.
"""

from __future__ import annotations

import hashlib
import json
import mmap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa.documents.corpus import PARSER_VERSION
from qa.embedding import Embedder
from qa.errors import IndexCorruptError, IndexError_
from qa.store import generations
from qa.store.document_json import document_from_json
from qa.store.faiss_index import load_faiss
from qa.store.lexical import Bm25
from qa.types import Document, Paragraph

FORMAT_VERSION = 3  # 2: the sentence FAISS index and BM25 saved; 3: BM25 as bm25.npz
LOAD_ATTEMPTS = 3  # reads that race a publishing build are retried


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
    paragraphs: list[Paragraph]
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
    _doc_rows: dict[str, range | list[int]] = field(default_factory=dict, repr=False)
    _doc_numbers: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        offsets, total = [], 0
        rows: dict[str, list[int]] = {}
        for row, paragraph in enumerate(self.paragraphs):
            offsets.append(total)
            total += len(paragraph.sentences)
            found = rows.setdefault(paragraph.doc, [row, row])
            found[1] = row if found[1] == row - 1 or found[1] == row else -1
        self.sentence_offsets = np.asarray(offsets, dtype=np.int64)
        self._doc_numbers = {d.doc: i for i, d in enumerate(self.documents)}
        self._doc_rows = {doc: range(first, last + 1) for doc, (first, last) in rows.items()
                          if last >= 0}
        for doc in (doc for doc, (_, last) in rows.items() if last < 0):  # not contiguous
            self._doc_rows[doc] = [r for r, p in enumerate(self.paragraphs) if p.doc == doc]

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


def sentence_rows(paragraphs: list[Paragraph]) -> np.ndarray:
    """(paragraph row, sentence number) of every sentence, in sentence-vector order."""
    counts = np.fromiter((len(p.sentences) for p in paragraphs), np.int64, len(paragraphs))
    rows = np.repeat(np.arange(len(paragraphs), dtype=np.int64), counts)
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


def load_index(corpus_dir: Path, index_dir: Path, embedder: Embedder,
               check_corpus: bool = True, reuse: LoadedIndex | None = None) -> LoadedIndex:
    """Load the live generation; raise StaleIndex or IndexCorruptError when it cannot serve.
    Documents that `reuse` (the index served until now) holds with the same content are
    taken from it, not parsed again."""
    for _ in range(LOAD_ATTEMPTS):
        generation = generations.current_generation(index_dir)
        try:
            return _load_generation(generation, corpus_dir, index_dir, embedder, check_corpus,
                                    reuse)
        except IndexCorruptError:
            # A build that published meanwhile removes the generation being read: read the new.
            if generations.current_generation(index_dir) == generation:
                raise
    return _load_generation(generations.current_generation(index_dir), corpus_dir, index_dir,
                            embedder, check_corpus, reuse)


def documents_by_content(index: LoadedIndex | None) -> dict[str, Document]:
    """The index's documents by content key (the manifest's "content": its segment)."""
    if index is None:
        return {}
    entries = index.manifest.get("documents", [])
    return {entry["content"]: document for entry, document in
            zip(entries, index.documents, strict=False) if entry.get("content")}


def _read_documents(path: Path, entries: list[dict[str, Any]],
                    known: dict[str, Document]) -> list[Document]:
    """The generation's documents: those `known` by content as they are, the rest parsed
    from their part of paragraphs.json (the whole file when the manifest lacks the spans)."""
    spans = [entry.get("bytes") for entry in entries]
    if not entries or any(not isinstance(s, list) or len(s) != 2 for s in spans):
        return [document_from_json(d) for d in json.loads(path.read_bytes())]
    documents = []
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for entry, (start, end) in zip(entries, spans, strict=True):
            found = known.get(entry.get("content", ""))
            documents.append(found if found is not None and found.doc == entry["doc"]
                             else document_from_json(json.loads(data[start:end])))
    return documents


def _load_generation(generation: Path | None, corpus_dir: Path, index_dir: Path,
                     embedder: Embedder, check_corpus: bool,
                     reuse: LoadedIndex | None = None) -> LoadedIndex:
    if generation is None:
        raise StaleIndex(f"No index in {index_dir} yet.")
    try:
        manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise IndexCorruptError(index_dir, "manifest.json is missing") from error
    except (OSError, ValueError) as error:
        raise IndexCorruptError(index_dir, "manifest.json is unreadable") from error
    _check_manifest(manifest, index_dir, embedder)
    if check_corpus and manifest["corpus_hash"] != corpus_hash(corpus_dir):
        raise StaleIndex(f"The corpus in {corpus_dir} changed since the index was built.")
    try:
        documents = _read_documents(generation / "paragraphs.json", manifest["documents"],
                                    documents_by_content(reuse))
        # Memory-mapped: a large corpus's vectors (paragraphs, sentences, words) are paged in
        # as used, not copied at start; a large FAISS index re-ranks against them instead of
        # holding a copy.
        paragraph_vectors = np.load(generation / "paragraph_vectors.npy", mmap_mode="r")
        sentence_vectors = np.load(generation / "sentence_vectors.npy", mmap_mode="r")
        faiss_index = load_faiss(generation / "paragraphs.faiss", manifest["faiss"],
                                 paragraph_vectors)
        sentence_faiss = load_faiss(generation / "sentences.faiss", manifest["sentence_faiss"],
                                    sentence_vectors)
        bm25 = Bm25.load(generation / "bm25.npz")
        word_vectors = np.load(generation / "word_vectors.npy", mmap_mode="r")
        words = json.loads((generation / "words.json").read_text(encoding="utf-8"))
    except IndexCorruptError:
        raise
    except Exception as error:  # any unreadable file means the same to the user
        raise IndexCorruptError(index_dir, f"{type(error).__name__}: {error}"[:200]) from error
    paragraphs = [p for d in documents for p in d.paragraphs]
    rows = sentence_rows(paragraphs)
    _check_shapes(index_dir, embedder.dim, faiss_index, paragraphs, rows, paragraph_vectors,
                  sentence_vectors, words, word_vectors)
    if sentence_faiss.ntotal != len(rows) or sentence_faiss.d != embedder.dim:
        raise IndexCorruptError(index_dir, f"the sentence index holds {sentence_faiss.ntotal} "
                                f"vectors for {len(rows)} sentences")
    return LoadedIndex(manifest, documents, paragraphs, faiss_index, paragraph_vectors,
                       sentence_vectors, rows, words, word_vectors, sentence_faiss, bm25,
                       segments_dir=index_dir / "segments", generation_dir=generation)


def _check_manifest(manifest: Any, index_dir: Path, embedder: Embedder) -> None:
    version = manifest.get("format_version") if isinstance(manifest, dict) else None
    if isinstance(version, int) and version != FORMAT_VERSION:
        # An index written by another version of qa is stale, not damaged: rebuild it.
        raise StaleIndex(f"The index format {version} is not {FORMAT_VERSION}.")
    try:
        version = manifest["format_version"]
        emb_id, dim = manifest["embedder"]["id"], manifest["embedder"]["dim"]
        manifest["corpus_hash"], manifest["faiss"], manifest["sentence_faiss"]  # noqa: B018
    except (KeyError, TypeError) as error:
        raise IndexCorruptError(index_dir, f"manifest.json lacks {error}") from error
    if emb_id != embedder.id or dim != embedder.dim:
        raise StaleIndex(f"The index was built with embedder {emb_id} ({dim}-d).")


def _check_shapes(index_dir: Path, dim: int, faiss_index: Any, paragraphs: list[Paragraph],
                  rows: np.ndarray, paragraph_vectors: np.ndarray,
                  sentence_vectors: np.ndarray, words: list[str],
                  word_vectors: np.ndarray) -> None:
    problems = []
    if faiss_index.d != dim:
        problems.append(f"FAISS dimension {faiss_index.d} is not {dim}")
    if faiss_index.ntotal != len(paragraphs):
        problems.append(f"FAISS holds {faiss_index.ntotal} vectors for {len(paragraphs)} "
                        "paragraphs")
    for name, matrix, count in (("paragraph", paragraph_vectors, len(paragraphs)),
                                ("sentence", sentence_vectors, len(rows)),
                                ("word", word_vectors, len(words))):
        if matrix.ndim != 2 or matrix.shape != (count, dim):
            problems.append(f"{name} vectors have shape {matrix.shape}, expected ({count}, {dim})")
    if problems:
        raise IndexCorruptError(index_dir, "; ".join(problems))
