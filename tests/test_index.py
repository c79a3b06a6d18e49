"""The index on disk: manifest, atomic generations, reuse, stale and corrupt indexes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa.config import Settings
from qa.errors import IndexCorruptError
from qa.pipeline import Pipeline
from qa.store import generations
from qa.store.index import FORMAT_VERSION, StaleIndex
from qa.store.index_build import build_index
from qa.store.index_load import load_index
from tests.conftest import FakeEmbedder


def _build(settings: Settings, embedder: FakeEmbedder):  # noqa: ANN202
    return build_index(settings.corpus_dir, settings.index_dir, embedder)


def test_build_writes_manifest_and_loads(article_settings: Settings,
                                         fake_embedder: FakeEmbedder) -> None:
    report = _build(article_settings, fake_embedder)
    assert report.documents == 1 and report.paragraphs == 30
    generation = generations.current_generation(article_settings.index_dir)
    manifest = json.loads((generation / "manifest.json").read_text())
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["embedder"] == {"id": "fake-hash-embedder", "dim": 64}
    assert len(manifest["corpus_hash"]) == 64 and manifest["built_at"]
    index = load_index(article_settings.corpus_dir, article_settings.index_dir, fake_embedder)
    assert index.faiss.ntotal == 30
    assert index.sentence_vectors.shape[0] == sum(len(p.sentences) for p in index.paragraphs)


def test_rebuild_of_unchanged_corpus_embeds_nothing(article_settings: Settings,
                                                    fake_embedder: FakeEmbedder) -> None:
    _build(article_settings, fake_embedder)
    again = _build(article_settings, fake_embedder)
    assert again.embedded == 0 and again.reused > 0
    generations = list(article_settings.index_dir.glob("g-*"))
    assert len(generations) == 1, "old generations are removed after publishing"


def test_changed_corpus_is_stale_and_rebuilt_by_pipeline(article_settings: Settings,
                                                         fake_embedder: FakeEmbedder) -> None:
    _build(article_settings, fake_embedder)
    extra = article_settings.corpus_dir / "notes.md"
    extra.write_text("# Notes\n\nThe fab in Dholera employs 3,000 people.\n", encoding="utf-8")
    with pytest.raises(StaleIndex):
        load_index(article_settings.corpus_dir, article_settings.index_dir, fake_embedder)
    pipeline = Pipeline.load(article_settings, embedder=fake_embedder)
    assert {d.doc for d in pipeline.documents} == {"india-japan-semiconductors", "notes"}


def test_other_embedder_makes_index_stale(article_settings: Settings,
                                          fake_embedder: FakeEmbedder) -> None:
    _build(article_settings, fake_embedder)
    other = FakeEmbedder()
    other.id = "another-model"
    with pytest.raises(StaleIndex):
        load_index(article_settings.corpus_dir, article_settings.index_dir, other)


@pytest.mark.parametrize("damage", ["truncate_faiss", "delete_manifest", "edit_manifest",
                                    "wrong_dimension", "garbage_pointer"])
def test_corrupt_index_names_the_fix(article_settings: Settings, fake_embedder: FakeEmbedder,
                                     damage: str) -> None:
    _build(article_settings, fake_embedder)
    generation = generations.current_generation(article_settings.index_dir)
    if damage == "truncate_faiss":
        path = generation / "paragraphs.faiss"
        path.write_bytes(path.read_bytes()[:100])
    elif damage == "delete_manifest":
        (generation / "manifest.json").unlink()
    elif damage == "edit_manifest":
        (generation / "manifest.json").write_text(json.dumps({"format_version": FORMAT_VERSION}))
    elif damage == "wrong_dimension":
        np.save(generation / "sentence_vectors.npy", np.zeros((3, 7), dtype=np.float32))
    else:
        (article_settings.index_dir / "CURRENT").write_text("../../etc")
    with pytest.raises(IndexCorruptError, match="qa build"):
        load_index(article_settings.corpus_dir, article_settings.index_dir, fake_embedder)


def test_missing_index_is_built_on_first_use(article_settings: Settings,
                                             fake_embedder: FakeEmbedder) -> None:
    assert generations.current_generation(article_settings.index_dir) is None
    pipeline = Pipeline.load(article_settings, embedder=fake_embedder)
    assert len(pipeline.index.paragraphs) == 30
    assert generations.current_generation(article_settings.index_dir) is not None


def test_unpublished_generation_is_ignored(article_settings: Settings,
                                           fake_embedder: FakeEmbedder, tmp_path: Path) -> None:
    _build(article_settings, fake_embedder)
    live = generations.current_generation(article_settings.index_dir)
    half_built = generations.new_generation(article_settings.index_dir)  # a build killed mid-way
    (half_built / "paragraphs.faiss").write_bytes(b"partial")
    assert generations.current_generation(article_settings.index_dir) == live
    load_index(article_settings.corpus_dir, article_settings.index_dir, fake_embedder)


def test_older_format_is_stale_not_corrupt(article_settings: Settings,
                                           fake_embedder: FakeEmbedder) -> None:
    _build(article_settings, fake_embedder)
    manifest_path = generations.current_generation(article_settings.index_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["format_version"] = FORMAT_VERSION - 1
    del manifest["sentence_faiss"]  # what an older qa wrote
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(StaleIndex):
        load_index(article_settings.corpus_dir, article_settings.index_dir, fake_embedder)


def test_lexical_and_sentence_indexes_are_saved_with_the_build(
        article_settings: Settings, fake_embedder: FakeEmbedder) -> None:
    _build(article_settings, fake_embedder)
    index = load_index(article_settings.corpus_dir, article_settings.index_dir, fake_embedder)
    assert index.sentence_faiss.ntotal == len(index.sentence_rows)
    assert index.bm25 is not None
