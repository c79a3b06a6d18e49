"""One suite, three stores: the index folder (FAISS + BM25), Milvus Lite embedded
(`milvus:///….db`) and a Milvus Lite gRPC server on 127.0.0.1 that this module starts, reached
over the network (`milvus://127.0.0.1:PORT`). Fake embedder: this tests the stores, not models.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa.config import Settings
from qa.documents import library
from qa.documents.live import LivePipeline
from qa.pipeline import Pipeline
from qa.store import close_store, open_store
from qa.store.index import StaleIndex
from tests.conftest import ROOT, FakeEmbedder

NOTES = """# Garden notes

The tomato seedlings were planted on 12 March in the east bed dug by Mr d'Arcy.

## Watering

The drip line runs for twenty minutes every morning at six.
"""
QUESTIONS = [json.loads(line)["question"] for line in
             (ROOT / "tests" / "data" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip()]


@pytest.fixture(params=["files", "milvus-lite", "milvus-server"])
def settings(request: pytest.FixtureRequest, article_settings: Settings,
             tmp_path: Path) -> Iterator[Settings]:
    """The article's corpus folder, with its index in the store named by the parameter."""
    if request.param == "files":
        yield article_settings
        return
    if request.param == "milvus-lite":
        spec = f"milvus://{tmp_path / 'store.db'}"
    else:  # one server for the module; each test its own collections
        spec = f"milvus://{request.getfixturevalue('milvus_server')}?prefix=t{uuid.uuid4().hex}"
    try:
        yield replace(article_settings, store=spec)
    finally:
        close_store(spec)


def ask(settings: Settings, embedder: FakeEmbedder, question: str) -> tuple[str, list[str]]:
    answer = Pipeline.load(settings, embedder=embedder).ask(question)
    return answer.answer, [c.anchor for c in answer.citations]


def test_a_build_serves_the_same_answers_as_the_index_folder(
        settings: Settings, fake_embedder: FakeEmbedder, tmp_path: Path) -> None:
    store = open_store(settings)
    report = store.build(settings.corpus_dir, fake_embedder)
    assert (report.documents, report.paragraphs) == (1, 30)
    index = store.load(settings.corpus_dir, fake_embedder)
    reference_settings = replace(settings, store="", index_dir=tmp_path / "reference")
    reference = Pipeline.load(reference_settings, embedder=fake_embedder)
    assert [p.anchor for p in index.paragraphs] == [p.anchor for p in
                                                     reference.index.paragraphs]
    assert index.words == reference.index.words
    pipeline = Pipeline(settings, fake_embedder, index)
    for question in QUESTIONS:
        mine, theirs = pipeline.ask(question), reference.ask(question)
        assert (mine.answer, mine.citations) == (theirs.answer, theirs.citations), question


def test_add_ask_list_and_remove_a_document(settings: Settings, fake_embedder: FakeEmbedder,
                                            tmp_path: Path) -> None:
    open_store(settings).build(settings.corpus_dir, fake_embedder)
    notes = tmp_path / "inbox" / "Garden Notes.md"
    notes.parent.mkdir()
    notes.write_text(NOTES, encoding="utf-8")
    report = library.add(settings, fake_embedder, [notes])
    assert [f.status for f in report.files] == ["added"]
    assert report.build is not None
    assert report.build.paragraphs_embedded == report.files[0].paragraphs == 4
    again = library.add(settings, fake_embedder, [notes])  # unchanged: nothing embedded
    assert [f.status for f in again.files] == ["unchanged"] and again.embedded == 0
    answer, cited = ask(settings, fake_embedder, "When were the tomato seedlings planted?")
    assert "12 March" in answer and cited[0].startswith("garden-notes")
    assert [e.doc for e in library.listing(settings).entries] == [
        "garden-notes", "india-japan-semiconductors"]
    library.remove(settings, fake_embedder, "garden-notes")
    assert [e.doc for e in library.listing(settings).entries] == ["india-japan-semiconductors"]
    _, cited = ask(settings, fake_embedder, "When were the tomato seedlings planted?")
    assert not any(c.startswith("garden-notes") for c in cited)


