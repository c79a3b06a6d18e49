"""Numbered citations: each quote is a verbatim slice of a retrieved paragraph.

Numbers follow the order of first use in the answer, [1], [2] …; a number is only ever given
to a paragraph that retrieval returned, and `text[start:end] == quote` always holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.types import Citation, Paragraph


@dataclass(frozen=True)
class Quote:
    """A span of a retrieved paragraph chosen as evidence."""

    paragraph: Paragraph
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.paragraph.text[self.start:self.end]


class CitationList:
    """Hands out citation numbers in order of first use, one per distinct quote."""

    def __init__(self, retrieved: set[str]) -> None:
        self._retrieved = retrieved
        self._citations: list[Citation] = []

    def cite(self, quote: Quote) -> int:
        paragraph = quote.paragraph
        if paragraph.anchor not in self._retrieved:
            raise ValueError(f"{paragraph.anchor} was not retrieved; it cannot be cited")
        for citation in self._citations:
            if citation.anchor == paragraph.anchor and (citation.start, citation.end) == (
                    quote.start, quote.end):
                return citation.n
        n = len(self._citations) + 1
        text = paragraph.text
        assert text[quote.start:quote.end] == quote.text
        self._citations.append(Citation(n, paragraph.doc, paragraph.number, paragraph.anchor,
                                        text, quote.text, quote.start, quote.end,
                                        page=paragraph.page, table=paragraph.table,
                                        row=paragraph.row, ocr=paragraph.ocr))
        return n

    @property
    def citations(self) -> tuple[Citation, ...]:
        return tuple(self._citations)
