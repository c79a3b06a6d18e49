"""Office files and e-books → a title and blocks.

    DOCX  python-docx: body paragraphs and tables in document order; "Heading N" and "Title"
          styles are headings, list styles list items; tables become rows (`qa.documents.tables`)
    PPTX  python-pptx: a slide is a section (its title a heading, its number the page); text
          frames, tables and the speaker notes ("Notes: …") are its paragraphs
    EPUB  ebooklib: the spine's XHTML chapters in order, each read as HTML
Every failure is a DocumentError naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qa.documents.blocks import Block, Extracted
from qa.documents.tables import row_blocks
from qa.errors import DocumentError


def read_docx(path: Path) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx/pptx raise their own and zipfile's kinds
        raise DocumentError(f"{path.name}: not a readable DOCX document "
                            f"({type(error).__name__}).") from error
    blocks: list[Block] = []
    title, tables = "", 0
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            tables += 1
            blocks += row_blocks(([cell.text for cell in row.cells] for row in item.rows),
                                 tables)
        elif isinstance(item, Paragraph) and item.text.strip():
            style = (item.style.name if item.style is not None else "").lower()
            role = ("heading" if style.startswith(("heading", "title"))
                    else "list_item" if "list" in style else "")
            if style == "title" and not title:
                title = item.text.strip()
            blocks.append(Block(item.text.strip(), role=role))
    title = str(document.core_properties.title or "").strip() or title
    return Extracted(title=title, blocks=blocks)


def read_pptx(path: Path) -> Extracted:
    from pptx import Presentation

    try:
        deck = Presentation(str(path))
    except Exception as error:  # python-docx/pptx raise their own and zipfile's kinds
        raise DocumentError(f"{path.name}: not a readable PPTX presentation "
                            f"({type(error).__name__}).") from error
    blocks: list[Block] = []
    tables = 0
    for number, slide in enumerate(deck.slides, start=1):
        title_shape = slide.shapes.title
        heading = title_shape.text_frame.text.strip() if title_shape is not None else ""
        blocks.append(Block(heading or f"Slide {number}", role="heading", page=number))
        for shape in slide.shapes:
            if title_shape is not None and shape.shape_id == title_shape.shape_id:
                continue
            if getattr(shape, "has_table", False) and shape.has_table:
                tables += 1
                blocks += row_blocks(([c.text for c in row.cells] for row in shape.table.rows),
                                     tables, page=number)
            elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
                blocks += [Block(p, page=number) for p in _frame_paragraphs(shape.text_frame)]
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame
            text = " ".join(_frame_paragraphs(notes)) if notes is not None else ""
            if text:
                blocks.append(Block(f"Notes: {text}", page=number))
    title = str(deck.core_properties.title or "").strip()
    return Extracted(title=title, blocks=blocks)


def read_epub(path: Path) -> Extracted:
    import ebooklib
    from ebooklib import epub

    from qa.documents.html import html_blocks

    try:
        book = epub.read_epub(str(path), options={"ignore_ncx": True})
    except Exception as error:  # ebooklib raises its own and zipfile's kinds
        raise DocumentError(f"{path.name}: not a readable EPUB book "
                            f"({type(error).__name__}).") from error
    blocks: list[Block] = []
    for item_id, _linear in book.spine:
        item = book.get_item_with_id(item_id)
        if item is not None and item.get_type() == ebooklib.ITEM_DOCUMENT:
            blocks += html_blocks(item.get_content().decode("utf-8", "replace"))[1]
    titles = book.get_metadata("DC", "title")
    return Extracted(title=str(titles[0][0]).strip() if titles else "", blocks=blocks)


def _frame_paragraphs(frame: Any) -> list[str]:
    return [" ".join(p.text.split()) for p in frame.paragraphs if p.text.strip()]
