"""Two `app.py` replicas on one Milvus server (Milvus Lite's gRPC server, started here), each
with its own corpus and index folders: concurrent chat sessions spread over both get their own
answers, and a Markdown file uploaded in the browser to one replica is answered, with its
citation, by the other. Real models, real servers, real browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.load_test import run_load, start_app
from tests.conftest import ROOT, stop_process

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK) and not os.environ.get("CI"),
                       reason=f"{CHROMIUM} missing: apt-get install chromium (make browser)"),
]


@pytest.fixture(scope="module")
def replicas(milvus_server: str,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Two app.py processes on one store; the first builds it, the second finds it built."""
    store = f"milvus://{milvus_server}?prefix=r{uuid.uuid4().hex[:12]}"
    urls: list[str] = []
    processes: list[subprocess.Popen] = []
    try:
        for name in ("a", "b"):
            root = tmp_path_factory.mktemp(f"replica-{name}")
            (root / "corpus").mkdir()
            shutil.copy(ROOT / "corpus" / "india-japan-semiconductors.txt", root / "corpus")
            process, url = start_app(root / "corpus", root / "index", root / "app.log",
                                     store=store)
            processes.append(process)
            urls.append(url)
        yield urls
    finally:
        for process in processes:
            stop_process(process, timeout=15)


def test_sessions_spread_over_two_replicas_get_their_own_answers(replicas: list[str]) -> None:
    report = run_load(replicas, sessions=20, questions=10)
    print(report.summary())
    assert report.errors == []
    assert report.cross_talk == []  # includes: both replicas answer exactly alike
    assert report.requests == 200


def test_a_document_uploaded_to_one_replica_is_answered_by_the_other(
        replicas: list[str], tmp_path: Path) -> None:
    from gradio_client import Client

    notes = tmp_path / "Pond Log.md"
    notes.write_text("# Pond log\n\nThe newts returned to the pond on 9 April, a week after "
                     "the frogs.\n", encoding="utf-8")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(replicas[0])
        page.locator("#qa-upload input[type=file], input[type=file]").first \
            .set_input_files(str(notes))
        sync_api.expect(page.locator("#qa-upload-status .qa-notice")).to_contain_text(
            "Ask about it now", timeout=120_000)
        uploaded = time.monotonic()
        browser.close()
    other = Client(replicas[1], verbose=False)
    while True:
        answer = other.predict("When did the newts return to the pond?", [], api_name="/ask")
        cited = [c["doc"] for c in answer["citations"]]
        if cited and cited[0] == "pond-log":
            break
        assert time.monotonic() - uploaded < 5, f"replica b still answers {answer['answer']!r}"
        time.sleep(0.2)
    assert "9 April" in answer["answer"]
    print(f"replica b cited the upload {time.monotonic() - uploaded:.1f} s after replica a "
          "reported it indexed")
