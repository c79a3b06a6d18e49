"""What `qa add`, `qa remove` and `qa list` report (`qa.documents.library`), and how the
command line prints it.

    AddReport.summary()       one line per file, then what was embedded
    RemoveReport.summary()    the document removed and what the index holds now
    Listing.format(store)     the indexed documents as a table, with the command to run next
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qa.store.index import BuildReport


@dataclass(frozen=True)
class Added:
    """One file of an `add`: where it went and what happened to it."""

    source: str
    name: str  # the file name in the corpus folder
    doc: str
    paragraphs: int
    status: str  # "added", "replaced" or "unchanged"
    warnings: tuple[str, ...] = ()  # what the reader doubted (a page OCR read poorly)


@dataclass
class AddReport:
    files: list[Added]
    build: BuildReport | None  # None when nothing changed and the index was already current

    @property
    def embedded(self) -> int:
        return self.build.paragraphs_embedded if self.build else 0

    def summary(self) -> str:
        lines = [f"{f.status} {f.source} → {f.name} (document {f.doc}, {f.paragraphs} "
                 f"paragraphs)" for f in self.files]
        lines += [f"warning: {w}" for f in self.files for w in f.warnings]
        lines.append(embedding_line(self.build))
        return "\n".join(lines)


@dataclass
class RemoveReport:
    name: str
    doc: str
    build: BuildReport

    def summary(self) -> str:
        return (f"removed {self.name} (document {self.doc}); the index now holds "
                f"{self.build.documents} document(s), {self.build.paragraphs} paragraphs; "
                f"nothing was embedded again")


@dataclass
class Entry:
    doc: str
    title: str
    path: str
    paragraphs: int
    pages: int | None
    indexed_at: str
    library: str = "main"


@dataclass
class Listing:
    entries: list[Entry]
    built_at: str = ""
    not_indexed: list[str] = field(default_factory=list)  # corpus files the index lacks
    stale: bool = False  # the corpus changed since the last build

    def format(self, store: str = "") -> str:
        """The listing as a table, with the commands to run next (naming `store`, where the
        index lives elsewhere than the index folder)."""
        where = f" --store {store}" if store else ""
        if not self.entries and not self.not_indexed:
            return f"No documents indexed yet: add one with  qa add FILE{where}"
        rows = [("document", "library", "paragraphs", "pages", "indexed", "file", "title")]
        rows += [(e.doc, e.library, str(e.paragraphs), str(e.pages or ""),
                  e.indexed_at.replace("T", " ")[:16], e.path, e.title) for e in self.entries]
        widths = [max(len(row[i]) for row in rows) for i in range(6)]
        lines = ["  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)),
                            row[6]]).rstrip() for row in rows]
        if self.not_indexed:
            lines.append(f"not indexed yet: {', '.join(self.not_indexed)} (run qa build{where})")
        elif self.stale:
            lines.append(f"The corpus changed since the index was built: run qa build{where}")
        return "\n".join(lines)


def replace_status(added: Added, status: str) -> Added:
    return Added(added.source, added.name, added.doc, added.paragraphs, status, added.warnings)


def readable(listing: Listing, docs: frozenset[str] | None) -> Listing:
    """The listing as a caller who may read only `docs` sees it (None: every document)."""
    if docs is None:
        return listing
    return Listing([e for e in listing.entries if e.doc in docs], listing.built_at, [],
                   listing.stale)


def embedding_line(build: BuildReport | None) -> str:
    if build is None or build.embedded == 0:
        return "Nothing new to embed: the index already holds every paragraph."
    reused = build.paragraphs - build.paragraphs_embedded
    return (f"Embedded {build.paragraphs_embedded} new paragraph(s) of {build.paragraphs} "
            f"({reused} reused) and {build.embedded - build.paragraphs_embedded} new sentences "
            f"and words, in {build.seconds:.1f} s; {build.documents} document(s) indexed.")