def test_a_reload_after_an_add_takes_the_unchanged_documents_from_the_served_index(
        settings: Settings, fake_embedder: FakeEmbedder, tmp_path: Path) -> None:
    store = open_store(settings)
    store.build(settings.corpus_dir, fake_embedder)
    served = store.load(settings.corpus_dir, fake_embedder)
    notes = tmp_path / "notes.md"
    notes.write_text(NOTES, encoding="utf-8")
    library.add(settings, fake_embedder, [notes])
    again = store.load(settings.corpus_dir, fake_embedder, reuse=served)
    fresh = store.load(settings.corpus_dir, fake_embedder)
    article = next(d for d in again.documents if d.doc == "india-japan-semiconductors")
    if settings.store:  # Milvus: not fetched from the store again
        assert article is served.documents[0]
    else:  # the index folder parses no document at load, each paragraph when first asked
        assert article == served.documents[0]
    assert [p.anchor for p in again.paragraphs] == [p.anchor for p in fresh.paragraphs]
    assert np.array_equal(again.paragraph_vectors, fresh.paragraph_vectors)
    assert np.array_equal(again.sentence_vectors, fresh.sentence_vectors)
    assert again.words == fresh.words and np.array_equal(again.word_vectors, fresh.word_vectors)
    reused, loaded = Pipeline(settings, fake_embedder, again), Pipeline(settings, fake_embedder,
                                                                        fresh)
    for question in [*QUESTIONS, "When were the tomato seedlings planted?"]:
        mine, theirs = reused.ask(question), loaded.ask(question)
        assert (mine.answer, mine.citations) == (theirs.answer, theirs.citations), question


def test_a_new_file_in_the_corpus_is_stale_and_indexed_on_load(
        settings: Settings, fake_embedder: FakeEmbedder) -> None:
    store = open_store(settings)
    store.build(settings.corpus_dir, fake_embedder)
    (settings.corpus_dir / "kiln.md").write_text("# Kiln\n\nThe zebra kiln opens in Lucknow "
                                                 "in 2031.\n", encoding="utf-8")
    assert library.listing(settings).not_indexed == ["kiln.md"]
    with pytest.raises(StaleIndex):
        store.load(settings.corpus_dir, fake_embedder)
    answer, _ = ask(settings, fake_embedder, "Where does the zebra kiln open?")  # indexed
    assert "Lucknow" in answer
    assert not library.listing(settings).stale


def test_a_changed_file_is_stale_for_the_folder_and_imported_by_qa_build_for_milvus(
        settings: Settings, fake_embedder: FakeEmbedder) -> None:
    """The index folder mirrors the corpus folder. A shared store keeps its own copy until
    asked (another replica may have replaced it), so an old local copy reverts nothing."""
    store = open_store(settings)
    store.build(settings.corpus_dir, fake_embedder)
    article = next(settings.corpus_dir.iterdir())
    article.write_text(article.read_text(encoding="utf-8") + "\n\nThe zebra fab opens in "
                       "Lucknow in 2031.\n", encoding="utf-8")
    question = "Where does the zebra fab open?"
    if not store.shared:
        assert library.listing(settings).stale
        assert "Lucknow" in ask(settings, fake_embedder, question)[0]  # rebuilt on load
        return
    assert not library.listing(settings).stale
    assert "Lucknow" not in ask(settings, fake_embedder, question)[0]
    store.build(settings.corpus_dir, fake_embedder)  # `qa build --store …`
    assert "Lucknow" in ask(settings, fake_embedder, question)[0]


def test_another_embedder_makes_the_index_stale(settings: Settings,
                                                fake_embedder: FakeEmbedder) -> None:
    store = open_store(settings)
    store.build(settings.corpus_dir, fake_embedder)

    class Other(FakeEmbedder):
        id = "another-embedder"

    with pytest.raises(StaleIndex, match="embedder"):
        store.load(settings.corpus_dir, Other())
    if store.shared:  # other replicas may serve it: dropped only when asked
        with pytest.raises(StaleIndex, match="--rebuild"):
            store.build(settings.corpus_dir, Other())
        store.build(settings.corpus_dir, Other(), rebuild=True)
        assert store.load(settings.corpus_dir, Other()).paragraphs


