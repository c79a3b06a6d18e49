"""The FAISS index kinds: chosen by size, approximate ones close to exact, saved and loaded."""

from __future__ import annotations

import numpy as np
import pytest

from qa.store import faiss_index


def unit_vectors(n: int, dim: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def recall_at(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / len(b) for a, b in zip(found, exact,
                                                                      strict=True)]))


@pytest.mark.parametrize(("n", "kind"), [
    (0, "flat"), (1, "flat"), (faiss_index.EXACT_LIMIT - 1, "flat"),
    (faiss_index.EXACT_LIMIT, "pq_rerank"), (1_000_000, "pq_rerank"),
])
def test_choose_kind_by_size(n: int, kind: str) -> None:
    assert faiss_index.choose_kind(n) == kind


@pytest.mark.parametrize(("dim", "subvectors"), [(384, 192), (64, 32), (65, 65)])
def test_pq_subvectors_divide_the_dimension(dim: int, subvectors: int) -> None:
    assert faiss_index.pq_subvectors(dim) == subvectors
    assert dim % subvectors == 0


@pytest.mark.parametrize("kind", ["pq_rerank", "pq_refine"])
def test_approximate_index_finds_what_exact_search_finds(kind: str) -> None:
    # Random vectors have no clusters to exploit: the hardest case for an approximate index.
    vectors = unit_vectors(20_000, 64, seed=1)
    queries = unit_vectors(50, 64, seed=2)
    _, exact = faiss_index.search(faiss_index.build(vectors, "flat"), queries, 10)
    approximate = faiss_index.build(vectors, kind)
    assert faiss_index.kind_of(approximate) == kind
    _, found = faiss_index.search(approximate, queries, 10)
    assert recall_at(found, exact) >= 0.95


@pytest.mark.parametrize("kind", ["pq_rerank", "pq_refine"])
def test_scores_of_the_refined_index_are_exact_cosines(kind: str) -> None:
    vectors = unit_vectors(2_000, 32, seed=3)
    scores, ids = faiss_index.search(faiss_index.build(vectors, kind), vectors[:5], 3)
    assert ids[:, 0].tolist() == [0, 1, 2, 3, 4]  # each vector is its own nearest neighbour
    expected = np.einsum("qd,qkd->qk", vectors[:5], vectors[ids])
    np.testing.assert_allclose(scores, expected, atol=1e-5)


@pytest.mark.parametrize("kind", ["flat", "pq_rerank", "pq_refine", "hnsw"])
def test_saved_index_loads_with_the_same_kind_and_answers(tmp_path, kind: str) -> None:
    vectors = unit_vectors(1_000, 16, seed=4)
    index = faiss_index.build(vectors, kind)
    path = tmp_path / "paragraphs.faiss"
    faiss_index.save_faiss(index, path)
    np.save(tmp_path / "vectors.npy", vectors)
    mapped = np.load(tmp_path / "vectors.npy", mmap_mode="r")  # as a generation keeps them
    loaded = faiss_index.load_faiss(path, {"kind": kind}, mapped)
    assert faiss_index.kind_of(loaded) == kind
    assert loaded.ntotal == 1_000
    np.testing.assert_array_equal(faiss_index.search(loaded, vectors[:3], 5)[1],
                                  faiss_index.search(index, vectors[:3], 5)[1])


def test_a_reranked_index_keeps_no_copy_of_the_vectors_and_needs_them_to_load(tmp_path) -> None:
    vectors = unit_vectors(5_000, 64, seed=9)
    index = faiss_index.build(vectors, "pq_rerank")
    path = tmp_path / "p.faiss"
    faiss_index.save_faiss(index, path)
    assert path.stat().st_size < vectors.nbytes / 10  # codes only: 16 bytes, not 256, each
    with pytest.raises(ValueError, match="needs the vectors"):
        faiss_index.load_faiss(path, {"kind": "pq_rerank"})
    with pytest.raises(ValueError):
        faiss_index.load_faiss(path, {"kind": "pq_rerank"}, vectors[:10])
    assert faiss_index.choose_kind(faiss_index.EXACT_LIMIT) == "pq_rerank"


def test_manifest_entry_records_the_chosen_kind(tmp_path) -> None:
    entry = faiss_index.make_faiss_index(unit_vectors(10, 8, seed=5), tmp_path / "p.faiss")
    assert entry == {"kind": "flat", "ntotal": 10, "file": "p.faiss"}


def test_search_never_asks_for_more_than_the_index_holds() -> None:
    scores, ids = faiss_index.search(faiss_index.build(unit_vectors(3, 8, seed=6)),
                                     unit_vectors(1, 8, seed=7), 10)
    assert ids.shape == (1, 3) and sorted(ids[0].tolist()) == [0, 1, 2]


def test_unknown_kind_and_too_small_training_set_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        faiss_index.build(unit_vectors(10, 8, seed=8), "ivf")
    with pytest.raises(ValueError, match="at least"):
        faiss_index.build(unit_vectors(10, 8, seed=8), "pq_refine")
