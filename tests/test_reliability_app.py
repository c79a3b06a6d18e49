"""app.py's own edges: a bad port (flag or GRADIO_SERVER_PORT) or a busy one is one line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from typing import Any

import pytest

import app  # app.py at the repository root, which pytest puts on sys.path for tests/
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("args", "env"), [
    ([], {"GRADIO_SERVER_PORT": "abc"}),  # crashed inside Gradio's import before
    ([], {"GRADIO_SERVER_PORT": "70000"}),
    (["--port", "-1"], {}),
    (["--port", "http"], {}),
])
def test_a_bad_port_is_one_line(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "app.py"), *args], capture_output=True,
                            text=True, env={**os.environ, **env}, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "invalid port" in result.stderr.splitlines()[-1]
    assert "GRADIO_SERVER_PORT" in result.stderr


def test_a_busy_port_is_one_line(real_pipeline: Any, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr(app.Pipeline, "load", lambda *a, **k: real_pipeline)
    monkeypatch.setenv("GRADIO_SERVER_PORT", "7860")  # main() sets it; restored afterwards
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert app.main(["--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"error: cannot serve on 127.0.0.1:{port}" in err and "Traceback" not in err
