"""Tables → one paragraph per row: "header: value; header: value …", numbered table N, row M.

    CSV   the stdlib's csv (dialect sniffed); one table
    XLSX  openpyxl, read only; each sheet is a section (its name a heading) and a table
    ODS   pandas with odfpy; the same
    HTML  `html_table_blocks` for each <table> of a page (`qa.documents.formats`)
The first non-empty row is the header (a missing header cell is "column N"); empty cells are
left out of a row's text, and empty rows are skipped. A question about a cell is answered by
quoting its row, cited as table N, row M (rows counted after the header, from 1).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from qa.documents.blocks import Block, Extracted
from qa.errors import DocumentError

MAX_ROWS = 50_000       # per file: a larger sheet is refused, not cut silently
MAX_CELL_CHARS = 2_000  # a cell's text beyond this is cut (a pasted essay in one cell)


def row_blocks(rows: Iterable[Sequence[Any]], table: int, caption: str = "",
               page: int | None = None) -> list[Block]:
    """A table's blocks: its caption as a heading (when it has one), then its rows."""
    cleaned = ([_cell(c) for c in row] for row in rows)
    filled = [row for row in cleaned if any(row)]
    if not filled:
        return []
    header, body = filled[0], filled[1:]
    if not body:  # a one-row table: no header to pair the cells with
        return [Block("; ".join(c for c in header if c), page=page, table=table, row=1)]
    names = [h or f"column {i}" for i, h in enumerate(header, start=1)]
    blocks = [Block(caption, role="heading", page=page)] if caption else []
    for number, row in enumerate(body, start=1):
        pairs = [f"{names[i] if i < len(names) else f'column {i + 1}'}: {value}"
                 for i, value in enumerate(row) if value]
        blocks.append(Block("; ".join(pairs), role="body", page=page, table=table,
                            row=number))
    return blocks


def read_csv(path: Path) -> Extracted:
    text = _decode(path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = list(_bounded(csv.reader(text.splitlines(), dialect), path))
    return Extracted(title=_title(path), blocks=row_blocks(rows, 1))


def read_xlsx(path: Path) -> Extracted:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zip, XML and openpyxl's own errors: a damaged workbook
        raise DocumentError(f"{path.name}: not a readable XLSX workbook "
                            f"({type(error).__name__}).") from error
    try:
        sheets = [(sheet.title, list(_bounded(sheet.iter_rows(values_only=True), path)))
                  for sheet in book.worksheets]
        title = str(book.properties.title or "").strip()
    finally:
        book.close()
    return Extracted(title=title or _title(path), blocks=_sheets(sheets))


def read_ods(path: Path) -> Extracted:
    import pandas as pd

    try:
        frames = pd.read_excel(path, engine="odf", sheet_name=None, header=None, dtype=str)
    except Exception as error:  # odfpy and pandas raise many kinds for a damaged file
        raise DocumentError(f"{path.name}: not a readable ODS spreadsheet "
                            f"({type(error).__name__}).") from error
    sheets = [(name, list(_bounded(frame.fillna("").itertuples(index=False), path)))
              for name, frame in frames.items()]
    return Extracted(title=_title(path), blocks=_sheets(sheets))


def html_table_blocks(table: Any, number: int) -> list[Block]:
    """A BeautifulSoup <table>'s caption and rows (cells of nested tables are flattened)."""
    caption_tag = table.find("caption")
    caption = " ".join(caption_tag.get_text(" ").split()) if caption_tag else ""
    rows = [[cell.get_text(" ") for cell in tr.find_all(("th", "td"))]
            for tr in table.find_all("tr")]
    return row_blocks(rows, number, caption)


def _sheets(sheets: list[tuple[str, list[Sequence[Any]]]]) -> list[Block]:
    blocks: list[Block] = []
    table = 0
    for name, rows in sheets:
        if not any(any(_cell(c) for c in row) for row in rows):
            continue
        table += 1
        blocks += [Block(str(name), role="heading"), *row_blocks(rows, table)]
    return blocks


def _bounded(rows: Iterable[Sequence[Any]], path: Path) -> Iterable[Sequence[Any]]:
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise DocumentError(f"{path.name}: more than {MAX_ROWS:,} rows; split it into "
                                "smaller files.")
        yield row


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())[:MAX_CELL_CHARS]


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise DocumentError(f"{path.name}: contains NUL bytes; not a CSV file.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(f"{path.name}: cannot decode the text (not UTF-8).")


def _title(path: Path) -> str:
    return " ".join(w.capitalize() for w in path.stem.replace("_", " ").replace("-", " ").split())
