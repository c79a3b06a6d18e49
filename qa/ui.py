"""The browser chat: `build_app(pipeline)` returns a Gradio Blocks app; it does not launch it.

    app = build_app(Pipeline.load())
    app.launch(**launch_options(), server_name="127.0.0.1", server_port=7860)

Layout: the chat (answers with [n] markers, their cited paragraphs, a copy button, thumbs up
and down) beside an article pane holding every document; `static/ui.js` makes a click (or
Enter) on a citation switch the pane to the cited document, scroll to the paragraph, highlight
the quote and move the focus to it, without a round trip to the server. A selector limits
questions to one document; an upload button adds a file and *Documents* lists and removes them
through `qa.live.LivePipeline` (`qa.library` does the work).

State: each tab keeps its turns in a `gr.State`; a `gr.BrowserState` (localStorage, encrypted
with a secret kept in the index folder so it outlives a restart) holds them as JSON
(`qa.chat_state`), and they come back after a reload or a restart. A dislike opens a one-line
comment box; votes go to `qa.feedback` (a local file, never sent anywhere). The named endpoint
`/ask` (question, history, doc) returns the JSON of `Answer.to_dict()`. HTML is produced by
`qa.ui_render`; this module only wires events.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator, Sequence
from itertools import zip_longest
from pathlib import Path
from typing import Any, Protocol

import gradio as gr

from qa import chat_state
from qa import ui_render as render
from qa.access import Caller, Gate
from qa.chat_state import Turn
from qa.config import Settings
from qa.corpus import MAX_DOCUMENT_BYTES
from qa.errors import AccessDenied, QAError
from qa.feedback import MAX_COMMENT_CHARS, Feedback, FeedbackStore
from qa.suggestions import MAX_SUGGESTIONS, suggested_questions
from qa.types import Answer, Document

__all__ = ["Turn", "build_app", "example_questions", "launch_options", "messages", "respond"]

STATIC_DIR = Path(__file__).parent / "static"
ALL_DOCUMENTS = "*"  # the selector's value for "All documents"; document ids never hold "*"
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".pdf"]
STREAM_STEPS = 12  # the answer is revealed in about this many chunks
STREAM_DELAY_S = 0.03
STORAGE_KEY = "qa-conversation"
SECRET_FILE = ".browser-secret"  # in the index folder: saved conversations outlive a restart
MAX_EXPECTED_CHOICES = 1000
UPLOAD_CLEAN_EVERY_S = 3600  # Gradio deletes uploads older than this, this often


class AskPipeline(Protocol):
    """What the UI needs from `qa.Pipeline` (a stand-in with these members works too)."""

    settings: Settings

    @property
    def documents(self) -> list[Document]: ...

    def ask(self, question: str, history: list[list[str]] | None = None,
            doc: str | None = None) -> Answer: ...


def example_questions(documents: Sequence[Document], doc: str | None = None) -> list[str]:
    """The example buttons under the question box, made from the document searched
    (`qa.suggestions`); for several documents, a summary of all, then each one's in turn."""
    chosen = [d for d in documents if d.doc == doc] or list(documents)
    per_document = [suggested_questions(d) for d in chosen]
    if len(per_document) > 1:  # one summary of them all, then each document's own questions
        per_document = [["Summarize the documents."]] + [q[1:] for q in per_document]
    interleaved = [q for row in zip_longest(*per_document) for q in row if q]
    return list(dict.fromkeys(interleaved))[:MAX_SUGGESTIONS]


