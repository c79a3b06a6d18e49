"""Load the index folder's live generation, full or a delta on a base (`qa.store.overlay`).

    index = load_index(corpus_dir, index_dir, embedder, reuse=served)

Stale (another corpus or embedder) → StaleIndex; damaged → IndexCorruptError. What `reuse`
(the index served until now) already holds is not read again: documents with the same
content, and the whole base generation a new delta lies on.
"""

from __future__ import annotations

import json
import mmap
from pathlib import Path
from typing import Any

import numpy as np

from qa.embedding import Embedder
from qa.errors import IndexCorruptError
from qa.store import generations
from qa.store.document_json import document_from_json
from qa.store.faiss_index import load_faiss
from qa.store.index import (
    FORMAT_VERSION,
    LoadedIndex,
    StaleIndex,
    corpus_hash,
    documents_by_content,
    sentence_rows,
    sentence_rows_of_counts,
)
from qa.store.lexical import Bm25
from qa.store.overlay import LayeredBm25, LayeredSearch, Stacked
from qa.store.rows import ROWS_FILE, DocumentRows, ParagraphRows, concat
from qa.types import Document, Paragraph

LOAD_ATTEMPTS = 3  # reads that race a publishing build are retried


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


def read_manifest(generation: Path, index_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise IndexCorruptError(index_dir, "manifest.json is missing") from error
    except (OSError, ValueError) as error:
        raise IndexCorruptError(index_dir, "manifest.json is unreadable") from error


def served_manifest(index_dir: Path, generation: Path | None = None) -> dict[str, Any] | None:
    """The manifest of what the live (or given) generation serves: a delta's lists its base's
    kept documents, then its own. None when nothing was built yet."""
    generation = generation or generations.current_generation(index_dir)
    if generation is None:
        return None
    manifest = read_manifest(generation, index_dir)
    if not manifest.get("base"):
        return manifest
    return merged_manifest(read_manifest(index_dir / str(manifest["base"]), index_dir), manifest)


def kept_entries(base: dict[str, Any], delta: dict[str, Any]) -> list[int]:
    """The places of the base manifest's documents a delta still serves (it names the others
    by content key: two files may share a document id, never a content key)."""
    removed = set(delta.get("removed", []))
    return [i for i, entry in enumerate(base["documents"]) if entry.get("content") not in removed]


def merged_manifest(base: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    """A delta's manifest with the documents (and segment keys) it serves, in row order."""
    entries, keys = base["documents"], base.get("segments") or []
    kept = kept_entries(base, delta)
    return {**delta, "documents": [entries[i] for i in kept] + delta["documents"],
            "segments": ([keys[i] for i in kept] + list(delta.get("segments") or [])
                         if len(keys) == len(entries) else [])}


def _load_generation(generation: Path | None, corpus_dir: Path, index_dir: Path,
                     embedder: Embedder, check_corpus: bool,
                     reuse: LoadedIndex | None = None) -> LoadedIndex:
    if generation is None:
        raise StaleIndex(f"No index in {index_dir} yet.")
    manifest = read_manifest(generation, index_dir)
    _check_manifest(manifest, index_dir, embedder)
    if check_corpus and manifest["corpus_hash"] != corpus_hash(corpus_dir):
        raise StaleIndex(f"The corpus in {corpus_dir} changed since the index was built.")
    own = _read_layer(generation, manifest, index_dir, embedder, reuse)
    if not manifest.get("base"):
        return own
    base = _served_base(reuse, manifest["base"])
    if base is None:
        base_dir = index_dir / str(manifest["base"])
        base_manifest = read_manifest(base_dir, index_dir)
        _check_manifest(base_manifest, index_dir, embedder)
        base = _read_layer(base_dir, base_manifest, index_dir, embedder, reuse)
    return _combine(base, own, manifest)


def _served_base(reuse: LoadedIndex | None, name: str) -> LoadedIndex | None:
    """The base generation `name` as `reuse` already holds it (itself or its base)."""
    for held in (reuse, reuse.base if reuse is not None else None):
        if held is not None and held.base is None and held.generation_dir is not None \
                and held.generation_dir.name == name:
            return held
    return None


def _read_layer(generation: Path, manifest: dict[str, Any], index_dir: Path,
                embedder: Embedder, reuse: LoadedIndex | None) -> LoadedIndex:
    """One generation's own files, as an index of its own documents."""
    try:
        if (generation / ROWS_FILE).is_file():
            documents, paragraphs, rows = _lazy_documents(generation, manifest["documents"])
        else:
            documents = _read_documents(generation / "paragraphs.json", manifest["documents"],
                                        documents_by_content(reuse))
            paragraphs = [p for d in documents for p in d.paragraphs]
            rows = sentence_rows(paragraphs)
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
    _check_shapes(index_dir, embedder.dim, faiss_index, paragraphs, rows, paragraph_vectors,
                  sentence_vectors, words, word_vectors)
    if sentence_faiss.ntotal != len(rows) or sentence_faiss.d != embedder.dim:
        raise IndexCorruptError(index_dir, f"the sentence index holds {sentence_faiss.ntotal} "
                                f"vectors for {len(rows)} sentences")
    return LoadedIndex(manifest, documents, paragraphs, faiss_index, paragraph_vectors,
                       sentence_vectors, rows, words, word_vectors, sentence_faiss, bm25,
                       segments_dir=index_dir / "segments", generation_dir=generation)


def _combine(base: LoadedIndex, delta: LoadedIndex, manifest: dict[str, Any]) -> LoadedIndex:
    """The served index: the base's rows (those of removed or replaced documents dead), then
    the delta's; its manifest lists the served documents in that order."""
    kept = kept_entries(base.manifest, manifest)
    lengths = [len(d.paragraphs) for d in base.documents]  # base rows: its documents in order
    starts = np.cumsum([0] + lengths)
    dead = np.ones(len(base.paragraphs) + len(delta.paragraphs), dtype=bool)
    dead[len(base.paragraphs):] = False
    doc_rows: dict[str, range | list[int]] = {}
    for i in kept:
        dead[starts[i]:starts[i + 1]] = False
        _add_rows(doc_rows, base.documents[i].doc, range(int(starts[i]), int(starts[i + 1])))
    shift = len(base.paragraphs)
    for document in delta.documents:
        own = delta.rows_of(document.doc)
        _add_rows(doc_rows, document.doc, range(own.start + shift, own.stop + shift)
                  if isinstance(own, range) else [r + shift for r in own])
    documents = [base.documents[i] for i in kept] + delta.documents
    paragraphs = concat(base.paragraphs, delta.paragraphs)
    offset = np.array([len(base.paragraphs), 0], dtype=np.int64)
    rows = np.concatenate([base.sentence_rows, delta.sentence_rows + offset])
    dead_sentences = dead[rows[:, 0]] if len(rows) else np.zeros(0, dtype=bool)
    known = base.word_set
    new_words = [i for i, w in enumerate(delta.words) if w not in known]
    words = base.words + [delta.words[i] for i in new_words]
    word_vectors = Stacked([base.word_vectors, np.asarray(delta.word_vectors)[new_words]])
    served = merged_manifest(base.manifest, manifest)
    served["counts"] = {"paragraphs": int((~dead).sum()),
                        "sentences": int((~dead_sentences).sum()), "words": len(words)}
    return LoadedIndex(
        served, documents, paragraphs,
        LayeredSearch([base.faiss, delta.faiss], dead),
        Stacked([base.paragraph_vectors, delta.paragraph_vectors]),
        Stacked([base.sentence_vectors, delta.sentence_vectors]), rows, words, word_vectors,
        LayeredSearch([base.sentence_faiss, delta.sentence_faiss], dead_sentences),
        LayeredBm25([base.bm25, delta.bm25], dead if dead.any() else None),
        segments_dir=delta.segments_dir, generation_dir=delta.generation_dir, dead=dead,
        base=base, _doc_rows=doc_rows)


def _add_rows(found: dict[str, range | list[int]], doc: str, rows: range | list[int]) -> None:
    """Record a document's rows (two files of one id: both runs, as one list)."""
    found[doc] = [*found[doc], *rows] if doc in found else rows


def _lazy_documents(generation: Path, entries: list[dict[str, Any]]
                    ) -> tuple[list[Document], ParagraphRows, np.ndarray]:
    """The documents of a generation with a rows table, none of them parsed: each paragraph
    is read from paragraphs.json when first asked for (`qa.store.rows`)."""
    table = np.load(generation / ROWS_FILE, mmap_mode="r")
    counts = np.array([int(e["paragraphs"]) for e in entries], dtype=np.int64)
    if table.ndim != 2 or table.shape[1] != 3 or len(table) != int(counts.sum()):
        raise ValueError(f"{ROWS_FILE} holds {table.shape} rows for {int(counts.sum())} "
                         "paragraphs")
    paragraphs = ParagraphRows(generation / "paragraphs.json", np.asarray(table),
                               np.repeat(np.arange(len(entries)), counts),
                               [e["doc"] for e in entries])
    starts = np.cumsum(counts) - counts
    documents = [Document(e["doc"], e["title"], e["path"],
                          DocumentRows(paragraphs, int(start), int(count)))  # type: ignore[arg-type]
                 for e, start, count in zip(entries, starts, counts, strict=True)]
    return documents, paragraphs, sentence_rows_of_counts(np.asarray(table[:, 2]))


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
