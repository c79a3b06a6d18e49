"""`qa build --ray auto` embeds on a Ray cluster (a local one it starts and stops itself) and
writes the same vectors as the plain build. Real model; needs the `scale` extra."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from qa.embedding import MiniLMEmbedder
from qa.store.index_build import build_index
from qa.store.index_load import load_index
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

DOCUMENT = "\n\n".join(
    f"Paragraph {i}: the fab in plant {i} makes {i * 10} thousand wafers a month, and its "
    f"engineers trained for {i} years in Kumamoto before the line opened." for i in range(12))


def test_a_ray_build_writes_the_plain_builds_vectors(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "fabs.md").write_text(DOCUMENT, encoding="utf-8")
    embedder = MiniLMEmbedder()
    build_index(corpus, tmp_path / "plain", embedder)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "qa", "build", "--ray", "auto", "--ray-actors",
                           "1", "--corpus", str(corpus), "--index", str(tmp_path / "ray")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-3000:]
    assert seconds < 60, f"the Ray build took {seconds:.0f} s"
    plain = load_index(corpus, tmp_path / "plain", embedder)
    ray = load_index(corpus, tmp_path / "ray", embedder)
    for name in ("paragraph_vectors", "sentence_vectors", "word_vectors"):
        difference = np.abs(np.asarray(getattr(ray, name)) - np.asarray(getattr(plain, name)))
        assert difference.max() <= 1e-5, name
    no_ray = subprocess.run(["pgrep", "-f", "raylet"], capture_output=True, text=True)
    assert no_ray.stdout.strip() == "", "the build left Ray running"


def test_ray_actors_write_a_milvus_servers_rows_themselves(
        tmp_path: Path, milvus_server: str, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """On a Milvus server the actors embed and insert; the driver embeds nothing, and the
    store holds the plain build's vectors."""
    import logging
    import uuid

    from qa.config import Settings
    from qa.store import close_store, open_store
    from qa.store.ray_embedding import RayEmbedder, connect

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "fabs.md").write_text(DOCUMENT, encoding="utf-8")
    embedder = MiniLMEmbedder()
    specs = [f"milvus://{milvus_server}?prefix={name}{uuid.uuid4().hex[:10]}"
             for name in ("plain", "ray")]
    stores = [open_store(Settings(corpus_dir=corpus, store=spec)) for spec in specs]

    def on_the_driver(*_: object, **__: object) -> None:
        raise AssertionError("the driver embedded passages")

    try:
        stores[0].build(corpus, embedder)
        monkeypatch.setattr(RayEmbedder, "encode_passages", on_the_driver)
        caplog.set_level(logging.INFO)
        report = stores[1].build(corpus, RayEmbedder("auto", actors=1), progress=True)
        assert report.paragraphs == 12 and report.embedded > 12
        assert any("embedded and written" in r.getMessage() for r in caplog.records)
        assert not [r for r in caplog.records
                    if r.name.startswith("ray") and r.levelno < logging.WARNING]
        plain, ray = (store.load(corpus, embedder) for store in stores)
        for name in ("paragraph_vectors", "sentence_vectors", "word_vectors"):
            mine, theirs = np.asarray(getattr(ray, name)), np.asarray(getattr(plain, name))
            assert mine.shape == theirs.shape and mine.shape[0] > 0, name
            assert np.abs(mine - theirs).max() <= 1e-5, name
    finally:
        for spec in specs:
            close_store(spec)
        connect("auto").shutdown()
