"""Offline and private: with every non-loopback connection and name lookup refused, the real
model loads, the index builds, questions are answered and the app serves `/ask`; nothing even
tried to leave the machine. The server listens on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qa.config import Settings
from tests.conftest import ARTICLE, ROOT, AppServer

pytestmark = pytest.mark.slow

LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}


def _is_local(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse (and record) any connection or name lookup that is not loopback."""
    attempts: list[str] = []
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
    create_connection, getaddrinfo = socket.create_connection, socket.getaddrinfo

    def check(address: Any, family: int) -> None:
        if family == getattr(socket, "AF_UNIX", None):
            return
        host = address[0] if isinstance(address, tuple) else address
        if not _is_local(host):
            attempts.append(f"{host}:{address[1] if isinstance(address, tuple) else ''}")
            raise OSError(f"test_reliability_offline: connection to {host} refused")

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        check(address, self.family)
        return connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> Any:
        check(address, self.family)
        return connect_ex(self, address)

    def guarded_create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        check(address, socket.AF_INET)
        return create_connection(address, *args, **kwargs)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not _is_local(name):
            attempts.append(f"lookup {name}")
            raise socket.gaierror(f"test_reliability_offline: lookup of {name} refused")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    return attempts


def test_the_guard_refuses_and_records(no_network: list[str]) -> None:
    # 192.0.2.1 is reserved for documentation; the guard stops it before any packet is sent.
    with pytest.raises(OSError, match="refused"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    with pytest.raises(OSError, match="refused"):
        socket.getaddrinfo("huggingface.co", 443)
    assert no_network == ["192.0.2.1:80", "lookup huggingface.co"]
    no_network.clear()


def test_build_answer_and_serve_without_the_network(no_network: list[str],
                                                    tmp_path: Path) -> None:
    from gradio_client import Client

    from qa.embedding import MiniLMEmbedder
    from qa.pipeline import Pipeline
    from qa.ui import build_app, launch_options

    (tmp_path / "corpus").mkdir()
    shutil.copy(ARTICLE, tmp_path / "corpus")
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    pipeline = Pipeline.load(settings, embedder=MiniLMEmbedder())  # a fresh model load + build
    answer = pipeline.ask("How much does Japan plan to invest in India?")
    assert not answer.abstained and "10 trillion" in answer.answer
    follow_up = pipeline.ask("What did that tour reaffirm?",
                             history=[["Which plant did Modi tour in Miyagi?", "TEL Miyagi."]])
    assert "commitment" in follow_up.answer

    app = build_app(pipeline).queue(default_concurrency_limit=4)
    options = launch_options() | {"server_name": "127.0.0.1", "server_port": None}
    _, url, _ = app.launch(prevent_thread_lock=True, quiet=True, **options)
    try:
        served = Client(url, verbose=False).predict("Who wrote the article?", api_name="/ask")
        assert "Varuna Shankar" in served["answer"]
    finally:
        app.close()
    assert no_network == [], f"tried to reach: {no_network}"


def test_the_package_sets_the_offline_switches_itself() -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HF_", "TRANSFORMERS_", "GRADIO_"))}
    code = ("import os, qa; print(' '.join(os.environ[k] for k in ('HF_HUB_OFFLINE', "
            "'TRANSFORMERS_OFFLINE', 'HF_HUB_DISABLE_TELEMETRY', 'GRADIO_ANALYTICS_ENABLED')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, cwd=ROOT, timeout=60)
    assert result.stdout.split() == ["1", "1", "1", "False"], result.stderr


def test_the_server_binds_loopback_by_default(app_server: AppServer,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    import app  # the repository root is on sys.path for tests/
    assert app.parse_args([]).host == "127.0.0.1"
    port = int(app_server.url.rstrip("/").rsplit(":", 1)[1])
    table = Path("/proc/net/tcp")
    if not table.exists():
        pytest.skip("no /proc/net/tcp to read listening sockets from")
    listening = [line.split()[1] for line in table.read_text().splitlines()[1:]
                 if line.split()[3] == "0A"]  # state LISTEN; address as hex IP:port
    mine = [address for address in listening if int(address.split(":")[1], 16) == port]
    assert mine == ["0100007F:" + f"{port:04X}"], mine  # 127.0.0.1, not 0.0.0.0
