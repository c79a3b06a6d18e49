"""Per-document segments: what a build derives from one file, kept by content for the next.

    segment = segment_for(path, index_dir, embedder, cache)   # parsed, tokenized, embedded once
    segment.document, segment.paragraph_vectors, segment.sentence_vectors,
    segment.words, segment.word_vectors, segment.terms (BM25 term counts per paragraph)

A build of the index folder used to parse, tokenize and hash every document of the corpus
again for each change: with one 100,000-paragraph file in the library, a one-line note took
half a minute under the library's lock. Now each file's work is saved once, in
`<index>/segments/<key>.npz`, where the key hashes the embedder, the parser version, the file
name and its bytes; a build loads the unchanged files' segments and works only on the new.
The app writes a new file's segment before it takes the lock (`qa.store.prepared`), so the
locked build only assembles. A segment is only a cache: a damaged one is made again, and
those no live document uses are pruned after each build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from qa.documents.corpus import PARSER_VERSION, load_document
from qa.embedding import Embedder
from qa.errors import DocumentError
from qa.store.document_json import document_from_json, document_json
from qa.store.lexical import TermCounts, passage_text
from qa.store.npz import mapped_member
from qa.store.vector_cache import embed_cached, served_vectors
from qa.text import bm25_tokens, content_vocabulary
from qa.types import Document

if TYPE_CHECKING:
    from qa.store.index import LoadedIndex

log = logging.getLogger(__name__)

PRUNE_AFTER_S = 3600.0  # an unused segment this old goes (a younger one may be an add's)
SEGMENTS_DIR = "segments"
SEGMENT_VERSION = 2  # 2: BM25 term counts instead of the stems


@dataclass
class Segment:
    """One document as the index holds it: its JSON form (`qa.store.document_json`, parsed
    only when asked for), a summary for the manifest, and what search needs."""

    key: str
    raw: str  # the document's JSON, as paragraphs.json holds it
    meta: dict[str, Any]  # doc, title, path, paragraphs, sentences, pages, warnings
    paragraph_vectors: np.ndarray
    sentence_vectors: np.ndarray
    words: list[str]
    word_vectors: np.ndarray
    terms: TermCounts
    reused: bool = False  # loaded from the cache (nothing parsed or embedded)
    embedded: int = 0     # texts embedded to make it (paragraphs, sentences, words)
    paragraphs_embedded: int = 0

    @cached_property
    def document(self) -> Document:
        parsed = document_from_json(json.loads(self.raw))
        return replace(parsed, warnings=tuple(self.meta.get("warnings", ())))


def segment_key(path: Path, embedder: Embedder, name: str | None = None) -> str:
    """The cache key of a file's segment: embedder, parser, segment format, name (`name`:
    the one it has in the corpus, when not `path`'s) and bytes."""
    digest = hashlib.sha256(f"{embedder.id}|{embedder.dim}|{PARSER_VERSION}|"
                            f"{SEGMENT_VERSION}|".encode())
    digest.update((name or path.name).encode("utf-8", "surrogateescape") + b"\0")
    digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:40]


def segment_for(path: Path, index_dir: Path, embedder: Embedder,
                cache: dict[str, np.ndarray] | None = None, progress: bool = False) -> Segment:
    """The file's segment: from the cache when its content was seen, else made and saved.
    Raises `DocumentError` (or OSError) for a file that cannot be read."""
    key = segment_key(path, embedder)
    found = load_segment(index_dir, key)
    if found is not None:
        return found
    segment = make_segment(path, key, embedder, cache if cache is not None else {}, progress)
    save_segment(index_dir, segment)
    return segment


