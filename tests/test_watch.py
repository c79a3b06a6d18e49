"""A watched folder: `qa.documents.watch` with the fake embedder, then `app.py --watch` and a
`qa add` from another process answered by a running app within seconds (real models)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from qa.config import Settings
from qa.documents import library
from qa.documents.watch import FolderWatch
from qa.pipeline import Pipeline
from tests.conftest import ARTICLE, FakeEmbedder, stop_process

NOTES = "# Tide notes\n\nThe spring tide at Stromness peaked at 4.1 metres on 3 March.\n"


def watcher(settings: Settings, embedder: FakeEmbedder, folder: Path) -> FolderWatch:
    return FolderWatch(folder, settings.index_dir,
                       add=lambda p: library.add(settings, embedder, [p], replace=True),
                       remove=lambda d: library.remove(settings, embedder, d))


def docs(settings: Settings, embedder: FakeEmbedder) -> dict[str, str]:
    index = Pipeline.load(settings, embedder=embedder).index
    return {d.doc: " ".join(p.text for p in d.paragraphs) for d in index.documents}


def test_new_changed_and_deleted_files_are_applied_one_by_one(
        article_settings: Settings, fake_embedder: FakeEmbedder, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    watch = watcher(article_settings, fake_embedder, folder)
    assert watch.step() == []
    (folder / "Tide Notes.md").write_text(NOTES, encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not a PDF")
    (folder / ".hidden.md").write_text(NOTES, encoding="utf-8")
    changes = {c.path: c for c in watch.step()}
    assert set(changes) == {"Tide Notes.md", "broken.pdf"}
    assert changes["Tide Notes.md"].outcome == "done"
    assert "not a readable PDF" in changes["broken.pdf"].outcome
    assert "4.1 metres" in docs(article_settings, fake_embedder)["tide-notes"]
    assert watch.step() == []  # nothing changed: nothing done, the failure is not retried

    (folder / "Tide Notes.md").write_text(NOTES.replace("4.1", "4.3"), encoding="utf-8")
    os.utime(folder / "Tide Notes.md", ns=(time.time_ns(), time.time_ns() + 10**9))
    assert [c.action for c in watch.step()] == ["replace"]
    assert "4.3 metres" in docs(article_settings, fake_embedder)["tide-notes"]

    again = watcher(article_settings, fake_embedder, folder)  # a restart remembers the folder
    assert again.step() == []
    (folder / "Tide Notes.md").unlink()
    (folder / "broken.pdf").unlink()
    assert [(c.path, c.action, c.outcome) for c in again.step()] == [
        ("Tide Notes.md", "remove", "done")]  # the failed file never made a document
    assert set(docs(article_settings, fake_embedder)) == {"india-japan-semiconductors"}


@pytest.mark.slow
def test_a_running_app_answers_from_a_watched_file_and_another_process_add(
        tmp_path: Path) -> None:
    httpx = pytest.importorskip("httpx")
    gradio_client = pytest.importorskip("gradio_client")
    from tests.test_cli import qa
    from tests.test_security import start

    (tmp_path / "corpus").mkdir()
    shutil.copy(ARTICLE, tmp_path / "corpus")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    process, url = start(tmp_path, "--watch", str(inbox))
    try:
        client = gradio_client.Client(url, verbose=False)

        def answered(question: str, needle: str, within: float) -> float:
            started = time.monotonic()
            while time.monotonic() - started < within:
                answer = client.predict(question, api_name="/ask")
                if needle in answer["answer"]:
                    return time.monotonic() - started
                time.sleep(0.25)
            raise AssertionError(f"{needle!r} not answered within {within} s")

        (inbox / "tides.md").write_text(NOTES, encoding="utf-8")
        took = answered("How high did the spring tide at Stromness peak?", "4.1", 5.0)
        assert took <= 5.0
        (inbox / "tides.md").write_text(NOTES.replace("4.1", "4.3"), encoding="utf-8")
        answered("How high did the spring tide at Stromness peak?", "4.3", 5.0)  # an edit
        assert httpx.get(url + "/", timeout=5).status_code == 200
        other = tmp_path / "lab.md"
        other.write_text("# Lab\n\nThe centrifuge was serviced on 2 May by Ilse Marwood.\n",
                         encoding="utf-8")
        settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
        assert qa("add", str(other), settings=settings).returncode == 0
        answered("Who serviced the centrifuge?", "Marwood", 5.0)
        (inbox / "tides.md").unlink()
        started = time.monotonic()
        while "4.3" in client.predict("How high did the spring tide at Stromness peak?",
                                      api_name="/ask")["answer"]:
            assert time.monotonic() - started < 5.0, "a deleted file is still answered"
            time.sleep(0.25)
    finally:
        stop_process(process, timeout=15)
