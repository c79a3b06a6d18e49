"""Per-document segments and counts: a change to the library works only on the changed file,
and what is kept by content gives the same index and the same engine as counting it all."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.answer import corpus_statistics
from qa.documents import corpus
from qa.documents.live import LivePipeline
from qa.pipeline import Pipeline
from qa.store import index_load as index_module
from qa.store import rows as rows_module
from qa.store import segments
from qa.store.index_build import build_index
from qa.store.index_load import load_index
from qa.store.lexical import passage_text
from qa.store.vector_cache import served_vectors, text_key
from tests.conftest import FakeEmbedder, copy_of_article

NOTE = ("# Garden notes\n\nThe quince tree was planted in 2019 by the United Nations Food "
        "Programme (UNFP).\n")


def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files parsed from now on."""
    seen: list[str] = []
    real = corpus.load_document

    def counting(path: Path, name: str | None = None):  # noqa: ANN202
        seen.append(name or path.name)
        return real(path, name)

    monkeypatch.setattr(corpus, "load_document", counting)
    monkeypatch.setattr(segments, "load_document", counting)
    return seen


def test_a_second_build_parses_and_embeds_only_the_new_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = copy_of_article(tmp_path)
    first = build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    (settings.corpus_dir / "notes.md").write_text(NOTE, encoding="utf-8")
    seen = parses(monkeypatch)
    embedder = FakeEmbedder()
    report = build_index(settings.corpus_dir, settings.index_dir, embedder)
    assert seen == ["notes.md"]
    assert report.documents == 2 and report.paragraphs == first.paragraphs + 2
    assert 0 < embedder.texts_encoded < 20 and report.embedded == embedder.texts_encoded
    index = load_index(settings.corpus_dir, settings.index_dir, embedder)
    assert [d.doc for d in index.documents] == ["india-japan-semiconductors", "notes"]
    assert index.paragraph_vectors.shape == (first.paragraphs + 2, embedder.dim)


def test_a_damaged_segment_is_made_again(tmp_path: Path) -> None:
    settings = copy_of_article(tmp_path)
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    index = load_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    key, = index.manifest["segments"]
    path = settings.index_dir / segments.SEGMENTS_DIR / f"{key}.npz"
    path.write_bytes(path.read_bytes()[:500])
    embedder = FakeEmbedder()
    (settings.corpus_dir / "notes.md").write_text(NOTE, encoding="utf-8")
    report = build_index(settings.corpus_dir, settings.index_dir, embedder)
    assert report.documents == 2
    assert segments.load_segment(settings.index_dir, key) is not None  # whole again
    again = load_index(settings.corpus_dir, settings.index_dir, embedder)
    assert np.allclose(again.paragraph_vectors[:len(index.paragraphs)], index.paragraph_vectors)


def test_a_live_add_reads_the_file_before_the_lock_and_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = copy_of_article(tmp_path)
    live = LivePipeline(Pipeline.load(settings, embedder=FakeEmbedder()))
    upload = tmp_path / "Garden Notes.MD"
    upload.write_text(NOTE, encoding="utf-8")
    seen = parses(monkeypatch)
    report = live.add([upload])
    assert seen == ["garden-notes.md"]  # parsed once, as the corpus file it becomes
    assert report.files[0].doc == "garden-notes"
    answer = live.ask("When was the quince tree planted?")
    assert "2019" in answer.answer and answer.citations[0].doc == "garden-notes"
    key = live.current.index.manifest["segments"][-1]
    assert (settings.index_dir / segments.SEGMENTS_DIR / f"{key}.facts.json").is_file()


def test_counts_kept_per_document_merge_to_the_corpus_count(tmp_path: Path) -> None:
    settings = copy_of_article(tmp_path)
    (settings.corpus_dir / "notes.md").write_text(NOTE, encoding="utf-8")
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    index = load_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    whole = corpus_statistics.count(index.paragraphs)
    kept = corpus_statistics.corpus_counts(index)
    assert kept == whole
    assert kept.long_forms["UNFP"] == "United Nations Food Programme"
    saved = sorted((settings.index_dir / segments.SEGMENTS_DIR).glob("*.facts.json"))
    assert len(saved) == 2
    merged = index.generation_dir / corpus_statistics.MERGED_FILE
    assert merged.is_file()  # the next load of this generation reads one file
    saved[0].write_text("{not json", encoding="utf-8")  # a damaged count is counted again
    assert corpus_statistics.corpus_counts(index) == whole  # (from the merged file)
    merged.unlink()
    again = corpus_statistics.corpus_counts(index)
    assert again == whole


def test_a_reload_after_an_add_parses_nothing_until_a_paragraph_is_asked_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = copy_of_article(tmp_path)
    live = LivePipeline(Pipeline.load(settings, embedder=FakeEmbedder()))
    upload = tmp_path / "notes.md"
    upload.write_text(NOTE, encoding="utf-8")
    parsed: list[str] = []
    real = rows_module.document_from_json

    def counting(data):  # noqa: ANN001, ANN202
        parsed.append(data["doc"])
        return real(data)

    monkeypatch.setattr(rows_module, "document_from_json", counting)
    monkeypatch.setattr(index_module, "document_from_json", counting)
    live.add([upload])
    served = live.current.index
    assert parsed == []  # nothing parsed to serve the new generation
    assert [d.doc for d in served.documents] == ["india-japan-semiconductors", "notes"]
    assert served.paragraphs[served.rows_of("notes")[0]].doc == "notes"
    assert parsed == ["notes"]  # one paragraph, when asked for
    fresh = load_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    assert fresh.documents == served.documents


def test_an_upload_reuses_the_vectors_of_the_file_it_replaces_only(tmp_path: Path) -> None:
    settings = copy_of_article(tmp_path)
    (settings.corpus_dir / "notes.md").write_text(NOTE, encoding="utf-8")
    build_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    index = load_index(settings.corpus_dir, settings.index_dir, FakeEmbedder())
    notes = [p for p in index.paragraphs if p.doc == "notes"]
    article = [p for p in index.paragraphs if p.doc != "notes"]
    narrow = served_vectors(index, {"notes.md"})
    assert all(text_key(passage_text(p)) in narrow for p in notes)
    assert all(text_key(s.text) in narrow for p in notes for s in p.sentences)
    assert not any(text_key(passage_text(p)) in narrow for p in article)
    assert all(text_key(w) in narrow for w in index.words)  # words are shared by all
    every = served_vectors(index)
    assert all(text_key(passage_text(p)) in every for p in index.paragraphs)
    row = index.sentence_offsets[index.paragraphs.index(notes[-1])]
    assert np.array_equal(narrow[text_key(notes[-1].sentences[0].text)],
                          index.sentence_vectors[row])
