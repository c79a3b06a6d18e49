"""Format readers: an `.html` or `.pdf` file → a title and text blocks that
`qa.documents.corpus` numbers.

    HTML  BeautifulSoup (stdlib `html.parser`): scripts, styles, navigation, forms, asides and
          the page's own header and footer are dropped; h1–h6 become headings, li list items,
          figcaption captions; every other block element is a paragraph.
    PDF   pypdf: text page by page; lines are joined into paragraphs, a short line ends one;
          page numbers and lines repeated on most pages (running heads) are dropped. Each
          block keeps its page, so a citation can name it.
Every failure is a DocumentError naming the file. This module does not split sentences or
assign the roles it cannot see (bylines, captions in plain paragraphs): `qa.documents.corpus` does.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from qa.errors import DocumentError

log = logging.getLogger(__name__)

_DROP = ("script", "style", "noscript", "template", "nav", "form", "button", "select",
         "textarea", "svg", "canvas", "iframe", "object", "aside", "head")
_DROP_ROLES = ("navigation", "banner", "contentinfo", "search", "complementary")
_BLOCK_ROLES = {
    **{f"h{n}": "heading" for n in range(1, 7)},
    "li": "list_item", "figcaption": "caption", "caption": "caption",
    "td": "body", "th": "body", "dd": "body", "dt": "body",
    **{name: "" for name in ("p", "div", "section", "article", "main", "blockquote", "pre",
                             "ul", "ol", "dl", "table", "tr", "figure", "address", "body",
                             "html", "center", "details", "summary")},
}
_LIST_ITEM = re.compile(r"^\s*(?:[-*•–▪◦]|\d{1,3}[.)])\s+")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\s*$", re.I)


@dataclass(frozen=True)
class Block:
    """A paragraph's text as the format gives it; `role` is "" when `qa.documents.corpus`
    should infer."""

    text: str
    role: str = ""
    page: int | None = None


@dataclass
class Extracted:
    title: str = ""
    blocks: list[Block] = field(default_factory=list)


def read(path: Path) -> Extracted:
    """The title and blocks of an `.html`/`.htm` or `.pdf` file."""
    if path.suffix.lower() == ".pdf":
        return read_pdf(path)
    return read_html(path)


def read_html(path: Path) -> Extracted:
    from bs4 import BeautifulSoup, NavigableString, Tag

    with warnings.catch_warnings():  # e.g. "looks like XML": XHTML parses fine as HTML
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(_decode_html(path), "html.parser")
    title_tag = soup.find("title")
    page_title = _clean(title_tag.get_text(" ")) if title_tag else ""
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag) or tag.decomposed:
            continue
        if tag.name in _DROP or _hidden(tag) or (
                tag.name in ("header", "footer") and tag.find_parent(("article", "main")) is None):
            tag.decompose()

    blocks: list[Block] = []
    owner, parts = None, []

    def flush() -> None:
        text = _clean("".join(parts))
        if text:
            blocks.append(Block(text, _BLOCK_ROLES.get(owner.name, "") if owner else ""))
        parts.clear()

    # Strings are grouped by their nearest block ancestor; a nested block in between (a <ul>
    # inside a <p>) ends the group, so the text after it becomes its own paragraph.
    for node in soup.descendants:
        if isinstance(node, Tag):
            if node.name == "br" or node.name in _BLOCK_ROLES:
                flush()
            continue
        if type(node) is not NavigableString:  # comments, doctype, CDATA, processing marks
            continue
        block = next((p for p in node.parents if p.name in _BLOCK_ROLES), None)
        if block is not owner:
            flush()
            owner = block
        parts.append(str(node))
    flush()
    heading = next((b.text for b in blocks if b.role == "heading"), "")
    return Extracted(title=heading or page_title, blocks=blocks)


def _decode_html(path: Path) -> str:
    from bs4.dammit import UnicodeDammit

    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise DocumentError(f"{path.name}: contains NUL bytes; not an HTML document.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    dammit = UnicodeDammit(raw, is_html=True)
    if dammit.unicode_markup is None or dammit.contains_replacement_characters:
        raise DocumentError(f"{path.name}: cannot decode the text (not UTF-8, and no usable "
                            "charset declared).")
    return dammit.unicode_markup


def _hidden(tag: object) -> bool:
    attrs = getattr(tag, "attrs", None) or {}
    return ("hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true"
            or str(attrs.get("role", "")).lower() in _DROP_ROLES)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


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
    if not blocks and pages:
        raise DocumentError(f"{path.name}: the PDF has no extractable text (a scan? "
                            "run OCR on it first).")
    return Extracted(title=title, blocks=blocks)


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
