"""HTML and Markdown for the browser UI: answers, their sources, the article pane, the export.

Every piece of document or user text goes through `html.escape` before it meets markup, so a
question like `<img src=x onerror=…>` is shown as text and never becomes an element. Each
fragment is one line with no blank lines, so the chat's Markdown renderer treats it as a single
raw HTML block and leaves it alone.

Citation links carry their target in the fragment `#qa:<doc>:<paragraph>:<start>:<end>` (the
chat's sanitiser strips data-* attributes but keeps `href`, `class` and `title`);
`static/ui.js` reads it to highlight the quote in the article pane. This module does not talk
to Gradio or the pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape
from urllib.parse import quote as url_quote

from qa.types import Answer, Citation, Document, Paragraph

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_MARKER = re.compile(r"\[(\d+)\]")


def cite_href(citation: Citation) -> str:
    """The link target the page script understands: `#qa:doc:paragraph:start:end`."""
    doc = url_quote(citation.doc, safe="")
    return f"#qa:{doc}:{citation.paragraph}:{citation.start}:{citation.end}"


def render_header(documents: Sequence[Document]) -> str:
    """The page title and the documents the answers come from."""
    titles = ", ".join(f"<cite>{_text(d.title)}</cite>" for d in documents) or "no documents"
    return (f'<div class="qa-header"><h1>Ask the article</h1><p>Answers quote {titles} word '
            f'for word. Click a citation number to see it in the article.</p></div>')


def render_question(question: str) -> str:
    """The user's message, shown as plain text."""
    return f'<div class="qa-q">{_text(question)}</div>'


def render_pending() -> str:
    """The placeholder shown while the pipeline works."""
    return '<div class="qa-answer qa-pending">Reading the article…</div>'


def render_error(message: str) -> str:
    """A refused question (empty, too long…): the one-line message from `QAError`."""
    return f'<div class="qa-answer qa-error" role="alert">{_text(message)}</div>'


def render_answer(answer: Answer, partial: str | None = None,
                  documents: Sequence[Document] = ()) -> str:
    """An answer with clickable [n] markers, then its sources and a copy button.

    With `partial` (a prefix of `answer.answer`, while streaming) only the text is shown;
    `documents` lets each source name its document's title and file.
    """
    text = answer.answer if partial is None else _close_bold(partial)
    body = _answer_body(text, answer.citations)
    if answer.abstained:
        label = '<span class="qa-badge">Not in the article</span>'
        return f'<div class="qa-answer qa-abstained">{label}{body}</div>'
    if partial is not None:
        return f'<div class="qa-answer qa-streaming">{body}</div>'
    markdown = "&#10;".join(escape(answer_markdown(answer)).splitlines())
    tools = ('<div class="qa-tools"><button type="button" class="qa-copy">'
             'Copy as Markdown</button></div>')
    sources = render_sources(answer.citations, documents)
    return (f'<div class="qa-answer">{body}{sources}{tools}'
            f'<pre class="qa-md">{markdown}</pre></div>')


def render_sources(citations: Sequence[Citation], documents: Sequence[Document] = ()) -> str:
    """The cited paragraphs under an answer, the quoted words in `<mark>`; each names its
    document (title and file, and the page of a PDF) when `documents` holds it."""
    if not citations:
        return ""
    by_id = {d.doc: d for d in documents}
    items = []
    for c in citations:
        before, quoted, after = _split(c)
        items.append(
            f'<li><a class="qa-source" href="{cite_href(c)}" title="Show in the article">'
            f'<span class="qa-source-head"><span class="qa-n">{c.n}</span>'
            f'<span class="qa-anchor">{_text(c.anchor)}</span>'
            f'{_source_document(c, by_id.get(c.doc))}</span>'
            f'<span class="qa-source-text">{_text(before)}<mark>{_text(quoted)}</mark>'
            f'{_text(after)}</span></a></li>')
    return f'<ol class="qa-sources">{"".join(items)}</ol>'


