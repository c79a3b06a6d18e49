"""Abstention rules on small documents of our own (fake embedder; no reader, or a stand-in
one): each rule fires on the question it is meant for and lets the answerable twin through."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from qa.answer.candidates import literal_coverage as _literal_coverage
from qa.answer.checks import SIGNALS
from qa.answer.decision import Decision
from qa.answer.evidence import LITERAL_MATCH, SOFT_MAX
from qa.answer.spans import is_proper_name, proper_words
from qa.config import Settings
from qa.pipeline import Pipeline
from qa.reader import ReadSpan
from tests.conftest import FakeEmbedder

DOCUMENT = """Normans in Italy

The Normans adopted the feudal doctrines of the rest of France and worked them into a
hierarchical system in Normandy and in England.

The Normans did not adopt the Norse language of their ancestors. They spoke the Gallo-Romance
language of the local people instead.

The protection of private schools was written into the constitution to prevent a second
Gleichschaltung. The constitution itself was adopted by the states in 1949.

During the Oligocene the region was a narrow band of forest. Betty Meggers argued that the
soil was too poor for large towns along the river.
"""


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    folder = tmp_path_factory.mktemp("rules")
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / "normans.txt").write_text(DOCUMENT, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=folder / "index", reader=False)
    return Pipeline.load(settings, embedder=FakeEmbedder())


def test_a_year_of_the_question_must_be_in_the_quoted_sentence(pipeline: Pipeline) -> None:
    refused = pipeline.ask("Why was the protection of private schools written in 1992?")
    assert refused.abstained
    assert "quoted sentence does not mention 1992" in refused.debug["abstain"]
    elsewhere = pipeline.ask("Why was the protection of private schools written in 1949?")
    assert elsewhere.abstained, elsewhere.debug  # 1949 is in the paragraph, not the sentence
    assert "quoted sentence does not mention 1949" in elsewhere.debug["abstain"]
    answered = pipeline.ask("Why was the protection of private schools written into the "
                            "constitution?")
    assert not answered.abstained, answered.debug


def test_proper_words_are_the_names_written_capitalised_inside_a_sentence() -> None:
    words = proper_words(["During the Oligocene the region was forest.",
                          "Some say Betty Meggers was right, and Normans agreed."])
    assert {"oligocene", "betty", "meggers", "normans"} <= words
    assert "during" not in words and "some" not in words


@pytest.mark.parametrize(("span", "name"), [
    ("During", False), ("Among", False), ("C", False), ("Betty Meggers", True),
    ("During the Oligocene", True), ("PVR", True), ("Vampire", False),
])
def test_a_rival_name_must_really_be_a_name(span: str, name: bool) -> None:
    proper = proper_words(["During the Oligocene the region was forest.",
                           "Archeologist Betty Meggers wrote about it."])
    assert is_proper_name(span, proper) is name


def test_rules_leave_the_article_questions_alone(tmp_path: Path) -> None:
    """The article's own questions with years and names are not refused by the rules above."""
    from tests.conftest import copy_of_article

    pipeline = Pipeline.load(copy_of_article(tmp_path), embedder=FakeEmbedder())
    for question, expected in (
            ("What did the two ministries sign in 2023?", "signed an agreement"),
            ("How many Japanese investments were made between 2017 and 2020?", "22"),
            ("How many Japanese investments were made from 2021 to 2024?", "58"),
            ("Which company is Renesas Electronics partnering with?", "CG Power")):
        answer = pipeline.ask(question)
        assert not answer.abstained, answer.debug
        assert expected in answer.answer


def _pipeline(folder: Path, name: str = "normans.txt", text: str = DOCUMENT,
              reader: object = None) -> Pipeline:
    """A pipeline over one document with the fake embedder and a stand-in reader (or none)."""
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=folder / "index", reader=False)
    return Pipeline.load(settings, embedder=FakeEmbedder(), reader=reader)  # type: ignore[arg-type]


