"""What every format reader returns (`qa.documents.formats`): a title and text blocks, each
with what the format knows of it (role, page, table row, OCR), for `qa.documents.corpus` to
number into paragraphs."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    """A paragraph's text as the format gives it; `role` is "" when `qa.documents.corpus`
    should infer."""

    text: str
    role: str = ""
    page: int | None = None   # PDF page or slide, from 1
    table: int | None = None  # a table row: its table (from 1 in the document) and row
    row: int | None = None
    ocr: bool = False         # read from an image by OCR


@dataclass
class Extracted:
    title: str = ""
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. a page OCR read poorly