BUILD_SCRIPT = """
import sys, time
from pathlib import Path
from dataclasses import replace
from qa.config import Settings
from qa.store import open_store
from tests.conftest import FakeEmbedder

class Pausing(FakeEmbedder):
    def encode_passages(self, texts, progress=False):
        if any("tomato" in t for t in texts):  # the second document: the first is written
            print("PAUSED", flush=True)
            time.sleep(600)
        return super().encode_passages(texts, progress)

settings = Settings(corpus_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2]), store=sys.argv[3])
open_store(settings).build(settings.corpus_dir, Pausing())
"""


def test_a_build_killed_part_way_leaves_the_previous_index_serving(
        settings: Settings, fake_embedder: FakeEmbedder) -> None:
    """Kill -9 a build after it wrote the changed article's rows, before it published."""
    open_store(settings).build(settings.corpus_dir, fake_embedder)
    before = ask(settings, fake_embedder, QUESTIONS[0])
    close_store(settings.store)  # an embedded database is opened by one process at a time
    article = next(settings.corpus_dir.iterdir())
    original = article.read_text(encoding="utf-8")
    article.write_text(original.replace("Japan", "Nippon"), encoding="utf-8")
    (settings.corpus_dir / "notes.md").write_text(NOTES, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-c", BUILD_SCRIPT, str(settings.corpus_dir), str(settings.index_dir),
         settings.store], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "PAUSED", \
            process.stderr.read() if process.stderr else ""
    finally:
        process.kill()
        process.wait(timeout=30)
    article.write_text(original, encoding="utf-8")
    (settings.corpus_dir / "notes.md").unlink()
    index = open_store(settings).load(settings.corpus_dir, fake_embedder)
    assert [d.doc for d in index.documents] == ["india-japan-semiconductors"]
    assert not any("Nippon" in p.text for p in index.paragraphs)
    assert ask(settings, fake_embedder, QUESTIONS[0]) == before
    if index.rankings is not None:  # the dead build's rows are in Milvus: they crowd nothing
        vector = fake_embedder.encode_queries(["Japan semiconductor investment"])[0]
        assert len(index.rankings.paragraphs(vector)) == 30
        article = frozenset({"india-japan-semiconductors"})
        assert len(index.rankings.paragraphs(vector, article)) == 30


ADD_SCRIPT = """
import sys
from pathlib import Path
from qa.documents import library
from qa.config import Settings
from tests.conftest import FakeEmbedder

settings = Settings(corpus_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2]), store=sys.argv[3])
library.add(settings, FakeEmbedder(), [Path(sys.argv[4])])
"""