class PointingReader:
    """A stand-in reader that 'reads' the first match of a pattern in each sentence."""

    # P(answer) = sigmoid(margin − 20 · each signal): a pointed-at span (margin 10) is
    # answered and shown, unless a weighing check finds something
    decision = Decision(bias=0.0, weights=(("margin", 1.0),) + tuple(
        (name, -20.0) for name in sorted(SIGNALS)), abstain_below=0.5, short_from=0.9)

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def read_windows(self, question: str, passages: list[str],
                     windows: list[list[tuple[int, int]]]) -> list[list[ReadSpan | None]]:
        found: list[list[ReadSpan | None]] = []
        for i, (passage, ranges) in enumerate(zip(passages, windows, strict=True)):
            row: list[ReadSpan | None] = []
            for low, high in ranges:
                match = re.search(self.pattern, passage[low:high])
                row.append(ReadSpan(i, low + match.start(), low + match.end(), 10.0, 0.0)
                           if match else None)
            found.append(row)
        return found


@pytest.mark.parametrize(("pattern", "short"), [(r"\b1949\b", "1949"), (r"\bstates\b", None)])
def test_the_bold_answer_must_be_the_kind_asked_for(tmp_path: Path, pattern: str,
                                                    short: str | None) -> None:
    pipeline = _pipeline(tmp_path, reader=PointingReader(pattern))
    answer = pipeline.ask("When was the constitution adopted by the states?")
    assert not answer.abstained, answer.debug
    assert answer.short_answer == short


def test_the_readers_answer_may_be_part_of_the_date(tmp_path: Path) -> None:
    text = "Normandy\n\nThe Duchy of Normandy was founded in the 10th century by Rollo.\n"
    pipeline = _pipeline(tmp_path, text=text, reader=PointingReader(r"\b10th\b"))
    answer = pipeline.ask("In what century was the Duchy of Normandy founded?")
    assert not answer.abstained, answer.debug
    assert answer.short_answer == "10th"


def test_numbers_are_matched_in_digits_words_and_decades() -> None:
    from qa.answer.evidence import Matcher, mentions_number

    matcher = Matcher([], np.zeros((0, 4), dtype=np.float32), {})
    evidence = matcher.evidence("Eight plants opened in the 1970s.")
    assert mentions_number("8", evidence) and mentions_number("1970", evidence)
    assert not mentions_number("1971", evidence) and not mentions_number("9", evidence)


def test_an_opposite_in_the_quoted_sentence_is_no_answer(pipeline: Pipeline) -> None:
    refused = pipeline.ask("Why was the protection of public schools written into the "
                           "constitution?")
    assert refused.abstained, refused.debug
    assert "asks about 'public', the best passage says 'private'" in refused.debug["abstain"]
    contrasted = pipeline.ask("Was the protection of private or public schools written into "
                              "the constitution?")
    assert not contrasted.abstained, contrasted.debug


def test_a_sentence_need_not_name_the_documents_subject(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path, "harvard.txt", (
        "Harvard University\n\nThe university grew quickly. The Crimson Key Society chose the "
        "colour crimson for the rowing crews in 1875.\n\nThe library burned in 1764.\n"))
    answer = pipeline.ask("Which colour did Harvard choose for the rowing crews?")
    assert not answer.abstained, answer.debug
    assert "colour crimson" in answer.answer


def test_another_subject_of_the_title_is_still_a_rival(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path, "partners.txt", (
        "India and Japan\n\nThe two countries signed a partnership. A vast market for chips "
        "can come from India.\n\nThe partnership was renewed in 2025.\n"))
    answer = pipeline.ask("What vast market can Japan provide for chips?")
    assert answer.abstained, answer.debug
    assert "about India, not 'Japan'" in answer.debug["abstain"]


class DoubtingReader(PointingReader):
    """A stand-in reader whose best span in every sentence beats "no answer" by `margin`."""

    def __init__(self, margin: float) -> None:
        super().__init__(r"\S.*\S")
        self.margin = margin

    def read_windows(self, question: str, passages: list[str],
                     windows: list[list[tuple[int, int]]]) -> list[list[ReadSpan | None]]:
        return [[span and ReadSpan(span.passage, span.start, span.end, self.margin, 0.0)
                 for span in row] for row in super().read_windows(question, passages, windows)]


