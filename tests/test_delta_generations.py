"""Delta generations (`qa.store.overlay`): a small change to a large index folder is written
and served as a delta on the base, at its own cost, and answers like a whole rebuild.

"Large" is lowered to the article's size here (`DELTA_FROM`); the fake embedder keeps it fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from qa.answer import corpus_statistics
from qa.config import Settings
from qa.documents import library
from qa.documents.live import LivePipeline
from qa.pipeline import Pipeline
from qa.store import delta_plan, generations
from qa.store.faiss_index import build as build_faiss
from qa.store.index_build import build_index
from qa.store.index_load import load_index
from qa.store.lexical import Bm25, TermCounts
from qa.store.overlay import LayeredSearch, Stacked
from tests.conftest import ROOT, FakeEmbedder, copy_of_article

NOTE = ("# Garden notes\n\nThe quince tree was planted in 2019 by the orchard keeper Ana "
        "Lindqvist.\n\nIts fruit ripens in late October, after the first frost.\n")
OTHER = "# Kiln log\n\nThe kiln in Hallstatt was fired 14 times in 2023.\n"
QUESTIONS = ["How many Japanese investments were there from 2021 to 2024?",
             "Who visited Japan in August?", "What did the tour of TEL Miyagi show?",
             "What does Japan supply?", "Where is Dholera?"]


@pytest.fixture
def large_from_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every index counts as large, and any change is small enough for a delta."""
    monkeypatch.setattr(delta_plan, "DELTA_FROM", 1)
    monkeypatch.setattr(delta_plan, "DELTA_SHARE", 10.0)


def _manifest(settings: Settings) -> dict:
    generation = generations.current_generation(settings.index_dir)
    return json.loads((generation / "manifest.json").read_text(encoding="utf-8"))


def _answers(pipeline: Pipeline) -> list[tuple]:
    return [(a.answer, a.abstained, [(c.doc, c.paragraph) for c in a.citations])
            for a in (pipeline.ask(q) for q in QUESTIONS)]


def test_an_add_to_a_large_index_is_a_delta_served_on_the_same_base(
        tmp_path: Path, large_from_one: None) -> None:
    settings = copy_of_article(tmp_path)
    live = LivePipeline(Pipeline.load(settings, embedder=FakeEmbedder()))
    base = live.current.index
    before = _answers(live.current)
    upload = tmp_path / "notes.md"
    upload.write_text(NOTE, encoding="utf-8")
    live.add([upload])
    manifest = _manifest(settings)
    assert manifest["base"] == base.generation_dir.name and manifest["removed"] == []
    assert [e["doc"] for e in manifest["documents"]] == ["notes"]  # only its own
    assert base.generation_dir.is_dir()  # the base stays beside its delta
    served = live.current.index
    assert served.base is base  # the replica did not read the base again
    assert [d.doc for d in served.documents] == ["india-japan-semiconductors", "notes"]
    answer = live.current.ask("Who planted the quince tree?")
    assert not answer.abstained and answer.citations[0].doc == "notes"
    assert "Ana Lindqvist" in answer.answer
    assert _answers(live.current) == before  # the article's answers did not move
    listed = {d["doc"] for d in live.store.manifest()["documents"]}
    assert listed == {"india-japan-semiconductors", "notes"}
    # a fresh process reads base and delta from disk and serves the same
    fresh = Pipeline(settings, FakeEmbedder(), load_index(settings.corpus_dir,
                                                          settings.index_dir, FakeEmbedder()))
    assert _answers(fresh) == before
    assert fresh.ask("Who planted the quince tree?").answer == answer.answer


