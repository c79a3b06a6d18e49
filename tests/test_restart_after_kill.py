"""The app killed (SIGKILL) in the middle of an upload, then started again: it serves the last
whole index at once, over raw HTTP as any client would see it, and nothing is half-written.

`tests/test_bounded_work.py` covers the other half in-process: killed after the file reached
the corpus folder, the next start serves the old index and catches up in the background.
"""

from __future__ import annotations

import shutil
import signal
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import ARTICLE, stop_process
from tests.test_bounded_work import long_document
from tests.test_security import Raw, gradio_client, start

pytestmark = pytest.mark.slow


def test_killed_during_an_upload_the_app_serves_again_at_once(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    shutil.copy(ARTICLE, tmp_path / "corpus")
    process, url = start(tmp_path)
    try:
        raw, session = Raw(url), uuid.uuid4().hex
        raw.call("refresh_views", [], session)
        text = long_document(tmp_path / "ledger.txt", 2000).read_text(encoding="utf-8")
        upload = raw.upload("ledger.txt", text)
        raw.join(raw.fn_index("add_document"), [upload, False, None], session)  # not awaited
        time.sleep(4.0)  # reading and embedding 2,000 paragraphs takes far longer
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        stop_process(process, timeout=5)
    started = time.monotonic()
    process, url = start(tmp_path)
    try:
        answer = gradio_client.Client(url, verbose=False).predict(
            "Which plant did Modi tour in Miyagi?", api_name="/ask")
        took = time.monotonic() - started
        print(f"killed mid-upload: serving and answering {took:.1f} s after the restart")
        assert "Miyagi" in answer["answer"] and answer["citations"]
        assert took <= 60, f"the restart took {took:.1f} s to answer"
        index = tmp_path / "index"
        assert not list(index.glob("*.tmp")) and (index / "CURRENT").is_file()
        listed = Raw(url).call("refresh_views", [], uuid.uuid4().hex)
        assert "india-japan-semiconductors" in str(listed)
    finally:
        stop_process(process, timeout=15)
