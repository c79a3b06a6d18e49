"""The browser chat (Gradio) and how answers are shown, in the browser and the terminal.

    from qa.ui import build_app, launch_options
    build_app(Pipeline.load()).launch(**launch_options())

    app          `build_app`: the page's layout and its events; `launch_options`: the look
    handlers     what each event does (ask, save, add and remove documents, export)
    feedback_handlers  the ratings and the "what was wrong" form
    chat         the conversation as the chat shows it, streamed; the example questions
    chat_state   `Turn`; the conversation to and from the JSON the browser keeps
    render       HTML for answers, sources, the article pane and the document table
    feedback     the votes on answers, kept on this machine, and their export to eval items
    render_text  an answer for the terminal (`qa ask`)
    static/      the page's script and stylesheet

`build_app` and `launch_options` are imported on first use: the rest of this package is used
without Gradio (`qa ask`, `qa feedback`), and importing Gradio takes seconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.ui.app import build_app, launch_options

__all__ = ["build_app", "launch_options"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from qa.ui import app

        return getattr(app, name)
    raise AttributeError(f"module 'qa.ui' has no attribute {name!r}")
