"""The antonym lexicon (WordNet 3.0, shipped in qa/data/) and the contradiction check."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.answer.antonyms import LEXICON, Antonyms, Contradiction, default_antonyms


@pytest.fixture(scope="module")
def antonyms() -> Antonyms:
    return default_antonyms()


def test_the_shipped_lexicon_carries_wordnets_notice_and_pairs() -> None:
    text = LEXICON.read_text(encoding="utf-8")
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in text
    lexicon = default_antonyms()
    assert len(lexicon.pairs) > 3000
    assert "private" in lexicon.pairs["public"] and "public" in lexicon.pairs["private"]
    assert "lose" in lexicon.pairs["win"]
    assert "sell" not in lexicon.pairs.get("buy", set())  # a change of viewpoint, left out
    assert lexicon.forms["worst"] == "bad"


def test_a_small_lexicon_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.tsv"
    path.write_text("# notice\nantonym\tdry\twet\tadj\nform\tdrier\tdry\n", encoding="utf-8")
    lexicon = Antonyms.from_file(path)
    assert lexicon.pairs == {"dry": {"wet"}, "wet": {"dry"}}
    assert lexicon.lemmas("drier") == {"drier", "dry"}
    assert lexicon.contradiction("Which month is driest?", "July is the wettest month.") == (
        Contradiction("driest", "wet"))


@pytest.mark.parametrize(("word", "lemma"), [
    ("smallest", "small"), ("larger", "large"), ("biggest", "big"), ("begun", "begin"),
    ("worst", "bad"), ("least", "little"), ("less", "little"), ("officially", "official"),
])
def test_forms_are_traced_to_the_lexicons_words(antonyms: Antonyms, word: str,
                                                lemma: str) -> None:
    assert lemma in antonyms.lemmas(word)


@pytest.mark.parametrize(("question", "evidence", "expected"), [
    ("What is the smallest city in Florida?", "Jacksonville is the largest city in Florida.",
     ("smallest", "large")),
    ("How are teachers paid in public schools?", "Teachers in private schools are paid more.",
     ("public", "private")),
    ("What group began to lose support?", "The group began to win more support.",
     ("lose", "win")),
    ("When was the service unofficially launched?", "It was officially launched in 1998.",
     ("unofficially", "official")),
])
def test_an_opposite_in_the_evidence_contradicts(antonyms: Antonyms, question: str,
                                                 evidence: str,
                                                 expected: tuple[str, str]) -> None:
    assert antonyms.contradiction(question, evidence) == Contradiction(*expected)


@pytest.mark.parametrize(("question", "evidence"), [
    # the question's word is there too, in some form
    ("Which city is the largest?", "Jacksonville is the largest city, larger than Miami."),
    ("When was crimson adopted as the official colour?", "It was unofficially adopted in 1875."),
    ("Which areas were least vulnerable?", "The most isolated areas were less vulnerable."),
    ("When did the era begin?", "The outbreaks seem to have begun in 1498 and to end later."),
    # the question itself names both sides
    ("How do private schools compare to public ones?", "Private schools charge fees."),
    # a name is not an adjective
    ("When did the Black Death reach Europe?", "White rats carried the plague to Europe."),
    # no opposite at all
    ("Who founded the college?", "John Harvard founded the college in 1636."),
    # a change of viewpoint is not a contradiction
    ("Who bought the rights?", "Maciot sold the rights to Enrique."),
])
def test_no_contradiction(antonyms: Antonyms, question: str, evidence: str) -> None:
    assert antonyms.contradiction(question, evidence) is None
