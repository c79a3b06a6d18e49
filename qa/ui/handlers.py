"""What the chat's events do (`qa.ui.app` wires them): ask, vote, add and remove documents,
export. Every handler that changes state or reads a conversation asks the gate who is
calling, on the server, so a raw HTTP client can do no more than the page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from qa.access import Caller, Gate
from qa.answer.suggestions import MAX_SUGGESTIONS
from qa.errors import AccessDenied, QAError
from qa.types import Answer, Document
from qa.ui import chat_state, render
from qa.ui.chat import (
    ALL_DOCUMENTS,
    AskPipeline,
    example_questions,
    messages,
    only,
    respond,
    turn_of_message,
)
from qa.ui.chat_state import Turn
from qa.ui.feedback import MAX_COMMENT_CHARS, Feedback, FeedbackStore

if TYPE_CHECKING:
    from qa.documents.live import LivePipeline

MAX_EXPECTED_CHOICES = 1000


class Handlers:
    """The event handlers of one app, over its pipeline (`live`: the same, when documents can
    be added and removed), its gate and its feedback store."""

    def __init__(self, pipeline: AskPipeline, live: LivePipeline | None, gate: Gate,
                 examples: Sequence[str] | None) -> None:
        self.pipeline = pipeline
        self.live = live
        self.gate = gate
        self.feedback = FeedbackStore.for_settings(pipeline.settings)
        self.fixed_examples = examples is not None
        self.examples = (list(examples) if examples is not None
                         else example_questions(pipeline.documents))
        # example buttons: as many as fixed examples, or room for any document's suggestions
        self.slots = max(len(self.examples), 0 if self.fixed_examples else MAX_SUGGESTIONS)

    def caller_of(self, request: gr.Request | None, action: str) -> Caller:
        """The caller of this request, allowed `action` and owning its session (or raise)."""
        caller = self.gate.caller(getattr(request, "username", None))
        self.gate.check(caller, action)
        self.gate.claim(getattr(request, "session_hash", None), caller)
        return caller

    def example_buttons_for(self, doc: str | None) -> list[Any]:
        """The example buttons' new texts when another document is chosen (or added)."""
        texts = self.examples if self.fixed_examples else example_questions(
            self.pipeline.documents, only(doc))
        padded = list(texts)[:self.slots]
        padded += [""] * (self.slots - len(padded))
        return [gr.Button(value=text, visible=bool(text)) for text in padded]

    def chat(self, question: str, turns: list[Turn], doc: str = ALL_DOCUMENTS,
             request: gr.Request = None) -> Iterator[tuple[str, list, list[Turn]]]:  # type: ignore[assignment]
        try:
            self.caller_of(request, "ask")
        except AccessDenied as error:
            raise gr.Error(str(error), print_exception=False) from error
        yield from respond(self.pipeline, question, turns, doc=only(doc))

    def ask(self, question: str, history: list[list[str]] | None = None,
            doc: str | None = None, request: gr.Request = None) -> dict[str, Any]:  # type: ignore[assignment]
        """Answer a question from the documents; history is [[user, assistant], ...]; doc, a
        document id, limits the search to that document."""
        try:
            self.gate.check(self.gate.caller(getattr(request, "username", None)), "ask")
            return self.pipeline.ask(question, history=history or None, doc=only(doc)).to_dict()
        except QAError as error:  # the caller gets the message; the server log stays clean
            raise gr.Error(str(error), print_exception=False) from error

    def save(self, turns: list[Turn]) -> tuple[list[dict], str]:
        last = turns[-1] if turns else None
        said = (render.announcement(last.answer, last.error, self.pipeline.documents)
                if last else "")
        return chat_state.save(turns), render.escape(said)  # the live region is HTML

    def reopen(self, saved: Any, turns: list[Turn]) -> tuple:
        if turns or not saved:  # this tab already has its conversation, or nothing was saved
            return gr.skip(), gr.skip()
        restored = chat_state.restore(saved)
        return messages(restored, documents=self.pipeline.documents), restored

    def vote(self, turns: list[Turn], like: gr.LikeData,
             request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        try:
            caller = self.caller_of(request, "feedback")
            self.gate.feedback.take(caller.name, what="ratings")
        except AccessDenied as error:
            return (gr.skip(),) * 6 + (render.render_notice(str(error), error=True),)
        index = turn_of_message(turns, like.index)
        turn = turns[index] if index is not None else None
        if turn is None or turn.answer is None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        rating = "up" if like.liked is True else "down" if like.liked is False else "none"
        self.feedback.append(Feedback(id=turn.id, rating=rating, question=turn.question,
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
                gr.Dropdown(choices=_expected_choices(turn.answer, self.pipeline.documents),
                            value=[]),
                render.render_notice("Disliked: tell us why below (optional)."))

    def send_feedback(self, turn_id: str | None, turns: list[Turn], comment: str,
                      abstain: bool, expected: list[str] | None,
                      request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        try:
            caller = self.caller_of(request, "feedback")
            self.gate.feedback.take(caller.name, what="ratings")
        except AccessDenied as error:
            return gr.skip(), gr.skip(), render.render_notice(str(error), error=True)
        comment = (comment or "")[:MAX_COMMENT_CHARS]  # the page's limit, also for raw calls
        expected = list(expected or [])[:MAX_EXPECTED_CHOICES]
        index = next((i for i, t in enumerate(turns) if t.id == turn_id), None)
        if index is None or turns[index].answer is None:
            return gr.Group(visible=False), None, gr.skip()
        turn = turns[index]
        by_anchor = {p.anchor: p for d in self.pipeline.documents for p in d.paragraphs}
        chosen = [{"anchor": a, "text": by_anchor[a].text} for a in expected or []
                  if a in by_anchor]
        self.feedback.append(Feedback(
            id=turn.id, rating="down", question=turn.question,
            answer=turn.answer.to_dict(),  # type: ignore[union-attr]
            history=chat_state.history(turns[:index]), comment=comment or "",
            expected=chosen, should_abstain=bool(abstain)))
        return (gr.Group(visible=False), None, render.render_notice(
            "Thanks: saved on this computer; qa feedback export turns it into a test."))

    def add_document(self, file: str | None, replace: bool,
                     progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008
                     request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        if not file or self.live is None:
            return (gr.skip(),) * 7
        path = Path(file)
        caller = None
        try:
            caller = self.caller_of(request, "add")
            self.gate.uploads.take(caller.name, what="uploads")
            self.gate.upload_bytes.take(caller.name, path.stat().st_size, what="upload bytes")
            report = self.live.add(
                [path], replace=bool(replace),
                progress=lambda fraction, message: progress(fraction, desc=message))
        except (QAError, OSError) as error:
            self.gate.audit(caller or _claimed(request), "replace" if replace else "add",
                            path.name, f"refused: {error}")
            return (render.render_notice(str(error), error=True),) + (gr.skip(),) * 6
        finally:
            path.unlink(missing_ok=True)  # the upload's temporary copy: the corpus has its own
        self.gate.audit(caller, "replace" if replace else "add", report.files[0].name,
                        report.files[0].status)
        return (render.render_notice(_added_message(report)),
                *_library_views(self.live, shown=report.files[0].doc))

    def confirm_removal(self, name: str | None,
                        request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        try:
            self.caller_of(request, "remove")
        except AccessDenied as error:
            return gr.Group(visible=False), gr.skip(), render.render_notice(str(error),
                                                                            error=True)
        documents = self.pipeline.documents
        document = next((d for d in documents if d.doc == name), None)
        if document is None:
            return gr.Group(visible=False), gr.skip(), render.render_notice(
                "Choose a document to remove first.", error=True)
        if len(documents) == 1:
            return gr.Group(visible=False), gr.skip(), render.render_notice(
                f"{document.path} is the only document; add another before removing it.",
                error=True)
        question = (f'<p class="qa-confirm-text">Remove <cite>{render.escape(document.title)}'
                    f'</cite> ({render.escape(document.path)}) from the documents? Answers that '
                    f'cite it will say it is gone.</p>')
        return gr.Group(visible=True), question, ""

    def remove_document(self, name: str | None, turns: list[Turn],
                        request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        if self.live is None or not name:
            return (gr.Group(visible=False),) + (gr.skip(),) * 8
        caller = None
        try:
            caller = self.caller_of(request, "remove")
            if len(self.live.documents) <= 1:
                raise AccessDenied("The only document cannot be removed; add another first.")
            report = self.live.remove(name)
        except (QAError, OSError) as error:
            self.gate.audit(caller or _claimed(request), "remove", name, f"refused: {error}")
            return ((gr.Group(visible=False), render.render_notice(str(error), error=True))
                    + (gr.skip(),) * 7)
        self.gate.audit(caller, "remove", report.name, "removed")
        return (gr.Group(visible=False),
                render.render_notice(f"Removed {report.name}; answers that cite it say so."),
                *_library_views(self.live),
                messages(turns, documents=self.live.documents))

    def export_conversation(self, turns: list[Turn],
                            request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        try:
            self.caller_of(request, "ask")
        except AccessDenied as error:
            raise gr.Error(str(error), print_exception=False) from error
        return _export(turns)

    def refresh_views(self) -> tuple:
        """A new tab shows the documents as they are now, not as they were at start-up."""
        documents = self.pipeline.documents
        views = (render.render_header(documents), render.render_article(documents),
                 gr.Dropdown(choices=document_choices(documents), value=ALL_DOCUMENTS))
        if self.live is None:
            return views
        return (*views, render.render_library(library_entries(self.live)),
                gr.Dropdown(choices=document_choices(documents)[1:], value=None),
                gr.Button(interactive=len(documents) > 1))


def _claimed(request: gr.Request | None) -> Caller:
    """Who a refused request said it was (for the audit log): its login, or anonymous."""
    return Caller(getattr(request, "username", None) or "anonymous", "")


def _expected_choices(answer: Answer, documents: Sequence[Document]) -> list[tuple[str, str]]:
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


def library_entries(live: Any) -> list[Any]:
    """The document table's rows (`qa.documents.library.listing`)."""
    from qa.documents import library

    return library.listing(live.settings).entries


def _library_views(live: Any, shown: str | None = None) -> tuple:
    """The header, article pane, selectors and document table after the documents changed."""
    documents = live.documents
    choices = document_choices(documents)
    return (render.render_header(documents), render.render_article(documents, shown=shown),
            gr.Dropdown(choices=choices, value=ALL_DOCUMENTS),
            render.render_library(library_entries(live)),
            gr.Dropdown(choices=choices[1:], value=None),
            gr.Button(interactive=len(documents) > 1))


def document_choices(documents: Sequence[Document]) -> list[tuple[str, str]]:
    return [("All documents", ALL_DOCUMENTS)] + [
        (f"{d.title} ({d.path})", d.doc) for d in documents]


def _added_message(report: Any) -> str:
    """The notice after an upload. Its paragraphs were embedded before the library's lock was
    taken (`qa.store.prepared`), so the build itself reports them as reused: the file's
    status, not the build's counts, says whether anything changed."""
    added = report.files[0]
    if added.status == "unchanged" or report.build is None:
        return f"{added.name} is indexed ({added.paragraphs} paragraphs): nothing new to embed."
    return (f"{added.status.capitalize()} {added.name}: {added.paragraphs} paragraphs. "
            f"Ask about it now.")


def _export(turns: list[Turn]) -> tuple[str, gr.Accordion]:
    answers = [t.answer for t in turns if t.answer is not None]
    return render.conversation_markdown(answers), gr.Accordion(open=True)
