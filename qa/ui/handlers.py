"""What the chat's events do (`qa.ui.app` wires them): ask, vote, add and remove documents,
export. Every handler asks the gate who is calling, on the server, so a raw HTTP client can
do no more than the page; and each works within that caller's view (`qa.ui.views`): the
documents of the libraries they may read, and the libraries they may change.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from qa.access import Caller, Gate
from qa.access.libraries import DEFAULT_LIBRARY, Libraries, check_library_name
from qa.answer.suggestions import MAX_SUGGESTIONS
from qa.errors import AccessDenied, QAError
from qa.ui import chat_state, render
from qa.ui.chat import (
    ALL_DOCUMENTS,
    AskPipeline,
    example_questions,
    messages,
    only,
    respond,
)
from qa.ui.chat_state import Turn, withhold
from qa.ui.feedback import FeedbackStore
from qa.ui.feedback_handlers import FeedbackHandlers
from qa.ui.views import View, added_message, document_views, page_figure

if TYPE_CHECKING:
    from qa.documents.live import LivePipeline



class Handlers:
    """The event handlers of one app, over its pipeline (`live`: the same, when documents can
    be added and removed), its gate and its feedback store."""

    def __init__(self, pipeline: AskPipeline, live: LivePipeline | None, gate: Gate,
                 examples: Sequence[str] | None) -> None:
        self.pipeline = pipeline
        self.live = live
        self.gate = gate
        self.libraries = Libraries(pipeline.settings.corpus_dir)
        self.feedback = FeedbackStore.for_settings(pipeline.settings)
        self.ratings = FeedbackHandlers(self.view_of, gate, self.feedback)
        self.fixed_examples = examples is not None
        self.examples = (list(examples) if examples is not None
                         else example_questions(self.public_view().documents))
        # example buttons: as many as fixed examples, or room for any document's suggestions
        self.slots = max(len(self.examples), 0 if self.fixed_examples else MAX_SUGGESTIONS)

    def caller_of(self, request: gr.Request | None, action: str) -> Caller:
        """The caller of this request, allowed `action` and owning its session (or raise)."""
        caller = self.gate.caller(getattr(request, "username", None))
        self.gate.check(caller, action)
        self.gate.claim(getattr(request, "session_hash", None), caller)
        return caller

    def public_view(self) -> View:
        """What the page is built with before anyone is known: every document without
        accounts, none with them (each caller's own view comes with the page's load event)."""
        caller = (Caller("nobody", "reader", frozenset()) if self.gate.login_required
                  else self.gate.anonymous)
        return View.of(caller, self.pipeline.documents, self.libraries)

    def view_of(self, request: gr.Request | None, action: str = "ask") -> View:
        """What the caller of this request may see and change (see `caller_of`)."""
        return View.of(self.caller_of(request, action), self.pipeline.documents, self.libraries)

    def example_buttons_for(self, doc: str | None,
                            request: gr.Request = None) -> list[Any]:  # type: ignore[assignment]
        """The example buttons' new texts when another document is chosen (or added)."""
        try:
            documents = self.view_of(request).documents
        except AccessDenied:
            documents = []
        texts = self.examples if self.fixed_examples else example_questions(
            documents, only(doc)) if documents else []
        padded = list(texts)[:self.slots]
        padded += [""] * (self.slots - len(padded))
        return [gr.Button(value=text, visible=bool(text)) for text in padded]

    def chat(self, question: str, turns: list[Turn], doc: str = ALL_DOCUMENTS,
             request: gr.Request = None) -> Iterator[tuple[str, list, list[Turn]]]:  # type: ignore[assignment]
        try:
            view = self.view_of(request)
        except AccessDenied as error:
            raise gr.Error(str(error), print_exception=False) from error
        yield from respond(self.pipeline, question, withhold(turns, view.unreadable),
                           doc=only(doc), scope=view.scope, documents=view.documents)

    def ask(self, question: str, history: list[list[str]] | None = None,
            doc: str | None = None, request: gr.Request = None) -> dict[str, Any]:  # type: ignore[assignment]
        """Answer a question from the documents; history is [[user, assistant], ...]; doc, a
        document id, limits the search to that document."""
        try:
            caller = self.gate.caller(getattr(request, "username", None))
            self.gate.check(caller, "ask")
            view = View.of(caller, self.pipeline.documents, self.libraries)
            return self.pipeline.ask(question, history=history or None, doc=only(doc),
                                     scope=view.scope).to_dict()
        except QAError as error:  # the caller gets the message; the server log stays clean
            raise gr.Error(str(error), print_exception=False) from error

    def save(self, turns: list[Turn],
             request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        """The conversation to keep in this browser, and the live region's announcement of
        its last answer (for the session's owner only: a raw client naming another's session
        gets nothing)."""
        if not self.owns(request):
            return gr.skip(), gr.skip()
        last = turns[-1] if turns else None
        said = (render.announcement(last.answer, last.error, self.pipeline.documents)
                if last else "")
        return chat_state.save(turns), render.escape(said)  # the live region is HTML

    def owns(self, request: gr.Request | None) -> bool:
        """The caller may ask and this request's session is theirs (see `caller_of`)."""
        try:
            self.caller_of(request, "ask")
        except AccessDenied:
            return False
        return True

    def new_chat(self, request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        """Empty the question, conversation, saved copy and notices of the caller's session."""
        if not self.owns(request):
            return (gr.skip(),) * 7
        return "", [], [], "", [], "", gr.Group(visible=False)

    def clear_chat(self, request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        """The chat's own clear button: the conversation, its export and its saved copy."""
        if not self.owns(request):
            return gr.skip(), gr.skip(), gr.skip()
        return [], "", []

    def reopen(self, saved: Any, turns: list[Turn],
               request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        """The conversation saved in this browser, without what the caller may no longer
        read (a withdrawn library's quotes stay withheld)."""
        if turns or not saved:  # this tab already has its conversation, or nothing was saved
            return gr.skip(), gr.skip()
        try:
            view = self.view_of(request)
        except AccessDenied:
            return gr.skip(), gr.skip()
        restored = withhold(chat_state.restore(saved), view.unreadable)
        return messages(restored, documents=view.documents), restored

    def add_document(self, file: str | None, replace: bool, library: str | None = None,
                     progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008
                     request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        """Add (or replace) a document in a library the caller may change."""
        if not file or self.live is None:
            return (gr.skip(),) * 8
        path = Path(file)
        caller = None
        try:
            view = self.view_of(request, "add")
            caller = view.caller
            library = check_library_name(library or DEFAULT_LIBRARY)
            if not caller.writes(library):
                raise AccessDenied(f"{caller.name} may not add to the library {library!r}.")
            self.gate.uploads.take(caller.name, what="uploads")
            self.gate.upload_bytes.take(caller.name, path.stat().st_size, what="upload bytes")
            report = self.live.add(
                [path], replace=bool(replace), library_name=library,
                progress=lambda fraction, message: progress(fraction, desc=message))
        except (QAError, OSError) as error:
            self.gate.audit(caller or _claimed(request), "replace" if replace else "add",
                            path.name, f"refused: {error}")
            return (render.render_notice(str(error), error=True),) + (gr.skip(),) * 7
        finally:
            path.unlink(missing_ok=True)  # the upload's temporary copy: the corpus has its own
        self.gate.audit(caller, "replace" if replace else "add",
                        f"{library}/{report.files[0].name}", report.files[0].status)
        view = View.of(caller, self.live.documents, self.libraries)
        return (render.render_notice(added_message(report)),
                *document_views(view, self.live, shown=report.files[0].doc))

    def confirm_removal(self, name: str | None,
                        request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        try:
            view = self.view_of(request, "remove")
        except AccessDenied as error:
            return gr.Group(visible=False), gr.skip(), render.render_notice(str(error),
                                                                            error=True)
        documents = self.pipeline.documents
        document = next((d for d in view.changeable() if d.doc == name), None)
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
            return (gr.Group(visible=False),) + (gr.skip(),) * 9
        caller = None
        try:
            view = self.view_of(request, "remove")
            caller = view.caller
            if not view.may_change(name):  # the same message whether or not it exists
                raise AccessDenied(f"No document {name!r} that {caller.name} may remove.")
            if len(self.live.documents) <= 1:
                raise AccessDenied("The only document cannot be removed; add another first.")
            report = self.live.remove(name)
        except (QAError, OSError) as error:
            self.gate.audit(caller or _claimed(request), "remove", name, f"refused: {error}")
            return ((gr.Group(visible=False), render.render_notice(str(error), error=True))
                    + (gr.skip(),) * 9)
        self.gate.audit(caller, "remove", report.name, "removed")
        view = View.of(caller, self.live.documents, self.libraries)
        return (gr.Group(visible=False),
                render.render_notice(f"Removed {report.name}; answers that cite it say so."),
                *document_views(view, self.live),
                messages(withhold(turns, view.unreadable), documents=view.documents),
                "")  # an "Added … Ask about it now." notice is stale once anything is removed

    def export_conversation(self, turns: list[Turn],
                            request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        try:
            view = self.view_of(request)
        except AccessDenied as error:
            raise gr.Error(str(error), print_exception=False) from error
        answers = [t.answer for t in withhold(turns, view.unreadable) if t.answer is not None]
        return render.conversation_markdown(answers), gr.Accordion(open=True)

    def show_page(self, request_text: str,
                  request: gr.Request = None) -> str:  # type: ignore[assignment]
        """The page of a PDF or scan a "See page N" link asks for, the quote boxed."""
        try:
            view = self.view_of(request)
        except AccessDenied as error:
            return render.render_notice(str(error), error=True)
        return page_figure(view, request_text or "", self.pipeline.settings.corpus_dir)

    def refresh_views(self, request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        """A new tab shows the documents as they are now (not as at start-up), those of the
        libraries its caller may read."""
        try:
            view = self.view_of(request)
        except AccessDenied:
            view = View.of(Caller("nobody", "reader", frozenset()), [], self.libraries)
        return document_views(view, self.live)

    def initial_views(self) -> tuple:
        """The document views the page is built with (`public_view`)."""
        return document_views(self.public_view(), self.live)


def _claimed(request: gr.Request | None) -> Caller:
    """Who a refused request said it was (for the audit log): its login, or anonymous."""
    return Caller(getattr(request, "username", None) or "anonymous", "")
