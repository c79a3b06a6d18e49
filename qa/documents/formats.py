"""Format readers: a file other than plain text or Markdown → a title and text blocks that
`qa.documents.corpus` numbers (`read` picks the reader by suffix: READERS).

    HTML  the title and main content, tables as rows: `qa.documents.html`
    PDF   pypdf: text page by page; lines are joined into paragraphs, a short line ends one;
          page numbers and lines repeated on most pages (running heads) are dropped. Each
          block keeps its page, so a citation can name it. A page without a text layer (a
          scan) is read by OCR (`qa.documents.ocr`).
    Tables (CSV, XLSX, ODS) `qa.documents.tables`; DOCX, PPTX, EPUB `qa.documents.office`;
    images (PNG, JPEG, TIFF) `qa.documents.ocr`.
Every failure is a DocumentError naming the file. This module does not split sentences or
assign the roles it cannot see (bylines, captions in plain paragraphs): `qa.documents.corpus` does.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import Counter, OrderedDict
from pathlib import Path

from qa.documents import html
from qa.documents.blocks import Block, Extracted
from qa.errors import DocumentError

log = logging.getLogger(__name__)

_LIST_ITEM = re.compile(r"^\s*(?:[-*•–▪◦]|\d{1,3}[.)])\s+")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\s*$", re.I)


READERS = {".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".csv": "csv",
           ".xlsx": "xlsx", ".ods": "ods", ".docx": "docx", ".pptx": "pptx", ".epub": "epub",
           ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image",
           ".tiff": "image"}


CACHED = 32  # files whose reading is kept, by content: an add reads a file up to three times


def read(path: Path) -> Extracted:
    """The title and blocks of a file whose suffix is in READERS. The result is kept for the
    last CACHED files by their bytes' SHA-256, so the checks, the copy in the corpus folder and
    the build of one add read (and OCR) a scan once, whatever the file is called."""
    key = (hashlib.sha256(path.read_bytes()).hexdigest(), path.suffix.lower())
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            found = _CACHE[key]
            return Extracted(found.title, list(found.blocks), list(found.warnings))
    extracted = _read(path)
    with _CACHE_LOCK:
        _CACHE[key] = extracted
        while len(_CACHE) > CACHED:
            _CACHE.popitem(last=False)
    return Extracted(extracted.title, list(extracted.blocks), list(extracted.warnings))


_CACHE: OrderedDict[tuple[str, str], Extracted] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def forget_read_files() -> None:
    """Empty the cache of `read` (the benchmarks time a first reading)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def _read(path: Path) -> Extracted:
    kind = READERS.get(path.suffix.lower())
    if kind == "pdf":
        return read_pdf(path)
    if kind in ("csv", "xlsx", "ods"):
        from qa.documents import tables

        return {"csv": tables.read_csv, "xlsx": tables.read_xlsx,
                "ods": tables.read_ods}[kind](path)
    if kind in ("docx", "pptx", "epub"):
        from qa.documents import office

        return {"docx": office.read_docx, "pptx": office.read_pptx,
                "epub": office.read_epub}[kind](path)
    if kind == "image":
        from qa.documents import ocr

        return ocr.read_image(path)
    return html.read_html(path)


def read_pdf(path: Path) -> Extracted:
    from pypdf import PdfReader

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not _open_without_password(reader):
            raise DocumentError(f"{path.name}: the PDF is password-protected; save a copy "
                                "without a password and add that.")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str((reader.metadata or {}).get("/Title") or "").strip()
    except DocumentError:
        raise
    except Exception as error:  # pypdf raises many kinds for damaged files; all mean the same
        raise DocumentError(f"{path.name}: not a readable PDF ({type(error).__name__}: "
                            f"{str(error)[:80]}).") from error
    repeated = _running_lines(pages)
    blocks = [Block(text, page=number) for number, page_text in enumerate(pages, start=1)
              for text in _pdf_paragraphs(page_text, repeated)]
    scanned = [n for n, text in enumerate(pages, start=1) if not text.strip()]
    found: list[str] = []
    if scanned:  # pages without a text layer (a scan) are read by OCR
        from qa.documents import ocr

        if ocr.available():
            images = ocr.render_pdf_pages(path, scanned[:ocr.MAX_PAGES])
            read, found = ocr.ocr_pages(images, path.name, len(scanned))
            blocks = sorted(blocks + read, key=lambda b: b.page or 0)
        elif not blocks:
            ocr.require(path.name)
    if not blocks and pages:
        raise DocumentError(f"{path.name}: the PDF has no text, even by OCR.")
    return Extracted(title=title, blocks=blocks, warnings=found)


def _open_without_password(reader: object) -> bool:
    """An encrypted PDF often opens with the empty user password (only editing is locked)."""
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:  # AES without a crypto library, or a malformed encryption dictionary
        return False


def _running_lines(pages: list[str]) -> set[str]:
    """Lines found on most pages (running heads and feet), when there are three pages or more."""
    if len(pages) < 3:
        return set()
    counts = Counter(line for text in pages
                     for line in {_clean(raw) for raw in text.splitlines()} if line)
    return {line for line, count in counts.items() if count >= max(3, len(pages) * 0.6)}


def _pdf_paragraphs(text: str, skip: set[str]) -> list[str]:
    lines = [_clean(line) for line in text.splitlines()]
    lines = [line for line in lines if line not in skip and not _PAGE_NUMBER.match(line)]
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return []
    width = lengths[int(0.9 * (len(lengths) - 1))]
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            paragraphs.append(_join_lines(current))
            current.clear()

    for line in lines:
        if not line:
            flush()
            continue
        if _LIST_ITEM.match(line):
            flush()
        current.append(line)
        if len(line) < 0.7 * width:  # a short line closes a paragraph (or is a heading)
            flush()
    flush()
    return paragraphs


def _join_lines(lines: list[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        if re.search(r"[A-Za-z]-$", text) and line[:1].islower():
            text = text[:-1] + line  # a word hyphenated at the line end
        else:
            text = f"{text} {line}"
    return text


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
