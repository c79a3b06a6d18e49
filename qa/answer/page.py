"""Questions about the page itself: its author (every byline line), its related links, its
photo caption — answered from the paragraphs' roles (`qa.documents.corpus`), each line quoted whole.

Returns None when the document has no such lines, so the question is answered (or refused)
like any other; it never guesses an author from the body text.
"""

from __future__ import annotations

import re

from qa.answer.citations import CitationList, Quote
from qa.answer.draft import Draft
from qa.store.index import LoadedIndex
from qa.types import Paragraph

# A heading over the page's list of links to other pages.
LINKS_HEADING = re.compile(r"\b(?:related|see also|further reading|read more|more from|"
                            r"links|recommended|you may also like)\b", re.IGNORECASE)
_LIST_MARKER = re.compile(r"^\s*(?:[-*•–▪◦]|\d{1,3}[.)])\s+")
_BYLINE_LABEL = re.compile(r"^(?:(?:authors?|written by|reporting by)\s*:?\s*|by\s+)",
                           re.IGNORECASE)


def page_lines(paragraphs: list[Paragraph], facet: str) -> list[Paragraph]:
    """A document's lines that answer a question about its author, links or caption."""
    if facet == "author":
        return [p for p in paragraphs if p.role == "byline"]
    if facet == "caption":
        return [p for p in paragraphs if p.role == "caption"]
    if facet == "links":
        return [p for p in paragraphs
                if p.role == "list_item" and LINKS_HEADING.search(p.section)]
    return []


def page_answer(index: LoadedIndex, doc: str, facet: str) -> Draft | None:
    """The quoted lines about the page, or None when the document has none of that kind."""
    lines = page_lines(index.paragraphs_of(doc), facet)
    if not lines:
        return None
    citations = CitationList({p.anchor for p in lines})
    parts = []
    for paragraph in lines:  # a list item is quoted without its own "- " or "1." marker
        marker = _LIST_MARKER.match(paragraph.text)
        quote = Quote(paragraph, marker.end() if marker else 0, len(paragraph.text))
        parts.append(f"- “{quote.text}” [{citations.cite(quote)}]")
    short = None
    if facet == "author":
        short = _BYLINE_LABEL.sub("", lines[0].text).strip() or None
    lead = {"author": "The byline says:", "caption": "The caption says:",
            "links": "The page links to:"}[facet]
    body = "\n".join([f"**{short}** — {lead}" if short else lead, *parts])
    return Draft(body, False, citations.citations, short, {"kind": "meta", "facet": facet})


__all__ = ["LINKS_HEADING", "page_answer", "page_lines"]
