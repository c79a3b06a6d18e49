"""The chat's ratings and the "what was wrong" form (`qa.ui.app` wires them): each checks on
the server that the caller may give feedback and has quota left (`qa.access.Gate`), and works
only on the turns the caller may still read.
"""

from __future__ import annotations

from collections.abc import Callable

import gradio as gr

from qa.access import Gate
from qa.errors import AccessDenied
from qa.ui import chat_state, render
from qa.ui.chat import turn_of_message
from qa.ui.chat_state import Turn, withhold
from qa.ui.feedback import (
    MAX_COMMENT_CHARS,
    MAX_EXPECTED_CHOICES,
    Feedback,
    FeedbackStore,
    expected_choices,
)
from qa.ui.views import View


class FeedbackHandlers:
    """`vote` (a thumbs up or down on an answer) and `send_feedback` (the form a thumbs down
    opens), appending to the feedback store."""

    def __init__(self, view_of: Callable[[gr.Request | None, str], View], gate: Gate,
                 store: FeedbackStore) -> None:
        self.view_of = view_of
        self.gate = gate
        self.store = store

    def vote(self, turns: list[Turn], like: gr.LikeData,
             request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        try:
            view = self.view_of(request, "feedback")
            self.gate.feedback.take(view.caller.name, what="ratings")
        except AccessDenied as error:
            return (gr.skip(),) * 6 + (render.render_notice(str(error), error=True),)
        turns = withhold(turns, view.unreadable)
        index = turn_of_message(turns, like.index)
        turn = turns[index] if index is not None else None
        if turn is None or turn.answer is None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        rating = "up" if like.liked is True else "down" if like.liked is False else "none"
        self.store.append(Feedback(id=turn.id, rating=rating, question=turn.question,
                                      answer=turn.answer.to_dict(),
                                      history=chat_state.history(turns[:index])))
        if rating != "down":
            said = ("Thanks: your vote is saved on this computer." if rating == "up"
                    else "Vote taken back.")
            return (gr.Group(visible=False), None, gr.skip(), gr.skip(), gr.skip(), gr.skip(),
                    render.render_notice(said))
        title = (f'<p class="qa-feedback-title">What was wrong with the answer to '
                 f'<q>{render.escape(turn.question)}</q>? Saved on this computer only.</p>')
        return (gr.Group(visible=True), turn.id, title, gr.Textbox(value=""),
                gr.Checkbox(value=False),
                gr.Dropdown(choices=expected_choices(turn.answer, view.documents), value=[]),
                render.render_notice("Disliked: tell us why below (optional)."))

    def send_feedback(self, turn_id: str | None, turns: list[Turn], comment: str,
                      abstain: bool, expected: list[str] | None,
                      request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        try:
            view = self.view_of(request, "feedback")
            self.gate.feedback.take(view.caller.name, what="ratings")
        except AccessDenied as error:
            return gr.skip(), gr.skip(), render.render_notice(str(error), error=True)
        turns = withhold(turns, view.unreadable)
        comment = (comment or "")[:MAX_COMMENT_CHARS]  # the page's limit, also for raw calls
        expected = list(expected or [])[:MAX_EXPECTED_CHOICES]
        index = next((i for i, t in enumerate(turns) if t.id == turn_id), None)
        if index is None or turns[index].answer is None:
            return gr.Group(visible=False), None, gr.skip()
        turn = turns[index]
        named = {a.rpartition("#p")[0] for a in expected}  # only their documents are read
        by_anchor = {p.anchor: p for d in view.documents if d.doc in named for p in d.paragraphs}
        chosen = [{"anchor": a, "text": by_anchor[a].text} for a in expected or []
                  if a in by_anchor]
        self.store.append(Feedback(
            id=turn.id, rating="down", question=turn.question,
            answer=turn.answer.to_dict(),  # type: ignore[union-attr]
            history=chat_state.history(turns[:index]), comment=comment or "",
            expected=chosen, should_abstain=bool(abstain)))
        return (gr.Group(visible=False), None, render.render_notice(
            "Thanks: saved on this computer; qa feedback export turns it into a test."))


__all__ = ["FeedbackHandlers"]
