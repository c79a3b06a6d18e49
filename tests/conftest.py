"""Shared fixtures: a deterministic fake embedder for fast tests, the real pipeline once."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from qa.config import Settings

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "corpus" / "india-japan-semiconductors.txt"


class FakeEmbedder:
    """Hashed bag of words and character trigrams: same text, same vector; no model."""

    id = "fake-hash-embedder"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0
        self.texts_encoded = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        words = re.findall(r"\w+", text.lower())
        grams = words + [w[i:i + 3] for w in words for i in range(max(1, len(w) - 2))]
        for gram in grams:
            digest = hashlib.md5(gram.encode()).digest()
            vector[digest[0] % self.dim] += 1.0 if digest[1] % 2 else -1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_passages(texts)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.texts_encoded += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def article_settings(tmp_path: Path) -> Settings:
    """A corpus folder holding a copy of the article, and an empty index folder."""
    return copy_of_article(tmp_path)


def copy_of_article(folder: Path, reader: bool = False) -> Settings:
    """Settings for `folder/corpus` (a copy of the article) and `folder/index` (empty).

    The trained reader is off unless asked for: fake-embedder tests test the engine alone."""
    corpus = folder / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    return Settings(corpus_dir=corpus, index_dir=folder / "index", reader=reader)


@pytest.fixture(scope="session")
def real_pipeline(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The real MiniLM pipeline over the article, built once in a temporary index."""
    from qa.pipeline import Pipeline

    return Pipeline.load(copy_of_article(tmp_path_factory.mktemp("real"), reader=True))


@dataclass
class AppServer:
    """`python app.py` running in a subprocess; `log` holds everything it printed."""

    url: str
    process: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.process.poll() is None


@pytest.fixture(scope="session")
def app_server(real_pipeline: Any,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """app.py as a user starts it (queue, limits, 127.0.0.1), over the real pipeline's index."""
    from scripts.load_test import start_app

    log = tmp_path_factory.mktemp("app") / "app.log"
    settings = real_pipeline.settings
    process, url = start_app(settings.corpus_dir, settings.index_dir, log)
    try:
        yield AppServer(url, process, log)
    finally:
        stop_process(process, timeout=30)


@pytest.fixture(scope="session")
def milvus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`milvus-lite server` in its own process on 127.0.0.1 (data in a temporary folder):
    "host:port". Tests share it; each uses its own collection prefix."""
    from scripts.load_test import free_port

    folder = tmp_path_factory.mktemp("milvus-server")
    port = free_port()
    log = folder / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(folder / "data"),
             "--host", "127.0.0.1", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while "listening" not in log.read_text():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the Milvus Lite server did not start in 60 s"
        time.sleep(0.2)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        stop_process(process, timeout=15)


def load_script(name: str) -> ModuleType:
    """A script of scripts/ (not a package) loaded as a module, to test its functions."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stop_process(process: subprocess.Popen, timeout: float) -> None:
    """Ask a server we started to stop; kill it if it does not within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
