"""The index folder on disk: generations, an atomic CURRENT pointer, and a build lock.

    index/
      CURRENT            name of the live generation (replaced atomically with os.replace)
      g-<time>-<pid>/    one complete build: manifest.json, paragraphs.json, *.faiss, *.npy
                         (or a delta on such a base, which then stays: `qa.store.overlay`)
      .lock              held while building, so two builds cannot interleave

A build writes a new generation folder, then swaps CURRENT. A build killed part-way leaves
only an unreferenced folder; the previous generation stays live. This module knows nothing
about what the files contain.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from qa.errors import IndexError_

CURRENT = "CURRENT"


def current_generation(index_dir: Path) -> Path | None:
    """The live generation folder, or None when nothing was built yet."""
    pointer = index_dir / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not name or "/" in name or name.startswith("."):
        return index_dir / ".invalid"
    return index_dir / name


def new_generation(index_dir: Path) -> Path:
    """A fresh, empty folder for a build (not live until `publish`)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    folder = index_dir / f"g-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"
    folder.mkdir()
    return folder


def publish(index_dir: Path, generation: Path, keep: str | None = None) -> None:
    """Make `generation` live atomically, then remove older generations (but `keep`: the
    base a delta generation lies on)."""
    tmp = index_dir / f".{CURRENT}.{os.getpid()}.tmp"
    tmp.write_text(generation.name + "\n", encoding="utf-8")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / CURRENT)
    for old in index_dir.glob("g-*"):
        if old.is_dir() and old.name not in (generation.name, keep):
            shutil.rmtree(old, ignore_errors=True)
    for litter in index_dir.glob(f".{CURRENT}.*.tmp"):  # from a build killed while publishing
        litter.unlink(missing_ok=True)


@contextmanager
def build_lock(index_dir: Path, timeout_s: float = 600.0) -> Iterator[None]:
    """Hold the index's build lock; a second builder waits, then gives up with a message."""
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / ".lock"))
    try:
        lock.acquire(timeout=timeout_s)
    except Timeout as error:
        raise IndexError_(f"Another build of {index_dir} is running; try again when it ends.") \
            from error
    try:
        yield
    finally:
        lock.release()