@pytest.mark.parametrize(("margin", "refused"), [(-0.5, True), (0.5, False)])
def test_the_reader_refuses_below_its_calibrated_probability(
        tmp_path: Path, margin: float, refused: bool) -> None:
    pipeline = _pipeline(tmp_path, reader=DoubtingReader(margin))
    answer = pipeline.ask("When was the constitution adopted by the states?")
    assert answer.abstained is refused, answer.debug
    assert answer.debug["reader"]["p_answer"] == pytest.approx(1 / (1 + math.exp(-margin)),
                                                               abs=1e-3)
    if refused:
        assert "P(answer) 0.38" in answer.debug["abstain"]
    else:
        assert answer.short_answer is None  # 0.62 < short_from: the quote stands alone


SCHOOLS = ("Schools\n\nIreland has many private schools. Most of them are small. The "
           "fee-paying schools are usually run by the Society of Jesus.\n\nThe church was "
           "utilised by the dukes as a unifying force for their duchy.\n")


@pytest.mark.parametrize(("pattern", "refused"), [(r"Society of Jesus", False),
                                                  (r"fee-paying", True)])
def test_the_name_the_reader_answers_with_is_no_rival(tmp_path: Path, pattern: str,
                                                      refused: bool) -> None:
    pipeline = _pipeline(tmp_path, "schools.txt", SCHOOLS, reader=PointingReader(pattern))
    answer = pipeline.ask("What religious order runs fee-paying schools in Ireland?")
    assert answer.abstained is refused, answer.debug
    if refused:
        assert "about Society of Jesus, not 'Ireland'" in answer.debug["abstain"]


def test_a_which_group_question_may_be_answered_without_a_proper_name(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path, "schools.txt", SCHOOLS)
    answer = pipeline.ask("Which group used the church to unify their duchy?")
    assert not answer.abstained, answer.debug
    assert "by the dukes" in answer.answer


def test_only_the_words_themselves_count_as_the_questions_words() -> None:
    """A match by meaning ("wrote" ~ "Author") is a paraphrase, which the reader's doubt is
    not trusted on; the word itself, an alias or a typo is."""
    from qa.answer.question import Term

    terms = (Term("wrote", "wrote", "wrote", 3.0, False), Term("TEL", "tel", "tel", 1.0, True))
    assert SOFT_MAX < LITERAL_MATCH
    assert _literal_coverage(terms, [SOFT_MAX, 1.0]) == pytest.approx(0.25)
    assert _literal_coverage(terms, [0.9, 1.0]) == pytest.approx(0.925)


@pytest.mark.parametrize(("question", "refused"), [
    ("How many doctrines did the Normans adopt in England?", True),  # no number there
    ("How long did the Normans keep the feudal doctrines?", False),  # words may say how long
])
def test_only_a_question_that_needs_its_type_is_refused_without_one(
        pipeline: Pipeline, question: str, refused: bool) -> None:
    answer = pipeline.ask(question)
    assert answer.abstained is refused, answer.debug
    if refused:
        assert "holds no number" in answer.debug["abstain"]


def test_the_checks_are_one_table_asked_in_its_order() -> None:
    """Each rule once, named as in the README's ablation table; a run of per-term checks is
    asked term by term, so a question's first name is judged before its second."""
    from types import SimpleNamespace

    from qa.answer.checks import CHECKS, Check, refusals

    assert [c.name for c in CHECKS] == [
        "no-terms", "unknown-name", "antonym", "number-in-quote", "rival-name",
        "answer-type", "paragraph-coverage", "sentence-coverage"]
    assert all(c.tests and c.validation and (c.question is None) != (c.term is None)
               for c in CHECKS)
    table = (Check("whole", "", "", False, question=lambda case: "q"),
             Check("first", "", "", True, term=lambda case, i: f"first {i}"),
             Check("second", "", "", True, term=lambda case, i: f"second {i}" if i else None),
             Check("last", "", "", False, question=lambda case: "z"))
    case = SimpleNamespace(info=SimpleNamespace(terms=("a", "b")))
    assert [r.message for r in refusals(case, table)] == [  # type: ignore[arg-type]
        "q", "first 0", "first 1", "second 1", "z"]
