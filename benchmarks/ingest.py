"""Ingestion speed on this machine: pages per minute for a text PDF and for a scanned one.

Both are made here from the article's words, shuffled (so no vector is reused): a text PDF
of TEXT_PAGES pages (45 lines a page, tests/pdfs.py's writer) and a scan of SCAN_PAGES pages
(lines drawn as a 300-dpi image per page, no text layer). Each is timed twice: reading alone
(parse, or render + OCR) and the whole `qa add` (reading, embedding, indexing) into a copy
of the article's corpus.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from qa.config import PROJECT_ROOT, Settings
from qa.documents import library, ocr
from qa.documents.corpus import load_document
from qa.documents.formats import forget_read_files
from qa.embedding import Embedder
from tests.pdfs import make_pdf

TEXT_PAGES, SCAN_PAGES, LINES_PER_PAGE = 30, 5, 45
ARTICLE = PROJECT_ROOT / "corpus" / "india-japan-semiconductors.txt"


def ingestion(folder: Path, embedder: Embedder) -> dict[str, Any]:
    lines = _lines()
    looped = lines * (TEXT_PAGES * LINES_PER_PAGE // len(lines) + 1)
    text_pdf = make_pdf(folder / "report.pdf", [
        looped[i * LINES_PER_PAGE:(i + 1) * LINES_PER_PAGE] for i in range(TEXT_PAGES)])
    figures = {"pdf_pages": TEXT_PAGES, **_timed("pdf", text_pdf, TEXT_PAGES, folder, embedder)}
    if ocr.available():
        scan = folder / "scan.pdf"
        pages = [_drawn(lines[i * 12:(i + 1) * 12]) for i in range(SCAN_PAGES)]
        pages[0].save(scan, save_all=True, append_images=pages[1:], resolution=300)
        figures.update({"scan_pages": SCAN_PAGES,
                        **_timed("scan", scan, SCAN_PAGES, folder, embedder)})
    return figures


def _timed(kind: str, path: Path, pages: int, folder: Path,
           embedder: Embedder) -> dict[str, float]:
    forget_read_files()
    started = time.perf_counter()
    load_document(path)
    read_s = time.perf_counter() - started
    corpus = folder / f"corpus-{kind}"
    corpus.mkdir()
    (corpus / ARTICLE.name).write_bytes(ARTICLE.read_bytes())
    settings = Settings(corpus_dir=corpus, index_dir=folder / f"index-{kind}")
    library.add(settings, embedder, [ARTICLE.with_name(ARTICLE.name)], replace=True)
    forget_read_files()  # the whole add, reading included
    started = time.perf_counter()
    library.add(settings, embedder, [path])
    add_s = time.perf_counter() - started
    return {f"{kind}_read_pages_per_min": pages / read_s * 60,
            f"{kind}_add_pages_per_min": pages / add_s * 60}


def _lines() -> list[str]:
    text = ARTICLE.read_text(encoding="utf-8").encode("latin-1", "replace").decode("latin-1")
    words = text.split()
    random.Random(7).shuffle(words)  # new text: nothing of the article's index is reused
    lines, line = [], []
    for word in words:
        line.append(word)
        if len(" ".join(line)) > 80:
            lines.append(" ".join(line))
            line = []
    return lines


def _drawn(lines: list[str]) -> Any:
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("L", (2550, 3300), 255)  # US Letter at 300 dpi
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=40)
    for i, text in enumerate(lines):
        draw.text((200, 300 + 60 * i), text, fill=0, font=font)
    return page