def render_article(documents: Iterable[Document], shown: str | None = None) -> str:
    """Every document in full: section headings, and one element per paragraph anchor.

    With several documents only one is visible (`shown`, else the first); `static/ui.js`
    switches to the cited one.
    """
    documents = list(documents)
    visible = shown if any(d.doc == shown for d in documents) else (
        documents[0].doc if documents else None)
    parts = ['<div class="qa-article">']
    for document in documents:
        hidden = "" if document.doc == visible else " hidden"
        parts.append(f'<article class="qa-doc" data-doc="{_text(document.doc)}"{hidden}>'
                     f'<h2 class="qa-doc-title">{_text(document.title)}</h2>'
                     f'<p class="qa-doc-file">{_text(document.path)}</p>')
        parts.extend(_paragraph(p) for p in document.paragraphs)
        parts.append("</article>")
    parts.append("</div>")
    return "".join(parts)


def render_notice(message: str, error: bool = False) -> str:
    """A one-line status under the upload button (added, nothing new, refused)."""
    kind = "qa-notice qa-error" if error else "qa-notice"
    role = "alert" if error else "status"
    return f'<div class="{kind}" role="{role}">{_text(message)}</div>'


def answer_markdown(answer: Answer, label: str = "") -> str:
    """The answer as Markdown, markers turned into footnotes holding quotes and anchors.

    `label` prefixes footnote names (`[^2.1]`) so several answers can share one document.
    """
    text = _MARKER.sub(lambda m: f"[^{label}{m.group(1)}]", answer.answer)
    if answer.abstained:
        return f"> {text}"
    notes = [f"[^{label}{c.n}]: “{c.quote}” — {c.anchor}"
             + (f" (page {c.page})" if c.page is not None else "") for c in answer.citations]
    return "\n\n".join([text, "\n".join(notes)]) if notes else text


def conversation_markdown(answers: Sequence[Answer]) -> str:
    """A whole conversation for export: each question as a heading, then its answer."""
    sections = [f"## {a.question}\n\n{answer_markdown(a, f'{i}.')}"
                for i, a in enumerate(answers, start=1)]
    return "\n\n".join(sections) + "\n" if sections else ""


def _answer_body(text: str, citations: Sequence[Citation]) -> str:
    by_number = {c.n: c for c in citations}

    def marker(match: re.Match[str]) -> str:
        citation = by_number.get(int(match.group(1)))
        if citation is None:
            return match.group(0)
        return (f'<a class="qa-cite" href="{cite_href(citation)}" '
                f'title="{_text(citation.quote)}">{citation.n}</a>')

    html = _BOLD.sub(r"<strong>\1</strong>", "<br>".join(escape(text).splitlines()))
    html = _MARKER.sub(marker, html)
    return f'<div class="qa-text">{html}</div>'


def _source_document(c: Citation, document: Document | None) -> str:
    page = f", page {c.page}" if c.page is not None else ""
    if document is None:
        return f'<span class="qa-source-doc">{page[2:]}</span>' if page else ""
    return (f'<span class="qa-source-doc"><cite>{_text(document.title)}</cite> · '
            f'{_text(document.path)}{page}</span>')


def _paragraph(p: Paragraph) -> str:
    tag = "h3" if p.role == "heading" else "p"
    anchor = _text(p.anchor)
    return (f'<{tag} class="qa-para qa-role-{_text(p.role)}" id="{_element_id(p)}" '
            f'data-anchor="{anchor}"><span class="qa-pnum" title="{anchor}">{p.number}</span>'
            f'<span class="qa-ptext">{_text(p.text)}</span></{tag}>')


def _element_id(p: Paragraph) -> str:
    return "qa-" + re.sub(r"[^A-Za-z0-9_-]", "-", p.doc) + f"-p{p.number}"


def _split(c: Citation) -> tuple[str, str, str]:
    """Paragraph text around the quote; falls back to searching when offsets disagree."""
    start, end = c.start, c.end
    if c.text[start:end] != c.quote:
        found = c.text.find(c.quote)
        if found < 0:
            return c.text, "", ""
        start, end = found, found + len(c.quote)
    return c.text[:start], c.text[start:end], c.text[end:]


def _close_bold(partial: str) -> str:
    """While streaming, close a `**` that has opened but not yet closed."""
    return partial + "**" if partial.count("**") % 2 else partial


def _text(value: str) -> str:
    """Escape for HTML and flatten newlines, so a fragment stays one raw HTML block."""
    return " ".join(escape(value, quote=True).splitlines())
