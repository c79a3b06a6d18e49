"""The chat as a user meets it: `app.py` serving the real pipeline, driven in headless Chromium.

One app process for the whole module (the model loads once); each test opens fresh tabs in a
fresh browser context (its own localStorage), so tests share no conversation. The restart test
starts and restarts an app of its own. Accessibility is audited with axe-core
(axe-playwright-python bundles it; nothing is fetched).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from qa.eval.evaluation import read_eval_file
from tests.conftest import stop_process

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ANSWER_TIMEOUT_MS = 60_000  # the first question on a 2-core CI machine warms the model up
FINISHED = "#qa-chat .qa-answer:not(.qa-pending):not(.qa-streaming)"
TWO_SOURCES = "What are the semiconductor plants being built in India?"  # cites 2+ paragraphs
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # In CI a missing browser is a failure (make test installs it), never a silent skip.
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK) and not os.environ.get("CI"),
                       reason=f"{CHROMIUM} missing: apt-get install chromium (make browser)"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"app.py exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"app.py did not start serving {url}:\n{log.read_text()[-3000:]}")


def start_app(root: Path, port: int) -> subprocess.Popen[bytes]:
    """`python app.py --port N` on root/corpus and root/index, as a user would start it."""
    with (root / "app.log").open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--port", str(port),
             "--corpus", str(root / "corpus"), "--index", str(root / "index")],
            cwd=root, stdout=out, stderr=subprocess.STDOUT)
    wait_until_serving(f"http://127.0.0.1:{port}/", process, root / "app.log")
    return process


def article_copy(root: Path) -> Path:
    (root / "corpus").mkdir()
    shutil.copy(ROOT / "corpus" / "india-japan-semiconductors.txt", root / "corpus")
    return root


@pytest.fixture(scope="module")
def app_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The folder of the module's app: corpus/, index/ (feedback.jsonl lands there)."""
    root = article_copy(tmp_path_factory.mktemp("app"))
    port = free_port()
    process = start_app(root, port)
    (root / "url").write_text(f"http://127.0.0.1:{port}/")
    try:
        yield root
    finally:
        stop_process(process, timeout=10)


@pytest.fixture(scope="module")
def app_url(app_root: Path) -> str:
    return (app_root / "url").read_text()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Session:
    """A browser context (tabs share it, as in one window) and what it has seen."""

    context: Any
    app_url: str
    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def open_chat(self) -> Any:
        page = self.context.new_page()
        page.on("dialog", self._dialog)
        page.goto(self.app_url)
        expect(page.locator("#qa-question textarea")).to_be_editable(timeout=30_000)
        return page

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def session(browser: Any, app_url: str) -> Iterator[Session]:
    """Fresh tabs that record dialogs and any request leaving the machine."""
    context = browser.new_context(viewport=DESKTOP)
    session = Session(context, app_url)
    local = (app_url, "data:", "blob:")
    context.on("request", lambda request: None if request.url.startswith(local)
               else session.outside.append(request.url))
    yield session
    context.close()


def ask(page: Any, question: str) -> Any:
    """Type a question, press Enter, return the locator of its finished answer."""
    done = page.locator(FINISHED)
    before = done.count()
    box = page.locator("#qa-question textarea")
    box.fill(question)
    box.press("Enter")
    expect(done).to_have_count(before + 1, timeout=ANSWER_TIMEOUT_MS)
    return done.nth(before)


def test_answer_cites_and_the_citation_opens_the_highlighted_paragraph(session: Session) -> None:
    page = session.open_chat()
    page.evaluate("""() => { window.sawStreaming = false;
        new MutationObserver(() => { if (document.querySelector('.qa-streaming'))
            window.sawStreaming = true; }).observe(document.body, {subtree: true, childList: true});
    }""")
    answer = ask(page, "What did the tour of TEL Miyagi showcase?")
    assert page.evaluate("window.sawStreaming"), "the answer should appear progressively"
    marker = answer.locator("a.qa-cite").first
    expect(marker).to_be_visible()
    expect(marker).to_have_text("[1]")
    expect(marker).to_have_attribute(
        "aria-label", "Source 1: paragraph 11 of India Japan Semiconductors")
    expect(answer.locator(".qa-sources mark").first).to_contain_text("showcased TEL")

    marker.click()
    hit = page.locator("#qa-article .qa-para.qa-active mark.qa-hit")
    expect(hit).to_have_count(1)
    expect(hit).to_contain_text("showcased TEL's advanced manufacturing capabilities")
    expect(hit).to_be_in_viewport()
    expect(page.locator("#qa-article .qa-para.qa-active")).to_have_attribute(
        "data-anchor", "india-japan-semiconductors#p11")
    assert session.outside == [], "the page must not fetch anything from outside the machine"


