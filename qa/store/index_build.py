"""Build a generation of the index folder from the corpus's per-document segments.

`build_index` lists the corpus folder, takes each file's segment (`qa.store.segments`: parsed,
tokenized and embedded once, by content), stacks their vectors, builds the two FAISS indexes
and BM25 over them, writes the generation (`qa.store.index` says what it holds and loads it)
and publishes it atomically (`qa.store.generations`).
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import numpy as np

from qa.documents.corpus import read_corpus
from qa.embedding import Embedder
from qa.store import delta_plan as delta_plan_module
from qa.store import generations
from qa.store import segments as segments_module
from qa.store.delta_plan import Held
from qa.store.faiss_index import make_faiss_index
from qa.store.index import FORMAT_VERSION, BuildReport, corpus_hash
from qa.store.index_load import load_index, served_manifest
from qa.store.lexical import Bm25
from qa.store.rows import ROWS_FILE, paragraph_spans
from qa.store.segments import Segment
from qa.store.vector_cache import VectorCache, segment_vectors, served_vectors

log = logging.getLogger(__name__)


def build_index(corpus_dir: Path, index_dir: Path, embedder: Embedder,
                progress: bool = False) -> BuildReport:
    """Assemble the corpus's segments (`qa.store.segments`: each file parsed, tokenized and
    embedded once, by content) into a generation and publish it atomically: a delta on the
    live base when the base is large and the change small (`qa.store.overlay`), else whole."""
    started = time.perf_counter()
    with generations.build_lock(index_dir):
        base = delta_plan_module.large_base(index_dir, embedder)
        segments, warnings = _segments(corpus_dir, index_dir, embedder, progress, base)
        delta = delta_plan_module.delta_plan(base, segments)
        if delta is None and base is not None:  # too large a change: read every file after all
            segments, warnings = _segments(corpus_dir, index_dir, embedder, progress, None)
        written = delta.segments if delta is not None else segments
        extra = {} if delta is None else {"base": delta.base, "removed": delta.removed}
        background = None if delta is None else \
            Bm25.load(index_dir / delta.base / "bm25.npz")
        generation = _write_generation(corpus_dir, index_dir, written, embedder, extra,
                                       background)
        generations.publish(index_dir, generation, keep=delta.base if delta else None)
        segments_module.prune(index_dir, {s.key for s in segments})
    paragraphs = sum(s.meta["paragraphs"] for s in segments)
    sentences = sum(s.meta["sentences"] for s in segments)
    words = len({w for s in written for w in s.words}) + (
        0 if delta is None else int(base.manifest.get("counts", {}).get("words", 0)))
    made = [s for s in segments if not s.reused]
    embedded = sum(s.embedded for s in made)
    total = paragraphs + sentences + words
    return BuildReport(len(segments), paragraphs, sentences, embedded,
                       total - embedded, time.perf_counter() - started, warnings,
                       paragraphs_embedded=sum(s.paragraphs_embedded for s in made))


def _write_generation(corpus_dir: Path, index_dir: Path, segments: list[Segment],
                      embedder: Embedder, extra: dict[str, Any],
                      background: Bm25 | None) -> Path:
    """Write a generation folder over `segments` (not yet live); `extra` goes in its
    manifest (a delta's base and removed documents)."""
    previous_documents = _previous_documents(index_dir)
    built_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    para_vectors = _stack([s.paragraph_vectors for s in segments], embedder.dim)
    sent_vectors = _stack([s.sentence_vectors for s in segments], embedder.dim)
    by_word = {w: (s.word_vectors, i) for s in segments for i, w in enumerate(s.words)}
    words = sorted(by_word)
    word_vectors = np.zeros((len(words), embedder.dim), dtype=np.float32)
    for i, word in enumerate(words):
        matrix, row = by_word[word]
        word_vectors[i] = matrix[row]
    generation = generations.new_generation(index_dir)
    documents_json, spans = _joined([s.raw for s in segments])
    manifest = {
        "format_version": FORMAT_VERSION,
        "embedder": {"id": embedder.id, "dim": embedder.dim},
        "corpus_hash": corpus_hash(corpus_dir),
        "corpus_dir": str(corpus_dir),
        "built_at": built_at,
        **extra,
        "documents": [_document_entry(s, previous_documents, built_at, span)
                      for s, span in zip(segments, spans, strict=True)],
        "segments": [s.key for s in segments],
        "counts": {"paragraphs": sum(s.meta["paragraphs"] for s in segments),
                   "sentences": len(sent_vectors), "words": len(words)},
        "faiss": make_faiss_index(para_vectors, generation / "paragraphs.faiss"),
        "sentence_faiss": make_faiss_index(sent_vectors, generation / "sentences.faiss"),
    }
    (generation / "paragraphs.json").write_bytes(documents_json)  # not parsed again
    tables = [_spans(index_dir, s) for s in segments]
    if all(t is not None for t in tables):  # each paragraph's place: read one at a time
        np.save(generation / ROWS_FILE, _stack_rows(tables, spans))
    Bm25.merge([s.terms for s in segments], background).save(generation / "bm25.npz")
    np.save(generation / "paragraph_vectors.npy", para_vectors)
    np.save(generation / "sentence_vectors.npy", sent_vectors)
    np.save(generation / "word_vectors.npy", word_vectors)
    _write_json(generation / "words.json", words)
    _write_json(generation / "manifest.json", manifest)  # written last: marks completeness
    return generation


def _segments(corpus_dir: Path, index_dir: Path, embedder: Embedder, progress: bool,
              base: delta_plan_module.Base | None) -> tuple[list[Segment | Held], list[str]]:
    """Each readable file's segment, and one warning per file that was skipped (as
    `load_corpus` words them). New segments reuse the live generation's vectors; in a large
    index, only those of the previous version of the same file (loading it all would cost
    more than it saves). With a large `base`, the files it holds unchanged are not read."""
    cache: VectorCache | None = None
    held = base.held() if base is not None else {}
    served = _previous_documents(index_dir)
    large = base is not None or \
        sum(int(e.get("paragraphs", 0)) for e in served.values()) >= delta_plan_module.DELTA_FROM
    by_path = {e.get("path"): e.get("content") for e in served.values()}

    def read(path: Path) -> Segment | Held:
        nonlocal cache
        key = segments_module.segment_key(path, embedder)
        unread = delta_plan_module.held_segment(base, held, key, path.name)
        if unread is not None:
            return unread
        segment = segments_module.load_segment(index_dir, key)
        if segment is None:
            if large:
                old = by_path.get(path.name)
                cache = segment_vectors(segments_module.load_segment(index_dir, old)
                                        if old else None)
            else:
                cache = cache if cache is not None else _previous_vectors(index_dir, embedder)
            made = segments_module.make_segment(path, key, embedder, cache, progress)
            segments_module.save_segment(index_dir, made)
            # mapped again from the file: a large corpus's vectors are not all held at once
            segment = segments_module.load_segment(index_dir, key) or made
            segment.reused, segment.embedded = False, made.embedded
            segment.paragraphs_embedded = made.paragraphs_embedded
        return segment

    return read_corpus(corpus_dir, read, lambda segment: segment.meta.get("warnings", ()))


def _spans(index_dir: Path, segment: Segment) -> np.ndarray | None:
    """Where each paragraph of a segment's JSON lies (`qa.store.rows`), kept beside it."""
    path = index_dir / segments_module.SEGMENTS_DIR / f"{segment.key}.{ROWS_FILE}"
    try:
        return np.load(path)
    except (OSError, ValueError):
        table = paragraph_spans(segment.raw)
        if table is not None:
            try:
                tmp = path.with_name(f".{path.name}.{time.monotonic_ns()}.tmp")
                with tmp.open("wb") as handle:
                    np.save(handle, table)
                tmp.replace(path)
            except OSError:  # a read-only folder: worked out again next time
                pass
        return table


def _stack_rows(tables: list[np.ndarray | None], spans: list[tuple[int, int]]) -> np.ndarray:
    """The generation's rows table: each document's spans moved to where it lies."""
    parts = [t + np.array([start, start, 0]) for t, (start, _) in zip(tables, spans, strict=True)
             if t is not None]
    return np.concatenate(parts) if parts else np.zeros((0, 3), dtype=np.int64)


def _stack(matrices: list[np.ndarray], dim: int) -> np.ndarray:
    return (np.concatenate(matrices).astype(np.float32, copy=False) if matrices
            else np.zeros((0, dim), dtype=np.float32))


def _joined(raws: list[str]) -> tuple[bytes, list[tuple[int, int]]]:
    """The documents' JSON as one array, and where each lies in it (bytes from, to): a
    replica that already holds a document does not parse it again."""
    parts = [raw.encode("utf-8") for raw in raws]
    spans, start = [], 1
    for part in parts:
        spans.append((start, start + len(part)))
        start += len(part) + 1
    return b"[" + b",".join(parts) + b"]", spans


def _previous_vectors(index_dir: Path, embedder: Embedder) -> VectorCache:
    """The live generation's vectors by text key, if it was built by the same embedder (an
    edited file's unchanged paragraphs are not embedded again)."""
    try:
        return served_vectors(load_index(Path("."), index_dir, embedder, check_corpus=False))
    except Exception:  # nothing reusable; everything new is embedded
        return served_vectors(None)


def _previous_documents(index_dir: Path) -> dict[str, dict[str, Any]]:
    """The live manifest's document entries by id (empty when there is no readable one)."""
    try:
        manifest = served_manifest(index_dir) or {}
        return {entry["doc"]: entry for entry in manifest["documents"]}
    except Exception:  # no index yet, or a damaged one: every document counts as new
        return {}


def _document_entry(segment: Segment, previous: dict[str, dict[str, Any]],
                    built_at: str, span: tuple[int, int]) -> dict[str, Any]:
    """A manifest row; `indexed_at` stays that of the last build that saw this content (the
    segment's key: the file's name and bytes, the parser and the embedder)."""
    meta = segment.meta
    before = previous.get(meta["doc"], {})
    indexed_at = before.get("indexed_at") if before.get("content") == segment.key else None
    return {"doc": meta["doc"], "title": meta["title"], "path": meta["path"],
            "paragraphs": meta["paragraphs"], "sentences": meta["sentences"],
            "pages": meta["pages"], "content": segment.key,
            "indexed_at": indexed_at or built_at, "bytes": list(span)}


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


__all__ = ["build_index"]
