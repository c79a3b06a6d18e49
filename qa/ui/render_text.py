"""Render an Answer for the terminal: the answer, then each citation with its quote."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from qa.types import Answer, Document


def render_answer(answer: Answer, documents: Sequence[Document] = ()) -> str:
    """`documents` (the pipeline's) lets each citation name its document's title and file."""
    by_id = {d.doc: d for d in documents}
    lines = [answer.answer.replace("**", ""), ""]
    for citation in answer.citations:
        where = f"paragraph {citation.paragraph}"
        if citation.place():
            where = f"{citation.place()}, {where}"
        document = by_id.get(citation.doc)
        if document is not None:
            where += f" of “{document.title}”, {document.path}"
        lines.append(f"[{citation.n}] {citation.anchor} ({where})")
        quote = textwrap.fill(citation.quote, width=88, initial_indent="    “",
                              subsequent_indent="     ")
        lines.append(quote + "”")
    return "\n".join(lines).rstrip()
