"""The page itself: a PDF page or a scanned image rendered as a PNG, the quoted words boxed.

    png = page_png(path, page=3, quote="…", ocr=False)   # bytes; PageNotFound if it cannot

Text PDFs give each character's box (pypdfium2's text page); scans and images give each
word's box by OCR (Tesseract, the same reader that made their text). The quote is found in the
page's characters or words with whitespace and line-end hyphens ignored, as the paragraphs were
joined; a quote that runs past the bottom of its page continues on the next, and both pages are
drawn one above the other. The boxes of each line are merged into one highlight.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from qa.errors import DocumentError

MIN_LETTERS = 6        # a shorter match than this (of a longer quote) is taken for chance
SCALE = 1.5            # pixels per PDF point (108 dpi): readable, small enough to send
HIGHLIGHT = (255, 214, 0, 110)
OUTLINE = (200, 120, 0, 255)
Box = tuple[float, float, float, float]  # left, top, right, bottom in pixels


class PageNotFound(DocumentError):
    """The page cannot be shown (no such page, or the file is gone)."""


def page_png(path: Path, page: int, quote: str, ocr: bool = False) -> bytes:
    """The page (and the next, where the quote runs on) with the quote's lines boxed."""
    wanted = _letters(quote)
    images, rest = [], wanted
    for number in (page, page + 1):
        try:
            stamp = path.stat().st_mtime_ns
        except OSError as error:
            raise PageNotFound(f"{path.name}: the file is gone.") from error
        image, boxes, found = _page_boxes(path, number, rest, ocr, stamp)
        images.append(_highlighted(image, boxes))
        rest = rest[found:]
        if not rest or found == 0 or number > page:
            break
    return _png(_stacked(images))


def _page_boxes(path: Path, number: int, wanted: str, ocr: bool,
                stamp: int) -> tuple[Any, list[Box], int]:
    """(the page's image, boxes of the longest prefix of `wanted` found, its length)."""
    image, pieces = _read_page(path, number, ocr, stamp)
    letters = "".join(text for text, _ in pieces)
    found = _longest_prefix(letters, wanted)  # all of the quote, or how much of it starts here
    if found < min(len(wanted), MIN_LETTERS):
        return image, [], 0
    start = letters.find(wanted[:found])
    boxes, position = [], 0
    for text, box in pieces:
        if position + len(text) > start and position < start + found:
            boxes.append(box)
        position += len(text)
    return image, _lines(boxes), found


@lru_cache(maxsize=16)
def _read_page(path: Path, number: int, ocr: bool,
               stamp: int) -> tuple[Any, list[tuple[str, Box]]]:
    """The page's image and its (letters, box) pieces: characters of a text PDF, words of a
    scan or an image; whitespace carries no letters. `stamp` (the file's mtime) keys the
    cache, so a replaced file is read again."""
    if path.suffix.lower() != ".pdf":
        from PIL import Image, ImageSequence

        try:
            with Image.open(path) as opened:
                frames = list(ImageSequence.Iterator(opened))
                if not 1 <= number <= len(frames):
                    raise PageNotFound(f"{path.name} has no page {number}.")
                image = frames[number - 1].convert("RGB")
        except OSError as error:
            raise PageNotFound(f"{path.name}: cannot be read ({error}).") from error
        return image, _ocr_words(image, 1.0)
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as error:
        raise PageNotFound(f"{path.name}: cannot be read ({error}).") from error
    try:
        if not 1 <= number <= len(document):
            raise PageNotFound(f"{path.name} has no page {number}.")
        page = document[number - 1]
        image = page.render(scale=SCALE).to_pil().convert("RGB")
        if ocr:
            from qa.documents.ocr import RENDER_DPI

            big = page.render(scale=RENDER_DPI / 72).to_pil()
            return image, _ocr_words(big, SCALE / (RENDER_DPI / 72))
        height = page.get_size()[1]
        text_page = page.get_textpage()
        text = text_page.get_text_range()
        pieces = []
        for i, char in enumerate(text[:text_page.count_chars()]):
            letters = _letters(char)
            if letters:
                left, bottom, right, top = text_page.get_charbox(i)
                pieces.append((letters, (left * SCALE, (height - top) * SCALE,
                                         right * SCALE, (height - bottom) * SCALE)))
        return image, pieces
    finally:
        document.close()


def _ocr_words(image: Any, scale: float) -> list[tuple[str, Box]]:
    import pytesseract

    data = pytesseract.image_to_data(image, output_type=pytesseract.Output.DICT)
    words = []
    for i, word in enumerate(data["text"]):
        letters = _letters(word or "")
        if letters:
            left, top = data["left"][i] * scale, data["top"][i] * scale
            words.append((letters, (left, top, left + data["width"][i] * scale,
                                    top + data["height"][i] * scale)))
    return words


def _letters(text: str) -> str:
    """The text as the search compares it: no whitespace, no line-end hyphen, lower case."""
    return re.sub(r"-\s+|\s+", "", text).lower()


def _longest_prefix(letters: str, wanted: str) -> int:
    """The length of the longest start of `wanted` found in `letters` (a binary search: a
    start that is found has every shorter start found too)."""
    low, high = 0, len(wanted)
    while low < high:
        middle = (low + high + 1) // 2
        if wanted[:middle] in letters:
            low = middle
        else:
            high = middle - 1
    return low


def _lines(boxes: list[Box]) -> list[Box]:
    """Boxes on one line (overlapping vertically) merged into one."""
    merged: list[list[float]] = []
    for left, top, right, bottom in boxes:
        last = merged[-1] if merged else None
        if last is not None and top < last[3] and bottom > last[1]:
            last[0], last[1] = min(last[0], left), min(last[1], top)
            last[2], last[3] = max(last[2], right), max(last[3], bottom)
        else:
            merged.append([left, top, right, bottom])
    return [(a, b, c, d) for a, b, c, d in merged]


def _highlighted(image: Any, boxes: list[Box]) -> Any:
    from PIL import Image, ImageDraw

    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for left, top, right, bottom in boxes:
        draw.rectangle((left - 2, top - 2, right + 2, bottom + 2), fill=HIGHLIGHT,
                       outline=OUTLINE, width=2)
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")


def _stacked(images: list[Any]) -> Any:
    from PIL import Image

    if len(images) == 1:
        return images[0]
    width = max(i.width for i in images)
    out = Image.new("RGB", (width, sum(i.height for i in images) + 8 * (len(images) - 1)),
                    (120, 120, 120))
    y = 0
    for image in images:
        out.paste(image, (0, y))
        y += image.height + 8
    return out


def _png(image: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
