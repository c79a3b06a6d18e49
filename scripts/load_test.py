"""Many chat sessions at once against the running app's `/ask`: errors, cross-talk, latency.

    .venv/bin/python scripts/load_test.py                    # starts app.py on a free port
    .venv/bin/python scripts/load_test.py --url http://127.0.0.1:7860/ --sessions 20 --questions 10

Each session is its own `gradio_client.Client` and keeps its own history. It alternates a
question on a topic with the follow-up "Tell me more about that.", whose right answer is the
paragraph of *that session's* previous answer; neighbouring sessions start on different topics,
so an answer computed with another session's history would cite the wrong paragraph. Every
answer is also compared with the same conversation asked alone, one question at a time.
Only loopback addresses are used; nothing here tunes or changes the server.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FOLLOW_UP = "Tell me more about that."
# Each is answered from a different paragraph of the article.
TOPICS = (
    "Which plant did Modi tour in Miyagi?",
    "Which companies are building an OSAT facility in Gujarat?",
    "How many Japanese investments were there in India's semiconductor industry between "
    "2017 and 2020?",
    "How much has the Indian government allocated for semiconductor incentives?",
    "How much does Japan plan to invest in India?",
    "What share of semiconductor materials does Japan supply?",
    "How many Indians with specialized skills moved to Japan?",
    "Who wrote the article?",
)
REQUEST_TIMEOUT_S = 120.0


def conversation(session: int, questions: int) -> list[str]:
    """Session n: topic n, follow-up, topic n+1, follow-up, … (`questions` in all)."""
    script = []
    for i in range(questions):
        topic = TOPICS[(session + i // 2) % len(TOPICS)]
        script.append(topic if i % 2 == 0 else FOLLOW_UP)
    return script


@dataclass
class SessionResult:
    session: int
    answers: list[dict[str, Any]] = field(default_factory=list)
    latencies_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    sessions: int
    questions: int
    requests: int
    errors: list[str]
    cross_talk: list[str]
    wall_s: float
    latencies_s: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.wall_s if self.wall_s else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_s)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]

    def summary(self) -> str:
        return (f"{self.sessions} sessions × {self.questions} questions = {self.requests} "
                f"requests in {self.wall_s:.1f} s: {self.throughput:.2f} answers/s, latency "
                f"p50 {self.percentile(50):.2f} s, p95 {self.percentile(95):.2f} s, max "
                f"{max(self.latencies_s, default=0):.2f} s; {len(self.errors)} errors, "
                f"{len(self.cross_talk)} answers not matching their own conversation")


def run_session(url: str, session: int, questions: int,
                start: threading.Barrier | None = None) -> SessionResult:
    """One user: a fresh client, a conversation whose history only this session sees."""
    from gradio_client import Client

    result = SessionResult(session)
    try:
        client = Client(url, verbose=False)
    except Exception as error:  # every failure is a finding to report
        result.errors.append(f"session {session}: cannot connect ({error})")
        if start is not None:
            start.abort()  # the others go ahead without waiting for this one
        return result
    if start is not None:
        _wait(start)
    history: list[list[str]] = []
    for question in conversation(session, questions):
        began = time.perf_counter()
        try:
            job = client.submit(question, history, api_name="/ask")
            answer = job.result(timeout=REQUEST_TIMEOUT_S)
        except Exception as error:  # reported, not raised
            result.errors.append(f"session {session}: {question!r}: {type(error).__name__}: "
                                 f"{error}")
            break
        result.latencies_s.append(time.perf_counter() - began)
        result.answers.append(answer)
        history = [*history, [question, answer["answer"]]]
    return result


def check_conversation(result: SessionResult, questions: int,
                       expected: list[dict[str, Any]] | None = None) -> list[str]:
    """Problems: a follow-up not citing its own previous answer's paragraph, or any answer
    differing from the same conversation asked alone."""
    problems = []
    script = conversation(result.session, questions)
    for i, (question, answer) in enumerate(zip(script, result.answers, strict=False)):
        where = f"session {result.session}, question {i + 1}"
        if answer.get("question") != question:
            problems.append(f"{where}: got the answer to {answer.get('question')!r}")
        if question == FOLLOW_UP and i > 0:
            before = {c["paragraph"] for c in result.answers[i - 1]["citations"]}
            cited = [c["paragraph"] for c in answer["citations"]]
            if not cited or cited[0] not in before:
                problems.append(f"{where}: follow-up cites {cited}, its history cites "
                                f"{sorted(before)}")
        if expected is not None and i < len(expected) and _same(answer) != _same(expected[i]):
            problems.append(f"{where}: answer differs from the same conversation asked alone")
    return problems


def _same(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "latency_ms"}


def run_load(url: str | list[str], sessions: int = 20, questions: int = 10) -> LoadReport:
    """Baseline each distinct conversation alone, then run every session at once. With
    several URLs (replicas of one app), session n talks to URL n mod k, and every answer is
    compared with the first URL's baseline."""
    urls = [url] if isinstance(url, str) else list(url)
    baseline: dict[int, list[dict[str, Any]]] = {}
    for chain in range(min(sessions, len(TOPICS))):
        alone = run_session(urls[0], chain, questions)
        if alone.errors:
            raise RuntimeError("; ".join(alone.errors))
        baseline[chain] = alone.answers
    start = threading.Barrier(sessions + 1)
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        futures = [pool.submit(run_session, urls[s % len(urls)], s, questions, start)
                   for s in range(sessions)]
        _wait(start)
        began = time.perf_counter()
        results = [f.result() for f in futures]
        wall = time.perf_counter() - began
    errors = [e for r in results for e in r.errors]
    cross_talk = [p for r in results
                  for p in check_conversation(r, questions, baseline[r.session % len(TOPICS)])]
    return LoadReport(sessions, questions, sum(len(r.answers) for r in results), errors,
                      cross_talk, wall, [t for r in results for t in r.latencies_s])


def _wait(start: threading.Barrier) -> None:
    try:
        start.wait(timeout=REQUEST_TIMEOUT_S)
    except threading.BrokenBarrierError:
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_app(corpus: Path, index: Path, log: Path, port: int | None = None,
              timeout_s: float = 240.0, store: str = "") -> tuple[subprocess.Popen, str]:
    """`python app.py` as a user starts it, on 127.0.0.1; returns once it answers HTTP.
    `store` (a Milvus spec) puts its index there instead of in `index`."""
    port = port or free_port()
    env = {**os.environ, "QA_CORPUS_DIR": str(corpus), "QA_INDEX_DIR": str(index),
           "QA_STORE": store}
    env.pop("GRADIO_SERVER_NAME", None)
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)],
                                   cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app.py exited with {process.returncode}:\n"
                               f"{log.read_text(errors='replace')[-2000:]}")
        try:
            with opener.open(url + "config", timeout=5) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"app.py did not answer on {url} within {timeout_s:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", action="append", help="a running app; give it twice for two "
                        "replicas (default: start app.py on a free port)")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10, help="per session")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    args = parser.parse_args(argv)
    process = None
    url = args.url
    if url is None:
        log = Path(tempfile.gettempdir()) / "qa-load-test-app.log"
        print(f"starting app.py (log: {log})", file=sys.stderr)
        process, started = start_app(args.corpus, args.index, log)
        url = [started]
    try:
        report = run_load(url, args.sessions, args.questions)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    print(report.summary())
    for problem in (report.errors + report.cross_talk)[:20]:
        print("  ", problem)
    return 1 if report.errors or report.cross_talk else 0


if __name__ == "__main__":
    sys.exit(main())