def test_changed_and_removed_documents_are_dead_rows_no_search_returns(
        tmp_path: Path, large_from_one: None, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = copy_of_article(tmp_path)
    (settings.corpus_dir / "notes.md").write_text(NOTE, encoding="utf-8")
    (settings.corpus_dir / "kiln.md").write_text(OTHER, encoding="utf-8")
    monkeypatch.setattr(delta_plan, "DELTA_FROM", 10**9)
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())  # whole
    monkeypatch.setattr(delta_plan, "DELTA_FROM", 1)
    (settings.corpus_dir / "notes.md").write_text(NOTE.replace("2019", "2011"), encoding="utf-8")
    (settings.corpus_dir / "kiln.md").unlink()
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    manifest = _manifest(settings)
    assert len(manifest["removed"]) == 2  # the old notes and the kiln log, by content key
    index = load_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    assert [d.doc for d in index.documents] == ["india-japan-semiconductors", "notes"]
    dead = np.flatnonzero(index.dead)
    assert {index.paragraphs[r].doc for r in dead} == {"notes", "kiln"}
    assert all(not index.dead[r] for r in index.rows_of("notes"))
    assert "2011" in index.paragraphs_of("notes")[0].text + index.paragraphs_of("notes")[1].text
    pipeline = Pipeline(settings, FakeEmbedder(), index)
    answer = pipeline.ask("When was the quince tree planted?")
    assert "2011" in answer.answer and "2019" not in answer.answer
    kiln = pipeline.ask("How many times was the kiln in Hallstatt fired in 2023?")
    assert all(c.doc != "kiln" for c in kiln.citations)


