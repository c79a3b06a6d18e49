"""HTML and Markdown for the browser UI: answers, their sources, the article pane, the export.

Every piece of document or user text goes through `html.escape` before it meets markup, so a
question like `<img src=x onerror=…>` is shown as text and never becomes an element. Each
fragment is one line with no blank lines, so the chat's Markdown renderer treats it as a single
raw HTML block and leaves it alone.

Citation links carry their target in the fragment `#qa:<doc>:<paragraph>:<start>:<end>` (the
chat's sanitiser strips data-* and aria-* attributes but keeps `href`, `class` and `title`);
`static/ui.js` reads it to highlight the quote in the article pane. A marker is the text "[1]"
titled with its accessible name ("Source 1: paragraph 11 of India Japan Semiconductors"),
which `static/ui.js` copies into `aria-label` (the sanitiser would drop it here). Given the
documents now indexed, a citation whose document was removed, or whose paragraph no longer
holds the text it quoted (compared by `paragraph_hash`), is drawn as plain text and the answer
says so, instead of pointing at the wrong paragraph. This module does not talk to Gradio or
the pipeline.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from html import escape
from urllib.parse import quote as url_quote

from qa.types import Answer, Citation, Document, Paragraph

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_MARKER = re.compile(r"\[(\d+)\]")
OK, REMOVED, CHANGED = "ok", "removed", "changed"


def paragraph_hash(text: str) -> str:
    """A short fingerprint of a paragraph's text: a saved citation keeps it to detect edits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def citation_status(citation: Citation, documents: Sequence[Document]) -> str:
    """OK, REMOVED (the document is gone) or CHANGED (the paragraph no longer reads the same).

    With no documents to check against (a stand-in, or while streaming) a citation is OK.
    """
    if not documents:
        return OK
    document = next((d for d in documents if d.doc == citation.doc), None)
    if document is None:
        return REMOVED
    paragraph = next((p for p in document.paragraphs if p.number == citation.paragraph), None)
    if paragraph is None or paragraph_hash(paragraph.text) != paragraph_hash(citation.text):
        return CHANGED
    return OK


def source_name(citation: Citation, documents: Sequence[Document] = ()) -> str:
    """What a marker is called for a screen reader: "Source 1: paragraph 11 of <title>"."""
    document = next((d for d in documents if d.doc == citation.doc), None)
    title = document.title if document is not None else citation.doc
    place = f"{citation.place()}, " if citation.place() else ""
    return f"Source {citation.n}: {place}paragraph {citation.paragraph} of {title}"


def cite_href(citation: Citation) -> str:
    """The link target the page script understands: `#qa:doc:paragraph:start:end`."""
    doc = url_quote(citation.doc, safe="")
    return f"#qa:{doc}:{citation.paragraph}:{citation.start}:{citation.end}"


def render_header(documents: Sequence[Document]) -> str:
    """The page title and the documents the answers come from."""
    titles = ", ".join(f"<cite>{html_text(d.title)}</cite>" for d in documents) or "no documents"
    subject = subject_of(documents)
    return (f'<div class="qa-header"><a class="qa-skip" href="#qa-question">Skip to the '
            f'question box</a><h1>Ask the {subject}</h1><p>Answers quote {titles} word '
            f'for word. Click a citation number to see it in the {subject}.</p></div>')


def subject_of(documents: Sequence[Document]) -> str:
    """What the page calls what it answers from: "article" for one, "documents" for more."""
    return "documents" if len(documents) > 1 else "article"


def render_question(question: str) -> str:
    """The user's message, shown as plain text."""
    return f'<div class="qa-q">{html_text(question)}</div>'


def render_pending() -> str:
    """The placeholder shown while the pipeline works."""
    return '<div class="qa-answer qa-pending">Reading the article…</div>'


def render_error(message: str) -> str:
    """A refused question (empty, too long…): the one-line message from `QAError`."""
    return f'<div class="qa-answer qa-error" role="alert">{html_text(message)}</div>'