def make_segment(path: Path, key: str, embedder: Embedder, cache: dict[str, np.ndarray],
                 progress: bool = False, name: str | None = None) -> Segment:
    """Parse, tokenize and embed one file (vectors from `cache` where it has them), as the
    corpus file `name` when given."""
    document = load_document(path, name)
    paragraphs = document.paragraphs
    passages = [passage_text(p) for p in paragraphs]
    paragraph_vectors, reused_p = embed_cached(passages, embedder, cache, progress, "paragraphs")
    sentence_vectors, reused_s = embed_cached([s.text for p in paragraphs for s in p.sentences],
                                              embedder, cache, progress, "sentences")
    words = sorted(content_vocabulary(p.text for p in paragraphs))
    word_vectors, reused_w = embed_cached(words, embedder, cache, False, "words")
    total = len(passages) + len(sentence_vectors) + len(words)
    meta = {"doc": document.doc, "title": document.title, "path": document.path,
            "paragraphs": len(paragraphs), "sentences": len(sentence_vectors),
            "pages": max((p.page or 0 for p in paragraphs), default=0) or None,
            "warnings": list(document.warnings)}
    raw = json.dumps(document_json(document), ensure_ascii=False)
    return Segment(key, raw, meta, paragraph_vectors, sentence_vectors, words, word_vectors,
                   TermCounts.of_tokens([bm25_tokens(t) for t in passages]),
                   embedded=total - reused_p - reused_s - reused_w,
                   paragraphs_embedded=len(passages) - reused_p)


def save_segment(index_dir: Path, segment: Segment) -> None:
    """Write the segment atomically (a crash leaves at most a hidden temporary file)."""
    folder = index_dir / SEGMENTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{segment.key}.{uuid.uuid4().hex}.tmp.npz"
    np.savez(tmp, document=np.array(segment.raw),
             meta=np.array(json.dumps(segment.meta, ensure_ascii=False)),
             paragraph_vectors=segment.paragraph_vectors,
             sentence_vectors=segment.sentence_vectors,
             words=np.array(json.dumps(segment.words, ensure_ascii=False)),
             word_vectors=segment.word_vectors,
             **segment.terms.arrays("terms_"))
    tmp.replace(folder / f"{segment.key}.npz")


def load_segment(index_dir: Path, key: str) -> Segment | None:
    """The saved segment, or None when there is none or it cannot be read."""
    path = index_dir / SEGMENTS_DIR / f"{key}.npz"
    if not path.is_file():
        return None
    try:
        with np.load(path) as data:  # the vectors are mapped: a build reads what it uses
            meta = json.loads(str(data["meta"]))
            segment = Segment(key, str(data["document"]), meta,
                              mapped_member(path, "paragraph_vectors"),
                              mapped_member(path, "sentence_vectors"),
                              json.loads(str(data["words"])), mapped_member(path, "word_vectors"),
                              TermCounts.from_arrays(data, "terms_"), reused=True)
    except Exception as error:  # damaged: it is only a cache, made again
        log.warning("Ignoring the damaged index segment %s: %s", path.name, error)
        return None
    if not (segment.terms.rows == len(segment.paragraph_vectors) == meta["paragraphs"]
            and len(segment.sentence_vectors) == meta["sentences"]):
        return None
    return segment


def prune(index_dir: Path, keep: set[str]) -> None:
    """Remove the segments no live document uses (and what was kept beside them, such as
    `<key>.facts.json`), once an hour old (a younger one may be an add's, made before it
    took the lock), and temporary files of crashed writes."""
    now = time.time()
    folder = index_dir / SEGMENTS_DIR
    for path in folder.iterdir() if folder.is_dir() else ():
        try:
            old = now - path.stat().st_mtime > PRUNE_AFTER_S
        except OSError:
            continue
        if old and (path.name.startswith(".") or path.name.split(".")[0] not in keep):
            path.unlink(missing_ok=True)


def prepare(files: list[tuple[Path, str]], index_dir: Path, embedder: Embedder,
            served: LoadedIndex | None = None, progress: bool = False) -> list[Segment]:
    """Make the segments of these files, each (path, the name it will have in the corpus),
    ahead of the locked build (the slow part: parsing, tokenizing, embedding), reusing the
    vectors of `served`'s words and of the files it holds under the same names. A file that
    cannot be read is left for the build to report. Returns the segments made."""
    cache, made = None, []
    for path, name in files:
        try:
            key = segment_key(path, embedder, name)
            if load_segment(index_dir, key) is not None:
                continue
            cache = cache if cache is not None else served_vectors(
                served, {name for _, name in files})
            made.append(make_segment(path, key, embedder, cache, progress, name))
            save_segment(index_dir, made[-1])
        except (DocumentError, OSError):
            continue
    return made


__all__ = ["Segment", "load_segment", "make_segment", "prepare", "prune", "save_segment",
           "segment_for", "segment_key"]
