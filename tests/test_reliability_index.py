"""Index faults as a user meets them: corrupt files through `qa ask` and app.py, a missing or
stale index through `qa ask`, a build killed part-way, and two builds at once.
`tests/test_index.py` covers the same faults through `load_index` itself."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa.config import Settings
from qa.errors import IndexError_
from qa.pipeline import Pipeline
from qa.store import generations
from qa.store.index_build import build_index
from qa.store.index_load import load_index
from tests.conftest import ROOT, FakeEmbedder

NOTES = "# Notes\n\nThe fab in Dholera will employ 3,000 people by 2027.\n"
QUESTION = "How much does Japan plan to invest in India over the next decade?"

# A build in a subprocess with the fake embedder; it can stop ("PAUSED") at a chosen point so
# the test can SIGKILL it there, or run slowly and report when it holds the lock.
BUILD_SCRIPT = """
import os, sys, time
from contextlib import contextmanager
from pathlib import Path
import numpy as np
from qa.store import generations, index_build
from tests.conftest import FakeEmbedder

corpus, index_dir, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

def pause():
    print("PAUSED", point, flush=True)
    time.sleep(600)

class Embedder(FakeEmbedder):
    def encode_passages(self, texts, progress=False):
        if point == "embedding":
            pause()
        if point == "slow":
            time.sleep(0.5)
        return super().encode_passages(texts, progress)

save, replace, lock = np.save, os.replace, generations.build_lock

def save_then_pause(path, array, **kwargs):
    save(path, array, **kwargs)
    if point == "writing" and "sentence_vectors" in str(path):
        pause()

def pause_then_replace(src, dst):
    if point == "publishing" and Path(dst).name == "CURRENT":
        pause()
    replace(src, dst)

@contextmanager
def logged_lock(folder, timeout_s=600.0):
    with lock(folder, timeout_s):
        print("LOCKED", time.time(), flush=True)
        yield
        print("UNLOCKED", time.time(), flush=True)

