"""What one caller may see of the documents, and the page's document views made from it.

    view = View.of(caller, pipeline.documents, libraries)
    view.scope          # the document ids they may read (None: every one): what `ask` searches
    view.documents      # those documents: the header, the article pane, suggestions, feedback
    view.unreadable     # indexed ids they may not read: their old answers are withheld
    view.writable       # the libraries they may add to

Every handler of `qa.ui.handlers` builds its view on the server at each request, so a grant
withdrawn holds from the next click, and no part of the page (`library_views`) is made from a
document outside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from qa.access import Caller
from qa.access.libraries import Libraries
from qa.errors import QAError
from qa.types import Document
from qa.ui import render
from qa.ui.chat import ALL_DOCUMENTS
from qa.ui.render import html_text


@dataclass(frozen=True)
class View:
    caller: Caller
    scope: frozenset[str] | None
    documents: list[Document]
    unreadable: frozenset[str]
    writable: list[str]
    libraries: Libraries

    @classmethod
    def of(cls, caller: Caller, documents: Sequence[Document], libraries: Libraries) -> View:
        ids = [d.doc for d in documents]
        scope = libraries.scope(caller, ids)
        readable = [d for d in documents if scope is None or d.doc in scope]
        if caller.libraries is None:
            known = libraries.names(ids)
        else:
            known = sorted(caller.libraries)
        writable = [name for name in known if caller.writes(name)]
        return cls(caller, scope, readable, frozenset(ids) - {d.doc for d in readable},
                   writable, libraries)

    def may_change(self, doc: str) -> bool:
        """True if the caller may replace or remove this (readable) document."""
        return (any(d.doc == doc for d in self.documents)
                and self.caller.writes(self.libraries.of(doc)))

    def changeable(self) -> list[Document]:
        return [d for d in self.documents if self.may_change(d.doc)]


def document_choices(documents: Sequence[Document]) -> list[tuple[str, str]]:
    return [("All documents", ALL_DOCUMENTS)] + [
        (f"{d.title} ({d.path})", d.doc) for d in documents]


def library_entries(live: Any, view: View | None = None) -> list[Any]:
    """The document table's rows (`qa.documents.library.listing`), those of the view only."""
    from qa.documents import library

    entries = library.listing(live.settings).entries
    if view is None or view.scope is None:
        return entries
    return [e for e in entries if e.doc in view.scope]


def library_choice(view: View) -> Any:
    """The "Add to library" selector: shown when the caller may add to more than one, or may
    name a new one (an admin)."""
    admin = view.caller.libraries is None and view.caller.may("admin")
    choices = view.writable or []
    return gr.Dropdown(choices=choices, value=choices[0] if choices else None,
                       visible=len(choices) > 1 or admin, allow_custom_value=admin)


def document_views(view: View, live: Any | None, shown: str | None = None) -> tuple:
    """The header, article pane and "Search in" selector, then (with `live`) the document
    table, the removal selector, its button and the library selector, for this view."""
    documents = view.documents
    choices = document_choices(documents)
    views: tuple = (render.render_header(documents),
                    render.render_article(documents, shown=shown),
                    gr.Dropdown(choices=choices, value=ALL_DOCUMENTS))
    if live is None:
        return views
    changeable = view.changeable()
    return (*views, render_library(library_entries(live, view)),
            gr.Dropdown(choices=document_choices(changeable)[1:], value=None),
            gr.Button(interactive=bool(changeable) and len(live.documents) > 1),
            library_choice(view))


def added_message(report: Any) -> str:
    """The notice after an upload. Its paragraphs were embedded before the library's lock was
    taken (`qa.store.segments.prepare`), so the build itself reports them as reused: the file's
    status, not the build's counts, says whether anything changed."""
    added = report.files[0]
    warned = "".join(f" Warning: {w}" for w in added.warnings)
    if added.status == "unchanged" or report.build is None:
        return (f"{added.name} is indexed ({added.paragraphs} paragraphs): nothing new to "
                f"embed.{warned}")
    return (f"{added.status.capitalize()} {added.name}: {added.paragraphs} paragraphs. "
            f"Ask about it now.{warned}")


def render_library(entries: Sequence[Any]) -> str:
    """The indexed documents as `qa list` shows them: id, paragraphs, pages, when indexed, file
    and title, and the library where more than one is shown (`entries` are
    `qa.documents.reports.Entry` records)."""
    several = len({getattr(e, "library", "") for e in entries}) > 1
    rows = "".join(
        f'<tr><th scope="row"><cite>{html_text(e.title)}</cite></th><td>{html_text(e.doc)}</td>'
        + (f'<td>{html_text(e.library)}</td>' if several else "")
        + f'<td class="qa-num">{e.paragraphs}</td><td class="qa-num">{e.pages or ""}</td>'
        f'<td>{html_text(e.indexed_at.replace("T", " ")[:16])}</td>'
        f'<td>{html_text(e.path)}</td></tr>'
        for e in entries)
    return ('<table class="qa-library-table"><caption>Documents in the index</caption><thead>'
            '<tr><th scope="col">title</th><th scope="col">document</th>'
            + ('<th scope="col">library</th>' if several else "")
            + '<th scope="col">paragraphs</th><th scope="col">pages</th>'
            '<th scope="col">indexed</th><th scope="col">file</th></tr></thead>'
            f'<tbody>{rows}</tbody></table>')


def page_figure(view: View, request: str, corpus_dir: Path) -> str:
    """The page a "See page N" link asks for ("doc:paragraph:start:end:nonce"), as a figure
    with the quote boxed; only of a document the caller may read. A message when it cannot."""
    import base64
    from urllib.parse import unquote

    from qa.documents.page_view import page_png
    from qa.ui.render import PAGED_SUFFIXES, render_notice

    try:
        doc, number, start, end = request.split(":")[:4]
        doc, number, start, end = unquote(doc), int(number), int(start), int(end)
    except ValueError:
        return render_notice("That page link is not one this page made.", error=True)
    document = next((d for d in view.documents if d.doc == doc), None)
    paragraph = next((p for p in document.paragraphs if p.number == number), None) \
        if document is not None else None
    if (paragraph is None or not 0 <= start < end <= len(paragraph.text)
            or not document.path.lower().endswith(PAGED_SUFFIXES)):
        return render_notice("No such page to show.", error=True)
    page = paragraph.page or 1
    try:
        png = page_png(corpus_dir / document.path, page, paragraph.text[start:end],
                       ocr=paragraph.ocr)
    except QAError as error:
        return render_notice(str(error), error=True)
    said = f"Page {page} of {document.title}, the quoted words boxed"
    return (f'<figure class="qa-page"><figcaption>{html_text(said)} '
            f'<button type="button" class="qa-page-close">Close</button></figcaption>'
            f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}" '
            f'alt="{html_text(said)}: {html_text(paragraph.text[start:end])}"></figure>')
