"""The `qa` command as a user runs it: subprocesses, exit codes, messages, JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.config import Settings

pytestmark = pytest.mark.slow


def qa(*args: str, settings: Settings, timeout: int = 180,
       stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "QA_CORPUS_DIR": str(settings.corpus_dir),
           "QA_INDEX_DIR": str(settings.index_dir)}
    return subprocess.run([sys.executable, "-m", "qa", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, input=stdin)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from tests.conftest import copy_of_article

    settings = copy_of_article(tmp_path_factory.mktemp("cli"))
    result = qa("build", settings=settings)
    assert result.returncode == 0, result.stderr
    assert "Indexed 1 document(s): 30 paragraphs" in result.stdout
    return settings


@pytest.mark.parametrize(("args", "message"), [
    (["ask"], "give a question"),
    (["ask", "q", "--batch", "x.jsonl"], "not both"),
    (["ask", "--batch", "missing.jsonl", "--out", "o.jsonl"], "does not exist"),
    (["frobnicate"], "invalid choice"),
    (["ask", "   "], "Please type a question"),
    (["eval", "missing.jsonl"], "Cannot read"),
])
def test_bad_arguments_exit_1_with_a_message(built: Settings, args: list[str],
                                             message: str) -> None:
    result = qa(*args, settings=built)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_ask_prints_answer_with_quote(built: Settings) -> None:
    result = qa("ask", "What did Modi's two-day visit to Japan result in?", settings=built)
    assert result.returncode == 0, result.stderr
    assert "[1] india-japan-semiconductors#p10" in result.stdout
    assert "agreements and memoranda of understanding" in result.stdout


def test_ask_json_is_one_object(built: Settings) -> None:
    result = qa("ask", "Who wrote the article?", "--json", settings=built)
    data = json.loads(result.stdout)
    assert data["abstained"] is False and "Varuna Shankar" in data["answer"]
    c = data["citations"][0]
    assert set(c) == {"n", "doc", "paragraph", "anchor", "text", "quote", "start", "end"}
    assert c["text"][c["start"]:c["end"]] == c["quote"]


def test_batch_keeps_order_and_survives_bad_lines(built: Settings, tmp_path: Path) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    lines = [
        {"id": "a", "question": "Who wrote the article?"},
        "this is not json",
        {"id": "c", "question": ""},
        {"id": "d", "question": "What did that tour reaffirm?",
         "history": [["Which plant did Modi tour?", "TEL Miyagi."]]},
        {"id": "e", "question": "What is India's GDP?"},
    ]
    source.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines))
    result = qa("ask", "--batch", str(source), "--out", str(target), settings=built)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in target.read_text().splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "c", "d", "e"]
    assert "error" in out[1] and "error" in out[2]
    assert {"answer", "abstained", "citations", "latency_ms"} <= set(out[0])
    assert "commitment" in out[3]["answer"]
    assert out[4]["abstained"] is True and out[4]["citations"] == []


def test_build_if_needed_skips_a_fresh_index(built: Settings) -> None:
    result = qa("build", "--if-needed", settings=built)
    assert result.returncode == 0 and "up to date" in result.stdout


def test_corrupt_index_gives_one_line(built: Settings, tmp_path: Path) -> None:
    import shutil

    broken = Settings(corpus_dir=built.corpus_dir, index_dir=tmp_path / "index")
    shutil.copytree(built.index_dir, broken.index_dir)
    for manifest in broken.index_dir.glob("g-*/manifest.json"):
        manifest.write_text("{not json")
    result = qa("ask", "Who wrote the article?", settings=broken)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "qa build" in result.stderr