def test_follow_up_uses_the_conversation_and_citations_stay_attached(session: Session) -> None:
    page = session.open_chat()
    first = ask(page, "Which plant did Modi tour in Miyagi?")
    second = ask(page, "What did that tour reaffirm?")
    expect(second.locator(".qa-text")).to_contain_text("commitment")
    expect(second.locator("a.qa-cite").first).to_be_visible()

    first_source = first.locator("a.qa-source").first
    anchor = first_source.locator(".qa-anchor").inner_text()
    first_source.click()
    expect(page.locator("#qa-article .qa-para.qa-active")).to_have_attribute(
        "data-anchor", anchor)

    page.locator("#qa-export").click()
    expect(page.locator("#qa-markdown")).to_contain_text("[^2.1]: “")


def test_unanswerable_question_is_a_distinct_abstention(session: Session) -> None:
    page = session.open_chat()
    answer = ask(page, "What is India's GDP?")
    expect(answer).to_have_class("qa-answer qa-abstained")
    expect(answer).to_contain_text("Not in the article")
    expect(answer.locator("a.qa-cite")).to_have_count(0)


def test_html_in_a_question_is_shown_as_text(session: Session) -> None:
    page = session.open_chat()
    xss = "<img src=x onerror=alert(1)>"
    ask(page, xss)
    page.wait_for_timeout(300)
    expect(page.locator("#qa-chat .qa-q").last).to_have_text(xss)
    expect(page.locator("#qa-chat img[src='x']")).to_have_count(0)
    assert session.dialogs == []


def test_two_tabs_keep_separate_conversations(session: Session) -> None:
    one, two = session.open_chat(), session.open_chat()
    ask(one, "What is India's GDP?")
    ask(two, "Who wrote the article?")
    expect(one.locator("#qa-chat .qa-q")).to_have_text(["What is India's GDP?"])
    expect(two.locator("#qa-chat .qa-q")).to_have_text(["Who wrote the article?"])
    one.locator(".qa-new-chat").click()
    expect(one.locator("#qa-chat .qa-q")).to_have_count(0)
    expect(two.locator("#qa-chat .qa-q")).to_have_count(1)


def test_phone_width_stacks_the_panes_and_still_reveals_the_source(session: Session) -> None:
    page = session.open_chat()
    page.set_viewport_size({"width": 390, "height": 844})
    answer = ask(page, "What did the tour of TEL Miyagi showcase?")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    answer.locator("a.qa-cite").first.click()
    expect(page.locator("#qa-article mark.qa-hit")).to_be_in_viewport(timeout=15_000)


def test_upload_makes_a_document_askable_and_citations_switch_the_pane(session: Session,
                                                                      tmp_path: Path) -> None:
    page = session.open_chat()
    mine = tmp_path / "Allotment Diary.md"
    mine.write_text("# Allotment diary\n\nWe sowed the broad beans in the north bed on "
                    "14 October, two weeks later than last year.\n", encoding="utf-8")
    page.locator("#qa-upload-input, #qa-upload input[type=file], input[type=file]").first \
        .set_input_files(str(mine))
    status = page.locator("#qa-upload-status .qa-notice")
    expect(status).to_contain_text("Ask about it now", timeout=ANSWER_TIMEOUT_MS)
    expect(status).to_contain_text("allotment-diary.md")

    answer = ask(page, "When did we sow the broad beans?")
    expect(answer.locator(".qa-text")).to_contain_text("14 October")
    source = answer.locator("a.qa-source").first
    expect(source.locator(".qa-source-doc")).to_contain_text("Allotment diary")
    expect(source.locator(".qa-source-doc")).to_contain_text("allotment-diary.md")
    source.click()
    shown = page.locator("#qa-article .qa-doc:not([hidden])")
    expect(shown).to_have_count(1)
    expect(shown).to_have_attribute("data-doc", "allotment-diary")
    expect(page.locator("#qa-article .qa-para.qa-active")).to_have_attribute(
        "data-anchor", "allotment-diary#p2")

    article = ask(page, "What did the tour of TEL Miyagi showcase?")
    article.locator("a.qa-cite").first.click()
    expect(shown).to_have_attribute("data-doc", "india-japan-semiconductors")

    page.locator("#qa-doc input").click()
    page.get_by_role("option", name="Allotment diary (allotment-diary.md)").click()
    only = ask(page, "What did the tour of TEL Miyagi showcase?")
    anchors = only.locator("a.qa-source .qa-anchor").all_inner_texts()
    assert all(a.startswith("allotment-diary#") for a in anchors), anchors
    assert session.outside == []


