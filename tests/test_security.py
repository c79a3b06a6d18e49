"""The app served beyond loopback, probed as an attacker would: raw HTTP to every handler
`/config` lists, as well as `gradio_client`. Traffic goes to 127.0.0.1 only.

One app (`app.py --host 0.0.0.0`, real models) with three accounts: rita (reader), eddie
(editor) and ada (admin). Each finding of the access issue has its test here; the hostile
documents are tested in Chromium by tests/test_hostile_documents.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from qa.access import Accounts, audit
from qa.access.upload_limit import TRANSFERS_PER_HOUR
from qa.ui.feedback import MAX_COMMENT_CHARS
from tests.conftest import ARTICLE, ROOT, stop_process

httpx = pytest.importorskip("httpx")
gradio_client = pytest.importorskip("gradio_client")

pytestmark = pytest.mark.slow
PASSWORDS = {"rita": "rita's password", "eddie": "eddie's password", "ada": "ada's password"}
ARTICLE_ID = ARTICLE.stem


@dataclass
class TeamApp:
    url: str
    root: Path
    process: subprocess.Popen
    token: str
    token_id: str

    @property
    def accounts(self) -> Accounts:
        return Accounts(self.root / "index" / "accounts.json")

    def corpus(self) -> list[str]:
        return sorted(p.name for p in (self.root / "corpus").iterdir())

    def audit(self) -> list[dict[str, str]]:
        return audit.read(self.root / "index" / "audit.log")


def start(root: Path, *args: str) -> tuple[subprocess.Popen, str]:
    from scripts.load_test import free_port

    port = free_port()
    with (root / "app.log").open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--port", str(port), "--corpus",
             str(root / "corpus"), "--index", str(root / "index"), *args],
            stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert process.poll() is None, (root / "app.log").read_text()[-3000:]
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.5)
    raise AssertionError("app.py did not serve in 180 s")


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamApp]:
    root = tmp_path_factory.mktemp("team")
    (root / "corpus").mkdir()
    shutil.copy(ARTICLE, root / "corpus")
    accounts = Accounts(root / "index" / "accounts.json")
    for name, role in (("rita", "reader"), ("eddie", "editor"), ("ada", "admin")):
        accounts.add(name, PASSWORDS[name], role)
    token_id, token = accounts.create_token("eddie", "tests")
    process, url = start(root, "--host", "0.0.0.0")
    try:
        yield TeamApp(url, root, process, token, token_id)
    finally:
        stop_process(process, timeout=15)


class Raw:
    """Gradio's wire protocol by hand: what a script could send, page or no page."""

    def __init__(self, url: str, user: str | None = None, password: str | None = None) -> None:
        self.http = httpx.Client(base_url=url, timeout=60)
        if user is not None:
            response = self.http.post("/login", data={"username": user,
                                                      "password": password or PASSWORDS[user]})
            assert response.status_code == 200, response.text
        self._config: dict[str, Any] | None = None

    @property
    def config(self) -> dict[str, Any]:
        if self._config is None:
            self._config = self.http.get("/config").json()
        return self._config

    def fn_index(self, name: str) -> int:
        return next(i for i, d in enumerate(self.config["dependencies"])
                    if d.get("api_name") == name)

    def join(self, fn_index: int, data: list[Any], session: str,
             event: dict[str, Any] | None = None) -> httpx.Response:
        return self.http.post("/gradio_api/queue/join", json={
            "data": data, "fn_index": fn_index, "session_hash": session, "event_data": event,
            "trigger_id": None})

    def call(self, name: str, data: list[Any], session: str | None = None,
             event: dict[str, Any] | None = None) -> Any:
        """The handler's output, or the error message it raised."""
        session = session or uuid.uuid4().hex
        response = self.join(self.fn_index(name), data, session, event)
        assert response.status_code == 200, response.text
        with self.http.stream("GET", f"/gradio_api/queue/data?session_hash={session}") as s:
            for line in s.iter_lines():
                if line.startswith("data:"):
                    message = json.loads(line[5:])
                    if message.get("msg") == "process_completed":
                        output = message.get("output", {})
                        return output.get("error") or output.get("data")
        raise AssertionError("no result")

    def upload(self, name: str, text: str) -> dict[str, Any]:
        response = self.http.post("/gradio_api/upload",
                                  files={"files": (name, text.encode(), "text/plain")})
        assert response.status_code == 200, response.text
        return {"path": response.json()[0], "orig_name": name,
                "meta": {"_type": "gradio.FileData"}}


