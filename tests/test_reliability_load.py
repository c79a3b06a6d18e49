"""Twenty chat sessions at once against app.py's `/ask`: no errors, no cross-talk.

A CI-sized run (20 sessions × 3 questions); `scripts/load_test.py` runs the full 20 × 10 whose
figures are in the README.
"""

from __future__ import annotations

import pytest

from scripts.load_test import FOLLOW_UP, conversation, run_load
from tests.conftest import AppServer

pytestmark = pytest.mark.slow


def test_neighbouring_sessions_hold_different_conversations() -> None:
    first = [conversation(s, 3) for s in range(20)]
    assert all(c[1] == FOLLOW_UP for c in first)
    assert all(a[0] != b[0] for a, b in zip(first, first[1:], strict=False))


def test_twenty_concurrent_sessions(app_server: AppServer) -> None:
    report = run_load(app_server.url, sessions=20, questions=3)
    print(report.summary())
    assert report.errors == []
    assert report.cross_talk == []
    assert report.requests == 60
    assert report.percentile(95) < 60.0  # the queue keeps every request moving
    assert app_server.alive()
    assert "Traceback" not in app_server.log.read_text(errors="replace")


def test_an_answer_from_another_sessions_history_is_caught() -> None:
    from scripts.load_test import SessionResult, check_conversation

    def answer(question: str, paragraph: int) -> dict:
        return {"question": question, "answer": "…", "citations": [{"paragraph": paragraph}]}

    script = conversation(0, 2)
    mixed = SessionResult(0, [answer(script[0], 10), answer(script[1], 17)])
    own = SessionResult(0, [answer(script[0], 10), answer(script[1], 10)])
    assert check_conversation(own, 2) == []
    assert "follow-up cites [17]" in check_conversation(mixed, 2)[0]
