"""The BM25 index over paragraphs (bm25s, Snowball stems): built with the index, saved in it.

Building BM25 belongs to `qa build`, not to start-up: a large corpus then loads in seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qa.text import bm25_tokens
from qa.types import Paragraph

EMPTY_TOKEN = "\u2205"  # a paragraph with no indexable word still takes its row


def passage_text(paragraph: Paragraph) -> str:
    """What is embedded and indexed for a paragraph: its section heading gives it context."""
    if paragraph.section:
        return f"{paragraph.section}: {paragraph.text}"
    return paragraph.text


def build_bm25(paragraphs: list[Paragraph]) -> Any:
    return bm25_from_tokens([bm25_tokens(passage_text(p)) or [EMPTY_TOKEN] for p in paragraphs])


def bm25_from_tokens(tokens: list[list[str]]) -> Any:
    """The BM25 index over paragraphs given as their `bm25_tokens` (one list per row)."""
    import bm25s

    bm25 = bm25s.BM25()
    bm25.index(tokens, show_progress=False)
    return bm25


def save_bm25(bm25: Any, folder: Path) -> None:
    bm25.save(str(folder), show_progress=False)


def load_bm25(folder: Path) -> Any:
    import bm25s

    return bm25s.BM25.load(str(folder), show_progress=False, verbosity=0)
