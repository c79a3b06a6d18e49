"""Paragraphs read from a generation's `paragraphs.json` one at a time, when an answer needs
them: a replica of a large index folder starts without parsing every document.

    spans = paragraph_spans(raw)             # at build: where each paragraph's JSON lies
    rows = ParagraphRows(path, table, docs)  # at load: rows[i] parses paragraph i (kept LRU)
    Document(doc, title, path, DocumentRows(rows, first, count))

A build writes `rows.npy` beside `paragraphs.json`: per paragraph row, the byte offsets of its
JSON in the file and its number of sentences (what the load needs to lay out sentence rows
without parsing). A generation without it (older builds) is parsed whole, as before.
"""

from __future__ import annotations

import json
import mmap
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from threading import Lock
from typing import Any, overload

import numpy as np

from qa.store.document_json import document_from_json
from qa.types import Paragraph

ROWS_FILE = "rows.npy"
KEPT = 50_000  # parsed paragraphs kept per generation (the rest are parsed again when asked)


def paragraph_spans(raw: str) -> np.ndarray | None:
    """(start, end, sentences) of each paragraph of one document's JSON (`raw`, as
    `qa.store.document_json` writes it), byte offsets from its start; None when the text is
    not laid out as expected (then the generation is parsed whole)."""
    data = json.loads(raw)
    head = json.dumps({**{k: v for k, v in data.items() if k != "paragraphs"},
                       "paragraphs": []}, ensure_ascii=False).encode("utf-8")[:-2]
    parts = [json.dumps(p, ensure_ascii=False).encode("utf-8") for p in data["paragraphs"]]
    if head + b", ".join(parts) + b"]}" != raw.encode("utf-8"):
        return None
    table = np.zeros((len(parts), 3), dtype=np.int64)
    at = len(head)
    for i, (part, paragraph) in enumerate(zip(parts, data["paragraphs"], strict=True)):
        table[i] = (at, at + len(part), len(paragraph["sentences"]))
        at += len(part) + 2
    return table


class ParagraphRows(Sequence[Paragraph]):
    """The paragraph rows of one generation, parsed from the mapped `paragraphs.json` on first
    use; the last KEPT are kept."""

    def __init__(self, path: Path, table: np.ndarray, doc_of_row: np.ndarray,
                 doc_ids: list[str]) -> None:
        with path.open("rb") as handle:
            self._data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self.table, self._doc_of_row, self._doc_ids = table, doc_of_row, doc_ids
        self._kept: OrderedDict[int, Paragraph] = OrderedDict()
        self._lock = Lock()

    def __len__(self) -> int:
        return len(self.table)

    @overload
    def __getitem__(self, row: int) -> Paragraph: ...

    @overload
    def __getitem__(self, row: slice) -> list[Paragraph]: ...

    def __getitem__(self, row: int | slice) -> Paragraph | list[Paragraph]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        row = int(row)
        if row < 0:
            row += len(self)
        with self._lock:
            found = self._kept.get(row)
            if found is not None:
                self._kept.move_to_end(row)
                return found
        if not 0 <= row < len(self.table):
            raise IndexError(row)
        start, end, _ = self.table[row]
        data = json.loads(self._data[int(start):int(end)])
        doc = self._doc_ids[int(self._doc_of_row[row])]
        paragraph = document_from_json({"doc": doc, "title": "", "path": "",
                                        "paragraphs": [data]}).paragraphs[0]
        with self._lock:
            self._kept[row] = paragraph
            if len(self._kept) > KEPT:
                self._kept.popitem(last=False)
        return paragraph

    def __iter__(self) -> Iterator[Paragraph]:
        return (self[i] for i in range(len(self)))

    def __add__(self, other: Sequence[Paragraph]) -> Sequence[Paragraph]:
        return Chained([self, other])

    def __radd__(self, other: Sequence[Paragraph]) -> Sequence[Paragraph]:
        return Chained([other, self])


class Chained(Sequence[Paragraph]):
    """Rows of several sequences one after another (a delta's on its base's)."""

    def __init__(self, parts: list[Sequence[Paragraph]]) -> None:
        self.parts = parts
        self.starts = np.cumsum([0] + [len(p) for p in parts])

    def __len__(self) -> int:
        return int(self.starts[-1])

    def __getitem__(self, row: Any) -> Any:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        row = int(row) + (len(self) if int(row) < 0 else 0)
        if not 0 <= row < len(self):
            raise IndexError(row)
        part = int(np.searchsorted(self.starts, row, side="right")) - 1
        return self.parts[part][row - int(self.starts[part])]

    def __iter__(self) -> Iterator[Paragraph]:
        for part in self.parts:
            yield from part

    def __add__(self, other: Sequence[Paragraph]) -> Sequence[Paragraph]:
        return Chained([*self.parts, other])


class DocumentRows(Sequence[Paragraph]):
    """One document's paragraphs as rows `first`… of `rows`: what `Document.paragraphs` holds
    for a generation read lazily (compares equal to the same paragraphs in a tuple)."""

    def __init__(self, rows: Sequence[Paragraph], first: int, count: int) -> None:
        self.rows, self.first, self.count = rows, first, count

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(self.count)))
        i = int(i) + (self.count if int(i) < 0 else 0)
        if not 0 <= i < self.count:
            raise IndexError(i)
        return self.rows[self.first + i]

    def __iter__(self) -> Iterator[Paragraph]:
        return (self.rows[self.first + i] for i in range(self.count))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))


def concat(a: Sequence[Paragraph], b: Sequence[Paragraph]) -> Sequence[Paragraph]:
    """`a` then `b`: a list when both are lists, else a chained view."""
    if isinstance(a, list) and isinstance(b, list):
        return a + b
    return Chained([a, b])


__all__ = ["KEPT", "ROWS_FILE", "Chained", "DocumentRows", "ParagraphRows", "concat",
           "paragraph_spans"]
