"""Saved web pages and XHTML chapters → a title and blocks (`qa.documents.formats` calls it).

The page's <title> (without the site's name, by readability-lxml) unless its first heading is
another title; the main content found by readability-lxml (navigation, menus, footers and
banners dropped; blocks of nothing but links too), then BeautifulSoup: scripts, styles, forms
and asides dropped; h1–h6 become headings, li list items, figcaption captions, a data table one
block per row (`qa.documents.tables`); every other block element is a paragraph.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

from qa.documents.blocks import Block, Extracted
from qa.errors import DocumentError

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
MIN_MAIN_CHARS = 50  # readability's main content shorter than this: read the whole page
MAX_CELL_CHARS_OF_DATA = 500  # a table with a longer cell (or a nested table) is layout
MIN_MENU_LINKS, MENU_LINK_SHARE = 3, 0.8  # a block of ≥ 3 links that are ≥ 80 % of its text


def read_html(path: Path) -> Extracted:
    """A saved web page: its <title>, and its main content only (readability-lxml drops
    navigation, menus, footers and banners), as blocks."""
    title, blocks = html_blocks(_decode_html(path), main_content=True)
    return Extracted(title=title, blocks=blocks)


def html_blocks(markup: str, main_content: bool = False) -> tuple[str, list[Block]]:
    """(the page's title, its blocks); data tables become one block per row."""
    soup = _soup(markup)
    title_tag = soup.find("title")
    page_title = _clean(title_tag.get_text(" ")) if title_tag else ""
    if main_content:
        main = _main_content(markup)
        if main is not None:
            page_title = main[0] or page_title
            first = soup.find("h1")
            heading = _clean(first.get_text(" ")) if first is not None else ""
            soup = main[1]
            if heading and heading not in _clean(soup.get_text(" ")):
                # readability takes the article's <h1> for its title and drops it: keep it
                restored = soup.new_tag("h1")
                restored.string = heading
                soup.insert(0, restored)
    blocks = _walk(soup)
    heading = next((b.text for b in blocks if b.role == "heading"), "")
    return _best_title(page_title, heading), blocks


def _best_title(page_title: str, heading: str) -> str:
    """The page's <title> (without the site's name) where the first heading says the same
    with more ("1. Datatypes In SQLite" for "Datatypes In SQLite"), else that heading (a
    section's <title> "Fab News" over the article's "The Dholera fab")."""
    if not heading or not page_title:
        return page_title or heading
    words = set(re.findall(r"\w+", page_title.lower()))
    return page_title if words <= set(re.findall(r"\w+", heading.lower())) else heading


def _soup(markup: str) -> Any:
    from bs4 import BeautifulSoup

    with warnings.catch_warnings():  # e.g. "looks like XML": XHTML parses fine as HTML
        warnings.simplefilter("ignore")
        return BeautifulSoup(markup, "html.parser")


def _main_content(markup: str) -> tuple[str, Any] | None:
    """readability-lxml's title and main content, or None where it finds too little."""
    try:
        from readability import Document as Readable

        readable = Readable(markup)
        soup = _soup(readable.summary(html_partial=True))
        title = _clean(readable.short_title() or "")
    except Exception:  # readability gives up on odd markup: read the whole page then
        return None
    if len(_clean(soup.get_text(" "))) < MIN_MAIN_CHARS:
        return None
    return title, soup


def _walk(soup: Any) -> list[Block]:
    from bs4 import NavigableString, Tag

    for tag in soup.find_all(True):
        if not isinstance(tag, Tag) or tag.decomposed:
            continue
        if tag.name in _DROP or _hidden(tag) or (
                tag.name in ("header", "footer") and tag.find_parent(("article", "main")) is None):
            tag.decompose()
    _drop_link_lists(soup)
    tables = _data_tables(soup)

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
            if node.name == "qa-table":
                flush()
                blocks += tables[int(node["n"])]
            elif node.name == "br" or node.name in _BLOCK_ROLES:
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
    return blocks


def _drop_link_lists(soup: Any) -> None:
    """Drop blocks that are nothing but links (a site menu readability kept: "Home Menu About
    Download"), unless they sit in the page's <article> or <main>, where a list of links is
    content ("Related links")."""
    for tag in soup.find_all(("div", "p", "ul", "ol", "section", "td")):
        if tag.decomposed or tag.find_parent(("article", "main")) is not None:
            continue
        links = tag.find_all("a")
        text = _clean(tag.get_text(" "))
        linked = sum(len(_clean(a.get_text(" "))) for a in links)
        if len(links) >= MIN_MENU_LINKS and text and linked >= MENU_LINK_SHARE * len(text):
            tag.decompose()


def _data_tables(soup: Any) -> dict[int, list[Block]]:
    """Each data table's row blocks, the table replaced by a <qa-table n=…> marker; layout
    tables (nested tables, long cells, a single row or column) are left to be read as text."""
    from qa.documents.tables import html_table_blocks

    found: dict[int, list[Block]] = {}
    for table in soup.find_all("table"):
        if table.decomposed or table.find("table") is not None:
            continue
        rows = table.find_all("tr")
        cells = [len(tr.find_all(("th", "td"))) for tr in rows]
        if len(rows) < 2 or max(cells, default=0) < 2 or any(
                len(_clean(c.get_text(" "))) > MAX_CELL_CHARS_OF_DATA
                for c in table.find_all(("th", "td"))):
            continue
        number = len(found) + 1
        found[number] = html_table_blocks(table, number)
        marker = soup.new_tag("qa-table")
        marker["n"] = str(number)
        table.replace_with(marker)
    return found


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
