"""Libraries in a real app served beyond loopback: user A never receives user B's documents
through `/ask`, the page's handlers over raw HTTP, summaries, suggestions, saved conversations
or exports — also after a grant is withdrawn — and not in Chromium either.

The corpus: the India–Japan article in the default library `main`, and a field-notes document
in the library `lab` (`tests/library_docs.py`, fifty questions about it). Accounts: ana reads
main, bo reads lab, ed edits lab.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from qa.access import Accounts
from qa.access.libraries import Libraries
from tests.conftest import ARTICLE, stop_process
from tests.library_docs import DOCUMENT, FACTS, QUESTIONS
from tests.test_security import Raw, log_in, start

gradio_client = pytest.importorskip("gradio_client")

pytestmark = pytest.mark.slow
PASSWORDS = {"ana": "ana's password", "bo": "bo's password", "ed": "ed's password"}
LAB = "kestrel-lab"


@dataclass
class Teams:
    url: str
    root: Path

    @property
    def accounts(self) -> Accounts:
        return Accounts(self.root / "index" / "accounts.json")

    def client(self, user: str) -> gradio_client.Client:
        return gradio_client.Client(self.url, auth=(user, PASSWORDS[user]), verbose=False)

    def raw(self, user: str) -> Raw:
        return Raw(self.url, user, PASSWORDS[user])


def lab_text_in(value: object) -> bool:
    text = json.dumps(value) if not isinstance(value, str) else value
    return "Kestrel" in text or any(sentence[:40] in text for sentence, _ in FACTS)


@pytest.fixture(scope="module")
def teams(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Teams]:
    root = tmp_path_factory.mktemp("teams")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus)
    (corpus / f"{LAB}.md").write_text(DOCUMENT, encoding="utf-8")
    Libraries(corpus).assign(LAB, "lab")
    accounts = Accounts(root / "index" / "accounts.json")
    accounts.add("ana", PASSWORDS["ana"], "reader", ["main"])
    accounts.add("bo", PASSWORDS["bo"], "reader", ["lab"])
    accounts.add("ed", PASSWORDS["ed"], "editor", ["lab"])
    process, url = start(root, "--host", "0.0.0.0")
    try:
        yield Teams(url, root)
    finally:
        stop_process(process, timeout=15)


def test_fifty_questions_about_another_library_never_reach_it(teams: Teams) -> None:
    ana, bo = teams.client("ana"), teams.client("bo")
    reached = 0
    for question in QUESTIONS:
        answer = ana.predict(question, api_name="/ask")
        assert all(c["doc"] != LAB for c in answer["citations"]), question
        assert not lab_text_in([answer["answer"], answer["short_answer"],
                                answer["citations"]]), question
        reached += any(c["doc"] == LAB for c in bo.predict(question, api_name="/ask")
                       ["citations"])
    assert reached >= 40, f"only {reached} of 50 reached the lab for its own reader"
    summary = ana.predict("Summarize the documents.", api_name="/ask")
    assert summary["citations"] and not lab_text_in(summary)
    with pytest.raises(Exception) as error:  # noqa: B017 - gradio_client's own kind
        ana.predict(QUESTIONS[0], None, LAB, api_name="/ask")
    assert "Unknown document" in str(error.value) and LAB not in str(error.value).split(";")[1]


def test_the_page_shows_each_caller_only_their_libraries(teams: Teams) -> None:
    ana, bo = teams.raw("ana"), teams.raw("bo")
    config = ana.config
    assert not lab_text_in(config) and "Modi" not in json.dumps(config)  # built for nobody
    session = uuid.uuid4().hex
    views = ana.call("refresh_views", [], session)
    assert "Modi" in json.dumps(views) and not lab_text_in(views)
    buttons = ana.call("example_buttons_for", ["*"], session)
    assert buttons and not lab_text_in(buttons)
    assert "Kestrel" in json.dumps(bo.call("refresh_views", [], uuid.uuid4().hex))
    answered = ana.call("chat", [QUESTIONS[6], None, "*"], session)  # names nothing of the lab
    assert "acoustic" in json.dumps(answered) and not lab_text_in(answered)


def test_an_editor_changes_only_the_libraries_granted(teams: Teams) -> None:
    ed, session = teams.raw("ed"), uuid.uuid4().hex
    ed.call("refresh_views", [], session)
    notes = ed.upload("tide-notes.md", "# Tide notes\n\nThe spring tide at Stromness peaked "
                                       "at 4.1 metres on 3 March.\n")
    refused = ed.call("add_document", [notes, False, "main"], session)
    assert "not in the list of choices" in json.dumps(refused) or "may not add" in json.dumps(
        refused)
    notes = ed.upload("tide-notes.md", "# Tide notes\n\nThe spring tide at Stromness peaked "
                                       "at 4.1 metres on 3 March.\n")
    added = ed.call("add_document", [notes, False, "lab"], session)
    assert "Added tide-notes.md" in json.dumps(added)
    assert Libraries(teams.root / "corpus").of("tide-notes") == "lab"
    removed = ed.call("remove_document", [ARTICLE.stem, None], session)
    assert "india-japan-semiconductors.txt" in {p.name for p in (teams.root / "corpus").iterdir()}
    assert "Removed" not in json.dumps(removed)
    answer = teams.client("ana").predict("How high did the spring tide at Stromness peak?",
                                         api_name="/ask")
    assert "4.1" not in json.dumps(answer)
    assert "Removed tide-notes.md" in json.dumps(ed.call("remove_document",
                                                          ["tide-notes", None], session))


def test_a_withdrawn_library_is_withheld_from_old_conversations(teams: Teams) -> None:
    bo, session = teams.raw("bo"), uuid.uuid4().hex
    answered = bo.call("chat", [QUESTIONS[6], None, "*"], session)  # names nothing of the lab
    assert lab_text_in(answered)
    saved = bo.call("save", [None], session)[0]
    assert lab_text_in(bo.call("export_conversation", [None], session))
    teams.accounts.set_libraries("bo", ["main"])
    try:
        assert not lab_text_in(bo.call("export_conversation", [None], session))
        restored = bo.call("reopen", [saved, None], uuid.uuid4().hex)
        assert "no longer read" in json.dumps(restored) and not lab_text_in(restored)
        answer = teams.client("bo").predict(QUESTIONS[6], api_name="/ask")
        assert not lab_text_in([answer["answer"], answer["citations"]])
    finally:
        teams.accounts.set_libraries("bo", ["lab"])


def test_in_chromium_a_reader_sees_only_their_library(teams: Teams) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.test_ui_browser import CHROMIUM, CHROMIUM_ARGS

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(teams.url)
        log_in(page, "ana", PASSWORDS["ana"])
        sync_api.expect(page.locator("#qa-article")).to_contain_text("Modi", timeout=30_000)
        box = page.locator("#qa-question textarea")
        box.fill(QUESTIONS[6])  # "What does it say about acoustic transmitters?"
        box.press("Enter")
        done = page.locator("#qa-chat .qa-answer:not(.qa-pending):not(.qa-streaming)")
        sync_api.expect(done).to_have_count(1, timeout=60_000)
        page.locator("#qa-documents").click()
        html = page.content()
        browser.close()
    assert not lab_text_in(html)
