"""Typed answer spans: numbers, dates and names found by pattern, as verbatim substrings."""

from __future__ import annotations

import pytest

from qa.answer.spans import fits_unit, name_spans, typed_spans


def spans(sentence: str, kind: str) -> list[str]:
    return [sentence[a:b] for a, b in typed_spans(sentence, kind)]


@pytest.mark.parametrize(("sentence", "found"), [
    ("The deal was signed on 29 August 2025 in Tokyo.", ["29 August 2025"]),
    ("The Duchy of Normandy began in 911 as a fiefdom.", ["911"]),
    ("Rome was sacked in AD 410 and Caesar died in 44 BC.", ["410", "44"]),
    ("Schools were founded in the early nineteenth century.", ["nineteenth century"]),
    ("It lasted until the 19th century.", ["19th century"]),
    ("Since the 1970s, geoglyphs have been found.", ["1970s"]),
    ("In 911, Rollo was made count; Caesar fell in 44 B.C. at Rome.", ["911", "44"]),
])
def test_dates(sentence: str, found: list[str]) -> None:
    assert spans(sentence, "date") == found


@pytest.mark.parametrize("sentence", [
    "The army of 300 soldiers marched in 300 ships.",
    "It rose by 250 in 250 days.",
    "There were 120 of them.",
    "It fell in 250% of cases, in 300,000 homes and in 250.5 km.",
    "The 1,500 BC figure is a guess.",
])
def test_counts_are_not_years(sentence: str) -> None:
    assert spans(sentence, "date") == []


@pytest.mark.parametrize(("sentence", "found"), [
    ("France alone lost almost a million people to the plague.", ["a million people"]),
    ("It plans to invest ¥10 trillion JPY ($68 billion USD).", ["¥10 trillion JPY",
                                                                "$68 billion USD"]),
    ("Eight priority areas were named.", ["Eight"]),
])
def test_numbers(sentence: str, found: list[str]) -> None:
    assert spans(sentence, "number") == found


def test_units_and_names() -> None:
    assert fits_unit("$68 billion USD", "money") and not fits_unit("eight", "money")
    assert fits_unit("Varuna Shankar", "person") and not fits_unit("Tokyo Electron", "person")
    sentence = "Taiwan's PSMC and Tata Electronics signed it."
    assert [sentence[a:b] for a, b in name_spans(sentence)] == ["Taiwan", "PSMC",
                                                                 "Tata Electronics"]
