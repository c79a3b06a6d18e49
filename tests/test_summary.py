"""Extractive summaries (qa/answer/summary.py) on the article and on tests/data/heat-pumps.md, with
the fake embedder; and the time a summary takes over 10 000 paragraphs."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest

from qa.answer.summary import Summarizer
from qa.pipeline import Pipeline
from qa.store.index import LoadedIndex
from qa.types import Document, Paragraph, Sentence
from tests.chat_docs import ARTICLE, HEAT_PUMPS, corpus_of
from tests.conftest import FakeEmbedder


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    settings = corpus_of(tmp_path_factory.mktemp("summary"), ARTICLE, HEAT_PUMPS)
    return Pipeline.load(settings, embedder=FakeEmbedder())


def _check_quotes(answer_text: str, citations: tuple) -> None:
    for citation in citations:
        assert citation.text[citation.start:citation.end] == citation.quote
        assert f"“{citation.quote}” [{citation.n}]" in answer_text


@pytest.mark.parametrize("doc", ["india-japan-semiconductors", "heat-pumps"])
def test_a_summary_cites_several_paragraphs_in_document_order(pipeline: Pipeline,
                                                              doc: str) -> None:
    answer = pipeline.ask("Summarize the article.", doc=doc)
    assert not answer.abstained
    numbers = [c.paragraph for c in answer.citations]
    assert len(set(numbers)) >= 3 and numbers == sorted(numbers)
    assert all(c.doc == doc for c in answer.citations)
    _check_quotes(answer.answer, answer.citations)
    assert answer.answer.splitlines()[0].startswith("In brief")
    assert sum(line.startswith("- “") for line in answer.answer.splitlines()) >= 3
    sections = {p.section for p in pipeline.index.paragraphs
                if p.doc == doc and p.number in numbers and p.section}
    for section in sections:  # grouped under the document's own headings
        assert f"**{section}**" in answer.answer


@pytest.mark.parametrize(("doc", "part", "needle"), [
    ("india-japan-semiconductors", "talent", r"talent"),
    ("heat-pumps", "costs and grants", r"£"),
])
def test_a_summary_of_one_part(pipeline: Pipeline, doc: str, part: str, needle: str) -> None:
    answer = pipeline.ask(f"Summarize the part about {part}", doc=doc)
    assert not answer.abstained
    assert answer.citations and all(re.search(needle, c.quote, re.IGNORECASE) or
                                    re.search(needle, c.text, re.IGNORECASE)
                                    for c in answer.citations)
    _check_quotes(answer.answer, answer.citations)


@pytest.mark.parametrize("doc", ["india-japan-semiconductors", "heat-pumps"])
def test_a_part_the_document_never_mentions_is_refused(pipeline: Pipeline, doc: str) -> None:
    answer = pipeline.ask("Summarize the section about Bitcoin mining.", doc=doc)
    assert answer.abstained and not answer.citations


def test_a_question_that_repeats_a_heading_gets_its_section(pipeline: Pipeline) -> None:
    answer = pipeline.ask("What is the new proposition?", doc="india-japan-semiconductors")
    assert not answer.abstained
    assert {c.paragraph for c in answer.citations} <= {6, 7, 8}
    assert answer.answer.startswith("Under “What Is the New Proposition?”")


def test_overlapping_picks_become_one_quote(pipeline: Pipeline) -> None:
    answer = pipeline.ask("Summarize the part about costs", doc="heat-pumps")
    quotes = [c.quote for c in answer.citations]
    assert not any(a in b for a in quotes for b in quotes if a is not b)


def _big_index(paragraphs: int, dim: int = 384) -> LoadedIndex:
    """10 000 paragraphs of four sentences each, random unit vectors, under 100 headings."""
    rng = np.random.default_rng(0)
    text = " ".join(["This sentence has exactly eight words in it."] * 4)
    spans = [(i * 46, i * 46 + 45) for i in range(4)]
    rows = []
    for number in range(1, paragraphs + 1):
        sentences = tuple(Sentence(a, b, text[a:b]) for a, b in spans)
        rows.append(Paragraph("big", number, text, "body", f"Part {number // 100}", sentences))
    vectors = rng.standard_normal((paragraphs * 4, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return LoadedIndex({}, [Document("big", "Big", "big.txt", tuple(rows))], rows, None,
                       np.zeros((paragraphs, dim), np.float32), vectors,
                       [(r, j) for r in range(paragraphs) for j in range(4)], [],
                       np.zeros((0, dim), np.float32))


def test_a_summary_of_10000_paragraphs_takes_under_a_second() -> None:
    index = _big_index(10_000)
    started = time.perf_counter()
    summarizer = Summarizer(index)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    draft = summarizer.summarize("big")
    whole = time.perf_counter() - started
    started = time.perf_counter()
    summarizer.summarize("big", "eight words", index.sentence_vectors[0])
    part = time.perf_counter() - started
    assert len({c.paragraph for c in draft.citations}) >= 3
    assert whole < 1.0 and part < 1.0, (loaded, whole, part)
    assert loaded < 5.0


def test_summaries_need_no_retrieval(tmp_path: Path) -> None:
    settings = corpus_of(tmp_path, HEAT_PUMPS)
    pipeline = Pipeline.load(settings, embedder=FakeEmbedder())
    draft = pipeline.summarizer.summarize("heat-pumps")
    assert draft.citations and not draft.abstained
