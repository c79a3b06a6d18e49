"""Documents on disk → paragraphs with stable anchors, roles and sections.

Reads `.txt` and `.md`; `.html` and `.pdf` are turned into blocks by `qa.documents.formats` first. A
paragraph is a block separated by blank lines; inside a block, lines that are each a whole
paragraph (the usual one-paragraph-per-line export) stay separate, while hard-wrapped lines
are joined. Paragraph numbers count the non-empty paragraphs of a document
from 1, so an anchor like `india-japan-semiconductors#p7` is the same on every rebuild.
This module does not embed or index anything.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from qa.documents.sentences import split_sentences
from qa.errors import CorpusError, DocumentError
from qa.types import Document, Paragraph

log = logging.getLogger(__name__)
T = TypeVar("T")

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".xhtml", ".pdf", ".csv", ".xlsx",
                      ".ods", ".docx", ".pptx", ".epub", ".png", ".jpg", ".jpeg", ".tif",
                      ".tiff")
TEXT_SUFFIXES = (".txt", ".md")
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # per file, any format; the README states it
PARSER_VERSION = 2  # changes what a file parses into; 2: "v." (Wisconsin v. Yoder) ends no sentence

_LIST_ITEM = re.compile(r"^\s*(?:[-*•–]|\d{1,3}[.)])\s+")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_BYLINE = re.compile(r"^(?:(?:author|authors|written by|reporting by)\s*:?\s|by\s+[A-Z][\w.'-]+"
                     r"(?:\s+[A-Z][\w.'-]+){0,3}\s*(?:,|$))", re.IGNORECASE)
_CAPTION = re.compile(r"©|\((?:photo|image|picture|credit|source)s?\b|^(?:photo|image)\s*:",
                      re.IGNORECASE)


@dataclass(frozen=True)
class _Block:
    text: str
    markdown_heading: bool = False
    list_item: bool = False
    role: str = ""  # set by a format reader that knows it (an HTML <h2>); else inferred
    page: int | None = None
    table: int | None = None
    row: int | None = None
    ocr: bool = False


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The documents' files in a corpus folder, by name: supported suffixes, no hidden files
    (none when the folder does not exist)."""
    if not corpus_dir.is_dir():
        return []
    return sorted(p for p in corpus_dir.iterdir() if p.is_file() and not p.name.startswith(".")
                  and p.suffix.lower() in SUPPORTED_SUFFIXES)


def load_corpus(corpus_dir: Path) -> tuple[list[Document], list[str]]:
    """Every readable document in `corpus_dir`, and one warning per file that was skipped."""
    return read_corpus(corpus_dir, load_document, lambda document: document.warnings)


def read_corpus(corpus_dir: Path, read: Callable[[Path], T],
                warnings_of: Callable[[T], Iterable[str]]) -> tuple[list[T], list[str]]:
    """`read` of every file in `corpus_dir` (not hidden), in name order, and one warning per
    file that could not be read (a DocumentError's message, or an OSError); the warnings of
    the files read (`warnings_of`) are logged. Raises CorpusError when no file was read."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"The corpus folder {corpus_dir} does not exist.")
    read_ones: list[T] = []
    warnings: list[str] = []
    for path in sorted(p for p in corpus_dir.iterdir() if p.is_file()):
        if path.name.startswith("."):
            continue
        try:
            read_ones.append(read(path))
            for warning in warnings_of(read_ones[-1]):
                log.warning("%s", warning)
        except DocumentError as error:
            warnings.append(str(error))
            log.warning("%s", error)
        except OSError as error:  # unreadable (permissions, vanished mid-scan): skip it too
            warnings.append(f"{path.name}: cannot be read ({error.strerror or error}).")
            log.warning("%s", warnings[-1])
    if not read_ones:
        detail = f" ({'; '.join(warnings)})" if warnings else ""
        raise CorpusError(f"No usable document in {corpus_dir}{detail}.")
    return read_ones, warnings


def load_document(path: Path, name: str | None = None) -> Document:
    """Parse one file into a Document, or raise DocumentError naming the file; `name`: the
    file name it will have in the corpus (its id comes from it), when not `path`'s."""
    name = name or path.name
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise DocumentError(f"{path.name}: unsupported file type (supported: {supported}).")
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            f"{path.name}: too large ({size / 1e6:.1f} MB; the limit is "
            f"{MAX_DOCUMENT_BYTES / 1e6:.0f} MB)."
        )
    if size == 0:
        raise DocumentError(f"{path.name}: empty document (no text).")
    if path.suffix.lower() not in TEXT_SUFFIXES:
        from qa.documents import formats

        extracted = formats.read(path)
        blocks = [_Block(b.text, role=b.role, page=b.page, table=b.table, row=b.row,
                         ocr=b.ocr) for b in extracted.blocks]
        document = document_from_blocks(blocks, doc_id_for(Path(name)), name, extracted.title,
                                        tuple(extracted.warnings))
        if not document.paragraphs:
            raise DocumentError(f"{path.name}: empty document (no text).")
        return document
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(f"{path.name}: not UTF-8 text ({error.reason} at byte "
                            f"{error.start}).") from error
    if "\x00" in raw:
        raise DocumentError(f"{path.name}: contains NUL bytes; not a text document.")
    document = parse_document(raw, doc_id=doc_id_for(Path(name)), path=name,
                              markdown=path.suffix.lower() == ".md")
    if not document.paragraphs:
        raise DocumentError(f"{path.name}: empty document (no text).")
    return document


