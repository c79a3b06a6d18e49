"""Vectors by the hash of their text, so that nothing is embedded twice.

    vectors, reused = embed_cached(texts, embedder, cache, progress, "paragraphs")
    cache = served_vectors(index)      # a loaded index's vectors, looked up by text key

A build (of the index folder, a segment or the Milvus store) asks `embed_cached` for the
vectors of its texts; those the cache has are copied, only the rest are embedded.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

import numpy as np

from qa.embedding import Embedder
from qa.store.lexical import passage_text

if TYPE_CHECKING:
    from qa.store.index import LoadedIndex
    from qa.store.segments import Segment

log = logging.getLogger(__name__)


def text_key(text: str) -> str:
    """The cache key of a text to embed (paragraph, sentence or word)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def embed_cached(texts: list[str], embedder: Embedder, cache: dict[str, np.ndarray],
                 progress: bool, label: str) -> tuple[np.ndarray, int]:
    """Vectors of `texts`, from `cache` (by `text_key`) where it has them; the rest are
    embedded and added to it. Returns the vectors and how many were reused."""
    keys = [text_key(t) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in cache}.items())
    if missing:
        if progress:
            log.info("embedding %d new %s", len(missing), label)
        fresh = embedder.encode_passages([t for _, t in missing], progress=progress)
        cache.update({k: v for (k, _), v in zip(missing, fresh, strict=True)})
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for i, key in enumerate(keys):
        vectors[i] = cache[key]
    return vectors, len(texts) - len(missing)


class VectorCache(dict):  # type: ignore[type-arg]
    """A cache for `embed_cached` that also finds the vectors of a loaded index, row by row,
    without copying them all first."""

    def __init__(self, rows: dict[str, tuple[np.ndarray, int]]) -> None:
        super().__init__()
        self.rows = rows

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self.rows

    def __missing__(self, key: str) -> np.ndarray:
        matrix, row = self.rows[key]
        vector = np.array(matrix[row], dtype=np.float32)
        self[key] = vector
        return vector


def served_vectors(index: LoadedIndex | None, paths: set[str] | None = None) -> VectorCache:
    """The paragraph, sentence and word vectors of `index` by text key (empty for None);
    with `paths`, the paragraphs and sentences of those files only (an upload replacing a
    file reuses the old version's vectors without hashing a large library's every text)."""
    rows: dict[str, tuple[np.ndarray, int]] = {}
    if index is not None:
        docs = None if paths is None else {d.doc for d in index.documents if d.path in paths}
        wanted = range(len(index.paragraphs)) if docs is None else \
            [row for doc in sorted(docs) for row in index.rows_of(doc)]
        for i in wanted:  # only those documents' rows are read (a large index is not parsed)
            paragraph = index.paragraphs[i]
            rows[text_key(passage_text(paragraph))] = (index.paragraph_vectors, i)
            first = index.sentence_offsets[i]
            rows.update((text_key(s.text), (index.sentence_vectors, first + j))
                        for j, s in enumerate(paragraph.sentences))
        rows.update((text_key(w), (index.word_vectors, i)) for i, w in enumerate(index.words))
    return VectorCache(rows)


def segment_vectors(segment: Segment | None) -> VectorCache:
    """The vectors of one document's segment by text key (empty for None): what an edited
    file reuses from its previous version without loading a large index whole."""
    rows: dict[str, tuple[np.ndarray, int]] = {}
    if segment is not None:
        first = 0
        for i, paragraph in enumerate(segment.document.paragraphs):
            rows[text_key(passage_text(paragraph))] = (segment.paragraph_vectors, i)
            rows.update((text_key(s.text), (segment.sentence_vectors, first + j))
                        for j, s in enumerate(paragraph.sentences))
            first += len(paragraph.sentences)
        rows.update((text_key(w), (segment.word_vectors, i)) for i, w in enumerate(segment.words))
    return VectorCache(rows)


__all__ = ["VectorCache", "embed_cached", "segment_vectors", "served_vectors", "text_key"]
