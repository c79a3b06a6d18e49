"""Your own documents: add, remove and list the corpus files, keeping the index current.

    add(settings, embedder, [path, …], replace=False, library="main")  → AddReport
    remove(settings, embedder, "name")                 → RemoveReport
    listing(settings)                                  → Listing (no model needed)

Every file is checked before anything changes: it must parse
(`qa.documents.corpus.load_document`: type, size, encoding, emptiness, PDF password) and its
name must be free. It is then copied into the
corpus folder under a safe name — the slug of its stem plus its suffix (`../My Report.PDF` →
`my-report.pdf`), so no path from the user ever reaches the corpus folder — and the store
(`qa.store`) is built incrementally: only paragraphs whose text is new are embedded. If the
build fails, the corpus files are put back as they were, and the previous index stays live.

With a shared store (Milvus) the store is the library: a name is free only if no other
process put a different document of that name there, and `remove` takes the document out of
the store (and this machine's corpus folder). This module does not parse formats
(`qa.documents.formats`) or serve anything (`qa.documents.live`).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast

from filelock import FileLock, Timeout

from qa.access.libraries import DEFAULT_LIBRARY, Libraries, check_library_name
from qa.config import Settings
from qa.documents.corpus import corpus_files, doc_id_for, load_document
from qa.documents.reports import Added, AddReport, Entry, Listing, RemoveReport, replace_status
from qa.embedding import Embedder
from qa.errors import DocumentError, InputError
from qa.store import open_store, segments
from qa.store.index import BuildReport, corpus_hash

if TYPE_CHECKING:
    from qa.store.milvus_store import MilvusStore

MAX_NAME_CHARS = 80
Progress = Callable[[float, str], None]


def safe_name(path: Path) -> str:
    """The corpus file name for `path`: an ASCII slug of its stem and its lower-case suffix."""
    stem = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:MAX_NAME_CHARS].strip("-")
    return f"{slug or 'document'}{path.suffix.lower()}"


def add(settings: Settings, embedder: Embedder, paths: list[Path], replace: bool = False,
        progress: Progress | None = None, bars: bool = False,
        library: str = DEFAULT_LIBRARY) -> AddReport:
    """Copy `paths` into the corpus (checked first, all or nothing) and index what is new,
    as documents of `library` (`qa.access.libraries`). A file may replace only a document of
    the same library: moving one between libraries is a remove and an add.

    `progress(fraction, message)` hears of each step; `bars` shows tqdm bars while embedding.
    """
    if not paths:
        raise InputError("Give at least one file to add.")
    check_library_name(library)
    step = progress or (lambda fraction, message: None)
    corpus = settings.corpus_dir
    corpus.mkdir(parents=True, exist_ok=True)
    libraries = Libraries(corpus)
    with _library_lock(settings):
        plan: list[tuple[Path, Path, list[Path], Added]] = []
        for number, source in enumerate(paths):
            step(0.1 * number / len(paths), f"Reading {source.name}")
            plan.append(_plan_add(corpus, source, replace, [p[1] for p in plan],
                                  _reader_for(settings, embedder)))
            _same_library(libraries, plan[-1], library)
        store = open_store(settings)
        if store.shared:  # the library is the store, not this machine's corpus folder
            plan = [_against_store(cast("MilvusStore", store), item, replace) for item in plan]
        changed = [item for item in plan if item[3].status != "unchanged"]
        if not changed and store.is_current(corpus, embedder):
            return AddReport([item[3] for item in plan], None)
        step(0.15, "Indexing")
        with _restorable([libraries.path] + [path for _, target, others, _ in changed
                                             for path in (target, *others)]):
            for source, target, others, _ in changed:
                for other in others:
                    other.unlink()
                _write_atomic(target, source.read_bytes())
            for item in plan:  # before the build: no moment where it is in the wrong library
                libraries.assign(item[3].doc, library)
            report = store.build(corpus, embedder, progress=bars,
                                 only=[target.name for _, target, _, _ in changed])
        step(1.0, "Indexed")
        return AddReport([item[3] for item in plan], report)


def catch_up(settings: Settings, embedder: Embedder) -> BuildReport | None:
    """Index what the corpus folder holds and the index lacks (after an interrupted add, say);
    None when it is current already."""
    with _library_lock(settings):
        store = open_store(settings)
        if store.is_current(settings.corpus_dir, embedder):
            return None
        only = store.pending(settings.corpus_dir) if store.shared else None
        return store.build(settings.corpus_dir, embedder, only=only)


def remove(settings: Settings, embedder: Embedder, name: str) -> RemoveReport:
    """Delete one document (by id or file name) from the corpus and re-index without it."""
    if not name or "/" in name or "\\" in name or name.startswith(".") or "\x00" in name:
        raise InputError(f"{name!r} is not a document name; give an id or file name from "
                         "qa list.")
    corpus = settings.corpus_dir
    store = open_store(settings)
    if store.shared:
        return _remove_from_store(settings, cast("MilvusStore", store), name)
    with _library_lock(settings):
        files = corpus_files(corpus)
        found = [p for p in files if name in (p.name, doc_id_for(p))]
        if not found:
            known = ", ".join(p.name for p in files) or "none"
            raise InputError(f"No document {name!r} in {corpus} (documents: {known}).")
        if len(found) > 1:
            raise InputError(f"{name!r} names {len(found)} files "
                             f"({', '.join(p.name for p in found)}); give the file name.")
        target = found[0]
        if len(files) == 1:
            raise InputError(f"{target.name} is the only document; add another before "
                             "removing it.")
        with _restorable([target]):
            target.unlink()
            report = store.build(corpus, embedder)
        Libraries(corpus).forget(doc_id_for(target))
        return RemoveReport(target.name, doc_id_for(target), report)


def _remove_from_store(settings: Settings, store: MilvusStore, name: str) -> RemoveReport:
    """A shared store is the library: the document goes from it (and from this machine's
    corpus folder, so that the next build does not bring it back)."""
    with _library_lock(settings):
        entries = (store.manifest() or {}).get("documents", [])
        found = [e for e in entries if name in (e["doc"], e.get("path"))]
        if not found:
            known = ", ".join(e["doc"] for e in entries) or "none"
            raise InputError(f"No document {name!r} in {store.spec} (documents: {known}).")
        if len(entries) == 1:
            raise InputError(f"{found[0]['path']} is the only document; add another before "
                             "removing it.")
        entry = found[0]
        local = settings.corpus_dir / entry.get("path", "")
        with _restorable([local] if entry.get("path") and local.is_file() else []):
            if entry.get("path") and local.is_file():
                local.unlink()
            report = store.remove_document(entry["doc"])
        Libraries(settings.corpus_dir).forget(entry["doc"])
        return RemoveReport(entry.get("path") or entry["doc"], entry["doc"], report)


def _against_store(store: MilvusStore, item: tuple[Path, Path, list[Path], Added],
                   replace: bool) -> tuple[Path, Path, list[Path], Added]:
    """A planned add, checked against the documents other processes put in a shared store."""
    from qa.store.milvus_schema import source_hash_of

    source, target, others, added = item
    entry = next((e for e in (store.manifest() or {}).get("documents", [])
                  if e["doc"] == added.doc), None)
    if entry is None or added.status == "replaced":
        return item
    if entry.get("source") == source_hash_of(target.name, source.read_bytes()):
        return source, target, others, replace_status(added, "unchanged")
    if not replace:
        raise DocumentError(f"{source.name}: the library already holds a different document "
                            f"named {entry.get('path') or entry['doc']}; replace it (qa add "
                            "--replace, or tick Replace in the app) or rename the file.")
    return source, target, others, replace_status(added, "replaced")


def listing(settings: Settings) -> Listing:
    """The indexed documents from the live manifest, and corpus files it does not cover."""
    store = open_store(settings)
    manifest = store.manifest() or {}
    built_at = str(manifest.get("built_at", ""))
    libraries = Libraries(settings.corpus_dir)
    entries = [Entry(d["doc"], d.get("title", ""), d.get("path", ""), d.get("paragraphs", 0),
                     d.get("pages"), d.get("indexed_at") or built_at, libraries.of(d["doc"]))
               for d in manifest.get("documents", [])]
    if store.shared:
        pending = store.pending(settings.corpus_dir) if manifest else []
        return Listing(entries, built_at, pending, bool(pending))
    indexed = {e.path for e in entries}
    files = corpus_files(settings.corpus_dir)
    stale = bool(manifest) and manifest.get("corpus_hash") != corpus_hash(settings.corpus_dir)
    return Listing(entries, built_at, [p.name for p in files if p.name not in indexed], stale)


def _same_library(libraries: Libraries, item: tuple[Path, Path, list[Path], Added],
                  library: str) -> None:
    """Refuse a file that would replace a document of another library."""
    added = item[3]
    if added.status != "added" and libraries.of(added.doc) != library:
        raise DocumentError(f"{Path(added.source).name}: a document named {added.name} is in "
                            f"another library; rename the file, or remove that document first.")


def _reader_for(settings: Settings, embedder: Embedder
                ) -> Callable[[Path, str], tuple[int, tuple[str, ...]]]:
    """How `add` reads a file it is given, as the corpus file it will be — its paragraphs
    and warnings: from the segment `LivePipeline.add` made before taking the lock (no second
    parse of a long file under it), else parsed (raising DocumentError naming the file)."""
    def read(source: Path, name: str) -> tuple[int, tuple[str, ...]]:
        if not settings.store.strip():  # the index folder keeps segments
            segment = segments.load_segment(settings.index_dir,
                                            segments.segment_key(source, embedder, name))
            if segment is not None:
                return segment.meta["paragraphs"], tuple(segment.meta.get("warnings", ()))
        document = load_document(source, name)
        return len(document.paragraphs), document.warnings
    return read


def _plan_add(corpus: Path, source: Path, replace: bool, planned: list[Path],
              read: Callable[[Path, str], tuple[int, tuple[str, ...]]]
              ) -> tuple[Path, Path, list[Path], Added]:
    if not source.is_file():
        raise InputError(f"{source}: no such file.")
    target = corpus / safe_name(source)
    paragraphs, warnings = read(source, target.name)  # raises DocumentError naming the file
    if target in planned:
        raise InputError(f"{source.name}: another file of this command is also named "
                         f"{target.name}.")
    same_id = [p for p in corpus_files(corpus) if doc_id_for(p) == doc_id_for(target)]
    others = [p for p in same_id if p.name != target.name]
    existing = target if target in same_id else None
    data = source.read_bytes()
    if existing is not None and not others and existing.read_bytes() == data:
        status = "unchanged"
    elif (existing is not None or others) and not replace:
        taken = (existing or others[0]).name
        raise DocumentError(f"{source.name}: the corpus already holds a different document "
                            f"named {taken}; replace it (qa add --replace, or tick Replace in "
                            "the app) or rename the file.")
    else:
        status = "replaced" if existing is not None or others else "added"
    return source, target, others, Added(str(source), target.name, doc_id_for(target),
                                         paragraphs, status, warnings)


@contextmanager
def _library_lock(settings: Settings) -> Iterator[None]:
    """One corpus change at a time (the index build has its own lock inside)."""
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.index_dir / ".library.lock"))
    try:
        lock.acquire(timeout=600)
    except Timeout as error:
        raise InputError("Another add or remove is running; try again when it ends.") from error
    try:
        yield
    finally:
        lock.release()


@contextmanager
def _restorable(paths: list[Path]) -> Iterator[None]:
    """Put these files back as they were if the block fails (the index keeps its generation)."""
    saved = {path: path.read_bytes() if path.is_file() else None for path in paths}
    try:
        yield
    except BaseException:
        for path, data in saved.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                _write_atomic(path, data)
        raise


def _write_atomic(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
