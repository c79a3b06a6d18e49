"""Acronyms the documents define, and the question as the reader gets it."""

from __future__ import annotations

from qa.answer.evidence import find_aliases, find_long_forms, spell_out_acronyms

TEXTS = ["The tour of Tokyo Electron Miyagi Ltd (TEL Miyagi) was the highlight.",
         "It sits in the Dholera Special Investment Region (SIR) of Gujarat."]


def test_long_forms_are_the_words_an_acronym_abbreviates_as_written() -> None:
    assert find_long_forms(TEXTS) == {"TEL": "Tokyo Electron Miyagi Ltd",
                                      "SIR": "Dholera Special Investment Region"}
    assert find_aliases(TEXTS)["tel"] == {"tokyo", "electron", "miyagi"}
    assert find_long_forms(["Tata Electronics (India) and The Indian Space Agency (ISA) met."]) == {
        "ISA": "Indian Space Agency"}


def test_the_reader_gets_the_acronym_spelled_out_once() -> None:
    long_forms = find_long_forms(TEXTS)
    assert spell_out_acronyms("Who is the Indian partner of TEL?", long_forms) == (
        "Who is the Indian partner of Tokyo Electron Miyagi Ltd (TEL)?")
    already = "Where is Tokyo Electron Miyagi Ltd (TEL)?"
    assert spell_out_acronyms(already, long_forms) == already
    assert spell_out_acronyms("What is a TELEX or Tel?", long_forms) == "What is a TELEX or Tel?"
    assert spell_out_acronyms("Did TEL hire, or TEL sell?", long_forms) == (
        "Did Tokyo Electron Miyagi Ltd (TEL) hire, or TEL sell?")
