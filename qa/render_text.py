"""Render an Answer for the terminal: the answer, then each citation with its quote."""

from __future__ import annotations

import textwrap

from qa.types import Answer


def render_answer(answer: Answer) -> str:
    lines = [answer.answer.replace("**", ""), ""]
    for citation in answer.citations:
        lines.append(f"[{citation.n}] {citation.anchor} (paragraph {citation.paragraph})")
        quote = textwrap.fill(citation.quote, width=88, initial_indent="    “",
                              subsequent_indent="     ")
        lines.append(quote + "”")
    return "\n".join(lines).rstrip()