def test_beyond_loopback_without_accounts_the_app_refuses_to_start(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    shutil.copy(ARTICLE, tmp_path / "corpus")
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "--host", "0.0.0.0", "--corpus",
         str(tmp_path / "corpus"), "--index", str(tmp_path / "index")],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "without accounts" in result.stderr and "--open-access" in result.stderr


def test_with_open_access_everyone_reads_and_nobody_changes_the_library(
        tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    shutil.copy(ARTICLE, tmp_path / "corpus")
    process, url = start(tmp_path, "--host", "0.0.0.0", "--open-access")
    try:
        assert "anyone" in (tmp_path / "app.log").read_text().lower()  # the loud warning
        visitor, session = Raw(url), uuid.uuid4().hex
        visitor.call("refresh_views", [], session)
        fake = visitor.upload(ARTICLE.name, "Every agreement was cancelled.")
        assert "may not add" in json.dumps(visitor.call("add_document", [fake, True, None],
                                                         session))
        removed = visitor.call("remove_document", [ARTICLE_ID, None], session)
        assert re.search(r"may not remove|No document|not in the list", json.dumps(removed))
        assert sorted(p.name for p in (tmp_path / "corpus").iterdir()) == [ARTICLE.name]
        codes = [visitor.http.post("/gradio_api/upload", files={
            "files": (f"n{i}.txt", b"x" * 100, "text/plain")}).status_code
            for i in range(TRANSFERS_PER_HOUR)]  # one was spent above: counted per address
        assert codes[-1] == 429 and codes.count(200) == TRANSFERS_PER_HOUR - 1, codes
        answer = gradio_client.Client(url, verbose=False).predict(
            "Which plant did Modi tour in Miyagi?", api_name="/ask")
        assert "Miyagi" in answer["answer"] and answer["citations"]
    finally:
        stop_process(process, timeout=15)


def test_anonymous_clients_get_401_from_every_handler(team: TeamApp) -> None:
    handlers = len(Raw(team.url, "rita").config["dependencies"])
    anonymous = Raw(team.url)
    for path in ("/config", "/gradio_api/info", "/monitoring/summary"):
        assert anonymous.http.get(path).status_code == 401, path
    # not even a logged-in user gets Gradio's monitoring page: it is switched off
    assert Raw(team.url, "ada").http.get("/monitoring/summary").status_code in (403, 404)
    for fn_index in range(handlers):
        response = anonymous.join(fn_index, [None] * 5, "anonymous-session")
        assert response.status_code == 401, fn_index
    assert anonymous.http.post("/gradio_api/call/ask",
                               json={"data": ["hi", None, None]}).status_code == 401
    upload = anonymous.http.post("/gradio_api/upload",
                                 files={"files": ("x.txt", b"x" * 1000, "text/plain")})
    assert upload.status_code == 401


def test_a_reader_cannot_add_replace_or_remove_through_queue_join(team: TeamApp) -> None:
    rita, session = Raw(team.url, "rita"), uuid.uuid4().hex
    before = team.corpus()
    rita.call("refresh_views", [], session)  # what the page's load does: her own choices
    removed = rita.call("remove_document", [ARTICLE_ID, None], session)
    # Gradio itself refuses a choice her page was never offered; the handler would refuse too
    assert re.search(r"may not remove|not in the list of choices", json.dumps(removed))
    asked = rita.call("confirm_removal", [ARTICLE_ID], session)
    assert re.search(r"may not remove|not in the list of choices", json.dumps(asked))
    fake = rita.upload(ARTICLE.name, "Modi's visit resulted in the cancellation of every "
                                     "semiconductor agreement.")
    replaced = rita.call("add_document", [fake, True, None], session)
    assert "may not add" in json.dumps(replaced)
    assert not Path(fake["path"]).exists(), "a refused upload's temporary file stays"
    assert team.corpus() == before
    answer = gradio_client.Client(team.url, auth=("rita", PASSWORDS["rita"]),
                                  verbose=False).predict(
        "What did Modi's two-day visit result in?", api_name="/ask")
    assert "cancellation" not in answer["answer"]
    refused = [line for line in team.audit() if line["user"] == "rita"]
    assert {line["action"] for line in refused} >= {"replace"}
    assert all(line["outcome"].startswith("refused") for line in refused)


def test_an_editor_adds_and_removes_and_each_change_is_audited(team: TeamApp) -> None:
    eddie, session = Raw(team.url, "eddie"), uuid.uuid4().hex
    notes = eddie.upload("garden-notes.md", "# Garden notes\n\nThe quince tree was planted "
                                            "in 2019 beside the north wall.\n")
    eddie.call("refresh_views", [], session)  # what the page's load does
    added = eddie.call("add_document", [notes, False, "main"], session)
    assert "garden-notes.md" in json.dumps(added) and "garden-notes.md" in team.corpus()
    assert not Path(notes["path"]).exists()
    removed = eddie.call("remove_document", ["garden-notes", None], session)
    assert "Removed garden-notes.md" in json.dumps(removed)
    assert "garden-notes.md" not in team.corpus()
    lines = [(x["user"], x["action"], x["target"], x["outcome"]) for x in team.audit()
             if x["user"] == "eddie"]
    assert ("eddie", "add", "main/garden-notes.md", "added") in lines
    assert ("eddie", "remove", "garden-notes.md", "removed") in lines


def test_an_api_token_logs_gradio_client_in_until_it_is_revoked(team: TeamApp) -> None:
    client = gradio_client.Client(team.url, auth=("eddie", team.token), verbose=False)
    answer = client.predict("Who did Modi meet?", api_name="/ask")
    assert answer["citations"]
    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises its own kinds
        gradio_client.Client(team.url, auth=("rita", team.token), verbose=False)
    team.accounts.revoke_token(team.token_id)
    with pytest.raises(Exception):  # noqa: B017
        gradio_client.Client(team.url, auth=("eddie", team.token), verbose=False)


def test_a_conversation_is_readable_by_its_owner_only(team: TeamApp) -> None:
    rita, ada = Raw(team.url, "rita"), Raw(team.url, "ada")
    session = uuid.uuid4().hex
    rita.call("chat", ["Which plant did Modi tour in Miyagi?", None, "*"], session)
    exported = rita.call("export_conversation", [None], session)
    assert "Miyagi" in json.dumps(exported)
    assert "Miyagi" in json.dumps(rita.call("save", [None], session))  # so the next can fail
    stolen = ada.call("export_conversation", [None], session)
    assert "another user" in json.dumps(stolen) and "Miyagi" not in json.dumps(stolen)
    assert "Miyagi" not in json.dumps(ada.call("save", [None], session))
    ada.call("new_chat", [], session)  # nor can another user wipe it
    ada.call("clear_chat", [], session)
    assert "Miyagi" in json.dumps(rita.call("export_conversation", [None], session))


def test_raw_uploads_are_counted_per_user_before_gradio_stores_them(team: TeamApp) -> None:
    ada = Raw(team.url, "ada")
    codes = [ada.http.post("/gradio_api/upload", files={
        "files": (f"n{i}.txt", b"x" * 1000, "text/plain")}).status_code
        for i in range(TRANSFERS_PER_HOUR + 5)]
    assert codes.count(200) <= TRANSFERS_PER_HOUR and codes[-1] == 429, codes
    refused = ada.http.post("/gradio_api/upload",
                            files={"files": ("late.txt", b"x", "text/plain")})
    assert "Too many uploads" in refused.text
    rita = Raw(team.url, "rita")  # another user's count is their own
    assert rita.http.post("/gradio_api/upload", files={
        "files": ("mine.txt", b"x" * 10, "text/plain")}).status_code == 200


def test_long_questions_are_answered_or_refused_within_two_seconds(team: TeamApp) -> None:
    client = gradio_client.Client(team.url, auth=("rita", PASSWORDS["rita"]), verbose=False)
    sentences = ARTICLE.read_text().replace("\n", " ").split(". ")
    slowest = 0.0
    for n in range(20):
        text = "What about " + ". ".join(sentences[n:] + sentences[:n])
        question = text[:1920 + 4 * n].rsplit(" ", 1)[0] + "?"
        assert 1900 <= len(question) <= 2000
        started = time.perf_counter()
        answer = client.predict(question, api_name="/ask")
        slowest = max(slowest, time.perf_counter() - started)
        assert isinstance(answer["answer"], str) and answer["answer"]
    assert slowest <= 2.0, f"slowest long question took {slowest:.2f} s"


def test_feedback_is_bounded_per_caller(team: TeamApp) -> None:
    rita = Raw(team.url, "rita")
    session = uuid.uuid4().hex
    rita.call("chat", ["Which plant did Modi tour in Miyagi?", None, "*"], session)
    stored = team.root / "index" / "feedback.jsonl"
    before = stored.stat().st_size if stored.exists() else 0
    dislike = {"index": 1, "value": "", "liked": False}  # the first answer's thumbs down
    replies = []
    for _ in range(63):  # a thumbs down, then its form with a huge comment: 126 ratings
        replies.append(json.dumps(rita.call("vote", [None], session, dislike)))
        replies.append(json.dumps(rita.call("send_feedback", [None, None, "x" * 50_000,
                                                              False, []], session)))
    assert not any("Too many" in r for r in replies[:100])
    assert "Too many ratings" in replies[-1]
    written = [json.loads(line) for line in
               stored.read_bytes()[before:].decode("utf-8").splitlines()]
    assert 100 <= len(written) <= 120  # each taken rating is kept, then the quota stops them
    assert max(len(r["comment"]) for r in written) == MAX_COMMENT_CHARS  # cut, not refused


def log_in(page: Any, user: str, password: str) -> None:
    """Gradio's login page, filled in and sent."""
    page.get_by_label("username").fill(user)
    page.get_by_label("password").fill(password)
    page.get_by_role("button", name="Login").click()


def test_in_chromium_a_reader_logs_in_asks_and_cannot_add(team: TeamApp,
                                                          tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.test_ui_browser import CHROMIUM, CHROMIUM_ARGS

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(team.url)
        log_in(page, "rita", "wrong password!")
        sync_api.expect(page.get_by_text("Incorrect Credentials")).to_be_visible(timeout=15_000)
        log_in(page, "rita", PASSWORDS["rita"])
        box = page.locator("#qa-question textarea")
        sync_api.expect(box).to_be_editable(timeout=30_000)
        box.fill("Which plant did Modi tour in Miyagi?")
        box.press("Enter")
        done = page.locator("#qa-chat .qa-answer:not(.qa-pending):not(.qa-streaming)")
        sync_api.expect(done).to_have_count(1, timeout=60_000)
        notes = tmp_path / "notes.md"
        notes.write_text("# Notes\n\nThe quince tree was planted in 2019.\n")
        page.locator("#qa-upload input[type=file], input[type=file]").first.set_input_files(
            str(notes))
        sync_api.expect(page.locator("#qa-upload-status")).to_contain_text(
            "may not add", timeout=30_000)
        browser.close()
    assert team.corpus() == [ARTICLE.name]
