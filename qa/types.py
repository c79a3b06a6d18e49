"""The typed records that flow through the pipeline and out of the public API.

`Answer.to_dict()` is the JSON contract of `qa ask --json`, `qa ask --batch` and `/ask`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ROLES = ("heading", "caption", "body", "list_item", "byline")


class Sentence:
    """A sentence of a paragraph; `paragraph.text[start:end] == text`. Made with
    `Sentence.within(paragraph_text, start, end)` it holds the paragraph's text, not a copy of
    its own words (sliced when read): a million paragraphs' sentences cost no second copy."""

    __slots__ = ("start", "end", "_source", "_within")
    start: int
    end: int

    def __init__(self, start: int, end: int, text: str) -> None:
        for name, value in (("start", start), ("end", end), ("_source", text),
                            ("_within", False)):
            object.__setattr__(self, name, value)

    @classmethod
    def within(cls, source: str, start: int, end: int) -> Sentence:
        """The sentence `source[start:end]`, read from `source` when asked."""
        sentence = cls(start, end, source)
        object.__setattr__(sentence, "_within", True)
        return sentence

    @property
    def text(self) -> str:
        return self._source[self.start:self.end] if self._within else self._source

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Sentence is read-only ({name})")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sentence) and (self.start, self.end, self.text) == (
            other.start, other.end, other.text)

    def __hash__(self) -> int:
        return hash((self.start, self.end, self.text))

    def __repr__(self) -> str:
        return f"Sentence(start={self.start}, end={self.end}, text={self.text!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Sentence, (self.start, self.end, self.text))


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of a document, addressed by a stable anchor like `doc#p7`."""

    doc: str
    number: int
    text: str
    role: str = "body"
    section: str = ""
    sentences: tuple[Sentence, ...] = ()
    page: int | None = None  # PDF page (from 1); None for text, Markdown and HTML
    table: int | None = None  # a table row's table (from 1 in its document) and row (from 1)
    row: int | None = None
    ocr: bool = False  # the text was read from an image by OCR

    @property
    def anchor(self) -> str:
        return f"{self.doc}#p{self.number}"


@dataclass(frozen=True)
class Document:
    """A parsed document: its id (file stem), title, file name and paragraphs."""

    doc: str
    title: str
    path: str
    paragraphs: tuple[Paragraph, ...]
    warnings: tuple[str, ...] = field(default=(), compare=False)  # e.g. a page OCR read poorly


@dataclass(frozen=True)
class Citation:
    """A numbered pointer to a retrieved paragraph with the verbatim quote it supports."""

    n: int
    doc: str
    paragraph: int
    anchor: str
    text: str
    quote: str
    start: int
    end: int
    page: int | None = None  # PDF page of the paragraph; the JSON has "page" only when set
    table: int | None = None  # for a table row: its table and row ("table", "row" when set)
    row: int | None = None
    ocr: bool = False  # the quote was read by OCR from a scan or an image ("ocr" when true)

    def place(self) -> str:
        """Where the quote sits beyond its paragraph: "page 3, table 2, row 5, by OCR"
        ("" for a paragraph of a plain text)."""
        parts = [f"page {self.page}"] if self.page is not None else []
        if self.table is not None:
            parts.append(f"table {self.table}, row {self.row}")
        if self.ocr:
            parts.append("read by OCR")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("page", "table", "row"):
            if data[key] is None:
                del data[key]
        if not data["ocr"]:
            del data["ocr"]
        return data


@dataclass(frozen=True)
class Answer:
    """What `Pipeline.ask` returns: readable answer text with [n] markers and its citations."""

    question: str
    answer: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    short_answer: str | None = None
    latency_ms: float = 0.0
    debug: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape (debug information is left out)."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "short_answer": self.short_answer,
            "citations": [c.to_dict() for c in self.citations],
            "latency_ms": round(self.latency_ms, 1),
        }
