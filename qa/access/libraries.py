"""Which library each document belongs to, and the documents a caller may read.

    libraries = Libraries(settings.corpus_dir)
    libraries.assign("q3-report", "finance")       # `qa add --library finance`, the page's upload
    libraries.of("q3-report")                      -> "finance"
    libraries.scope(caller, ["q3-report", …])      -> frozenset of readable ids (None: all)

The membership lives beside the documents, in the corpus folder's hidden `.libraries.json`
(document id → library name), so it survives a rebuilt index; a document it does not name is
in the default library, `main`. It is read again whenever the file changes, so a document moved
or a grant withdrawn holds from the next request. The scope is what every read path filters
by: retrieval (both stores), summaries, suggestions, the document list, saved conversations,
feedback and exports. This module decides nothing about roles (`qa.access.roles`).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path

from qa.access.roles import Caller
from qa.errors import CorpusError, InputError

DEFAULT_LIBRARY = "main"
LIBRARIES_FILE = ".libraries.json"
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")


def check_library_name(name: str) -> str:
    """The name, if it is a valid library name (what user names allow); else InputError."""
    if not _NAME.match(name or ""):
        raise InputError(f"Library names are 1-32 of a-z, 0-9, '.', '_' and '-': {name!r}.")
    return name


class Libraries:
    """The document → library map of one corpus folder."""

    def __init__(self, corpus_dir: Path) -> None:
        self.path = corpus_dir / LIBRARIES_FILE
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._map: dict[str, str] = {}

    def of(self, doc: str) -> str:
        return self._read().get(doc, DEFAULT_LIBRARY)

    def names(self, docs: Iterable[str] = ()) -> list[str]:
        """The libraries that hold any of `docs`, plus the default one; the default first."""
        membership = self._read()
        found = {membership.get(doc, DEFAULT_LIBRARY) for doc in docs} | {DEFAULT_LIBRARY}
        return sorted(found, key=lambda name: (name != DEFAULT_LIBRARY, name))

    def scope(self, caller: Caller, docs: Iterable[str]) -> frozenset[str] | None:
        """The ids of `docs` the caller may read; None when they may read every library."""
        if caller.libraries is None:
            return None
        membership, granted = self._read(), caller.libraries
        return frozenset(doc for doc in docs
                         if membership.get(doc, DEFAULT_LIBRARY) in granted)

    def assign(self, doc: str, library: str) -> None:
        """Put a document in a library (the default library is not written down)."""
        check_library_name(library)
        with self._lock:
            current = dict(self._read())
            if current.get(doc, DEFAULT_LIBRARY) == library:
                return
            if library == DEFAULT_LIBRARY:
                del current[doc]
            else:
                current[doc] = library
            self._write(current)

    def forget(self, doc: str) -> None:
        """The document is gone: drop its line."""
        with self._lock:
            current = dict(self._read())
            if current.pop(doc, None) is not None:
                self._write(current)

    def _read(self) -> dict[str, str]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._seen, self._map = None, {}
            return self._map
        seen = (stat.st_mtime_ns, stat.st_size)
        if seen != self._seen:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                # Fail closed: a damaged map must not put every document in the default library.
                raise CorpusError(f"The library file {self.path} cannot be read ({error}); "
                                 f"fix or remove it.") from error
            self._map = {str(k): str(v) for k, v in data.get("documents", {}).items()}
            self._seen = seen
        return self._map

    def _write(self, documents: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".libraries.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"documents": dict(sorted(documents.items()))}, indent=1),
                       encoding="utf-8")
        tmp.replace(self.path)
        self._seen = None
