"""Vectors embedded before a change takes the library's lock, so a big upload holds no one up.

    files = prepare([path], index_dir, embedder, progress)   # slow part, no lock held
    with the library lock: build the index                   # reuses them: seconds
    discard(files)

Embedding is most of the cost of adding a document (minutes for a long one on 2 cores). The
app embeds an upload's paragraphs, sentences and words here first, outside every lock, into
`<index>/prepared/<random>.npz` (written atomically, tagged with the embedder's id); the build
that follows under the lock finds them by text hash (`embed_cached`, for `qa.store.index` and
the Milvus store) and embeds nothing, so another user's add or remove waits seconds, not
minutes. A file left by a crash is only a cache: a
build ignores files of another embedder, and `discard_older_than` clears old ones.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np

from qa.documents.corpus import load_document
from qa.embedding import Embedder
from qa.store.lexical import passage_text
from qa.text import content_vocabulary

log = logging.getLogger(__name__)

PREPARED_DIR = "prepared"
STALE_AFTER_S = 24 * 3600


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


def texts_of(path: Path) -> list[str]:
    """Every text the index embeds for this document: paragraphs, sentences, words."""
    document = load_document(path)
    paragraphs = document.paragraphs
    return ([passage_text(p) for p in paragraphs]
            + [s.text for p in paragraphs for s in p.sentences]
            + sorted(content_vocabulary(p.text for p in paragraphs)))


def prepare(paths: list[Path], index_dir: Path, embedder: Embedder,
            known: Callable[[str], bool] = lambda key: False,
            progress: bool = False) -> list[Path]:
    """Embed the texts of these documents that `known` (a key test) lacks; return the file(s)
    written, to `discard` once the change is done."""
    texts = {text_key(t): t for path in paths for t in texts_of(path)}
    missing = [(k, t) for k, t in texts.items() if not known(k)]
    if not missing:
        return []
    vectors = embedder.encode_passages([t for _, t in missing], progress=progress)
    folder = index_dir / PREPARED_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}.npz"
    tmp = folder / f".{target.stem}.tmp.npz"
    np.savez(tmp, keys=np.array([k for k, _ in missing]), vectors=vectors,
             embedder=np.array(embedder.id))
    tmp.replace(target)
    return [target]


def prepared_vectors(index_dir: Path, embedder: Embedder) -> dict[str, np.ndarray]:
    """Every prepared vector of this embedder, by text key."""
    cache: dict[str, np.ndarray] = {}
    for path in sorted((index_dir / PREPARED_DIR).glob("*.npz")):
        if path.name.startswith("."):
            continue
        try:
            with np.load(path) as data:
                if str(data["embedder"]) != embedder.id:
                    continue
                cache.update(zip(data["keys"].tolist(), data["vectors"], strict=True))
        except (OSError, ValueError, KeyError):  # half-written or damaged: only a cache
            continue
    return cache


def discard(files: list[Path]) -> None:
    for path in files:
        path.unlink(missing_ok=True)


def discard_older_than(index_dir: Path, seconds: float = STALE_AFTER_S) -> None:
    """Clear files a crash left behind."""
    now = time.time()
    for path in (index_dir / PREPARED_DIR).glob("*.npz"):
        try:
            if now - path.stat().st_mtime > seconds:
                path.unlink()
        except OSError:
            continue
