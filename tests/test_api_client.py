"""The `/ask` HTTP endpoint, called with `gradio_client` as the README shows."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qa.config import Settings
from qa.ui import build_app, launch_options

gradio_client = pytest.importorskip("gradio_client")

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The app on a free port, serving the real pipeline over a copy of the corpus."""
    from qa import Pipeline

    tmp = tmp_path_factory.mktemp("api")
    (tmp / "corpus").mkdir()
    shutil.copy(ROOT / "corpus" / "india-japan-semiconductors.txt", tmp / "corpus")
    pipeline = Pipeline.load(Settings.from_env(corpus_dir=tmp / "corpus",
                                               index_dir=tmp / "index"))
    app = build_app(pipeline)
    options = launch_options() | {"server_name": "127.0.0.1", "server_port": None}
    _, url, _ = app.launch(prevent_thread_lock=True, quiet=True, **options)
    try:
        yield gradio_client.Client(url, verbose=False)
    finally:
        app.close()


def test_ask_returns_the_answer_json(client: Any) -> None:
    result = client.predict("What did the tour of TEL Miyagi showcase?", api_name="/ask")
    assert set(result) == {"question", "answer", "abstained", "short_answer", "citations",
                           "latency_ms"}
    assert result["abstained"] is False
    first = result["citations"][0]
    assert first["anchor"] == f"{first['doc']}#p{first['paragraph']}"
    assert first["text"][first["start"]:first["end"]] == first["quote"]
    assert f"[{first['n']}]" in result["answer"]


def test_ask_uses_the_history(client: Any) -> None:
    first = client.predict("Which plant did Modi tour in Miyagi?", api_name="/ask")
    follow_up = client.predict("What did that tour reaffirm?",
                               [[first["question"], first["answer"]]], api_name="/ask")
    assert "commitment" in follow_up["answer"]


def test_ask_refuses_an_empty_question_with_its_message(client: Any) -> None:
    with pytest.raises(Exception, match="Please type a question"):
        client.predict("   ", api_name="/ask")


def test_only_ask_is_public(client: Any) -> None:
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert list(endpoints) == ["/ask"]
