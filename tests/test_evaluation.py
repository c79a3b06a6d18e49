"""`qa eval` scoring: min_paragraphs, answer_any_all and a row per kind."""

from __future__ import annotations

from qa.eval.evaluation import format_table, judge, summarise


def _citation(paragraph: int, text: str) -> dict:
    return {"anchor": f"doc#p{paragraph}", "doc": "doc", "paragraph": paragraph, "text": text,
            "quote": text, "start": 0, "end": len(text)}


SUMMARY = {"id": "s", "type": "chat", "kind": "summary", "question": "Summarize.",
           "answer_any_all": [["chips"], ["talent|money"]], "support_any": ["chips"],
           "min_paragraphs": 2}


def test_min_paragraphs_counts_distinct_paragraphs() -> None:
    one = {"answer": "chips and talent [1] [2]", "abstained": False,
           "citations": [_citation(1, "chips"), {**_citation(1, "chips"), "start": 0}]}
    two = {**one, "citations": [_citation(1, "chips"), _citation(2, "talent")]}
    assert not judge(SUMMARY, one).answer_ok
    assert judge(SUMMARY, two).answer_ok


def test_answer_any_all_needs_every_group() -> None:
    result = {"answer": "chips only", "abstained": False,
              "citations": [_citation(1, "chips"), _citation(2, "x")]}
    assert not judge(SUMMARY, result).answer_ok


def test_a_row_per_kind_after_the_types() -> None:
    refused = {"answer": "The article does not say.", "abstained": True, "citations": []}
    outcomes = [judge(SUMMARY, refused),
                judge({"id": "o", "type": "unanswerable", "kind": "out-of-scope",
                       "question": "Weather?"}, refused),
                judge({"id": "f", "type": "fact", "question": "q", "answer_any": ["x"]},
                      refused)]
    summary = summarise(outcomes)
    assert list(summary) == ["chat", "fact", "unanswerable", "kind:out-of-scope",
                             "kind:summary", "overall"]
    assert summary["kind:out-of-scope"]["abstain"] == 1.0
    assert "kind:summary" in format_table(summary)
