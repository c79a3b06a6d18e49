"""A watched folder: new, changed and deleted files applied to the library as they happen.

    watcher = FolderWatch(folder, settings.index_dir, add=…, remove=…)
    watcher.step()          # one scan: → list of Change (what was applied, or why it failed)
    watcher.run(stop)       # scan every POLL_SECONDS until `stop` is set

`qa watch DIR` runs it with `qa.documents.library` (the index folder or a shared store), and
`app.py --watch DIR` with the app's own `LivePipeline`, so a change is answered within
seconds. Each file is one add (replacing the document it made before) or one remove, and each
is atomic: a file that fails (a broken PDF, say) is reported, the index stays as it was, and
the file is tried again only once it changes. The folder's state (each file's size, mtime and
the corpus name it became) is kept in the index folder, so a restart applies only what changed
meanwhile. A file still being written (its size or mtime moved during the scan) waits for the
next scan. Polling, not inotify: it works the same on every file system, network ones too.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.documents.corpus import SUPPORTED_SUFFIXES, doc_id_for
from qa.documents.library import safe_name
from qa.errors import QAError

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0


@dataclass(frozen=True)
class Change:
    """One file's change and what became of it."""

    path: str
    action: str   # "add", "replace" or "remove"
    outcome: str  # "done" or the error's message

    def line(self) -> str:
        return f"{self.action} {self.path}: {self.outcome}"


class FolderWatch:
    """The changes of one folder, applied through `add(path)` and `remove(corpus name)`."""

    def __init__(self, folder: Path, index_dir: Path, add: Callable[[Path], Any],
                 remove: Callable[[str], Any]) -> None:
        if not folder.is_dir():
            raise QAError(f"Cannot watch {folder}: not a folder.")
        self.folder = folder.resolve()
        self.add, self.remove = add, remove
        key = hashlib.sha1(str(self.folder).encode()).hexdigest()[:12]
        self.state_path = index_dir / f"watch-{key}.json"
        self.state: dict[str, dict[str, Any]] = self._load()

    def step(self) -> list[Change]:
        """Scan once and apply what changed since the last scan."""
        seen = self._scan()
        changes: list[Change] = []
        for name, (size, mtime) in sorted(seen.items()):
            known = self.state.get(name)
            if known is not None and (known["size"], known["mtime"]) == (size, mtime):
                continue
            if self._still_written(name, size, mtime):
                continue
            action = "add" if known is None else "replace"
            changes.append(self._apply(name, action, lambda n=name: self.add(self.folder / n)))
            self.state[name] = {"size": size, "mtime": mtime,
                                "doc": doc_id_for(Path(safe_name(Path(name)))),
                                "ok": changes[-1].outcome == "done"}
        for name in sorted(set(self.state) - set(seen)):
            known = self.state.pop(name)
            if known.get("ok"):
                changes.append(self._apply(name, "remove",
                                           lambda d=known["doc"]: self.remove(d)))
        if changes:
            self._save()
        return changes

    def run(self, stop: threading.Event, report: Callable[[Change], None] | None = None
            ) -> None:
        """Scan until `stop` is set; every change goes to `report` (and the log)."""
        while True:
            try:
                for change in self.step():
                    log.info("watch: %s", change.line())
                    if report is not None:
                        report(change)
            except OSError as error:  # the folder vanished or is unreadable for a while
                log.warning("watch: cannot scan %s (%s); retrying", self.folder, error)
            if stop.wait(POLL_SECONDS):
                return

    def _apply(self, name: str, action: str, do: Callable[[], Any]) -> Change:
        try:
            do()
        except QAError as error:
            return Change(name, action, str(error))
        return Change(name, action, "done")

    def _scan(self) -> dict[str, tuple[int, int]]:
        found = {}
        for entry in os.scandir(self.folder):
            if (entry.is_file() and not entry.name.startswith(".")
                    and Path(entry.name).suffix.lower() in SUPPORTED_SUFFIXES):
                stat = entry.stat()
                found[entry.name] = (stat.st_size, stat.st_mtime_ns)
        return found

    def _still_written(self, name: str, size: int, mtime: int) -> bool:
        try:
            stat = (self.folder / name).stat()
        except FileNotFoundError:
            return True
        return (stat.st_size, stat.st_mtime_ns) != (size, mtime)

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            return dict(json.loads(self.state_path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}

    def _save(self) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, indent=1), encoding="utf-8")
        tmp.replace(self.state_path)