def build_app(pipeline: AskPipeline, examples: Sequence[str] | None = None,
              gate: Gate | None = None) -> gr.Blocks:
    """The chat app around a loaded pipeline (models and index are not touched here).

    A real `Pipeline` is wrapped in a `LivePipeline`, so documents can be added and removed; a
    stand-in without them gets neither the upload button nor the document list. `gate` says
    who is calling each handler and what they may do (default: the one local user, who may do
    everything); every handler that changes state or reads a conversation asks it, on the
    server, so a raw HTTP client can do no more than the page.
    """
    from qa.live import LivePipeline
    from qa.pipeline import Pipeline

    if isinstance(pipeline, Pipeline):
        pipeline = LivePipeline(pipeline)
    live = pipeline if isinstance(pipeline, LivePipeline) else None
    settings = pipeline.settings
    gate = gate or Gate(None)
    store = FeedbackStore.for_settings(settings)

    def caller_of(request: gr.Request | None, action: str) -> Caller:
        """The caller of this request, allowed `action` and owning its session (or raise)."""
        caller = gate.caller(getattr(request, "username", None))
        gate.check(caller, action)
        gate.claim(getattr(request, "session_hash", None), caller)
        return caller
    fixed_examples = examples is not None
    examples = list(examples) if examples is not None else example_questions(
        pipeline.documents)

    def example_buttons_for(doc: str | None) -> list[Any]:
        """The example buttons' new texts when another document is chosen (or added)."""
        texts = examples if fixed_examples else example_questions(pipeline.documents,
                                                                  _only(doc))
        padded = list(texts)[:len(example_buttons)]
        padded += [""] * (len(example_buttons) - len(padded))
        return [gr.Button(value=text, visible=bool(text)) for text in padded]

    def chat(question: str, turns: list[Turn], doc: str = ALL_DOCUMENTS,
             request: gr.Request = None) -> Iterator[tuple[str, list, list[Turn]]]:  # type: ignore[assignment]
        try:
            caller_of(request, "ask")
        except AccessDenied as error:
            raise gr.Error(str(error), print_exception=False) from error
        yield from respond(pipeline, question, turns, doc=_only(doc))

    def ask(question: str, history: list[list[str]] | None = None,
            doc: str | None = None, request: gr.Request = None) -> dict[str, Any]:  # type: ignore[assignment]
        """Answer a question from the documents; history is [[user, assistant], ...]; doc, a
        document id, limits the search to that document."""
        try:
            gate.check(gate.caller(getattr(request, "username", None)), "ask")
            return pipeline.ask(question, history=history or None, doc=_only(doc)).to_dict()
        except QAError as error:  # the caller gets the message; the server log stays clean
            raise gr.Error(str(error), print_exception=False) from error

    def save(turns: list[Turn]) -> tuple[list[dict], str]:
        last = turns[-1] if turns else None
        said = render.announcement(last.answer, last.error, pipeline.documents) if last else ""
        return chat_state.save(turns), render.escape(said)  # the live region is HTML

    def reopen(saved: Any, turns: list[Turn]) -> tuple:
        if turns or not saved:  # this tab already has its conversation, or nothing was saved
            return gr.skip(), gr.skip()
        restored = chat_state.restore(saved)
        return messages(restored, documents=pipeline.documents), restored

    def vote(turns: list[Turn], like: gr.LikeData,
             request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        try:
            caller = caller_of(request, "feedback")
            gate.feedback.take(caller.name, what="ratings")
        except AccessDenied as error:
            return (gr.skip(),) * 6 + (render.render_notice(str(error), error=True),)
        index = _turn_of_message(turns, like.index)
        turn = turns[index] if index is not None else None
        if turn is None or turn.answer is None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        rating = "up" if like.liked is True else "down" if like.liked is False else "none"
        store.append(Feedback(id=turn.id, rating=rating, question=turn.question,
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
                gr.Dropdown(choices=_expected_choices(turn.answer, pipeline.documents),
                            value=[]),
                render.render_notice("Disliked: tell us why below (optional)."))

    def send_feedback(turn_id: str | None, turns: list[Turn], comment: str,
                      abstain: bool, expected: list[str] | None,
                      request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        try:
            caller = caller_of(request, "feedback")
            gate.feedback.take(caller.name, what="ratings")
        except AccessDenied as error:
            return gr.skip(), gr.skip(), render.render_notice(str(error), error=True)
        comment = (comment or "")[:MAX_COMMENT_CHARS]  # the page's limit, also for raw calls
        expected = list(expected or [])[:MAX_EXPECTED_CHOICES]
        index = next((i for i, t in enumerate(turns) if t.id == turn_id), None)
        if index is None or turns[index].answer is None:
            return gr.Group(visible=False), None, gr.skip()
        turn = turns[index]
        by_anchor = {p.anchor: p for d in pipeline.documents for p in d.paragraphs}
        chosen = [{"anchor": a, "text": by_anchor[a].text} for a in expected or []
                  if a in by_anchor]
        store.append(Feedback(id=turn.id, rating="down", question=turn.question,
                              answer=turn.answer.to_dict(),  # type: ignore[union-attr]
                              history=chat_state.history(turns[:index]), comment=comment or "",
                              expected=chosen, should_abstain=bool(abstain)))
        return (gr.Group(visible=False), None, render.render_notice(
            "Thanks: saved on this computer; qa feedback export turns it into a test."))

    def add_document(file: str | None, replace: bool,
                     progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008
                     request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        if not file or live is None:
            return (gr.skip(),) * 7
        path = Path(file)
        caller = None
        try:
            caller = caller_of(request, "add")
            gate.uploads.take(caller.name, what="uploads")
            gate.upload_bytes.take(caller.name, path.stat().st_size, what="upload bytes")
            report = live.add([path], replace=bool(replace),
                              progress=lambda fraction, message: progress(fraction, desc=message))
        except (QAError, OSError) as error:
            gate.audit(caller or _claimed(request), "replace" if replace else "add",
                       path.name, f"refused: {error}")
            return (render.render_notice(str(error), error=True),) + (gr.skip(),) * 6
        finally:
            path.unlink(missing_ok=True)  # the upload's temporary copy: the corpus has its own
        gate.audit(caller, "replace" if replace else "add", report.files[0].name,
                   report.files[0].status)
        return (render.render_notice(_added_message(report)),
                *_library_views(live, shown=report.files[0].doc))

    def confirm_removal(name: str | None,
                        request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        try:
            caller_of(request, "remove")
        except AccessDenied as error:
            return gr.Group(visible=False), gr.skip(), render.render_notice(str(error),
                                                                            error=True)
        documents = pipeline.documents
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

    def remove_document(name: str | None, turns: list[Turn],
                        request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        if live is None or not name:
            return (gr.Group(visible=False),) + (gr.skip(),) * 8
        caller = None
        try:
            caller = caller_of(request, "remove")
            if len(live.documents) <= 1:
                raise AccessDenied("The only document cannot be removed; add another first.")
            report = live.remove(name)
        except (QAError, OSError) as error:
            gate.audit(caller or _claimed(request), "remove", name, f"refused: {error}")
            return ((gr.Group(visible=False), render.render_notice(str(error), error=True))
                    + (gr.skip(),) * 7)
        gate.audit(caller, "remove", report.name, "removed")
        return (gr.Group(visible=False),
                render.render_notice(f"Removed {report.name}; answers that cite it say so."),
                *_library_views(live),
                messages(turns, documents=live.documents))

    def export_conversation(turns: list[Turn],
                            request: gr.Request = None) -> tuple:  # type: ignore[assignment]
        try:
            caller_of(request, "ask")
        except AccessDenied as error:
            raise gr.Error(str(error), print_exception=False) from error
        return _export(turns)

    def refresh_views() -> tuple:
        """A new tab shows the documents as they are now, not as they were at start-up."""
        documents = pipeline.documents
        views = (render.render_header(documents), render.render_article(documents),
                 gr.Dropdown(choices=_document_choices(documents), value=ALL_DOCUMENTS))
        if live is None:
            return views
        return (*views, render.render_library(_entries(live)),
                gr.Dropdown(choices=_document_choices(documents)[1:], value=None),
                gr.Button(interactive=len(documents) > 1))

    with gr.Blocks(title="Ask the article", analytics_enabled=False,
                   delete_cache=(UPLOAD_CLEAN_EVERY_S, UPLOAD_CLEAN_EVERY_S)) as app:
        turns = gr.State([])
        saved = gr.BrowserState([], storage_key=STORAGE_KEY, secret=browser_secret(settings))
        feedback_turn = gr.State(None)
        header = gr.HTML(render.render_header(pipeline.documents))
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                chatbot = gr.Chatbot(
                    elem_id="qa-chat", show_label=False, height="62vh", buttons=[],
                    latex_delimiters=[], feedback_options=("Like", "Dislike"),
                    placeholder="Ask about the article. Answers quote it word for word; "
                                "click a number to see the sentence in the article.")
                announcer = gr.HTML("", elem_id="qa-live", elem_classes="qa-sr-only",
                                    js_on_load=_LIVE_REGION_JS)
                with gr.Group(visible=False, elem_id="qa-feedback") as feedback_box:
                    feedback_title = gr.HTML("")
                    comment = gr.Textbox(label="What was wrong? (optional, one line)",
                                         max_length=MAX_COMMENT_CHARS, lines=1,
                                         elem_id="qa-feedback-comment")
                    abstain = gr.Checkbox(False, elem_id="qa-feedback-abstain",
                                          label="The documents do not answer this: it should "
                                                "have said so")
                    expected = gr.Dropdown([], multiselect=True, value=[],
                                           elem_id="qa-feedback-expected",
                                           label="Where the answer is (optional)")
                    with gr.Row():
                        send = gr.Button("Send feedback", size="sm", variant="primary",
                                         elem_id="qa-feedback-send")
                        skip = gr.Button("Skip", size="sm", elem_id="qa-feedback-skip")
                feedback_status = gr.HTML("", elem_id="qa-feedback-status")
                question = gr.Textbox(
                    elem_id="qa-question", show_label=False, max_length=settings.
                    max_question_chars, lines=1, placeholder="Ask a question and press Enter",
                    submit_btn="Ask", autofocus=True)
                with gr.Row(elem_classes="qa-library", equal_height=True):
                    doc_select = gr.Dropdown(
                        _document_choices(pipeline.documents), value=ALL_DOCUMENTS,
                        label="Search in", elem_id="qa-doc", scale=3, min_width=200,
                        interactive=True)
                    if live is not None:
                        upload = gr.UploadButton("Add a document", file_types=UPLOAD_TYPES,
                                                 size="sm", elem_id="qa-upload", scale=1,
                                                 min_width=140)
                        replace = gr.Checkbox(False, label="Replace same name",
                                              elem_id="qa-replace", scale=1, min_width=140)
                upload_status = gr.HTML("", elem_id="qa-upload-status")
                with gr.Row(elem_classes="qa-examples"):
                    slots = max(len(examples), 0 if fixed_examples else MAX_SUGGESTIONS)
                    shown = examples + [""] * (slots - len(examples))
                    example_buttons = [gr.Button(text or " ", size="sm", variant="secondary",
                                                 elem_classes="qa-example", visible=bool(text))
                                       for text in shown]
                with gr.Row():
                    new_chat = gr.Button("New chat", size="sm", elem_classes="qa-new-chat")
                    export = gr.Button("Export Markdown", size="sm", elem_id="qa-export")
                with gr.Accordion("Conversation as Markdown", open=False) as export_box:
                    markdown = gr.Code(language="markdown", interactive=False, wrap_lines=True,
                                       show_label=False, buttons=["copy", "download"],
                                       elem_id="qa-markdown")
                if live is not None:
                    with gr.Accordion("Documents", open=False, elem_id="qa-documents"):
                        library_table = gr.HTML(render.render_library(_entries(live)),
                                                elem_id="qa-library-table")
                        with gr.Row(equal_height=True):
                            remove_select = gr.Dropdown(
                                _document_choices(live.documents)[1:], value=None,
                                label="Document to remove", elem_id="qa-remove-doc", scale=3,
                                interactive=True)
                            remove = gr.Button("Remove…", size="sm", variant="secondary",
                                               elem_id="qa-remove", scale=1,
                                               interactive=len(live.documents) > 1)
                        with gr.Group(visible=False, elem_id="qa-confirm") as confirm_box:
                            confirm_text = gr.HTML("")
                            with gr.Row():
                                confirm = gr.Button("Remove it", size="sm", variant="stop",
                                                    elem_id="qa-confirm-remove")
                                keep = gr.Button("Keep it", size="sm", elem_id="qa-keep")
                        remove_status = gr.HTML("", elem_id="qa-remove-status")
            with gr.Column(scale=2, min_width=320):
                article = gr.HTML(render.render_article(pipeline.documents),
                                  elem_id="qa-article")

        private: dict[str, Any] = {"api_visibility": "private"}
        chat_io = {"inputs": [question, turns, doc_select], "outputs": [question, chatbot, turns],
                   **private}
        save_io = {"fn": save, "inputs": turns, "outputs": [saved, announcer], "queue": False,
                   **private}
        doc_select.change(None, doc_select, None, queue=False,
                          js="(doc) => { if (window.qaShowDoc) window.qaShowDoc(doc); }",
                          **private)
        doc_select.change(example_buttons_for, doc_select, example_buttons, queue=False,
                          **private)
        if live is not None:
            library_outputs = [header, article, doc_select, library_table, remove_select,
                               remove]
            upload.upload(add_document, [upload, replace], [upload_status, *library_outputs],
                          show_progress_on=[upload_status], concurrency_limit=1,
                          **private).then(example_buttons_for, doc_select, example_buttons,
                                          queue=False, **private)
            remove.click(confirm_removal, remove_select, [confirm_box, confirm_text,
                                                          remove_status], queue=False, **private)
            keep.click(lambda: gr.Group(visible=False), None, confirm_box, queue=False,
                       **private)
            confirm.click(remove_document, [remove_select, turns],
                          [confirm_box, remove_status, *library_outputs, chatbot],
                          concurrency_limit=1, **private).then(
                example_buttons_for, doc_select, example_buttons, queue=False, **private)
        question.submit(chat, **chat_io).then(**save_io)
        for button in example_buttons:
            button.click(lambda text: text, button, question, queue=False, **private).then(
                chat, **chat_io).then(**save_io)
        gr.on([app.load, saved.change], reopen, [saved, turns], [chatbot, turns], queue=False,
              **private)
        cleared = [question, chatbot, turns, markdown, saved, announcer, feedback_box]
        new_chat.click(lambda: ("", [], [], "", [], "", gr.Group(visible=False)), None, cleared,
                       queue=False, **private)
        chatbot.clear(lambda: ([], "", []), None, [turns, markdown, saved], queue=False,
                      **private)
        chatbot.like(vote, turns, [feedback_box, feedback_turn, feedback_title, comment, abstain,
                                   expected, feedback_status], queue=False, **private)
        send.click(send_feedback, [feedback_turn, turns, comment, abstain, expected],
                   [feedback_box, feedback_turn, feedback_status], queue=False, **private)
        skip.click(lambda: (gr.Group(visible=False), None), None, [feedback_box, feedback_turn],
                   queue=False, **private)
        export.click(export_conversation, turns, [markdown, export_box], queue=False,
                     **private)
        view_outputs = [header, article, doc_select]
        if live is not None:
            view_outputs += [library_table, remove_select, remove]
        app.load(refresh_views, None, view_outputs, queue=False, **private).then(
            example_buttons_for, doc_select, example_buttons, queue=False, **private)
        gr.api(ask, api_name="ask")
    return app


# The announcer's own element is the live region; its content is replaced, the element stays.
_LIVE_REGION_JS = ("element.setAttribute('role', 'status'); "
                   "element.setAttribute('aria-live', 'polite');")


def browser_secret(settings: Settings) -> str:
    """The key saved conversations are encrypted with in the browser, kept in the index folder
    so that a restarted app can still read them (a fresh one if the folder is not writable)."""
    path = settings.index_dir / SECRET_FILE
    try:
        secret = path.read_text(encoding="utf-8").strip()
        if secret:
            return secret
    except OSError:
        pass
    secret = secrets.token_hex(16)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secret, encoding="utf-8")
        path.chmod(0o600)
    except OSError:
        pass
    return secret


def launch_options() -> dict[str, Any]:
    """Arguments for `launch()` that belong to the look: theme, local CSS/JS, no external links."""
    theme = gr.themes.Soft(font=["system-ui", "-apple-system", "Segoe UI", "sans-serif"],
                           font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"]).set(
        # Darker than Soft's defaults so that small text passes WCAG AA contrast (axe-core),
        # in the light and the dark theme.
        body_text_color_subdued="*neutral_600", body_text_color_subdued_dark="*neutral_300",
        color_accent="*primary_600", color_accent_soft="*primary_100",
        block_label_text_color="*primary_700", block_title_text_color="*primary_700",
        block_info_text_color="*neutral_600", block_info_text_color_dark="*neutral_300")
    script = (STATIC_DIR / "ui.js").read_text(encoding="utf-8")
    return {
        "theme": theme,
        "css": (STATIC_DIR / "ui.css").read_text(encoding="utf-8"),
        "head": f"<script>{script}</script>",
        "footer_links": ["api"],
        "share": False,
        "ssr_mode": False,
        "pwa": False,
        "mcp_server": False,
        "enable_monitoring": False,  # /monitoring would show every request's timing to anyone
        # Uploads far past the document limit are refused before they fill the disk; those
        # just past it still reach qa.library and get its message naming the limit.
        "max_file_size": 2 * MAX_DOCUMENT_BYTES,
    }


def respond(pipeline: AskPipeline, question: str, turns: list[Turn],
            doc: str | None = None) -> Iterator[tuple[str, list, list[Turn]]]:
    """Show the question at once, then reveal the answer in chunks, then its sources."""
    if not question or not question.strip():
        yield question, messages(turns, documents=pipeline.documents), turns
        return
    pending = [*turns, Turn(question)]
    documents = pipeline.documents
    yield "", messages(pending, render.render_pending(), documents), turns
    try:
        answer = pipeline.ask(question, history=chat_state.history(turns), doc=doc)
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


def _claimed(request: gr.Request | None) -> Caller:
    """Who a refused request said it was (for the audit log): its login, or anonymous."""
    return Caller(getattr(request, "username", None) or "anonymous", "")


def _only(doc: str | None) -> str | None:
    """The document a question is limited to: None for "All documents" (or nothing)."""
    return None if not doc or doc == ALL_DOCUMENTS else doc


def _turn_of_message(turns: Sequence[Turn], index: Any) -> int | None:
    """The turn whose assistant message sits at `index` of the chat (as `messages` lays out)."""
    position = -1
    for i, turn in enumerate(turns):
        position += 1  # the question
        if turn.answer is not None or turn.error is not None:
            position += 1
            if position == index:
                return i
    return None


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


def _entries(live: Any) -> list[Any]:
    from qa import library

    return library.listing(live.settings).entries


def _library_views(live: Any, shown: str | None = None) -> tuple:
    """The header, article pane, selectors and document table after the documents changed."""
    documents = live.documents
    choices = _document_choices(documents)
    return (render.render_header(documents), render.render_article(documents, shown=shown),
            gr.Dropdown(choices=choices, value=ALL_DOCUMENTS),
            render.render_library(_entries(live)),
            gr.Dropdown(choices=choices[1:], value=None),
            gr.Button(interactive=len(documents) > 1))


def _document_choices(documents: Sequence[Document]) -> list[tuple[str, str]]:
    return [("All documents", ALL_DOCUMENTS)] + [
        (f"{d.title} ({d.path})", d.doc) for d in documents]


def _added_message(report: Any) -> str:
    added = report.files[0]
    if report.build is None or report.build.paragraphs_embedded == 0:
        return f"{added.name} is indexed ({added.paragraphs} paragraphs): nothing new to embed."
    build = report.build
    reused = build.paragraphs - build.paragraphs_embedded
    return (f"{added.status.capitalize()} {added.name}: {added.paragraphs} paragraphs, "
            f"{build.paragraphs_embedded} embedded, {reused} reused. Ask about it now.")


def _prefixes(text: str, steps: int) -> Iterator[str]:
    """Growing prefixes of `text`, cut at spaces, about `steps` of them."""
    words = text.split(" ")
    size = max(1, len(words) // steps)
    for end in range(size, len(words), size):
        yield " ".join(words[:end])


def _export(turns: list[Turn]) -> tuple[str, gr.Accordion]:
    answers = [t.answer for t in turns if t.answer is not None]
    return render.conversation_markdown(answers), gr.Accordion(open=True)
