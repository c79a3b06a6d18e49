"""The local feedback store and its export to eval items (no model, no app)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.cli import main
from qa.errors import InputError
from qa.eval.evaluation import judge, read_eval_file
from qa.ui.feedback import Feedback, FeedbackStore, to_eval_item

ANSWER = {"question": "Who built the plant?", "answer": "**Tata** — “Tata built it.” [1]",
          "abstained": False, "short_answer": "Tata",
          "citations": [{"n": 1, "doc": "d", "paragraph": 2, "anchor": "d#p2",
                         "text": "Tata built it.", "quote": "Tata built it.", "start": 0,
                         "end": 14}]}
EXPECTED = {"anchor": "d#p5", "text": "Micron built the plant in Sanand."}


def vote(rating: str = "down", id: str = "a1", **extra: object) -> Feedback:
    return Feedback(id=id, rating=rating, question="Who built the plant?", answer=ANSWER,
                    **extra)  # type: ignore[arg-type]


def test_records_round_trip_and_the_latest_vote_per_answer_wins(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "index" / "feedback.jsonl")
    store.append(vote("up", id="a1"))
    store.append(vote("down", id="a2"))
    store.append(vote("down", id="a1", comment="wrong\ncompany", expected=[EXPECTED]))
    store.append(vote("up", id="a3"))
    store.append(vote("none", id="a3"))  # taken back
    records = store.records()
    assert len(records) == 5 and all(r.at for r in records)
    latest = store.latest()
    assert [(f.id, f.rating) for f in latest] == [("a1", "down"), ("a2", "down")]
    assert latest[0].comment == "wrong company"  # one line
    assert latest[0].expected == [EXPECTED]


def test_the_file_is_only_ever_appended_to_and_a_torn_line_is_skipped(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.jsonl")
    store.append(vote("up"))
    first = store.path.read_text(encoding="utf-8")
    with store.path.open("a", encoding="utf-8") as out:
        out.write('{"id": "broken", "rating": "do')  # a crash mid-line
    store.path.write_text(store.path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    store.append(vote("down", id="a2"))
    assert store.path.read_text(encoding="utf-8").startswith(first)
    assert [f.id for f in store.latest()] == ["a1", "a2"]


def test_an_unknown_rating_is_refused() -> None:
    with pytest.raises(InputError, match="Unknown rating"):
        vote("meh")


def test_a_dislike_with_an_expected_paragraph_becomes_a_support_item(tmp_path: Path) -> None:
    item = to_eval_item(vote(comment="It was Micron", expected=[EXPECTED]))
    assert item["question"] == "Who built the plant?" and item["type"] == "fact"
    assert item["support_any"] == [EXPECTED["text"]]
    right = {"answer": "Micron [1]", "abstained": False, "citations": [
        {"text": EXPECTED["text"], "quote": "Micron", "start": 0, "end": 6}]}
    assert judge(item, right).answer_ok
    assert not judge(item, {**ANSWER}).answer_ok  # the disliked answer fails its own test


def test_should_not_answer_becomes_an_unanswerable_item() -> None:
    item = to_eval_item(vote(should_abstain=True))
    assert item["type"] == "unanswerable" and "answer_any" not in item
    assert judge(item, {"answer": "The article does not say.", "abstained": True}).answer_ok
    assert not judge(item, ANSWER).answer_ok


def test_a_bare_dislike_refuses_the_same_answer_again() -> None:
    item = to_eval_item(vote(history=[["Earlier?", "Yes."]]))
    assert item["type"] == "followup" and item["history"] == [["Earlier?", "Yes."]]
    assert item["answer_none"] == ["Tata"]
    assert not judge(item, ANSWER).answer_ok


def test_cli_lists_and_exports_valid_eval_lines(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    index = tmp_path / "index"
    store = FeedbackStore(index / "feedback.jsonl")
    store.append(vote("up", id="a1"))
    store.append(vote("down", id="a2", comment="It was Micron", expected=[EXPECTED]))
    assert main(["feedback", "list", "--index", str(index)]) == 0
    listed = capsys.readouterr().out
    assert "+  Who built the plant?" in listed and "“It was Micron”" in listed
    assert "expected d#p5" in listed

    out = tmp_path / "disliked.jsonl"
    assert main(["feedback", "export", str(out), "--index", str(index)]) == 0
    assert "Wrote 1 eval item(s)" in capsys.readouterr().out
    items = read_eval_file(out)
    assert [i["id"] for i in items] == ["feedback-a2"]
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["support_any"] == [
        EXPECTED["text"]]


def test_cli_with_no_feedback_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feedback", "list", "--index", str(tmp_path)]) == 0
    assert "No feedback yet" in capsys.readouterr().out
