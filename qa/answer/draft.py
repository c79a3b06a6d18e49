"""What every way of composing an answer returns (`qa.answer.decide`, `qa.answer.summary`,
`qa.answer.page`, `qa.answer.definitions`), before the pipeline adds the question and the
latency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qa.types import Citation


@dataclass(frozen=True)
class Draft:
    """Answer text with [n] markers, whether it abstains, its citations, the bold short
    answer (or None) and what was decided on the way (`debug`)."""

    answer: str
    abstained: bool
    citations: tuple[Citation, ...]
    short_answer: str | None
    debug: dict[str, Any]


__all__ = ["Draft"]
