"""The audit log: one JSON line per change to the library (who, what, when, outcome).

The file is opened for appending only and each line is written whole, so earlier lines are
never rewritten; `qa.access` writes it beside the index (`audit.log`). Nothing secret goes in
it: no passwords, no tokens, no document text.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

AUDIT_FILE = "audit.log"
_LOCK = threading.Lock()


def record(path: Path, user: str, action: str, target: str, outcome: str) -> None:
    """Append one line: {"at", "user", "action", "target", "outcome"}."""
    line = json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "user": user,
                       "action": action, "target": target[:200], "outcome": outcome[:300]},
                      ensure_ascii=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCK:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(line + "\n")


def read(path: Path) -> list[dict[str, str]]:
    """Every line of the log (for `qa audit` and the tests)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]
