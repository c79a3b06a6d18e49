"""Scans and images → text blocks by offline OCR: Tesseract (Debian's `tesseract-ocr`,
installed by `make`) through pytesseract; PDF pages are rendered with pypdfium2 first.

    read_image(path)            PNG, JPEG, TIFF (each frame a page)
    ocr_pages(images, name)     blocks of the pages, with a warning per poorly read page
Tesseract's own layout analysis gives the paragraphs (its block and paragraph numbers); each
block is marked `ocr`, so a citation says its quote was read by OCR. A page whose mean word
confidence is under POOR_CONFIDENCE gets a warning naming it; a file with no text even after
OCR is refused (DocumentError).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tqdm import tqdm

from qa.documents.blocks import Block, Extracted
from qa.errors import DocumentError

log = logging.getLogger(__name__)

RENDER_DPI = 300        # PDF pages are rendered at this resolution for OCR
POOR_CONFIDENCE = 60.0  # Tesseract's word confidence (0-100), averaged over a page
LANGUAGE = "eng"
MAX_PAGES = 500


def available() -> bool:
    return shutil.which("tesseract") is not None


def require(name: str) -> None:
    if not available():
        raise DocumentError(f"{name}: needs OCR (no text layer), and Tesseract is not "
                            "installed: run make ocr as root (Debian's tesseract-ocr).")


def read_image(path: Path) -> Extracted:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    require(path.name)
    try:
        with Image.open(path) as image:
            frames = [frame.convert("RGB") for frame in ImageSequence.Iterator(image)]
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise DocumentError(f"{path.name}: not a readable image ({error}).") from error
    blocks, warnings = ocr_pages(enumerate(frames[:MAX_PAGES], start=1), path.name,
                                 len(frames), paged=len(frames) > 1)
    if not blocks:
        raise DocumentError(f"{path.name}: no text found, even by OCR.")
    return Extracted(blocks=blocks, warnings=warnings)


def render_pdf_pages(path: Path, numbers: list[int]) -> Iterable[tuple[int, Any]]:
    """(page number, PIL image) of the PDF's pages `numbers` (from 1), one at a time."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        for number in numbers:
            page = document[number - 1]
            yield number, page.render(scale=RENDER_DPI / 72).to_pil()
            page.close()
    finally:
        document.close()


def ocr_pages(pages: Iterable[tuple[int, Any]], name: str, total: int,
              paged: bool = True) -> tuple[list[Block], list[str]]:
    """The blocks of each (page number, image), and a warning for each poorly read page."""
    blocks: list[Block] = []
    warnings: list[str] = []
    for number, image in tqdm(pages, total=total, desc=f"OCR {name}", unit="page"):
        found, confidence = _page_text(image)
        if found and confidence < POOR_CONFIDENCE:
            warnings.append(f"{name}: page {number} was read by OCR with low confidence "
                            f"({confidence:.0f} %); check its quotes against the scan.")
            log.warning("%s", warnings[-1])
        blocks += [Block(text, page=number if paged else None, ocr=True) for text in found]
    return blocks, warnings


def _page_text(image: Any) -> tuple[list[str], float]:
    """The page's paragraphs in reading order, and the mean confidence of its words."""
    import pytesseract

    data = pytesseract.image_to_data(image, lang=LANGUAGE,
                                     output_type=pytesseract.Output.DICT)
    paragraphs: dict[tuple[int, int], list[str]] = {}
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        conf = float(data["conf"][i])
        if not word or conf < 0:
            continue
        paragraphs.setdefault((data["block_num"][i], data["par_num"][i]), []).append(word)
        confidences.append(conf)
    texts = [_joined(words) for words in paragraphs.values()]
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return [t for t in texts if t], mean


def _joined(words: list[str]) -> str:
    """Words of one paragraph; a word hyphenated at a line end is put back together."""
    text = ""
    for word in words:
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and word[:1].islower():
            text = text[:-1] + word
        else:
            text = f"{text} {word}" if text else word
    return text
