"""The pipeline end to end with the fake embedder: contract, citations, bad input."""

from __future__ import annotations

import pytest

from qa.config import Settings
from qa.errors import InputError
from qa.pipeline import Pipeline
from tests.conftest import FakeEmbedder


@pytest.fixture
def pipeline(article_settings: Settings, fake_embedder: FakeEmbedder) -> Pipeline:
    return Pipeline.load(article_settings, embedder=fake_embedder)


def test_answer_contract_and_exact_quotes(pipeline: Pipeline) -> None:
    answer = pipeline.ask("How much does Japan plan to invest in India over the next decade?")
    data = answer.to_dict()
    assert set(data) == {"question", "answer", "abstained", "short_answer", "citations",
                         "latency_ms"}
    assert not answer.abstained
    for n, citation in enumerate(answer.citations, start=1):
        assert citation.n == n
        assert citation.text[citation.start:citation.end] == citation.quote
        assert f"[{n}]" in answer.answer
        assert citation.anchor == f"{citation.doc}#p{citation.paragraph}"
    assert answer.short_answer and answer.short_answer in answer.citations[0].quote


@pytest.mark.parametrize("question", ["", "   \n\t ", "x" * 100_000, "\x00\x01\x02", "🙂🙂"])
def test_bad_questions_get_a_message(pipeline: Pipeline, question: str) -> None:
    with pytest.raises(InputError) as error:
        pipeline.ask(question)
    assert "\n" not in str(error.value) and len(str(error.value)) < 200


def test_control_and_ansi_bytes_are_stripped(pipeline: Pipeline) -> None:
    answer = pipeline.ask("\x1b[31mWho wrote\x00 the article?\x1b[0m")
    assert "\x1b" not in answer.question and "\x00" not in answer.question


def test_bad_history_and_unknown_document(pipeline: Pipeline) -> None:
    with pytest.raises(InputError):
        pipeline.ask("Who wrote the article?", history=[["only one"]])
    with pytest.raises(InputError, match="Unknown document"):
        pipeline.ask("Who wrote the article?", doc="nope")


def test_citation_numbers_point_only_at_retrieved_paragraphs(pipeline: Pipeline) -> None:
    answer = pipeline.ask("What did the tour of TEL Miyagi showcase?")
    retrieved = {h.paragraph.anchor for h in pipeline.retriever.search(
        [__import__("qa.retrieval", fromlist=["Query"]).Query(answer.question)], k=50)[0]}
    assert {c.anchor for c in answer.citations} <= retrieved
