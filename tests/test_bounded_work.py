"""Work is bounded: a long upload holds nobody's add for long, and a start after an
interrupted add serves the last index at once and catches up in the background (fake
embedder; the real app's long questions are in tests/test_security.py)."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import numpy as np

from qa.documents.live import LivePipeline
from qa.pipeline import Pipeline
from tests.conftest import FakeEmbedder, copy_of_article


class SlowEmbedder(FakeEmbedder):
    """The fake embedder at about the real one's pace on 2 cores for long batches."""

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        time.sleep(0.004 * len(texts))
        return super().encode_passages(texts, progress)


def long_document(path: Path, paragraphs: int) -> Path:
    path.write_text("\n\n".join(f"Paragraph {i} tells of ledger entry {i} filed by clerk "
                                f"number {i * 7} in the {i}th week." for i in range(paragraphs)))
    return path


def test_a_long_upload_delays_another_users_small_add_by_seconds(tmp_path: Path) -> None:
    settings = copy_of_article(tmp_path)
    embedder = SlowEmbedder()
    live = LivePipeline(Pipeline.load(settings, embedder=embedder))
    big = long_document(tmp_path / "ledger.txt", 3000)  # about 25 s of embedding
    small = tmp_path / "note.md"
    small.write_text("# Note\n\nThe quince tree was planted in 2019.\n")
    done: dict[str, float] = {}

    def add(path: Path) -> None:
        started = time.monotonic()
        live.add([path])
        done[path.name] = time.monotonic() - started

    first = threading.Thread(target=add, args=(big,))
    first.start()
    time.sleep(1.0)
    started = time.monotonic()
    add(small)
    waited = time.monotonic() - started
    assert "ledger.txt" not in done, "the long upload should still be embedding"
    first.join(timeout=120)
    assert waited <= 10.0, f"the small add waited {waited:.1f} s"
    assert done["ledger.txt"] > waited
    assert {d.path for d in live.documents} >= {"ledger.txt", "note.md"}
    kept = {p.name.split(".")[0] for p in (settings.index_dir / "segments").glob("*.npz")}
    assert kept == set(live.current.index.manifest["segments"])  # one each, no litter


def test_a_start_after_an_interrupted_add_serves_at_once_then_catches_up(
        tmp_path: Path) -> None:
    settings = copy_of_article(tmp_path)
    Pipeline.load(settings, embedder=FakeEmbedder())
    # an add killed after copying its file into the corpus, before the index was written
    shutil.copy(long_document(tmp_path / "ledger.txt", 400), settings.corpus_dir)
    embedder = SlowEmbedder()
    started = time.monotonic()
    pipeline = Pipeline.load(settings, embedder=embedder, serve_stale=True)
    assert time.monotonic() - started < 10 and pipeline.stale
    assert embedder.texts_encoded == 0
    assert [d.path for d in pipeline.documents] == ["india-japan-semiconductors.txt"]
    live = LivePipeline(pipeline)
    assert live.ask("What is TEL Miyagi?").answer  # serving while it catches up
    live.catching_up.join(timeout=60)
    assert "ledger.txt" in {d.path for d in live.documents}
