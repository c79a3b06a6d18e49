"""Per-document values made on first use and kept for the documents used last.

A large library is not read when it is loaded: what the engine knows of one document (its
summarisable sentences, its headings, its contrasting paragraphs, its words) is gathered the
first time a question needs it, and the last `KEPT` documents' stay in memory.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
KEPT = 64


class Recent(Generic[T]):
    """A value per document, made by `make` on first use; the last `kept` used are kept."""

    def __init__(self, make: Callable[[str], T], kept: int = KEPT) -> None:
        self._make = make
        self._kept_most = kept
        self._kept: dict[str, T] = {}
        self._lock = threading.Lock()

    def get(self, doc: str) -> T:
        with self._lock:
            if doc in self._kept:
                found = self._kept[doc] = self._kept.pop(doc)  # the most recent last
                return found
        found = self._make(doc)  # outside the lock: another document need not wait
        with self._lock:
            self._kept[doc] = found
            while len(self._kept) > self._kept_most:
                del self._kept[next(iter(self._kept))]
        return found


__all__ = ["KEPT", "Recent"]