def render_answer(answer: Answer, partial: str | None = None,
                  documents: Sequence[Document] = ()) -> str:
    """An answer with clickable [n] markers, then its sources and a copy button.

    With `partial` (a prefix of `answer.answer`, while streaming) only the text is shown;
    `documents` lets each source name its document's title and file.
    """
    text = answer.answer if partial is None else _close_bold(partial)
    statuses = {c.n: citation_status(c, documents) for c in answer.citations}
    body = _answer_body(text, answer.citations, documents, statuses)
    if answer.abstained:
        label = f'<span class="qa-badge">Not in the {subject_of(documents)}</span>'
        return f'<div class="qa-answer qa-abstained">{label}{body}</div>'
    if partial is not None:
        return f'<div class="qa-answer qa-streaming">{body}</div>'
    markdown = "&#10;".join(escape(answer_markdown(answer)).splitlines())
    tools = ('<div class="qa-tools"><button type="button" class="qa-copy">'
             'Copy as Markdown</button></div>')
    sources = render_sources(answer.citations, documents)
    return (f'<div class="qa-answer">{body}{_stale_note(answer.citations, statuses)}{sources}'
            f'{tools}<pre class="qa-md">{markdown}</pre></div>')


def render_sources(citations: Sequence[Citation], documents: Sequence[Document] = ()) -> str:
    """The cited paragraphs under an answer, the quoted words in `<mark>`; each names its
    document (title and file, and the page of a PDF) when `documents` holds it."""
    if not citations:
        return ""
    by_id = {d.doc: d for d in documents}
    items = []
    for c in citations:
        before, quoted, after = _split(c)
        status = citation_status(c, documents)
        inner = (f'<span class="qa-source-head"><span class="qa-n">[{c.n}]</span>'
                 f'<span class="qa-anchor">{html_text(c.anchor)}</span>'
                 f'{_source_document(c, by_id.get(c.doc))}{_status_badge(status)}</span>'
                 f'<span class="qa-source-text">{html_text(before)}<mark>{html_text(quoted)}</mark>'
                 f'{html_text(after)}</span>')
        if status == OK:
            items.append(f'<li><a class="qa-source" href="{cite_href(c)}" '
                         f'title="Show in the article">{inner}</a>'
                         f'{_page_link(c, by_id.get(c.doc))}</li>')
        else:
            items.append(f'<li><div class="qa-source qa-source-gone">{inner}</div></li>')
    return f'<ol class="qa-sources" aria-label="Sources">{"".join(items)}</ol>'


PAGED_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")


def _page_link(c: Citation, document: Document | None) -> str:
    """For a PDF or a scan, a link that shows the page itself with the quote boxed
    (`qa.documents.page_view`; `static/ui.js` asks the server for it)."""
    if document is None or not document.path.lower().endswith(PAGED_SUFFIXES):
        return ""
    page = c.page or 1
    return (f'<a class="qa-page-link" href="#qa-page{cite_href(c)[3:]}">See page {page} '
            f'with the quote marked</a>')


def render_article(documents: Iterable[Document], shown: str | None = None) -> str:
    """Every document in full: section headings, and one element per paragraph anchor.

    With several documents only one is visible (`shown`, else the first); `static/ui.js`
    switches to the cited one.
    """
    documents = list(documents)
    visible = shown if any(d.doc == shown for d in documents) else (
        documents[0].doc if documents else None)
    parts = ['<div class="qa-article" tabindex="0" role="region" aria-label="Documents">']
    for document in documents:
        hidden = "" if document.doc == visible else " hidden"
        parts.append(f'<article class="qa-doc" data-doc="{html_text(document.doc)}"{hidden}>'
                     f'<h2 class="qa-doc-title">{html_text(document.title)}</h2>'
                     f'<p class="qa-doc-file">{html_text(document.path)}</p>')
        parts.extend(_paragraph(p) for p in document.paragraphs)
        parts.append("</article>")
    parts.append("</div>")
    return "".join(parts)


def render_notice(message: str, error: bool = False) -> str:
    """A one-line status under the upload button (added, nothing new, refused)."""
    kind = "qa-notice qa-error" if error else "qa-notice"
    role = "alert" if error else "status"
    return f'<div class="{kind}" role="{role}">{html_text(message)}</div>'


