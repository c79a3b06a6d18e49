"""The chat's conversation state: turns, and the plain JSON the browser keeps them as.

    saved = save(turns)          # → list of dicts, kept by the page in localStorage
    turns = restore(saved)       # after a reload or an app restart; bad entries are dropped

Each turn keeps its question, its answer with every citation (document id, paragraph number,
the paragraph's text and a hash of it, the quote and its offsets) or its refusal, and an id
that feedback on the answer is filed under. What comes back from the browser is untrusted: it
is checked field by field, and rendered through `qa.ui.render`, which escapes every string.
Whether a saved citation still points at the same words is decided at render time
(`qa.ui.render.citation_status`). This module knows nothing of Gradio.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from qa.types import Answer, Citation
from qa.ui.render import paragraph_hash

MAX_SAVED_TURNS = 50  # the oldest turns are dropped first; localStorage holds a few MB


@dataclass(frozen=True)
class Turn:
    """One exchange of a conversation: the question and its answer, or the refusal."""

    question: str
    answer: Answer | None = None
    error: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12], compare=False)


WITHHELD = "This answer quoted a document you may no longer read; it is not shown."


def withhold(turns: Sequence[Turn], unreadable: Collection[str]) -> list[Turn]:
    """The turns with every answer that cites one of the `unreadable` documents (those of a
    library the caller lost, say) replaced by a notice: no quote of them is shown again, sent
    as history, exported or filed with feedback."""
    if not unreadable:
        return list(turns)
    return [Turn(t.question, error=WITHHELD, id=t.id)
            if t.answer is not None and any(c.doc in unreadable for c in t.answer.citations)
            else t for t in turns]


def history(turns: Sequence[Turn]) -> list[list[str]]:
    """Earlier answered turns as the pipeline takes them: [[question, answer], …]."""
    return [[t.question, t.answer.answer] for t in turns if t.answer is not None]


def save(turns: Sequence[Turn]) -> list[dict[str, Any]]:
    """The turns as JSON-ready dicts (the last MAX_SAVED_TURNS of them)."""
    out = []
    for turn in list(turns)[-MAX_SAVED_TURNS:]:
        item: dict[str, Any] = {"id": turn.id, "question": turn.question}
        if turn.answer is not None:
            answer = turn.answer.to_dict()
            for citation in answer["citations"]:
                citation["hash"] = paragraph_hash(citation["text"])
            item["answer"] = answer
        if turn.error is not None:
            item["error"] = turn.error
        out.append(item)
    return out


def restore(saved: Any) -> list[Turn]:
    """Turns from what `save` produced; anything malformed is left out, never raised."""
    if not isinstance(saved, list):
        return []
    turns = []
    for item in saved[-MAX_SAVED_TURNS:]:
        try:
            turns.append(_turn(item))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return turns


def _turn(item: dict[str, Any]) -> Turn:
    question = _str(item["question"])
    error = item.get("error")
    answer = _answer(item["answer"]) if item.get("answer") is not None else None
    if answer is None and not isinstance(error, str):
        raise ValueError("a turn needs an answer or an error")
    return Turn(question, answer, error if answer is None else None,
                id=_str(item.get("id") or uuid.uuid4().hex[:12])[:40])


def _answer(data: dict[str, Any]) -> Answer:
    citations = tuple(_citation(c) for c in data.get("citations") or [])
    short = data.get("short_answer")
    return Answer(question=_str(data["question"]), answer=_str(data["answer"]),
                  abstained=bool(data["abstained"]), citations=citations,
                  short_answer=short if isinstance(short, str) else None,
                  latency_ms=float(data.get("latency_ms") or 0.0))


def _citation(data: dict[str, Any]) -> Citation:
    text = _str(data["text"])
    if "hash" in data and data["hash"] != paragraph_hash(text):
        raise ValueError("the saved paragraph text does not match its hash")
    page, table, row = data.get("page"), data.get("table"), data.get("row")
    return Citation(n=int(data["n"]), doc=_str(data["doc"]), paragraph=int(data["paragraph"]),
                    anchor=_str(data["anchor"]), text=text, quote=_str(data["quote"]),
                    start=int(data["start"]), end=int(data["end"]),
                    page=int(page) if page is not None else None,
                    table=int(table) if table is not None else None,
                    row=int(row) if row is not None else None, ocr=data.get("ocr") is True)


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value