np.save, os.replace, generations.build_lock = save_then_pause, pause_then_replace, logged_lock
report = index_build.build_index(corpus, index_dir, Embedder())
print("DONE", report.documents, flush=True)
"""


def _start_build(settings: Settings, point: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", BUILD_SCRIPT, str(settings.corpus_dir),
                             str(settings.index_dir), point], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(process: subprocess.Popen, prefix: str) -> str:
    for line in process.stdout:
        if line.startswith(prefix):
            return line
    raise AssertionError(f"build ended before {prefix}: {process.stderr.read()[-2000:]}")


def _kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.mark.parametrize("point", ["embedding", "writing", "publishing"])
def test_build_killed_part_way_leaves_the_previous_index(article_settings: Settings,
                                                         point: str) -> None:
    before = Pipeline.load(article_settings, embedder=FakeEmbedder())
    expected = before.ask(QUESTION).answer
    live = generations.current_generation(article_settings.index_dir)
    notes = article_settings.corpus_dir / "notes.md"
    notes.write_text(NOTES, encoding="utf-8")  # so the killed build has something to embed

    build = _start_build(article_settings, point)
    _wait_for(build, "PAUSED")
    _kill(build)

    assert generations.current_generation(article_settings.index_dir) == live
    notes.unlink()  # the corpus the live index was built from: it must serve as it is
    embedder = FakeEmbedder()
    after = Pipeline.load(article_settings, embedder=embedder)
    assert embedder.calls == 0, "loaded, not rebuilt"
    assert generations.current_generation(article_settings.index_dir) == live
    assert after.ask(QUESTION).answer == expected
    # The next build is not blocked by the dead one and sweeps away what it left.
    notes.write_text(NOTES, encoding="utf-8")
    assert build_index(article_settings.corpus_dir, article_settings.index_dir,
                       FakeEmbedder()).documents == 2
    leftovers = [p.name for p in article_settings.index_dir.iterdir()
                 if p.name not in (".lock", generations.CURRENT, "segments")]
    assert len(leftovers) == 1 and leftovers[0].startswith("g-"), leftovers
    # the documents' segments are a cache: whole files, each named by its content key
    assert all(not p.name.startswith(".") for p in
               (article_settings.index_dir / "segments").iterdir())


def test_a_waiting_build_gives_up_with_a_message(article_settings: Settings) -> None:
    build_index(article_settings.corpus_dir, article_settings.index_dir, FakeEmbedder())
    (article_settings.corpus_dir / "notes.md").write_text(NOTES, encoding="utf-8")
    build = _start_build(article_settings, "embedding")
    try:
        _wait_for(build, "PAUSED")
        with pytest.raises(IndexError_, match="Another build .* is running"):
            with generations.build_lock(article_settings.index_dir, timeout_s=0.5):
                pass
    finally:
        _kill(build)
    with generations.build_lock(article_settings.index_dir, timeout_s=5):  # freed by the kill
        pass


def test_two_builds_at_once_take_turns_and_readers_never_fail(
        article_settings: Settings) -> None:
    build_index(article_settings.corpus_dir, article_settings.index_dir, FakeEmbedder())
    (article_settings.corpus_dir / "notes.md").write_text(NOTES, encoding="utf-8")
    builds = [_start_build(article_settings, "slow") for _ in range(2)]
    loads = failures = 0
    while any(b.poll() is None for b in builds):  # a reader, as `qa ask` would be meanwhile
        try:
            load_index(article_settings.corpus_dir, article_settings.index_dir, FakeEmbedder(),
                       check_corpus=False)
            loads += 1
        except Exception:
            failures += 1
    outputs = [b.communicate(timeout=60) for b in builds]
    assert [b.returncode for b in builds] == [0, 0], [err[-2000:] for _, err in outputs]
    spans = sorted((float(_line(out, "LOCKED")), float(_line(out, "UNLOCKED")))
                   for out, _ in outputs)
    assert spans[0][1] <= spans[1][0], f"the builds overlapped: {spans}"
    assert loads > 0 and failures == 0
    index = load_index(article_settings.corpus_dir, article_settings.index_dir, FakeEmbedder())
    assert {d.doc for d in index.documents} == {"india-japan-semiconductors", "notes"}
    assert len(list(article_settings.index_dir.glob("g-*"))) == 1


def _line(output: str, prefix: str) -> str:
    return next(line.split()[1] for line in output.splitlines() if line.startswith(prefix + " "))


# ---- with the real model: the user's commands -------------------------------------------

def _copy_of(real_pipeline: Any, tmp_path: Path) -> Settings:
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    shutil.copytree(real_pipeline.settings.corpus_dir, settings.corpus_dir)
    shutil.copytree(real_pipeline.settings.index_dir, settings.index_dir)
    return settings


def _env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "QA_CORPUS_DIR": str(settings.corpus_dir),
            "QA_INDEX_DIR": str(settings.index_dir)}


def _damage(settings: Settings, damage: str) -> None:
    generation = generations.current_generation(settings.index_dir)
    if damage == "truncated-faiss":
        path = generation / "paragraphs.faiss"
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "missing-manifest":
        (generation / "manifest.json").unlink()
    elif damage == "edited-manifest":
        manifest = json.loads((generation / "manifest.json").read_text())
        del manifest["faiss"]
        (generation / "manifest.json").write_text(json.dumps(manifest))
    elif damage == "wrong-dimension":
        vectors = np.load(generation / "paragraph_vectors.npy")
        np.save(generation / "paragraph_vectors.npy", vectors[:, :128])
    else:
        (settings.index_dir / generations.CURRENT).write_text("g-that-was-deleted\n")


DAMAGES = ["truncated-faiss", "missing-manifest", "edited-manifest", "wrong-dimension",
           "dangling-CURRENT"]


@pytest.mark.slow
@pytest.mark.parametrize("damage", DAMAGES)
def test_corrupt_index_is_one_line_naming_qa_build(real_pipeline: Any, tmp_path: Path,
                                                   damage: str) -> None:
    settings = _copy_of(real_pipeline, tmp_path)
    _damage(settings, damage)
    result = subprocess.run([sys.executable, "-m", "qa", "ask", QUESTION], capture_output=True,
                            text=True, env=_env(settings), timeout=120)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith("qa: error: The index in") and "qa build" in result.stderr


@pytest.mark.slow
def test_app_refuses_to_start_on_a_corrupt_index(real_pipeline: Any, tmp_path: Path) -> None:
    settings = _copy_of(real_pipeline, tmp_path)
    _damage(settings, "truncated-faiss")
    result = subprocess.run([sys.executable, str(ROOT / "app.py"), "--port", "7999"],
                            capture_output=True, text=True, env=_env(settings), timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == \
        [result.stderr.strip().splitlines()[-1]]
    assert "qa build" in result.stderr


@pytest.mark.slow
def test_missing_then_stale_index_is_built_by_qa_ask(real_pipeline: Any, tmp_path: Path) -> None:
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    shutil.copytree(real_pipeline.settings.corpus_dir, settings.corpus_dir)
    first = subprocess.run([sys.executable, "-m", "qa", "ask", "--json", QUESTION],
                           capture_output=True, text=True, env=_env(settings), timeout=300)
    assert first.returncode == 0, first.stderr
    assert "10 trillion" in json.loads(first.stdout)["answer"]
    built = generations.current_generation(settings.index_dir)
    assert built is not None

    (settings.corpus_dir / "notes.md").write_text(NOTES, encoding="utf-8")
    second = subprocess.run([sys.executable, "-m", "qa", "ask", "--json",
                             "How many people will the fab in Dholera employ?"],
                            capture_output=True, text=True, env=_env(settings), timeout=300)
    assert second.returncode == 0, second.stderr
    assert "changed since the index was built" in second.stderr and "Traceback" not in second.stderr
    assert "3,000" in json.loads(second.stdout)["answer"]
    assert generations.current_generation(settings.index_dir) != built


@pytest.mark.slow
def test_real_qa_build_killed_mid_way(real_pipeline: Any, tmp_path: Path) -> None:
    from filelock import FileLock, Timeout

    settings = _copy_of(real_pipeline, tmp_path)
    live = generations.current_generation(settings.index_dir)
    notes = settings.corpus_dir / "notes.md"
    notes.write_text(NOTES, encoding="utf-8")
    build = subprocess.Popen([sys.executable, "-m", "qa", "build"], env=_env(settings),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    probe = FileLock(str(settings.index_dir / ".lock"))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and build.poll() is None:
        try:
            probe.acquire(timeout=0)
            probe.release()
            time.sleep(0.05)
        except Timeout:  # the build holds the lock: it is parsing, loading the model, embedding
            time.sleep(0.3)
            break
    assert build.poll() is None, "the build ended before it could be killed"
    _kill(build)

    assert generations.current_generation(settings.index_dir) == live
    notes.unlink()
    index = load_index(settings.corpus_dir, settings.index_dir, real_pipeline.embedder)
    answer = Pipeline(settings, real_pipeline.embedder, index, real_pipeline.reader).ask(QUESTION)
    assert answer.to_dict()["answer"] == real_pipeline.ask(QUESTION).answer
