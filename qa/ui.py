"""The browser chat: `build_app(pipeline)` returns a Gradio Blocks app; it does not launch it.

    app = build_app(Pipeline.load())
    app.launch(**launch_options(), server_name="127.0.0.1", server_port=7860)

Layout: the chat (answers with [n] markers, their cited paragraphs, a copy button) beside an
article pane holding every document; `static/ui.js` makes a click on a citation switch the pane
to the cited document, scroll to the paragraph and highlight the quote, without a round trip to
the server. A selector limits questions to one document; an upload button adds a file through
`qa.live.LivePipeline` (`qa.library` checks, copies and indexes it) and the new document is
askable as soon as it is indexed. Each browser tab keeps its own conversation in a `gr.State`.
The named endpoint `/ask` (question, history, doc) returns the JSON of `Answer.to_dict()`. HTML
is produced by `qa.ui_render`; this module only wires events.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import gradio as gr

from qa import ui_render as render
from qa.config import Settings
from qa.corpus import MAX_DOCUMENT_BYTES
from qa.errors import QAError
from qa.types import Answer, Document

STATIC_DIR = Path(__file__).parent / "static"
EXAMPLES = (
    "What did the tour of TEL Miyagi showcase?",
    "How much does Japan plan to invest in India?",
    "Which companies are building an OSAT facility in Gujarat?",
)
ALL_DOCUMENTS = "*"  # the selector's value for "All documents"; document ids never hold "*"
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".pdf"]
STREAM_STEPS = 12  # the answer is revealed in about this many chunks
STREAM_DELAY_S = 0.03


class AskPipeline(Protocol):
    """What the UI needs from `qa.Pipeline` (a stand-in with these members works too)."""

    settings: Settings

    @property
    def documents(self) -> list[Document]: ...

    def ask(self, question: str, history: list[list[str]] | None = None,
            doc: str | None = None) -> Answer: ...


@dataclass(frozen=True)
class Turn:
    """One exchange of a conversation: the question and its answer, or the refusal."""

    question: str
    answer: Answer | None = None
    error: str | None = None


def build_app(pipeline: AskPipeline, examples: Sequence[str] = EXAMPLES) -> gr.Blocks:
    """The chat app around a loaded pipeline (models and index are not touched here).

    A real `Pipeline` is wrapped in a `LivePipeline`, so uploads can add documents; a stand-in
    without `add` gets no upload button.
    """
    from qa.live import LivePipeline
    from qa.pipeline import Pipeline

    if isinstance(pipeline, Pipeline):
        pipeline = LivePipeline(pipeline)
    live = pipeline if isinstance(pipeline, LivePipeline) else None
    max_chars = pipeline.settings.max_question_chars

    def chat(question: str, turns: list[Turn],
             doc: str = ALL_DOCUMENTS) -> Iterator[tuple[str, list, list[Turn]]]:
        yield from respond(pipeline, question, turns, doc=_only(doc))

    def ask(question: str, history: list[list[str]] | None = None,
            doc: str | None = None) -> dict[str, Any]:
        """Answer a question from the documents; history is [[user, assistant], ...]; doc, a
        document id, limits the search to that document."""
        try:
            return pipeline.ask(question, history=history or None, doc=_only(doc)).to_dict()
        except QAError as error:  # the caller gets the message; the server log stays clean
            raise gr.Error(str(error), print_exception=False) from error

    def add_document(file: str | None, replace: bool,
                     progress: gr.Progress = gr.Progress(track_tqdm=True)) -> tuple:  # noqa: B008
        if not file or live is None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        try:
            report = live.add([Path(file)], replace=bool(replace),
                              progress=lambda fraction, message: progress(fraction, desc=message))
        except (QAError, OSError) as error:
            return render.render_notice(str(error), error=True), gr.skip(), gr.skip(), gr.skip()
        documents = live.documents
        return (render.render_notice(_added_message(report)), render.render_header(documents),
                render.render_article(documents, shown=report.files[0].doc),
                gr.Dropdown(choices=_document_choices(documents)))

    with gr.Blocks(title="Ask the article", analytics_enabled=False) as app:
        turns = gr.State([])
        header = gr.HTML(render.render_header(pipeline.documents))
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                chatbot = gr.Chatbot(
                    elem_id="qa-chat", show_label=False, height="62vh", buttons=[],
                    latex_delimiters=[], feedback_options=None,
                    placeholder="Ask about the article. Answers quote it word for word; "
                                "click a number to see the sentence in the article.")
                question = gr.Textbox(
                    elem_id="qa-question", show_label=False, max_length=max_chars, lines=1,
                    placeholder="Ask a question and press Enter", submit_btn="Ask",
                    autofocus=True)
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
                    example_buttons = [gr.Button(text, size="sm", variant="secondary",
                                                 elem_classes="qa-example")
                                       for text in examples]
                with gr.Row():
                    new_chat = gr.Button("New chat", size="sm", elem_classes="qa-new-chat")
                    export = gr.Button("Export Markdown", size="sm", elem_id="qa-export")
                with gr.Accordion("Conversation as Markdown", open=False) as export_box:
                    markdown = gr.Code(language="markdown", interactive=False, wrap_lines=True,
                                       show_label=False, buttons=["copy", "download"],
                                       elem_id="qa-markdown")
            with gr.Column(scale=2, min_width=320):
                article = gr.HTML(render.render_article(pipeline.documents),
                                  elem_id="qa-article")

        chat_io = {"inputs": [question, turns, doc_select], "outputs": [question, chatbot, turns],
                   "api_visibility": "private"}
        doc_select.change(None, doc_select, None, api_visibility="private", queue=False,
                          js="(doc) => { if (window.qaShowDoc) window.qaShowDoc(doc); }")
        if live is not None:
            upload.upload(add_document, [upload, replace],
                          [upload_status, header, article, doc_select],
                          api_visibility="private", show_progress_on=[upload_status],
                          concurrency_limit=1)
        question.submit(chat, **chat_io)
        for button in example_buttons:
            button.click(lambda text: text, button, question, api_visibility="private",
                         queue=False).then(chat, **chat_io)
        new_chat.click(lambda: ("", [], [], ""), None, [question, chatbot, turns, markdown],
                       api_visibility="private", queue=False)
        chatbot.clear(lambda: ([], ""), None, [turns, markdown], api_visibility="private",
                      queue=False)
        export.click(_export, turns, [markdown, export_box], api_visibility="private",
                     queue=False)
        gr.api(ask, api_name="ask")
    return app


def launch_options() -> dict[str, Any]:
    """Arguments for `launch()` that belong to the look: theme, local CSS/JS, no external links."""
    theme = gr.themes.Soft(font=["system-ui", "-apple-system", "Segoe UI", "sans-serif"],
                           font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"])
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
    history = [[t.question, t.answer.answer] for t in turns if t.answer is not None]
    try:
        answer = pipeline.ask(question, history=history, doc=doc)
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


def _only(doc: str | None) -> str | None:
    """The document a question is limited to: None for "All documents" (or nothing)."""
    return None if not doc or doc == ALL_DOCUMENTS else doc


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
