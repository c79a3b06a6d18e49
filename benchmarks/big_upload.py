"""How long a big upload holds other users' changes: `LivePipeline.add` of a long `.txt`
(100,000 paragraphs by default) while small adds and removes run beside it.

    .venv/bin/python benchmarks/big_upload.py [PARAGRAPHS]

The embedder is the tests' instant fake one, so the figures are the library's own work
(parsing, the locked build, loading the new index), not the model's: embedding happens before
the lock is taken anyway (`qa.store.segments.prepare`). Prints the big add's time and, for
each small change, when it started and how long it took. `qa bench` runs it too (target: no
small change takes over 10 s).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.documents.live import LivePipeline  # noqa: E402 - after the path above
from qa.pipeline import Pipeline  # noqa: E402
from tests.conftest import FakeEmbedder, copy_of_article  # noqa: E402
from tests.test_bounded_work import long_document  # noqa: E402


def measure(paragraphs: int = 100_000) -> dict[str, Any]:
    """The big add's time and each small change's (started at s, took s); the slowest."""
    folder = Path(tempfile.mkdtemp(prefix="qa-big-upload-"))
    try:
        settings = copy_of_article(folder)
        live = LivePipeline(Pipeline.load(settings, embedder=FakeEmbedder()))
        big = long_document(folder / "ledger.txt", paragraphs)
        small = folder / "note.md"
        small.write_text("# Note\n\nThe quince tree was planted in 2019.\n")
        took: dict[str, float] = {}

        def add(path: Path) -> None:
            started = time.monotonic()
            live.add([path])
            took[path.name] = time.monotonic() - started

        worker = threading.Thread(target=add, args=(big,))
        began = time.monotonic()
        worker.start()
        changes = []
        while worker.is_alive():
            time.sleep(2.0)
            if not worker.is_alive():
                break
            started = time.monotonic()
            if any(d.path == "note.md" for d in live.documents):
                live.remove("note")
            else:
                add(small)
            changes.append((round(started - began, 1), round(time.monotonic() - started, 1)))
        worker.join()
        live.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"big_upload_paragraphs": paragraphs, "big_upload_add_s": took["ledger.txt"],
            "big_upload_small_changes": changes,
            "big_upload_small_max_s": max((t for _, t in changes), default=0.0)}


def main(paragraphs: int = 100_000) -> None:
    figures = measure(paragraphs)
    print(f"{paragraphs:,}-paragraph add: {figures['big_upload_add_s']:.1f} s; small changes "
          f"(started at s, took s): {figures['big_upload_small_changes']}; the slowest "
          f"{figures['big_upload_small_max_s']:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
