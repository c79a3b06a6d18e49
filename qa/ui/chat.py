"""The conversation as the chat shows it: the questions, the answers revealed in chunks, and
the example questions under the box. `qa.ui.handlers` calls these; HTML comes from
`qa.ui.render`.

    respond(pipeline, question, turns, doc, scope, documents)   # yields (box, messages, turns)
    messages(turns, documents=pipeline.documents)   # the turns as Gradio's chat messages
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from itertools import zip_longest
from typing import Any, Protocol

from qa.answer.suggestions import MAX_SUGGESTIONS, suggested_questions
from qa.config import Settings
from qa.errors import QAError
from qa.types import Answer, Document
from qa.ui import chat_state, render
from qa.ui.chat_state import Turn

ALL_DOCUMENTS = "*"  # the selector's value for "All documents"; document ids never hold "*"
STREAM_STEPS = 12  # the answer is revealed in about this many chunks
STREAM_DELAY_S = 0.03


class AskPipeline(Protocol):
    """What the UI needs from `qa.Pipeline` (a stand-in with these members works too)."""

    settings: Settings

    @property
    def documents(self) -> list[Document]: ...

    def ask(self, question: str, history: list[list[str]] | None = None,
            doc: str | None = None, scope: frozenset[str] | None = None) -> Answer: ...


def example_questions(documents: Sequence[Document], doc: str | None = None) -> list[str]:
    """The example buttons under the question box, made from the document searched
    (`qa.answer.suggestions`); for several documents, a summary of all, then each one's in turn."""
    chosen = [d for d in documents if d.doc == doc] or list(documents)
    # the buttons take one question of each document in turn: a large library's first few
    # documents fill them (the rest are not read)
    per_document = [suggested_questions(d) for d in chosen[:2 * MAX_SUGGESTIONS]]
    if len(per_document) > 1:  # one summary of them all, then each document's own questions
        per_document = [["Summarize the documents."]] + [q[1:] for q in per_document]
    interleaved = [q for row in zip_longest(*per_document) for q in row if q]
    return list(dict.fromkeys(interleaved))[:MAX_SUGGESTIONS]


def respond(pipeline: AskPipeline, question: str, turns: list[Turn], doc: str | None = None,
            scope: frozenset[str] | None = None, documents: Sequence[Document] | None = None
            ) -> Iterator[tuple[str, list, list[Turn]]]:
    """Show the question at once, then reveal the answer in chunks, then its sources; the
    answer comes from the documents in `scope` (every one for None), `documents` the same."""
    documents = pipeline.documents if documents is None else documents
    if not question or not question.strip():
        yield question, messages(turns, documents=documents), turns
        return
    pending = [*turns, Turn(question)]
    yield "", messages(pending, render.render_pending(), documents), turns
    try:
        answer = pipeline.ask(question, history=chat_state.history(turns), doc=doc,
                              scope=scope)
    except QAError as error:
        done = [*turns, Turn(question, error=str(error))]
        yield "", messages(done, documents=documents), done
        return
    if not answer.abstained:
        for prefix in _prefixes(answer.answer, STREAM_STEPS):
            partial = render.render_answer(answer, partial=prefix)
            yield "", messages(pending, partial, documents), turns
            time.sleep(STREAM_DELAY_S)
    done = [*turns, Turn(question, answer)]
    yield "", messages(done, documents=documents), done


def messages(turns: Sequence[Turn], live: str | None = None,
             documents: Sequence[Document] = ()) -> list[dict[str, str]]:
    """Chat messages for the turns; `live` is the content of the last, unfinished answer;
    `documents` let each source name its document."""
    chat: list[dict[str, str]] = []
    for i, turn in enumerate(turns):
        chat.append({"role": "user", "content": render.render_question(turn.question)})
        if turn.answer is not None:
            content = render.render_answer(turn.answer, documents=documents)
        elif turn.error is not None:
            content = render.render_error(turn.error)
        elif live is not None and i == len(turns) - 1:
            content = live
        else:
            continue
        chat.append({"role": "assistant", "content": content})
    return chat


def only(doc: str | None) -> str | None:
    """The document a question is limited to: None for "All documents" (or nothing)."""
    return None if not doc or doc == ALL_DOCUMENTS else doc


def turn_of_message(turns: Sequence[Turn], index: Any) -> int | None:
    """The turn whose assistant message sits at `index` of the chat (as `messages` lays out)."""
    position = -1
    for i, turn in enumerate(turns):
        position += 1  # the question
        if turn.answer is not None or turn.error is not None:
            position += 1
            if position == index:
                return i
    return None


def _prefixes(text: str, steps: int) -> Iterator[str]:
    """Growing prefixes of `text`, cut at spaces, about `steps` of them."""
    words = text.split(" ")
    size = max(1, len(words) // steps)
    for end in range(size, len(words), size):
        yield " ".join(words[:end])
