"""BM25 merged from per-document term counts: the Lucene BM25 scores, whatever the split."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from qa.store.lexical import EMPTY_TOKEN, K1, B, Bm25, TermCounts

ROWS = [["quinc", "tree", "plant", "quinc"], [], ["tree", "orchard"], ["plant", "2019"],
        ["orchard", "orchard", "orchard", "tree", "wall"]]


def expected(rows: list[list[str]], query: list[str]) -> np.ndarray:
    """The Lucene BM25 formula, written out term by term."""
    rows = [r or [EMPTY_TOKEN] for r in rows]
    mean = sum(len(r) for r in rows) / len(rows)
    out = np.zeros(len(rows))
    for term in query:
        df = sum(term in r for r in rows)
        if not df:
            continue
        idf = math.log(1 + (len(rows) - df + 0.5) / (df + 0.5))
        for i, row in enumerate(rows):
            tf = row.count(term)
            out[i] += idf * tf / (tf + K1 * (1 - B + B * len(row) / mean))
    return out


@pytest.mark.parametrize("query", [["tree"], ["orchard", "plant"], ["quinc", "quinc"],
                                   ["unknown", "wall"], [EMPTY_TOKEN]])
def test_scores_follow_the_formula_and_any_split_gives_the_same(query: list[str]) -> None:
    whole = Bm25.merge([TermCounts.of_tokens(ROWS)])
    split = Bm25.merge([TermCounts.of_tokens(ROWS[:2]), TermCounts.of_tokens([]),
                        TermCounts.of_tokens(ROWS[2:3]), TermCounts.of_tokens(ROWS[3:])])
    assert np.allclose(whole.get_scores(query), expected(ROWS, query), atol=1e-6)
    assert np.array_equal(whole.get_scores(query), split.get_scores(query))


def test_counts_and_index_survive_saving_and_a_damaged_file_is_refused(tmp_path: Path) -> None:
    counts = TermCounts.of_tokens(ROWS)
    again = TermCounts.from_arrays(counts.arrays("t_"), "t_")
    assert again.rows == 5 and np.array_equal(again.terms, counts.terms)
    bm25 = Bm25.merge([counts])
    bm25.save(tmp_path / "bm25.npz")
    loaded = Bm25.load(tmp_path / "bm25.npz")
    assert np.array_equal(loaded.get_scores(["tree", "wall"]), bm25.get_scores(["tree", "wall"]))
    broken = {**counts.arrays(), "indptr": counts.indptr[:-1]}
    with pytest.raises(ValueError):
        TermCounts.from_arrays(broken)
    (tmp_path / "bm25.npz").write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(Exception):  # noqa: B017 - any read error; the loader reports it
        Bm25.load(tmp_path / "bm25.npz")


def test_an_empty_corpus_scores_nothing() -> None:
    assert Bm25.merge([]).get_scores(["tree"]).shape == (0,)