def test_what_one_replica_removed_or_replaced_its_old_copies_do_not_bring_back(
        milvus_server: str, article_settings: Settings, fake_embedder: FakeEmbedder,
        tmp_path: Path) -> None:
    spec = f"milvus://{milvus_server}?prefix=t{uuid.uuid4().hex}"
    here = replace(article_settings, store=spec)
    (here.corpus_dir / "garden-notes.md").write_text(NOTES, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(here.corpus_dir, elsewhere)  # another replica's folder: the same files
    there = replace(here, corpus_dir=elsewhere)
    try:
        Pipeline.load(here, embedder=fake_embedder)
        library.remove(here, fake_embedder, "garden-notes")
        changed = elsewhere / "india-japan-semiconductors.txt"
        newer = tmp_path / "india-japan-semiconductors.txt"
        newer.write_text(changed.read_text(encoding="utf-8") + "\n\nThe zebra fab opens in "
                         "Lucknow in 2031.\n", encoding="utf-8")
        library.add(here, fake_embedder, [newer], replace=True)
        pipeline = Pipeline.load(there, embedder=fake_embedder)  # its folder: the old copies
        assert [d.doc for d in pipeline.documents] == ["india-japan-semiconductors"]
        assert "Lucknow" in pipeline.ask("Where does the zebra fab open?").answer
    finally:
        close_store(spec)


def test_a_document_added_by_another_process_is_served_here(
        milvus_server: str, article_settings: Settings, fake_embedder: FakeEmbedder,
        tmp_path: Path) -> None:
    """Two processes, one Milvus server, each with its own corpus folder: what one adds,
    the other's running pipeline answers from, without a restart."""
    spec = f"milvus://{milvus_server}?prefix=t{uuid.uuid4().hex}"
    here = replace(article_settings, store=spec)
    live = LivePipeline(Pipeline.load(here, embedder=fake_embedder))
    try:
        other_corpus = tmp_path / "elsewhere"
        other_corpus.mkdir()
        notes = tmp_path / "garden-notes.md"
        notes.write_text(NOTES, encoding="utf-8")
        subprocess.run([sys.executable, "-c", ADD_SCRIPT, str(other_corpus),
                        str(tmp_path / "unused-index"), spec, str(notes)],
                       check=True, cwd=ROOT, timeout=120)
        added = time.monotonic()
        while "garden-notes" not in {d.doc for d in live.documents}:
            assert time.monotonic() - added < 5, "not served within 5 s"
            time.sleep(0.1)
        answer = live.ask("When were the tomato seedlings planted?")
        assert "12 March" in answer.answer
        assert answer.citations[0].anchor.startswith("garden-notes")
        assert not (here.corpus_dir / "garden-notes.md").exists()  # it lives in the store
    finally:
        live.close()
        close_store(spec)


@pytest.mark.parametrize(("spec", "expected"), [
    ("milvus:///srv/qa/qa.db", ("/srv/qa/qa.db", "qa")),
    ("milvus://10.0.0.5:19530", ("http://10.0.0.5:19530", "qa")),
    ("milvus://127.0.0.1:19530?prefix=team_b", ("http://127.0.0.1:19530", "team_b")),
])
def test_store_specs(spec: str, expected: tuple[str, str]) -> None:
    from qa.store.milvus_schema import parse_spec

    assert parse_spec(spec) == expected


@pytest.mark.parametrize(("spec", "message"), [
    ("milvus://relative.db", "three slashes"), ("milvus:///srv/qa/qa", "absolute path ending"),
    ("milvus://host:1/path", "three slashes"), ("milvus:///x.db?prefix=no-dash", "prefix"),
    ("sqlite:///x.db", "Unknown store")])
def test_bad_store_specs_are_refused_with_a_message(spec: str, message: str,
                                                     article_settings: Settings) -> None:
    from qa.errors import QAError

    with pytest.raises(QAError, match=message):
        open_store(replace(article_settings, store=spec))


def test_a_scope_keeps_every_search_to_its_documents(settings: Settings,
                                                     fake_embedder: FakeEmbedder,
                                                     tmp_path: Path) -> None:
    """Libraries (`qa.access.libraries`) rest on this: a search given a scope returns only
    paragraphs of the scope's documents, on every store; an empty scope returns nothing."""
    from qa.store.local_search import LocalRankings
    from tests.library_docs import DOCUMENT
    from tests.library_docs import QUESTIONS as LAB_QUESTIONS

    open_store(settings).build(settings.corpus_dir, fake_embedder)
    (tmp_path / "kestrel-lab.md").write_text(DOCUMENT, encoding="utf-8")
    library.add(settings, fake_embedder, [tmp_path / "kestrel-lab.md"], library="lab")
    index = open_store(settings).load(settings.corpus_dir, fake_embedder)
    rankings = index.rankings or LocalRankings(index)
    article = frozenset({"india-japan-semiconductors"})
    reached = 0
    for question in LAB_QUESTIONS[:20]:
        vector = fake_embedder.encode_queries([question])[0]
        for search in (rankings.paragraphs, rankings.sentences):
            assert {index.paragraphs[r].doc for r in search(vector, article)} <= article
            assert search(vector, frozenset()) == []
        assert {index.paragraphs[r].doc for r in rankings.lexical(question, article)} <= article
        reached += "kestrel-lab" in {index.paragraphs[r].doc
                                     for r in rankings.lexical(question)[:3]}
    assert reached >= 15  # without a scope the same questions find the lab's paragraphs