def test_the_delta_engine_counts_match_a_whole_count(
        tmp_path: Path, large_from_one: None, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = copy_of_article(tmp_path)
    (settings.corpus_dir / "kiln.md").write_text(OTHER, encoding="utf-8")
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    base = load_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    corpus_statistics.corpus_counts(base)  # the base's merge, kept beside it
    (settings.corpus_dir / "notes.md").write_text(NOTE, encoding="utf-8")
    (settings.corpus_dir / "kiln.md").unlink()
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    delta = load_index(settings.corpus_dir, settings.index_dir, FakeEmbedder(), reuse=base)
    assert delta.base is base
    counted = corpus_statistics.corpus_counts(delta)
    whole = corpus_statistics.merge(corpus_statistics.count(delta.paragraphs_of(d.doc))
                                    for d in delta.documents)
    assert counted.sentences == whole.sentences and counted.doc_freq == whole.doc_freq


def test_a_delta_past_its_share_is_merged_into_a_whole_generation(
        tmp_path: Path, large_from_one: None, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = copy_of_article(tmp_path)
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    first = generations.current_generation(settings.index_dir)
    (settings.corpus_dir / "notes.md").write_text(NOTE, encoding="utf-8")
    library.catch_up(settings, FakeEmbedder())
    assert _manifest(settings)["base"] == first.name
    monkeypatch.setattr(delta_plan, "DELTA_SHARE", 0.0)  # any change is now too large
    (settings.corpus_dir / "kiln.md").write_text(OTHER, encoding="utf-8")
    library.catch_up(settings, FakeEmbedder())
    manifest = _manifest(settings)
    assert "base" not in manifest and len(manifest["documents"]) == 3
    assert not first.exists()  # the old base went with the merge
    assert [p.name for p in settings.index_dir.glob("g-*")] == [
        generations.current_generation(settings.index_dir).name]


def test_layered_search_skips_dead_rows_and_ranks_like_one_index() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(300, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = rng.normal(size=(5, 16)).astype(np.float32)
    for count in (40, 235):  # a few dead rows; most of the base dead (searched again, wider)
        dead = np.zeros(300, dtype=bool)
        dead[rng.choice(250, count, replace=False)] = True
        layered = LayeredSearch([build_faiss(vectors[:250]), build_faiss(vectors[250:])], dead)
        _, found = layered.search(queries, 30)
        for query, ids in zip(queries, found, strict=True):
            scores = vectors @ query
            scores[dead] = -np.inf
            assert list(ids) == list(np.argsort(-scores, kind="stable")[:30])
    stacked = Stacked([vectors[:250], vectors[250:]])
    rows = np.array([3, 299, 250, 0])
    assert np.array_equal(stacked[rows], vectors[rows]) and stacked.shape == (300, 16)
    assert np.array_equal(stacked[260], vectors[260])


def test_a_deltas_bm25_scores_its_rows_as_a_whole_index_would() -> None:
    base = TermCounts.of_tokens([["quince", "tree"], ["kiln", "fire", "fire"], ["tree"]])
    delta = TermCounts.of_tokens([["quince", "frost"], ["kiln"]])
    whole = Bm25.merge([base, delta]).get_scores(["quince", "kiln", "frost"])
    layered = Bm25.merge([delta], background=Bm25.merge([base]))
    assert np.allclose(layered.get_scores(["quince", "kiln", "frost"]), whole[3:])


def test_a_removal_alone_is_an_empty_delta_and_putting_it_back_revives_the_base_rows(
        tmp_path: Path, large_from_one: None) -> None:
    settings = copy_of_article(tmp_path)
    kiln = settings.corpus_dir / "kiln.md"
    kiln.write_text(OTHER, encoding="utf-8")
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    kiln.unlink()
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    assert len(_manifest(settings)["removed"]) == 1 and _manifest(settings)["documents"] == []
    index = load_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    assert [d.doc for d in index.documents] == ["india-japan-semiconductors"]
    assert list(index.rows_of("kiln")) == []
    kiln.write_text(OTHER, encoding="utf-8")
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    assert _manifest(settings)["removed"] == [] and _manifest(settings)["documents"] == []
    index = load_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    answer = Pipeline(settings, FakeEmbedder(), index).ask(
        "How many times was the kiln in Hallstatt fired in 2023?")
    assert answer.citations and answer.citations[0].doc == "kiln"


ADD_AS_DELTA = """
import sys
from pathlib import Path
from qa.config import Settings
from qa.documents import library
from qa.store import delta_plan
from tests.conftest import FakeEmbedder

delta_plan.DELTA_FROM = 1  # the article counts as a large base in this process too
library.add(Settings(corpus_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2])),
            FakeEmbedder(), [Path(sys.argv[3])])
"""


def test_a_replica_serves_another_processs_add_within_seconds_without_reading_its_base(
        tmp_path: Path, large_from_one: None) -> None:
    settings = copy_of_article(tmp_path)
    live = LivePipeline(Pipeline.load(settings, embedder=FakeEmbedder()))
    try:
        base = live.current.index
        upload = tmp_path / "notes.md"
        upload.write_text(NOTE, encoding="utf-8")
        subprocess.run([sys.executable, "-c", ADD_AS_DELTA, str(settings.corpus_dir),
                        str(settings.index_dir), str(upload)], check=True, cwd=ROOT,
                       timeout=120)
        added = time.monotonic()
        while "notes" not in {d.doc for d in live.documents}:
            assert time.monotonic() - added < 5, "not served within 5 s"
            time.sleep(0.1)
        assert live.current.index.base is base  # laid on the base it already served
        assert "Ana Lindqvist" in live.ask("Who planted the quince tree?").answer
    finally:
        live.close()


def test_bm25_hits_are_the_dense_scores_of_the_rows_that_hold_a_token() -> None:
    counts = TermCounts.of_tokens([["quince", "tree"], ["kiln", "fire", "fire"], ["tree"], []])
    bm25 = Bm25.merge([counts])
    tokens = ["tree", "fire", "tree", "absent"]
    rows, scores = bm25.hits(tokens)
    dense = bm25.get_scores(tokens)
    assert rows.tolist() == [0, 1, 2] and np.array_equal(scores, dense[rows])
    assert not dense[3]


def test_searches_side_by_side_rank_as_one_after_another(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa import retrieval

    settings = copy_of_article(tmp_path)
    pipeline = Pipeline.load(settings, embedder=FakeEmbedder())
    one_by_one = _answers(pipeline)
    monkeypatch.setattr(retrieval, "PARALLEL_FROM", 0)  # the article counts as large
    assert _answers(pipeline) == one_by_one


def test_a_changed_file_leaves_another_file_of_the_same_id_served(
        tmp_path: Path, large_from_one: None, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = copy_of_article(tmp_path)
    (settings.corpus_dir / "Kiln.md").write_text(OTHER, encoding="utf-8")
    (settings.corpus_dir / "kiln.txt").write_text("Kiln\n\nThe glaze was mixed by Oda.\n",
                                                  encoding="utf-8")
    monkeypatch.setattr(delta_plan, "DELTA_FROM", 10**9)
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())  # whole
    monkeypatch.setattr(delta_plan, "DELTA_FROM", 1)
    (settings.corpus_dir / "kiln.txt").write_text("Kiln\n\nThe glaze was mixed by Ines.\n",
                                                  encoding="utf-8")
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    assert len(_manifest(settings)["removed"]) == 1  # only the changed file's old version
    index = load_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    assert sorted(d.path for d in index.documents) == [
        "Kiln.md", "india-japan-semiconductors.txt", "kiln.txt"]
    texts = [index.paragraphs[r].text for r in index.rows_of("kiln")]
    assert any("Hallstatt" in t for t in texts) and any("Ines" in t for t in texts)
    assert not any("Oda" in t for t in texts)


def test_the_dead_rows_beside_a_changed_document_give_it_no_context(
        tmp_path: Path, large_from_one: None, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = copy_of_article(tmp_path)
    last = settings.corpus_dir / "zz-notes.md"  # the base's last document
    last.write_text("# Zeta\n\nThe old zeta text names the walnut grove.\n", encoding="utf-8")
    monkeypatch.setattr(delta_plan, "DELTA_FROM", 10**9)
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    monkeypatch.setattr(delta_plan, "DELTA_FROM", 1)
    last.write_text("# Zeta\n\nZeta.\n", encoding="utf-8")
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    index = load_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    first_new = index.rows_of("zz-notes")[0]
    assert not index.is_live(first_new - 1) and index.paragraphs[first_new - 1].doc == "zz-notes"
    scorer = Pipeline(settings, FakeEmbedder(), index).answerer.scorer
    assert "walnut" not in scorer._context(first_new)  # a short heading: neighbours join it


def test_removals_count_towards_the_share_that_makes_the_next_build_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = copy_of_article(tmp_path)
    (settings.corpus_dir / "kiln.md").write_text(OTHER, encoding="utf-8")
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    size = _manifest(settings)["counts"]["paragraphs"]
    monkeypatch.setattr(delta_plan, "DELTA_FROM", 1)
    monkeypatch.setattr(delta_plan, "DELTA_SHARE", 1.5 / size)  # one row changed may be a delta
    (settings.corpus_dir / "kiln.md").unlink()  # the kiln log: two rows removed, none added
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    assert "base" not in _manifest(settings)


def test_a_delta_without_its_base_or_with_a_damaged_rows_table_is_corrupt_and_a_build_mends_it(
        tmp_path: Path, large_from_one: None) -> None:
    from qa.errors import IndexCorruptError

    settings = copy_of_article(tmp_path)
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    base = generations.current_generation(settings.index_dir)
    (settings.corpus_dir / "kiln.md").write_text(OTHER, encoding="utf-8")
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    (base / "rows.npy").write_bytes(b"not an array")
    with pytest.raises(IndexCorruptError, match="qa build"):
        load_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    for path in base.iterdir():
        path.unlink()
    base.rmdir()
    with pytest.raises(IndexCorruptError, match="manifest.json is missing"):
        load_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())  # whole again
    assert "base" not in _manifest(settings)
    index = load_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    assert sorted(d.doc for d in index.documents) == ["india-japan-semiconductors", "kiln"]
