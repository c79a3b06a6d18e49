"""The browser chat: `build_app(pipeline)` returns a Gradio Blocks app; it does not launch it.

    app = build_app(Pipeline.load())
    app.launch(**launch_options(), server_name="127.0.0.1", server_port=7860)

Layout: the chat (answers with [n] markers, their cited paragraphs, a copy button) beside an
article pane holding every document; `static/ui.js` makes a click on a citation scroll the pane
to the paragraph and highlight the quote, without a round trip to the server. Each browser tab
keeps its own conversation in a `gr.State`. The named endpoint `/ask` returns the JSON of
`Answer.to_dict()`. HTML is produced by `qa.ui_render`; this module only wires events.
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
from qa.errors import QAError
from qa.types import Answer, Document

STATIC_DIR = Path(__file__).parent / "static"
EXAMPLES = (
    "What did the tour of TEL Miyagi showcase?",
    "How much does Japan plan to invest in India?",
    "Which companies are building an OSAT facility in Gujarat?",
)
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
    """The chat app around a loaded pipeline (models and index are not touched here)."""
    max_chars = pipeline.settings.max_question_chars

    def chat(question: str, turns: list[Turn]) -> Iterator[tuple[str, list, list[Turn]]]:
        yield from respond(pipeline, question, turns)

    def ask(question: str, history: list[list[str]] | None = None) -> dict[str, Any]:
        """Answer a question from the documents; history is [[user, assistant], ...]."""
        try:
            return pipeline.ask(question, history=history or None).to_dict()
        except QAError as error:
            raise gr.Error(str(error)) from error

    with gr.Blocks(title="Ask the article", analytics_enabled=False) as app:
        turns = gr.State([])
        gr.HTML(render.render_header(pipeline.documents))
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
                gr.HTML(render.render_article(pipeline.documents), elem_id="qa-article")

        chat_io = {"inputs": [question, turns], "outputs": [question, chatbot, turns],
                   "api_visibility": "private"}
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
    }


def respond(pipeline: AskPipeline, question: str,
             turns: list[Turn]) -> Iterator[tuple[str, list, list[Turn]]]:
    """Show the question at once, then reveal the answer in chunks, then its sources."""
    if not question or not question.strip():
        yield question, messages(turns), turns
        return
    pending = [*turns, Turn(question)]
    yield "", messages(pending, render.render_pending()), turns
    history = [[t.question, t.answer.answer] for t in turns if t.answer is not None]
    try:
        answer = pipeline.ask(question, history=history)
    except QAError as error:
        done = [*turns, Turn(question, error=str(error))]
        yield "", messages(done), done
        return
    if not answer.abstained:
        for prefix in _prefixes(answer.answer, STREAM_STEPS):
            yield "", messages(pending, render.render_answer(answer, partial=prefix)), turns
            time.sleep(STREAM_DELAY_S)
    done = [*turns, Turn(question, answer)]
    yield "", messages(done), done


def messages(turns: Sequence[Turn], live: str | None = None) -> list[dict[str, str]]:
    """Chat messages for the turns; `live` is the content of the last, unfinished answer."""
    chat: list[dict[str, str]] = []
    for i, turn in enumerate(turns):
        chat.append({"role": "user", "content": render.render_question(turn.question)})
        if turn.answer is not None:
            content = render.render_answer(turn.answer)
        elif turn.error is not None:
            content = render.render_error(turn.error)
        elif live is not None and i == len(turns) - 1:
            content = live
        else:
            continue
        chat.append({"role": "assistant", "content": content})
    return chat


def _prefixes(text: str, steps: int) -> Iterator[str]:
    """Growing prefixes of `text`, cut at spaces, about `steps` of them."""
    words = text.split(" ")
    size = max(1, len(words) // steps)
    for end in range(size, len(words), size):
        yield " ".join(words[:end])


def _export(turns: list[Turn]) -> tuple[str, gr.Accordion]:
    answers = [t.answer for t in turns if t.answer is not None]
    return render.conversation_markdown(answers), gr.Accordion(open=True)
