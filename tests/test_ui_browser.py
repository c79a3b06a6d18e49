"""The chat as a user meets it: `app.py` serving the real pipeline, driven in headless Chromium.

One app process for the whole module (the model loads once); each test opens fresh tabs, so
tests share no conversation.
"""

from __future__ import annotations

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

from tests.conftest import stop_process

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ANSWER_TIMEOUT_MS = 60_000  # the first question on a 2-core CI machine warms the model up
FINISHED = "#qa-chat .qa-answer:not(.qa-pending):not(.qa-streaming)"

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


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python app.py --port N` on a copy of the corpus, as a user would start it."""
    tmp = tmp_path_factory.mktemp("app")
    (tmp / "corpus").mkdir()
    shutil.copy(ROOT / "corpus" / "india-japan-semiconductors.txt", tmp / "corpus")
    port = free_port()
    log = tmp / "app.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--port", str(port),
             "--corpus", str(tmp / "corpus"), "--index", str(tmp / "index")],
            cwd=tmp, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_serving(url, process, log)
        yield url
    finally:
        stop_process(process, timeout=10)


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
    context = browser.new_context(viewport={"width": 1280, "height": 900})
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
    expect(marker).to_have_text("1")
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
    expect(page.locator("#qa-article mark.qa-hit")).to_be_in_viewport()


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
