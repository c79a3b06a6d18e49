"""Whether a build of the index folder writes a delta on the live base, and what it holds.

    base = large_base(index_dir, embedder)         # None: the next build is whole
    plan = delta_plan(base, segments)             # None: the change is too large for a delta

A base is large from DELTA_FROM paragraphs; a delta holds the documents the base lacks (new
files, or new versions of its files) and names the base's documents it no longer serves. It
may grow (rows added plus rows removed) to DELTA_SHARE of the base's paragraphs; the next
build past that is whole again,
and the old base goes. Files the base holds unchanged are not even read (`Held`): an add to a
million-paragraph index hashes the corpus files and reads the manifest, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.embedding import Embedder
from qa.errors import IndexError_
from qa.store import generations
from qa.store.index import FORMAT_VERSION
from qa.store.index_load import read_manifest

DELTA_FROM = 50_000  # paragraphs: a base this large takes small changes as a delta
DELTA_SHARE = 0.1    # a delta grows to this share of its base's paragraphs, then merges


@dataclass
class Base:
    """The live generation's base: its folder name and manifest."""

    name: str
    manifest: dict[str, Any]

    def held(self) -> dict[str, dict[str, Any]]:
        """Its document entries by content key (the segment key of the file it was built from)."""
        return {entry["content"]: entry for entry in self.manifest["documents"]
                if entry.get("content")}


@dataclass
class Held:
    """A file the base holds as it is: what a build needs of its segment, unread."""

    key: str
    meta: dict[str, Any]
    reused: bool = True
    embedded: int = 0
    paragraphs_embedded: int = 0
    words: list[str] = field(default_factory=list)


@dataclass
class Delta:
    """What a delta generation on `base` holds: the segments the base lacks (new or changed
    documents) and the base's documents no longer served (removed or changed)."""

    base: str
    segments: list[Any]
    removed: list[str]  # content keys of the base's entries no longer served


def large_base(index_dir: Path, embedder: Embedder) -> Base | None:
    """The live generation's base when it is large enough to take a delta (same format and
    embedder), else None."""
    generation = generations.current_generation(index_dir)
    if generation is None:
        return None
    try:
        manifest = read_manifest(generation, index_dir)
        name = str(manifest.get("base") or generation.name)
        if manifest.get("base"):
            manifest = read_manifest(index_dir / name, index_dir)
    except IndexError_:  # a damaged generation: build whole
        return None
    if manifest.get("format_version") != FORMAT_VERSION or \
            manifest.get("embedder") != {"id": embedder.id, "dim": embedder.dim}:
        return None
    size = int(manifest.get("counts", {}).get("paragraphs", 0))
    return Base(name, manifest) if size >= DELTA_FROM else None


def held_segment(base: Base | None, held: dict[str, dict[str, Any]], key: str,
                 name: str) -> Held | None:
    """The stand-in for file `name`'s segment `key` when the base holds it unchanged."""
    entry = held.get(key) if base is not None else None
    if entry is None or entry.get("path") != name:
        return None
    return Held(key, {"doc": entry["doc"], "paragraphs": int(entry.get("paragraphs", 0)),
                      "sentences": int(entry.get("sentences", 0))})


def delta_plan(base: Base | None, segments: list[Any]) -> Delta | None:
    """The delta for these segments of the corpus (Held or read), or None when there is no
    large base or the change is more than DELTA_SHARE of it."""
    if base is None:
        return None
    size = int(base.manifest.get("counts", {}).get("paragraphs", 0))
    held = {(e["doc"], e.get("content")) for e in base.manifest["documents"]}
    new = [s for s in segments if (s.meta["doc"], s.key) not in held]
    served = {(s.meta["doc"], s.key) for s in segments}
    gone = [e for e in base.manifest["documents"] if (e["doc"], e.get("content")) not in served]
    changed = sum(s.meta["paragraphs"] for s in new) + sum(int(e.get("paragraphs", 0))
                                                          for e in gone)
    if changed > DELTA_SHARE * size:  # added and removed rows alike
        return None
    return Delta(base.name, new, [str(e.get("content")) for e in gone])


__all__ = ["DELTA_FROM", "DELTA_SHARE", "Base", "Delta", "Held", "delta_plan", "held_segment",
           "large_base"]