def doc_id_for(path: Path) -> str:
    """A URL-safe document id from the file name (`My Report.md` → `my-report`)."""
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return stem or "document"


def parse_document(raw: str, doc_id: str, path: str = "", markdown: bool = False) -> Document:
    """Turn raw text into a Document with numbered paragraphs, roles and sections."""
    return document_from_blocks(list(_blocks(raw, markdown)), doc_id, path)


def document_from_blocks(blocks: list[_Block], doc_id: str, path: str = "",
                         title: str = "", warnings: tuple[str, ...] = ()) -> Document:
    """Number the blocks from 1, give them roles and sections; `title` wins when given."""
    roles = _assign_roles(blocks)
    paragraphs: list[Paragraph] = []
    section = ""
    for number, (block, role) in enumerate(zip(blocks, roles, strict=True), start=1):
        if role == "heading":
            section = block.text
        paragraphs.append(Paragraph(
            doc=doc_id, number=number, text=block.text, role=role,
            section=section if role in ("body", "list_item") else "",
            sentences=split_sentences(block.text), page=block.page, table=block.table,
            row=block.row, ocr=block.ocr,
        ))
    title = title or _title(blocks, roles, doc_id)
    return Document(doc=doc_id, title=title, path=path, paragraphs=tuple(paragraphs),
                    warnings=warnings)


def _blocks(raw: str, markdown: bool) -> Iterable[_Block]:
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
    for chunk in re.split(r"\n\s*\n", text):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        for group in _group_lines(lines):
            first = group[0]
            is_heading = markdown and bool(_MD_HEADING.match(first))
            is_list = bool(_LIST_ITEM.match(first))
            joined = " ".join(line.strip() for line in group)
            if is_heading:
                joined = _MD_HEADING.sub("", joined).strip().rstrip("#").strip()
            if markdown:
                joined = _strip_inline_markdown(joined)
            yield _Block(joined, markdown_heading=is_heading, list_item=is_list)


def _group_lines(lines: list[str]) -> Iterable[list[str]]:
    """Lines of one block: hard-wrapped prose is joined, line-per-paragraph text is not."""
    wrapped = len(lines) > 1 and all(len(line) <= 100 for line in lines[:-1]) and not any(
        _LIST_ITEM.match(line) or _MD_HEADING.match(line) for line in lines[1:]
    ) and sum(len(line) for line in lines[:-1]) / max(1, len(lines) - 1) > 50
    if wrapped:
        yield lines
        return
    for line in lines:
        yield [line]


def _strip_inline_markdown(text: str) -> str:
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    return text


def _looks_like_heading(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 12 or len(text) > 90:
        return False
    if text.endswith((".", ",", ";")) and not text.endswith("..."):
        return False
    return text[0].isupper() or text[0].isdigit()


def _assign_roles(blocks: list[_Block]) -> list[str]:
    roles: list[str] = []
    for i, block in enumerate(blocks):
        text = block.text
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        previous = roles[-1] if roles else ""
        if block.role:
            role = block.role
        elif block.markdown_heading:
            role = "heading"
        elif block.list_item:
            role = "list_item"
        elif (_BYLINE.match(text) and len(text) < 120) or (
                previous == "byline" and len(text) < 120
                                     and not text.endswith(".")):
            role = "byline"
        elif _CAPTION.search(text) and len(text) < 400:
            role = "caption"
        elif _looks_like_heading(text) and nxt is not None and not _BYLINE.match(nxt.text):
            role = "heading"
        else:
            role = "body"
        roles.append(role)
    return roles


def _title(blocks: list[_Block], roles: list[str], doc_id: str) -> str:
    for block in blocks:
        if block.markdown_heading:
            return block.text
    if roles and roles[0] == "heading":
        return blocks[0].text
    return " ".join(word.capitalize() for word in doc_id.split("-"))
