"""Each kind of question on the article and on tests/data/heat-pumps.md, fast parts: page
lines, definitions, quote trimming, suggestions (no model; the real model is in
tests/test_chat_kinds_real.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.answer.definitions import define, defined_acronyms
from qa.answer.quoting import connects_back, refers_back
from qa.answer.suggestions import suggested_questions
from qa.pipeline import Pipeline
from qa.types import Document
from tests.chat_docs import ARTICLE, HEAT_PUMPS, corpus_of, document
from tests.conftest import FakeEmbedder


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    settings = corpus_of(tmp_path_factory.mktemp("kinds"), ARTICLE, HEAT_PUMPS)
    return Pipeline.load(settings, embedder=FakeEmbedder())


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> Document:
    return document(ARTICLE, tmp_path_factory.mktemp("article"))


@pytest.fixture(scope="module")
def heat_pumps(tmp_path_factory: pytest.TempPathFactory) -> Document:
    return document(HEAT_PUMPS, tmp_path_factory.mktemp("heat"))


@pytest.mark.parametrize(("doc", "question", "lines"), [
    ("india-japan-semiconductors", "Who is the author?",
     ["Author: Varuna Shankar", "Associate Fellow, India's World Magazine"]),
    ("india-japan-semiconductors", "What related articles are linked?",
     ["Japan-India and the Eurasian Trade Compact Waiting to Happen",
      "Will Japan-India Relations Take a 'Quantum Leap'?",
      "Japan Eyes ¥10 Trillion Investment Target in India Ahead of Modi Summit"]),
    ("india-japan-semiconductors", "What does the photo show?",
     ["Prime Minister Narendra Modi receives a Daruma doll to wish his success during his "
      "August 2025 visit to Tokyo. (©Office of the Prime Minister of India)"]),
    ("heat-pumps", "Who wrote this article?",
     ["By Maren Holt", "Housing Desk, The Northfield Ledger"]),
    ("heat-pumps", "Which related articles are listed?",
     ["Insulating a Stone Cottage Without Losing Its Character",
      "The Coastal Wind Farms That Power Northfield"]),
    ("heat-pumps", "What is in the picture?",
     ["A ground-source heat pump being fitted in a farmhouse cellar (Photo: Northfield Energy "
      "Office)"]),
])
def test_questions_about_the_page_quote_all_its_lines(pipeline: Pipeline, doc: str,
                                                      question: str, lines: list[str]) -> None:
    answer = pipeline.ask(question, doc=doc)
    assert [c.quote for c in answer.citations] == lines
    assert all(f"“{line}”" in answer.answer for line in lines)
    assert "“- " not in answer.answer  # a list item is quoted without its own marker


def test_the_author_is_the_short_answer(pipeline: Pipeline) -> None:
    assert pipeline.ask("Who wrote the article?", doc="heat-pumps").short_answer == "Maren Holt"


@pytest.mark.parametrize(("doc", "name"), [("heat-pumps", "Maren Holt"),
                                           ("india-japan-semiconductors", "Varuna Shankar")])
def test_who_is_the_person_in_the_byline(pipeline: Pipeline, doc: str, name: str) -> None:
    answer = pipeline.ask(f"Who is {name}?", doc=doc)
    assert answer.short_answer == name
    assert all(c.paragraph in {p.number for p in pipeline.index.paragraphs
                               if p.doc == doc and p.role == "byline"} for c in answer.citations)


@pytest.mark.parametrize(("fixture", "term", "short", "sentence"), [
    ("article", "OSAT", "outsourced semiconductor assembly and test", "partnering with CG Power"),
    ("article", "SIR", "Special Investment Region", "Dholera Special Investment Region (SIR)"),
    ("article", "TEL", "Tokyo Electron Miyagi Ltd", "The tour of Tokyo Electron"),
    ("heat_pumps", "COP", "coefficient of performance", "Engineers call this ratio"),
    ("heat_pumps", "NEO", "Northfield Energy Office", "This explainer sets out"),
    ("heat_pumps", "a heat pump", "a refrigerator run in reverse",
     "A heat pump is a refrigerator run in reverse."),
    ("heat_pumps", "the Heat Pump Installers Guild", "a trade body", "Installers must be"),
])
def test_definitions_come_from_the_document(request: pytest.FixtureRequest, fixture: str,
                                            term: str, short: str, sentence: str) -> None:
    doc: Document = request.getfixturevalue(fixture)
    draft = define(list(doc.paragraphs), term, "article")
    assert draft is not None and draft.short_answer == short
    assert draft.answer.startswith(f"**{short}** — “")
    (citation,) = draft.citations
    assert sentence in citation.quote
    assert citation.text[citation.start:citation.end] == citation.quote


@pytest.mark.parametrize("term", ["Dholera", "Bitcoin", "MeitY"])
def test_no_definition_is_made_up(article: Document, term: str) -> None:
    assert define(list(article.paragraphs), term, "article") is None


def test_defined_acronyms_in_order(article: Document, heat_pumps: Document) -> None:
    assert defined_acronyms(list(article.paragraphs)) == ["OSAT", "SIR"]
    assert defined_acronyms(list(heat_pumps.paragraphs)) == ["NEO", "COP"]


@pytest.mark.parametrize(("sentence", "refers", "connects"), [
    ("It plans to invest ¥10 trillion JPY.", True, True),
    ("Then, from 2021 to 2024, this number increased to 58.", True, True),
    ("These include semiconductors and clean energy.", True, True),
    ("This reaffirmed both countries' commitment.", True, True),
    ("Finally, there is a strategic partnership between Tokyo Electron and Tata.", False, True),
    ("Additionally, Tokyo plans to support hiring top talent in India.", False, True),
    ("Another is the IIT Hyderabad.", False, True),
    ("In contrast, India produces about 1.5 million engineering graduates.", False, True),
    ("Because it moves heat rather than creating it, a unit delivers more.", False, False),
    ("India has been heavily dependent on foreign countries.", False, False),
])
def test_which_sentences_need_the_one_before(sentence: str, refers: bool,
                                             connects: bool) -> None:
    assert (refers_back(sentence), connects_back(sentence)) == (refers, connects)


def test_suggestions_come_from_each_document(article: Document, heat_pumps: Document) -> None:
    assert suggested_questions(article) == [
        "Summarize the article.", "What Is the New Proposition?",
        "Summarize the part about Warming Ties.", "What does OSAT stand for?"]
    assert suggested_questions(heat_pumps, limit=6) == [
        "Summarize the article.", "Summarize the part about Costs and Grants.",
        "What does NEO stand for?", "What role does Northfield Energy Office play?",
        "Who wrote the article?"]


def test_suggestions_for_a_plain_text_without_headings(tmp_path: Path) -> None:
    plain = tmp_path / "notes.txt"
    plain.write_text("The kiln at Arden fires twice a week. The potters of Arden share it.\n\n"
                     "Classes at Arden for beginners run on Saturdays.\n", encoding="utf-8")
    assert suggested_questions(document(plain, tmp_path / "x")) == [
        "Summarize the document.", "What role does Arden play?"]


def test_suggested_questions_are_answered(pipeline: Pipeline) -> None:
    for doc in pipeline.documents:
        for question in suggested_questions(doc, limit=8):
            answer = pipeline.ask(question, doc=doc.doc)
            if question.startswith(("Summarize", "What does", "Who wrote", "What Is")):
                assert not answer.abstained, (doc.doc, question)
