"""The demonym lexicon (WordNet 3.0, shipped in qa/data/) and its use in matching."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from qa.answer.demonyms import LEXICON, Demonyms, default_demonyms
from qa.answer.evidence import Matcher
from qa.answer.question import QuestionAnalyser, Term
from qa.text import stem


def test_the_shipped_lexicon_carries_wordnets_notice_and_groups() -> None:
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in LEXICON.read_text("utf-8")
    lexicon = default_demonyms()
    assert ("uk",) in lexicon.others(stem("British"))
    assert ("unit", "kingdom") in lexicon.others(stem("British"))
    assert ("filipino",) in lexicon.others(stem("Philippines"))
    assert ("philippin",) in lexicon.others(stem("Filipino"))


def test_an_adjective_never_stands_for_another_country() -> None:
    lexicon = default_demonyms()
    chinese = lexicon.others(stem("Chinese"))
    assert ("taiwan",) not in chinese and ("formosa",) not in chinese
    assert ("china",) not in lexicon.others(stem("Taiwanese"))


def test_a_name_with_a_word_that_cannot_be_checked_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "demonyms.tsv"
    path.write_text("# notice\nfilipino\tphilippines\tus\tthe states\n", encoding="utf-8")
    lexicon = Demonyms.from_file(path)
    assert lexicon.others("filipino") == {("philippin",)}
    assert lexicon.named_in("filipino", {"in", "philippin"})
    assert not lexicon.named_in("filipino", {"manila"})
    assert lexicon.others("unknown") == frozenset()


def test_the_matcher_finds_a_place_under_another_of_its_names() -> None:
    matcher = Matcher([], np.zeros((0, 4), dtype=np.float32), {})
    british = Term("British", "british", stem("british"), 1.0, True)
    vector = np.zeros(4, dtype=np.float32)
    assert matcher.match(british, vector, matcher.evidence("Fees in the UK are high.")) == 0.9
    assert matcher.match(british, vector, matcher.evidence(
        "Most children in the United Kingdom attend state schools.")) == 0.9
    assert matcher.match(british, vector, matcher.evidence("Fees in Ireland are high.")) == 0.0


def test_a_demonym_counts_as_in_the_corpus_when_its_place_is() -> None:
    analyser = QuestionAnalyser.of_sentences(
        ["In the Philippines, 80% of students attend private schools."], ["philippines"])
    assert analyser.family_in_corpus(stem("Filipino"))
    assert not analyser.family_in_corpus(stem("Swedish"))