def announcement(answer: Answer | None, error: str | None = None,
                 documents: Sequence[Document] = ()) -> str:
    """Plain text for the screen-reader live region once an answer is complete."""
    if error is not None:
        return f"Not answered: {error}"
    if answer is None:
        return ""
    text = _MARKER.sub("", answer.answer.replace("**", "")).strip()
    if answer.abstained:
        return f"Not in the {subject_of(documents)}. {text}"
    count = len(answer.citations)
    sources = "; ".join(source_name(c, documents) for c in answer.citations)
    return f"Answer: {text} {count} source{'s' if count != 1 else ''}: {sources}."


def answer_markdown(answer: Answer, label: str = "") -> str:
    """The answer as Markdown, markers turned into footnotes holding quotes and anchors.

    `label` prefixes footnote names (`[^2.1]`) so several answers can share one document.
    """
    text = _MARKER.sub(lambda m: f"[^{label}{m.group(1)}]", answer.answer)
    if answer.abstained:
        return f"> {text}"
    notes = [f"[^{label}{c.n}]: “{c.quote}” — {c.anchor}"
             + (f" ({c.place()})" if c.place() else "") for c in answer.citations]
    return "\n\n".join([text, "\n".join(notes)]) if notes else text


def conversation_markdown(answers: Sequence[Answer]) -> str:
    """A whole conversation for export: each question as a heading, then its answer."""
    sections = [f"## {a.question}\n\n{answer_markdown(a, f'{i}.')}"
                for i, a in enumerate(answers, start=1)]
    return "\n\n".join(sections) + "\n" if sections else ""


def _answer_body(text: str, citations: Sequence[Citation], documents: Sequence[Document] = (),
                 statuses: dict[int, str] | None = None) -> str:
    by_number = {c.n: c for c in citations}
    statuses = statuses or {}

    def marker(match: re.Match[str]) -> str:
        citation = by_number.get(int(match.group(1)))
        if citation is None:
            return match.group(0)
        name = html_text(source_name(citation, documents))
        status = statuses.get(citation.n, OK)
        if status != OK:
            gone = "document removed" if status == REMOVED else "paragraph changed"
            return (f'<span class="qa-cite qa-cite-gone" title="{name} ({gone})">'
                    f'[{citation.n}]</span>')
        return (f'<a class="qa-cite" href="{cite_href(citation)}" title="{name}">'
                f'[{citation.n}]</a>')

    html = _BOLD.sub(r"<strong>\1</strong>", "<br>".join(escape(text).splitlines()))
    html = _MARKER.sub(marker, html)
    return f'<div class="qa-text">{html}</div>'


def _stale_note(citations: Sequence[Citation], statuses: dict[int, str]) -> str:
    """A line on an answer whose sources were removed or changed since it was given."""
    notes = [f"Source [{c.n}] is gone: its document was removed." if statuses.get(c.n) == REMOVED
             else f"Source [{c.n}] has changed: its paragraph no longer reads as quoted."
             for c in citations if statuses.get(c.n, OK) != OK]
    if not notes:
        return ""
    return f'<p class="qa-stale" role="note">{" ".join(notes)}</p>'


def _status_badge(status: str) -> str:
    if status == REMOVED:
        return '<span class="qa-gone-badge">document removed</span>'
    if status == CHANGED:
        return '<span class="qa-gone-badge">paragraph changed</span>'
    return ""


def _source_document(c: Citation, document: Document | None) -> str:
    page = f", {c.place()}" if c.place() else ""
    if document is None:
        return f'<span class="qa-source-doc">{page[2:]}</span>' if page else ""
    return (f'<span class="qa-source-doc"><cite>{html_text(document.title)}</cite> · '
            f'{html_text(document.path)}{page}</span>')


def _paragraph(p: Paragraph) -> str:
    tag = "h3" if p.role == "heading" else "p"
    anchor = html_text(p.anchor)
    return (f'<{tag} class="qa-para qa-role-{html_text(p.role)}" id="{_element_id(p)}" '
            f'data-anchor="{anchor}"><span class="qa-pnum" title="{anchor}">{p.number}</span>'
            f'<span class="qa-ptext">{html_text(p.text)}</span></{tag}>')


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


def html_text(value: str) -> str:
    """Escape for HTML and flatten newlines, so a fragment stays one raw HTML block."""
    return " ".join(escape(value, quote=True).splitlines())
