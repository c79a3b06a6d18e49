"""Thumbs up / down on answers, kept on this machine, and turned into eval items.

    store = FeedbackStore.for_settings(settings)   # <index>/feedback.jsonl
    store.append(Feedback(id=…, rating="down", question=…, answer=answer.to_dict(), …))
    store.latest()                                 # one record per answer: its last word
    store.export(Path("disliked.jsonl"))           # disliked answers in the ../shared/eval format

The file is append-only JSON Lines: a new vote or a comment on the same answer is a new line
with the same `id`, and the latest line for an id wins, so nothing is ever rewritten and a
crash can cost at most the line being written. Nothing here sends anything anywhere. A line
that cannot be read (a torn last line, hand edits) is skipped, never fatal. This module knows
nothing of Gradio; `qa.ui.handlers` calls it from the chat's like/dislike events.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.errors import InputError
from qa.types import Answer, Document

FILE_NAME = "feedback.jsonl"
MAX_COMMENT_CHARS = 300
RATINGS = ("up", "down", "none")  # "none": the user took the vote back

_lock = threading.Lock()  # one app process may append from several request threads


@dataclass(frozen=True)
class Feedback:
    """One vote on one answer, with what the user said the answer should have been."""

    id: str  # the answer's id: later records with the same id replace earlier ones
    rating: str
    question: str
    answer: dict[str, Any] = field(default_factory=dict)  # Answer.to_dict() as it was shown
    history: list[list[str]] = field(default_factory=list)  # earlier [question, answer] pairs
    comment: str = ""
    expected: list[dict[str, str]] = field(default_factory=list)  # {"anchor", "text"}
    should_abstain: bool = False  # "the documents do not answer this"
    at: str = ""  # ISO time, set by append when empty

    def __post_init__(self) -> None:
        if self.rating not in RATINGS:
            raise InputError(f"Unknown rating {self.rating!r}; use one of {', '.join(RATINGS)}.")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Feedback:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


class FeedbackStore:
    """The JSONL file of feedback records (created on the first append)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_settings(cls, settings: Settings) -> FeedbackStore:
        """The store next to the index: `<index>/feedback.jsonl`."""
        return cls(settings.index_dir / FILE_NAME)

    def append(self, feedback: Feedback) -> Feedback:
        """Add one record at the end of the file; returns it with its time set."""
        if not feedback.at:
            feedback = Feedback.from_dict(
                {**asdict(feedback), "at": datetime.now(UTC).isoformat(timespec="seconds")})
        comment = " ".join(feedback.comment.split())[:MAX_COMMENT_CHARS]  # one line
        if comment != feedback.comment:
            feedback = Feedback.from_dict({**asdict(feedback), "comment": comment})
        line = json.dumps(asdict(feedback), ensure_ascii=False) + "\n"
        with _lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)
        return feedback

    def records(self) -> list[Feedback]:
        """Every readable record, oldest first."""
        if not self.path.is_file():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                data = json.loads(line)
                out.append(Feedback.from_dict(data))
            except (ValueError, TypeError, InputError):
                continue
        return out

    def latest(self) -> list[Feedback]:
        """The last record of each answer, in the order the answers were first rated; answers
        whose vote was taken back are left out."""
        last: dict[str, Feedback] = {}
        for record in self.records():
            last[record.id] = record  # a dict keeps the position of the first insertion
        return [f for f in last.values() if f.rating != "none"]

    def export(self, out: Path) -> int:
        """Write the disliked answers as eval items (JSONL); returns how many."""
        items = [to_eval_item(f) for f in self.latest() if f.rating == "down"]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items),
                       encoding="utf-8")
        return len(items)

    def format(self) -> str:
        """`qa feedback list`: one line per rated answer."""
        records = self.latest()
        if not records:
            return f"No feedback yet ({self.path})."
        lines = []
        for f in records:
            mark = "+" if f.rating == "up" else "-"
            extra = [f"“{f.comment}”"] if f.comment else []
            extra += [f"expected {', '.join(e['anchor'] for e in f.expected)}"] * bool(
                f.expected)
            extra += ["should not answer"] * f.should_abstain
            lines.append(f"{f.at[:16].replace('T', ' ')}  {mark}  {f.question}"
                         + (f"  ({'; '.join(extra)})" if extra else ""))
        return "\n".join(lines)


def to_eval_item(feedback: Feedback) -> dict[str, Any]:
    """A disliked answer as an item of the `../shared/eval` format.

    - "should not answer" → `type: unanswerable` (right when the system abstains);
    - expected paragraphs → `support_any` holds their text, and any answer citing one of them
      counts (`answer_any: ["\\w"]`, the answer text itself is unknown);
    - neither → the answer given was wrong: `answer_none` refuses its words again (the short
      answer, else its first quote), and an abstention there means it should have answered.
    """
    item: dict[str, Any] = {"id": f"feedback-{feedback.id}", "question": feedback.question}
    if feedback.history:
        item["history"] = feedback.history
    answer = feedback.answer or {}
    if feedback.should_abstain:
        item["type"] = "unanswerable"
    else:
        item["type"] = "followup" if feedback.history else "fact"
        item["answer_any"] = [r"\w"]
        if feedback.expected:
            item["support_any"] = [e["text"] for e in feedback.expected if e.get("text")]
        elif not answer.get("abstained"):
            wrong = answer.get("short_answer") or next(
                (c.get("quote") for c in answer.get("citations") or [] if c.get("quote")), None)
            if wrong:
                item["answer_none"] = [re.escape(wrong)]
    if feedback.comment:
        item["comment"] = feedback.comment
    item["disliked_answer"] = answer.get("answer", "")
    return item


MAX_EXPECTED_CHOICES = 1000


def expected_choices(answer: Answer, documents: Sequence[Document]) -> list[tuple[str, str]]:
    """Paragraphs a user may point at as the right source: those of the cited documents, or
    of every document for an abstention."""
    cited = {c.doc for c in answer.citations}
    chosen = [d for d in documents if d.doc in cited] or list(documents)
    choices = []
    for document in chosen:
        for p in document.paragraphs:
            snippet = p.text if len(p.text) <= 70 else p.text[:69] + "…"
            choices.append((f"{p.anchor}: {snippet}", p.anchor))
    return choices[:MAX_EXPECTED_CHOICES]
