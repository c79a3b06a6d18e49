"""Hostile documents execute nothing in the page: their markup is shown as text, never run.

Ten documents (.txt, .md, .html) carry the usual payloads: `<script>`, `<img onerror>`,
entity-encoded markup that turns into markup after one decode, `javascript:` links (Markdown
and HTML), inline SVG with `onload`, `<style>` and `style="background:url(…)"`, markup in a
Markdown title, an `<iframe>`, a Markdown image, and template syntax (`${…}`, `{{…}}`). Each
also holds a plain fact, so a question retrieves and quotes it. One app serves them beside the
article; one browser tab asks one question per document, clicks each answer's marker (the
source pane shows the paragraph), opens the *Search in* selector and *Documents*, and asks to
remove the document titled with an `<img onerror>` (the confirmation names it), so every place
where document text is drawn (answer, sources, article pane, screen-reader live region, header,
document table, selectors, confirmation) has drawn it. Then: no dialog fired, no request left the
machine, no element made from document text is live, and the payloads are there as text.
The `/ask` endpoint returns the same text unescaped: its fields are plain text.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import stop_process
from tests.test_ui_browser import (
    ANSWER_TIMEOUT_MS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    FINISHED,
    ROOT,
    free_port,
    start_app,
)

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
gradio_client = pytest.importorskip("gradio_client")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # In CI a missing browser is a failure (make test installs it), never a silent skip.
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK) and not os.environ.get("CI"),
                       reason=f"{CHROMIUM} missing: apt-get install chromium (make browser)"),
]


@dataclass(frozen=True)
class Hostile:
    """A hostile document: its file, its text, a question its fact answers, and the payloads
    the page must show as text (after the reader's own parsing: HTML is decoded once)."""

    name: str
    text: str
    question: str
    shown: tuple[str, ...] = ()

    @property
    def doc(self) -> str:
        return self.name.rsplit(".", 1)[0]


VAULT_TITLE = "<img src=x onerror=alert(6)> Vault"

# The order is the order of the questions: the last one's screen-reader announcement names the
# document titled with an <img onerror>, so #qa-live ends up holding markup as well.
HOSTILE = (
    Hostile("zarnak.txt", "Zarnak depot\n\n<script>alert(1)</script> The vault code of the "
            "Zarnak depot is 9911.\n",
            "What is the vault code of the Zarnak depot?", ("<script>alert(1)</script>",)),
    Hostile("quillby.txt", "Quillby lighthouse\n\n<img src=x onerror=\"alert('img')\"> The "
            "Quillby lighthouse was painted red in 1987.\n",
            "When was the Quillby lighthouse painted red?",
            ("<img src=x onerror=\"alert('img')\">",)),
    # One decode (the HTML reader's) makes markup; a second, anywhere, would make it live.
    Hostile("marrow.html", "<html><head><title>Ferry</title></head><body><h1>Marrow ferry</h1>"
            "<p>&lt;img src=x onerror=alert(2)&gt; The Marrow ferry carries forty cars on each "
            "crossing. &amp;lt;script&amp;gt;alert(22)&amp;lt;/script&amp;gt;</p></body></html>\n",
            "How many cars does the Marrow ferry carry?",
            ("<img src=x onerror=alert(2)>", "&lt;script&gt;alert(22)&lt;/script&gt;")),
    # The Markdown reader keeps a link's text and drops its target; raw HTML stays as text.
    Hostile("pellham.md", "# Pellham orchard\n\nSee [click](javascript:alert(3)) and "
            "<a href=\"javascript:alert(4)\">the map</a>. The Pellham orchard grows ninety pear "
            "trees.\n",
            "How many pear trees does the Pellham orchard grow?",
            ("<a href=\"javascript:alert(4)\">the map</a>",)),
    # The HTML reader keeps only the links' words.
    Hostile("dunmore.html", "<html><body><h1>Dunmore harbour</h1><p><a href=\"javascript:"
            "alert(4)\">Open</a> <a href=\"http://example.com/\">the chart</a>. The Dunmore "
            "harbour wall is built of grey granite.</p></body></html>\n",
            "What is the Dunmore harbour wall built of?", ("Open the chart.",)),
    # Markdown syntax in a .txt is text too: the chat's Markdown renderer must not link it.
    Hostile("tessaly.txt", "Tessaly bridge\n\n<svg onload=alert(5)> "
            "![x](http://example.com/p.png) [click](javascript:alert(3)) The Tessaly bridge is "
            "412 metres long.\n",
            "How long is the Tessaly bridge?",
            ("<svg onload=alert(5)>", "![x](http://example.com/p.png)",
             "[click](javascript:alert(3))")),
    Hostile("orrin.md", "# Orrin mill\n\n<style>body{display:none}</style> <div style=\""
            "background:url(http://example.com/x)\">The Orrin mill grinds six tonnes of flour a "
            "day.</div>\n",
            "How much flour does the Orrin mill grind a day?",
            ("<style>body{display:none}</style>",
             "<div style=\"background:url(http://example.com/x)\">")),
    # The reader drops real <iframe>/<style>/<script> elements; the <title> is decoded once.
    Hostile("kelso.html", "<html><head><title>&lt;img src=x onerror=alert(9)&gt; Tower</title>"
            "<style>body{display:none}</style><script>alert(99)</script></head><body>"
            "<iframe src=\"http://example.com\"></iframe><p>&lt;iframe src=\"http://example.com\""
            "&gt; The Kelso clock tower chimes every fifteen minutes.</p><div style=\"background:"
            "url(http://example.com/x)\">The Kelso tower stands in the market square.</div>"
            "</body></html>\n",
            "How often does the Kelso clock tower chime?",
            ("<iframe src=\"http://example.com\">",)),
    # gr.HTML fills a `${value}` template: template syntax in the text must stay text.
    Hostile("fennick.md", "# Fennick garden\n\n![x](http://example.com/p.png) ${alert(7)} "
            "{{constructor.constructor('alert(8)')()}} The Fennick garden has thirty beehives.\n",
            "How many beehives does the Fennick garden have?",
            ("${alert(7)}", "{{constructor.constructor('alert(8)')()}}")),
    Hostile("brackwater.md", f"# {VAULT_TITLE}\n\nThe Brackwater vault was sealed in the winter "
            "of 1912.\n",
            "When was the Brackwater vault sealed?", (VAULT_TITLE,)),
)
TITLES = (VAULT_TITLE, "<img src=x onerror=alert(9)> Tower")  # markup in titles, as text

# Everything in the page that document text could have become, as a list of offenders. The
# roots are where the app draws document text. Inside them Gradio draws chrome of its own that
# no document text reaches, and which would otherwise count: the loading spinner (an <svg> in
# [data-testid=status-tracker]) and the icon buttons (Clear, Like, Dislike: <svg> icons, one
# with a <style> in its <defs>). They are skipped only outside the places that hold document
# text (a chat message's .message-content and the app's own fragments), so a payload cannot
# hide in them. A link the app makes points at "#qa:…", "#qa-page:…" (a PDF's page) or
# "#qa-question" (the skip link); any other href is document text
# turned into a link (an autolinked URL, a Markdown link).
LIVE_ELEMENTS_JS = """() => {
  const roots = document.querySelectorAll(
    '#qa-chat, #qa-article, #qa-live, #qa-library-table, .qa-header, #qa-confirm, '
    + '.qa-examples, #qa-feedback, #qa-upload-status, #qa-page-view');
  const content = '.message-content, .qa-article, .qa-header, .qa-library-table, .qa-answer, '
    + '.qa-confirm-text';
  const chrome = 'button.icon-button, [data-testid="status-tracker"]';
  const tags = ['script', 'iframe', 'svg', 'style', 'img', 'object', 'embed', 'frame',
                'link', 'meta', 'base', 'form', 'video', 'audio', 'math'];
  const found = new Set();
  for (const root of roots) {
    for (const el of [root, ...root.querySelectorAll('*')]) {
      if (el.closest(chrome) && !el.closest(content)) continue;
      const tag = el.tagName.toLowerCase();
      const why = [];
      if (tags.includes(tag)) why.push('element');
      for (const a of el.attributes) if (a.name.toLowerCase().startsWith('on')) why.push(a.name);
      if (el.matches('[href^="javascript:" i], [src^="javascript:" i]')) why.push('javascript:');
      if ((el.getAttribute('style') || '').toLowerCase().includes('url(')) why.push('url(');
      if (el.closest(content) && el.hasAttribute('href')
          && !/^#qa(:|-page:|-question$)/.test(el.getAttribute('href'))) why.push('link');
      if (why.length) found.add(why.join(',') + ': ' + el.outerHTML.slice(0, 200));
    }
  }
  return [...found];
}"""


@dataclass
class Visit:
    """What one browser tab saw after asking about every hostile document."""

    walk_error: str | None = None  # why the walk stopped early (a broken page), if it did
    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    live: list[str] = field(default_factory=list)
    question_box_visible: bool = False  # a live <style>body{display:none}</style> hides it
    answers: dict[str, str] = field(default_factory=dict)  # doc → answer text and sources
    active: dict[str, str] = field(default_factory=dict)  # doc → paragraph shown after a click
    regions: dict[str, str] = field(default_factory=dict)  # region → its textContent
    options: list[str] = field(default_factory=list)  # the "Search in" selector
    suggestions: str = ""  # the example questions shown for the hostile-titled document
    summary: str = ""  # its summary's answer


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`app.py` over the article and the ten hostile documents (it builds the index)."""
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "india-japan-semiconductors.txt", corpus)
    for hostile in HOSTILE:
        (corpus / hostile.name).write_text(hostile.text, encoding="utf-8")
    port = free_port()
    process = start_app(root, port)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_process(process, timeout=10)


@pytest.fixture(scope="module")
def visit(app_url: str) -> Visit:
    """One tab's walk through the page, then what it found. A walk that breaks off (markup
    that got loose can break the page) is recorded, and the page is inspected all the same,
    so each test below still says what it checks."""
    seen = Visit()
    local = (app_url, "data:", "blob:")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=DESKTOP)
            context.on("request", lambda request: None if request.url.startswith(local)
                       else seen.outside.append(request.url))
            page = context.new_page()
            page.on("dialog", lambda dialog: (seen.dialogs.append(dialog.message),
                                              dialog.dismiss()))
            page.goto(app_url)
            try:
                _walk(page, seen)
            except (AssertionError, sync_api.Error) as error:
                seen.walk_error = f"{type(error).__name__}: {str(error)[:1500]}"
            _inspect(page, seen)
        finally:
            browser.close()
    return seen


def _walk(page: Any, seen: Visit) -> None:
    box = page.locator("#qa-question textarea")
    expect(box).to_be_editable(timeout=30_000)
    done = page.locator(FINISHED)
    shown = page.locator("#qa-article .qa-doc:not([hidden])")
    active = page.locator("#qa-article .qa-para.qa-active")
    for hostile in HOSTILE:
        before = done.count()
        box.fill(hostile.question)
        box.press("Enter")
        expect(done).to_have_count(before + 1, timeout=ANSWER_TIMEOUT_MS)
        answer = done.nth(before)
        seen.answers[hostile.doc] = answer.text_content() or ""
        answer.locator("a.qa-cite").first.click()
        expect(shown).to_have_attribute("data-doc", hostile.doc)
        expect(active.locator("mark.qa-hit")).to_have_count(1)
        seen.active[hostile.doc] = active.text_content() or ""
    page.locator("#qa-doc input").click()
    options = page.get_by_role("option")
    expect(options.filter(has_text="brackwater.md")).to_have_count(1)
    seen.options = options.all_text_contents()
    # the <img onerror> titled document chosen: its suggested questions and its summary
    options.filter(has_text="brackwater.md").click()
    expect(options).to_have_count(0)
    expect(page.locator(".qa-examples button").first).to_be_visible()
    seen.suggestions = page.locator(".qa-examples").text_content() or ""
    before = done.count()
    box.fill("Summarize this document")
    box.press("Enter")
    expect(done).to_have_count(before + 1, timeout=ANSWER_TIMEOUT_MS)
    seen.summary = done.nth(before).text_content() or ""
    page.get_by_text("Documents", exact=True).click()
    expect(page.locator("#qa-library-table")).to_contain_text("brackwater.md")
    # Asking to remove the <img onerror> titled document names it in a confirmation (left open).
    page.locator("#qa-remove-doc input").click()
    options.filter(has_text="brackwater.md").click()
    page.locator("#qa-remove").click()
    expect(page.locator("#qa-confirm").first).to_contain_text("(brackwater.md) from the")


def _inspect(page: Any, seen: Visit) -> None:
    page.wait_for_timeout(300)  # an error event of a broken <img> would have fired by now
    seen.question_box_visible = page.locator("#qa-question textarea").is_visible()
    seen.live = page.evaluate(LIVE_ELEMENTS_JS)
    seen.regions = page.evaluate("""() => Object.fromEntries(
        ['#qa-live', '.qa-header', '#qa-library-table', '#qa-article', '#qa-confirm'].map(
            s => [s, (document.querySelector(s) || {}).textContent || '']))""")


def test_every_question_was_answered_and_its_source_shown(visit: Visit) -> None:
    assert visit.walk_error is None, visit.walk_error
    assert sorted(visit.active) == sorted(h.doc for h in HOSTILE)


def test_no_dialog_fired(visit: Visit) -> None:
    assert visit.dialogs == [], f"document text ran a script: {visit.dialogs}"


def test_no_request_left_the_machine(visit: Visit) -> None:
    assert visit.outside == [], f"document text fetched from outside: {visit.outside}"


def test_no_element_made_from_document_text_is_live(visit: Visit) -> None:
    assert visit.live == [], "live elements from document text:\n" + "\n".join(visit.live)
    assert visit.question_box_visible, "a <style> from a document hid the page"


def test_each_answer_and_its_source_show_the_payload_as_text(visit: Visit) -> None:
    for hostile in HOSTILE:
        answer = visit.answers.get(hostile.doc, "")
        paragraph = visit.active.get(hostile.doc, "")
        for payload in hostile.shown:
            assert payload in answer, (hostile.name, payload, answer)
            if payload not in TITLES:  # a title is in the source's heading, not the paragraph
                assert payload in paragraph, (hostile.name, payload, paragraph)


def test_titles_and_announcement_keep_markup_as_text(visit: Visit) -> None:
    for title in TITLES:
        assert title in visit.regions[".qa-header"]
        assert title in visit.regions["#qa-library-table"]
        assert title in visit.regions["#qa-article"]
        assert any(f"{title} (" in option for option in visit.options), visit.options
    assert f"Remove {VAULT_TITLE} (brackwater.md)" in visit.regions["#qa-confirm"]
    assert "Brackwater vault" in visit.summary and "sealed" in visit.summary, visit.summary
    assert visit.suggestions.strip(), "no suggested questions were shown for the document"

    # The live region announces the last answer, which names the <img onerror> title.
    assert "Source 1: paragraph 2 of " + VAULT_TITLE in visit.regions["#qa-live"]


def test_ask_endpoint_returns_document_text_as_plain_text(app_url: str) -> None:
    """`/ask` neither escapes nor strips: the caller gets the document's characters and
    escapes them for wherever it shows them (the README says so)."""
    client = gradio_client.Client(app_url, verbose=False)
    ferry = client.predict("How many cars does the Marrow ferry carry?", api_name="/ask")
    quote = ferry["citations"][0]["quote"]
    for payload in ("<img src=x onerror=alert(2)>", "&lt;script&gt;alert(22)&lt;/script&gt;"):
        assert payload in quote and payload in ferry["answer"], (payload, ferry)
    assert ferry["short_answer"] and ferry["short_answer"] in quote  # its words, unescaped
    zarnak = client.predict("What is the vault code of the Zarnak depot?", api_name="/ask")
    assert zarnak["citations"][0]["quote"] == ("<script>alert(1)</script> The vault code of "
                                               "the Zarnak depot is 9911.")
    assert "<script>alert(1)</script>" in zarnak["answer"]
    assert zarnak["short_answer"] and zarnak["short_answer"] in zarnak["citations"][0]["quote"]
