"""A parsed document as JSON and back: the form the index folder, its segments and the Milvus
store keep paragraphs in (offsets of sentences, page, table row, OCR flag)."""

from __future__ import annotations

from typing import Any

from qa.types import Document, Paragraph, Sentence


def document_json(document: Document) -> dict[str, Any]:
    return {
        "doc": document.doc, "title": document.title, "path": document.path,
        "paragraphs": [{"number": p.number, "text": p.text, "role": p.role,
                        "section": p.section,
                        "sentences": [[s.start, s.end] for s in p.sentences],
                        **({"page": p.page} if p.page is not None else {}),
                        **({"table": p.table, "row": p.row} if p.table is not None else {}),
                        **({"ocr": True} if p.ocr else {})}
                       for p in document.paragraphs],
    }


def document_from_json(data: dict[str, Any]) -> Document:
    paragraphs = []
    for p in data["paragraphs"]:
        text = p["text"]
        sentences = tuple(Sentence.within(text, a, b) for a, b in p["sentences"])
        paragraphs.append(Paragraph(data["doc"], p["number"], text, p["role"], p["section"],
                                    sentences, page=p.get("page"), table=p.get("table"),
                                    row=p.get("row"), ocr=bool(p.get("ocr"))))
    return Document(data["doc"], data["title"], data["path"], tuple(paragraphs))


__all__ = ["document_from_json", "document_json"]