def test_upload_of_a_bad_file_says_why(session: Session, tmp_path: Path) -> None:
    page = session.open_chat()
    bad = tmp_path / "empty.md"
    bad.write_bytes(b"")
    page.locator("#qa-upload-input, #qa-upload input[type=file], input[type=file]").first \
        .set_input_files(str(bad))
    expect(page.locator("#qa-upload-status .qa-error")).to_contain_text(
        "empty.md: empty document", timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_timeout(500)
    # said once, in the status line: no pop-up repeating it
    expect(page.locator("[data-testid='toast-body'], .toast-body")).to_have_count(0)


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    results = axe_sync.Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize(("viewport", "theme"), [(DESKTOP, "light"), (PHONE, "light"),
                                                 (DESKTOP, "dark")],
                         ids=["desktop", "phone", "desktop-dark"])
def test_axe_finds_no_serious_violations_empty_answered_and_source_open(
        session: Session, viewport: dict[str, int], theme: str) -> None:
    page = session.open_chat()
    page.set_viewport_size(viewport)
    if theme == "dark":
        page.goto(session.app_url + "?__theme=dark")
        expect(page.locator("body.dark, .gradio-container.dark, .dark").first).to_be_attached()
        expect(page.locator("#qa-question textarea")).to_be_editable(timeout=30_000)
    # the settled page: Gradio's own progress text of the page's load event (shown for a
    # moment under load) is gone
    expect(page.locator(".progress-text")).to_have_count(0, timeout=30_000)
    assert serious_violations(page) == [], "empty page"
    answer = ask(page, "What did the tour of TEL Miyagi showcase?")
    assert serious_violations(page) == [], "after an answer"
    answer.locator("a.qa-cite").first.click()
    expect(page.locator("#qa-article mark.qa-hit")).to_have_count(1)
    assert serious_violations(page) == [], "after opening a source"
    live = page.locator("#qa-live [aria-live=polite]")
    expect(live).to_contain_text("Source 1: paragraph 11 of India Japan Semiconductors")
    assert session.outside == []


def test_keyboard_only_ask_tab_to_the_marker_enter_focuses_the_quote(session: Session) -> None:
    page = session.open_chat()
    page.locator("#qa-question textarea").focus()
    page.keyboard.type("What did the tour of TEL Miyagi showcase?")
    page.keyboard.press("Enter")
    expect(page.locator(FINISHED)).to_have_count(1, timeout=ANSWER_TIMEOUT_MS)
    # From the question box, Shift+Tab walks back into the chat; the first marker met is [1].
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.matches('a.qa-cite')"):
            break
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "[1]", f"Tab never reached the marker (at {focused!r})"
    page.keyboard.press("Enter")
    hit = page.locator("#qa-article .qa-para.qa-active mark.qa-hit")
    expect(hit).to_be_focused()
    expect(hit).to_be_in_viewport()
    expect(hit).to_contain_text("showcased TEL's advanced manufacturing capabilities")
    # On a fresh page the first Tab reaches a skip link to the question box.
    page = session.open_chat()
    expect(page.locator("a.qa-skip")).to_be_attached()
    for _ in range(3):  # under load the page may still settle (focus reset) after a first try
        page.mouse.click(2, 2)  # the top left corner: where a reader who starts over begins
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('a.qa-skip')"):
            break
        page.wait_for_timeout(1000)
    assert page.evaluate("document.activeElement.matches('a.qa-skip')")
    page.keyboard.press("Enter")
    expect(page.locator("#qa-question textarea")).to_be_focused()


def test_a_dislike_with_a_comment_is_stored_and_exported_as_an_eval_line(
        session: Session, app_root: Path, tmp_path: Path) -> None:
    page = session.open_chat()
    ask(page, "Which plant did Modi tour in Miyagi?")
    page.locator("#qa-chat").get_by_role("button", name="Dislike").last.click()
    box = page.locator("#qa-feedback").first  # gr.Group puts its id on two elements
    expect(box).to_be_visible()
    expect(box).to_contain_text("Which plant did Modi tour in Miyagi?")
    page.locator("#qa-feedback-comment textarea, #qa-feedback-comment input").first.fill(
        "It should name TEL Miyagi")
    page.locator("#qa-feedback-expected input").click()
    page.get_by_role("option", name="india-japan-semiconductors#p11:").click()
    page.keyboard.press("Escape")
    page.locator("#qa-feedback-send").click()
    expect(page.locator("#qa-feedback-status")).to_contain_text("saved on this computer")
    expect(box).to_be_hidden()

    lines = (app_root / "index" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    stored = json.loads(lines[-1])
    assert stored["rating"] == "down" and stored["comment"] == "It should name TEL Miyagi"
    assert [e["anchor"] for e in stored["expected"]] == ["india-japan-semiconductors#p11"]
    out = tmp_path / "disliked.jsonl"
    done = subprocess.run([sys.executable, "-m", "qa", "feedback", "export", str(out),
                           "--index", str(app_root / "index")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    items = [i for i in read_eval_file(out) if i["question"] == stored["question"]]
    assert items and items[-1]["support_any"][0].startswith("The tour of Tokyo Electron Miyagi")
    assert items[-1]["comment"] == "It should name TEL Miyagi"
    assert session.outside == []


def test_removing_a_document_in_the_page_marks_its_citations_gone(session: Session,
                                                                  tmp_path: Path) -> None:
    page = session.open_chat()
    pond = tmp_path / "Pond Notes.md"
    pond.write_text("# Pond notes\n\nThe frogspawn appeared in the pond on 9 February, a week "
                    "earlier than last year.\n", encoding="utf-8")
    page.locator("#qa-upload input[type=file], input[type=file]").first.set_input_files(str(pond))
    expect(page.locator("#qa-upload-status .qa-notice")).to_contain_text(
        "Ask about it now", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".qa-header h1")).to_have_text("Ask the documents")
    answer = ask(page, "When did the frogspawn appear in the pond?")
    expect(answer.locator("a.qa-source .qa-anchor").first).to_have_text("pond-notes#p2")

    page.get_by_text("Documents", exact=True).click()
    table = page.locator("#qa-library-table")
    expect(table).to_contain_text("pond-notes.md")
    expect(table.locator("tr", has_text="pond-notes.md")).to_contain_text("2")  # paragraphs
    page.locator("#qa-remove-doc input").click()
    page.get_by_role("option", name="Pond notes (pond-notes.md)").click()
    page.locator("#qa-remove").click()
    confirm = page.locator("#qa-confirm").first
    expect(confirm).to_contain_text("Remove Pond notes (pond-notes.md)")
    page.locator("#qa-confirm-remove").click()
    expect(page.locator("#qa-remove-status")).to_contain_text(
        "Removed pond-notes.md", timeout=ANSWER_TIMEOUT_MS)
    expect(table).not_to_contain_text("pond-notes.md")
    expect(page.locator("#qa-upload-status")).not_to_contain_text("Ask about it now")

    old = page.locator("#qa-chat .qa-answer").first
    expect(old.locator(".qa-stale")).to_contain_text("Source [1] is gone")
    expect(old.locator("a.qa-cite")).to_have_count(0)
    page.reload()  # the saved conversation is checked against the documents again
    expect(page.locator("#qa-chat .qa-stale").first).to_contain_text(
        "Source [1] is gone", timeout=30_000)


def test_conversation_survives_a_reload_and_an_app_restart(browser: Any,
                                                           tmp_path: Path) -> None:
    root = article_copy(tmp_path)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    process = start_app(root, port)
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = Session(context, url).open_chat()
        first = ask(page, TWO_SOURCES)
        assert first.locator("a.qa-cite").count() >= 2, "the first answer should cite twice"
        second = ask(page, "What did the tour of TEL Miyagi showcase?")
        expect(second.locator("a.qa-cite").first).to_be_visible()
        quote = first.locator("a.qa-source").nth(1).locator("mark").inner_text()

        def check_restored() -> None:
            answers = page.locator(FINISHED)
            expect(answers).to_have_count(2, timeout=30_000)
            answers.first.locator("a.qa-cite", has_text="[2]").click()
            hit = page.locator("#qa-article .qa-para.qa-active mark.qa-hit")
            expect(hit).to_have_text(quote)
            expect(hit).to_be_in_viewport()

        page.reload()
        check_restored()
        stop_process(process, timeout=10)
        process = start_app(root, port)
        page.reload()
        check_restored()
        page.locator(".qa-new-chat").click()
        expect(page.locator(FINISHED)).to_have_count(0)
        page.reload()
        expect(page.locator("#qa-question textarea")).to_be_editable(timeout=30_000)
        page.wait_for_timeout(1500)  # a saved conversation would be back by now
        expect(page.locator("#qa-chat .qa-q")).to_have_count(0)
    finally:
        context.close()
        stop_process(process, timeout=10)


def test_a_suggested_summary_cites_several_paragraphs_and_each_marker_opens_its_own(
        session: Session) -> None:
    page = session.open_chat()
    # other tests of this module add documents, and a new tab lists them all: search the
    # article alone, whose suggestions open with its summary
    page.locator("#qa-doc input").click()
    page.get_by_role("option", name="India Japan Semiconductors").click()
    suggestion = page.locator(".qa-example").filter(has_text="Summarize the article")
    expect(suggestion).to_have_count(1)
    done = page.locator(FINISHED)
    before = done.count()
    suggestion.click()
    expect(done).to_have_count(before + 1, timeout=ANSWER_TIMEOUT_MS)
    answer = done.nth(before)
    markers = answer.locator("a.qa-cite")
    hrefs = list(dict.fromkeys(markers.evaluate_all("(links) => links.map(a => a.hash)")))
    paragraphs = {href.split(":")[2] for href in hrefs}
    assert len(paragraphs) >= 3, hrefs  # a summary cites several paragraphs, not one
    for href in hrefs:
        answer.locator(f'a.qa-cite[href="{href}"]').first.click()
        active = page.locator("#qa-article .qa-para.qa-active")
        expect(active).to_have_count(1)
        doc, paragraph = href.split(":")[1:3]
        expect(active).to_have_attribute("data-anchor", f"{doc}#p{paragraph}")
    assert session.outside == []


def test_suggestions_are_made_for_the_document_searched(session: Session,
                                                       tmp_path: Path) -> None:
    page = session.open_chat()
    examples = page.locator(".qa-example:visible")
    expect(examples.filter(has_text="OSAT")).to_have_count(1)  # the article defines it
    guide = tmp_path / "Pond Guide.md"
    guide.write_text("# Pond guide\n\n## Planting the margins\n\nMarsh marigolds and flag "
                     "irises grow in the shallow shelf of the pond.\n\n## Keeping the water "
                     "clear\n\nBarley straw and floating plants keep algae down in summer.\n",
                     encoding="utf-8")
    page.locator("#qa-upload input[type=file], input[type=file]").first.set_input_files(
        str(guide))
    expect(page.locator("#qa-upload-status .qa-notice")).to_contain_text(
        "Ask about it now", timeout=ANSWER_TIMEOUT_MS)
    page.locator("#qa-doc input").click()
    page.get_by_role("option", name="Pond guide (pond-guide.md)").click()
    expect(examples.filter(has_text="Planting the margins")).to_have_count(1)
    expect(examples.filter(has_text="OSAT")).to_have_count(0)
    pond = set(examples.all_inner_texts())
    page.locator("#qa-doc input").click()
    page.get_by_role("option", name="India Japan Semiconductors").click()
    expect(examples.filter(has_text="OSAT")).to_have_count(1)
    article = set(examples.all_inner_texts())
    page.locator("#qa-doc input").click()
    page.get_by_role("option", name="All documents").click()
    expect(examples.filter(has_text="Summarize the documents")).to_have_count(1)
    both = set(examples.all_inner_texts())
    assert both & pond and both & article, (both, pond, article)


def test_a_pdf_citation_shows_its_page_with_the_quote_boxed(session: Session,
                                                            tmp_path: Path) -> None:
    from tests.pdfs import make_pdf

    pdf = make_pdf(tmp_path / "Kiln Log.pdf", [
        ["Kiln log, spring firing", "The first firing of the anagama kiln lasted",
         "five days and used eleven cords of pine."],
        ["The second firing was cancelled because of rain."]], title="Kiln log")
    page = session.open_chat()
    page.locator("#qa-upload input[type=file], input[type=file]").first.set_input_files(str(pdf))
    expect(page.locator("#qa-upload-status .qa-notice")).to_contain_text(
        "Ask about it now", timeout=ANSWER_TIMEOUT_MS)
    answer = ask(page, "How many cords of pine did the first firing of the anagama kiln use?")
    link = answer.locator("a.qa-page-link").first
    expect(link).to_contain_text("See page 1")
    link.click()
    image = page.locator("#qa-page-view figure.qa-page img")
    expect(image).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    assert "eleven cords of pine" in (image.get_attribute("alt") or "")
    src = image.get_attribute("src") or ""
    assert src.startswith("data:image/png;base64,")
    import base64
    import io

    from PIL import Image

    drawn = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).convert("RGB")
    boxed = [px for px in drawn.get_flattened_data() if px[0] > 200 and px[2] < 150]
    assert len(boxed) > 500, "the quote's box is not drawn on the page"
    page.locator("#qa-page-view .qa-page-close").click()
    expect(image).to_have_count(0)
    assert session.outside == []
