"""The browser chat: `build_app(pipeline)` returns a Gradio Blocks app; it does not launch it.

    app = build_app(Pipeline.load())
    app.launch(**launch_options(), server_name="127.0.0.1", server_port=7860)

Layout: the chat (answers with [n] markers, their cited paragraphs, a copy button, thumbs up
and down) beside an article pane holding every document; `static/ui.js` makes a click (or
Enter) on a citation switch the pane to the cited document, scroll to the paragraph, highlight
the quote and move the focus to it, without a round trip to the server. A selector limits
questions to one document; an upload button adds a file and *Documents* lists and removes them
through `qa.documents.live.LivePipeline` (`qa.documents.library` does the work).

State: each tab keeps its turns in a `gr.State`; a `gr.BrowserState` (localStorage, encrypted
with a secret kept in the index folder so it outlives a restart) holds them as JSON
(`qa.ui.chat_state`), and they come back after a reload or a restart. A dislike opens a one-line
comment box; votes go to `qa.ui.feedback` (a local file, never sent anywhere). The named endpoint
`/ask` (question, history, doc) returns the JSON of `Answer.to_dict()`. HTML is produced by
`qa.ui.render`; the handlers are `qa.ui.handlers`; this module lays out the page and
wires events.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from qa.access import Gate
from qa.config import Settings
from qa.documents.corpus import MAX_DOCUMENT_BYTES, SUPPORTED_SUFFIXES
from qa.ui import render
from qa.ui.chat import ALL_DOCUMENTS, AskPipeline
from qa.ui.feedback import MAX_COMMENT_CHARS
from qa.ui.handlers import Handlers

__all__ = ["build_app", "launch_options"]

STATIC_DIR = Path(__file__).parent / "static"
UPLOAD_TYPES = list(SUPPORTED_SUFFIXES)
STORAGE_KEY = "qa-conversation"
SECRET_FILE = ".browser-secret"  # in the index folder: saved conversations outlive a restart
UPLOAD_CLEAN_EVERY_S = 3600  # Gradio deletes uploads older than this, this often


def build_app(pipeline: AskPipeline, examples: Sequence[str] | None = None,
              gate: Gate | None = None) -> gr.Blocks:
    """The chat app around a loaded pipeline (models and index are not touched here).

    A real `Pipeline` is wrapped in a `LivePipeline`, so documents can be added and removed; a
    stand-in without them gets neither the upload button nor the document list. `gate` says
    who is calling each handler and what they may do (default: the one local user, who may do
    everything); every handler that changes state or reads a conversation asks it, on the
    server, so a raw HTTP client can do no more than the page.
    """
    from qa.documents.live import LivePipeline
    from qa.pipeline import Pipeline

    if isinstance(pipeline, Pipeline):
        pipeline = LivePipeline(pipeline)
    live = pipeline if isinstance(pipeline, LivePipeline) else None
    settings = pipeline.settings
    h = Handlers(pipeline, live, gate or Gate(None), examples)  # what the events do
    # Built with what anyone may see (nothing, with accounts); the load event fills in each
    # caller's own documents, so no document of a library reaches a page not allowed it.
    first = h.initial_views()

    subject = render.subject_of(pipeline.documents)
    with gr.Blocks(title=f"Ask the {subject}", analytics_enabled=False,
                   delete_cache=(UPLOAD_CLEAN_EVERY_S, UPLOAD_CLEAN_EVERY_S)) as app:
        turns = gr.State([])
        saved = gr.BrowserState([], storage_key=STORAGE_KEY, secret=browser_secret(settings))
        feedback_turn = gr.State(None)
        header = gr.HTML(first[0])
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                chatbot = gr.Chatbot(
                    elem_id="qa-chat", show_label=False, height="62vh", buttons=[],
                    latex_delimiters=[], feedback_options=("Like", "Dislike"),
                    placeholder=f"Ask about the {subject}. Answers quote "
                                f"{'them' if subject == 'documents' else 'it'} word for word; "
                                f"click a number to see the sentence in the {subject}.")
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
                        first[2].choices, value=ALL_DOCUMENTS, label="Search in",
                        elem_id="qa-doc", scale=3, min_width=200,
                        interactive=True)
                    if live is not None:
                        upload = gr.UploadButton("Add a document", file_types=UPLOAD_TYPES,
                                                 size="sm", elem_id="qa-upload", scale=1,
                                                 min_width=140)
                        replace = gr.Checkbox(False, label="Replace same name",
                                              elem_id="qa-replace", scale=1, min_width=140)
                        library_select = gr.Dropdown(
                            first[6].choices, value=first[6].value, label="Add to library",
                            elem_id="qa-add-library", scale=1, min_width=140,
                            visible=first[6].visible,
                            allow_custom_value=first[6].allow_custom_value)
                upload_status = gr.HTML("", elem_id="qa-upload-status")
                with gr.Row(elem_classes="qa-examples"):
                    shown = h.examples + [""] * (h.slots - len(h.examples))
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
                        library_table = gr.HTML(first[3], elem_id="qa-library-table")
                        with gr.Row(equal_height=True):
                            remove_select = gr.Dropdown(
                                first[4].choices, value=None,
                                label="Document to remove", elem_id="qa-remove-doc", scale=3,
                                interactive=True)
                            remove = gr.Button("Remove…", size="sm", variant="secondary",
                                               elem_id="qa-remove", scale=1,
                                               interactive=first[5].interactive)
                        with gr.Group(visible=False, elem_id="qa-confirm") as confirm_box:
                            confirm_text = gr.HTML("")
                            with gr.Row():
                                confirm = gr.Button("Remove it", size="sm", variant="stop",
                                                    elem_id="qa-confirm-remove")
                                keep = gr.Button("Keep it", size="sm", elem_id="qa-keep")
                        remove_status = gr.HTML("", elem_id="qa-remove-status")
            with gr.Column(scale=2, min_width=320):
                page_view = gr.HTML("", elem_id="qa-page-view")
                page_request = gr.Textbox("", elem_id="qa-page-request", show_label=False,
                                          container=False, elem_classes="qa-hidden")
                article = gr.HTML(first[1], elem_id="qa-article")

        private: dict[str, Any] = {"api_visibility": "private"}
        chat_io = {"inputs": [question, turns, doc_select], "outputs": [question, chatbot, turns],
                   **private}
        save_io = {"fn": h.save, "inputs": turns, "outputs": [saved, announcer], "queue": False,
                   **private}
        doc_select.change(None, doc_select, None, queue=False,
                          js="(doc) => { if (window.qaShowDoc) window.qaShowDoc(doc); }",
                          **private)
        doc_select.change(h.example_buttons_for, doc_select, example_buttons, queue=False,
                          **private)
        if live is not None:
            library_outputs = [header, article, doc_select, library_table, remove_select,
                               remove, library_select]
            upload.upload(h.add_document, [upload, replace, library_select],
                          [upload_status, *library_outputs],
                          show_progress_on=[upload_status], concurrency_limit=1,
                          **private).then(h.example_buttons_for, doc_select, example_buttons,
                                          queue=False, **private)
            remove.click(h.confirm_removal, remove_select, [confirm_box, confirm_text,
                                                          remove_status], queue=False, **private)
            keep.click(lambda: gr.Group(visible=False), None, confirm_box, queue=False,
                       **private)
            confirm.click(h.remove_document, [remove_select, turns],
                          [confirm_box, remove_status, *library_outputs, chatbot,
                           upload_status],
                          concurrency_limit=1, **private).then(
                h.example_buttons_for, doc_select, example_buttons, queue=False, **private)
        question.submit(h.chat, **chat_io).then(**save_io)
        for button in example_buttons:
            button.click(lambda text: text, button, question, queue=False, **private).then(
                h.chat, **chat_io).then(**save_io)
        gr.on([app.load, saved.change], h.reopen, [saved, turns], [chatbot, turns], queue=False,
              **private)
        cleared = [question, chatbot, turns, markdown, saved, announcer, feedback_box]
        new_chat.click(h.new_chat, None, cleared, queue=False, **private)
        chatbot.clear(h.clear_chat, None, [turns, markdown, saved], queue=False, **private)
        chatbot.like(h.ratings.vote, turns, [feedback_box, feedback_turn, feedback_title,
                                             comment, abstain, expected, feedback_status],
                     queue=False, **private)
        send.click(h.ratings.send_feedback, [feedback_turn, turns, comment, abstain, expected],
                   [feedback_box, feedback_turn, feedback_status], queue=False, **private)
        skip.click(lambda: (gr.Group(visible=False), None), None, [feedback_box, feedback_turn],
                   queue=False, **private)
        export.click(h.export_conversation, turns, [markdown, export_box], queue=False,
                     **private)
        # a "See page N" link (static/ui.js fills the hidden box): the page drawn by the server
        page_request.change(h.show_page, page_request, page_view, concurrency_limit=2,
                           show_progress="minimal", **private)
        view_outputs = [header, article, doc_select]
        if live is not None:
            view_outputs += [library_table, remove_select, remove, library_select]
        # no progress dimming: a fresh page is refreshed at once, and dimmed text fails contrast
        app.load(h.refresh_views, None, view_outputs, queue=False, show_progress="hidden",
                 **private).then(
            h.example_buttons_for, doc_select, example_buttons, queue=False,
            show_progress="hidden", **private)
        gr.api(h.ask, api_name="ask")
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
        # just past it still reach qa.documents.library and get its message naming the limit.
        "max_file_size": 2 * MAX_DOCUMENT_BYTES,
    }
