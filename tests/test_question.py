"""Question analysis: answer types, units, head nouns, cleaning, repairs."""

from __future__ import annotations

import pytest

from qa.answer.question import (
    QuestionAnalyser,
    clean_question,
    lookup_text,
    repair_function_words,
)
from qa.answer.question_form import (
    answer_type,
    head_noun,
    needs_typed_answer,
    number_unit,
    person_unit,
)
from qa.errors import InputError
from qa.text import number_forms, same_family, stem


@pytest.mark.parametrize(("question", "kind"), [
    ("How much does Japan plan to invest in India?", "number"),
    ("What share of semiconductor materials does Japan supply?", "number"),
    ("When did Modi visit Japan?", "date"),
    ("In what year was the agreement signed?", "date"),
    ("What was the first year that the two firms worked together?", "date"),
    ("What is the century-old tradition?", "other"),
    ("Who wrote the article?", "name"),
    ("Which publication is the author affiliated with?", "name"),
    ("In which Indian state is the OSAT facility?", "name"),
    ("Who is Varuna Shankar?", "other"),
    ("What did the tour of TEL Miyagi showcase?", "other"),
    ("During which period was the region a narrow band of forest?", "other"),  # Oligocene
    ("In which era did the city become a resort?", "other"),  # the Gilded Age
])
def test_answer_types(question: str, kind: str) -> None:
    assert answer_type(question) == kind


def test_units_heads_and_people() -> None:
    assert number_unit("How much did Japan invest in India?") == "money"
    assert number_unit("What percentage of imports comes from China?") == "share"
    assert number_unit("How long did the visit last?") == "duration"
    assert number_unit("How many companies visited?") == ""
    assert head_noun("Which publication is the author affiliated with?") == "publication"
    assert head_noun("What did the tour showcase?") == ""
    assert person_unit("Who is the CEO of Tata Electronics?") == "person"
    assert person_unit("Which publication is the author affiliated with?") == ""


def test_cleaning_and_repairs() -> None:
    assert clean_question("  \x1b[1mWho\x00 wrote it?\x1b[0m ", 2000) == "Who wrote it?"
    with pytest.raises(InputError):
        clean_question("?!", 2000)
    assert lookup_text("<b>Who wrote it?</b><script>x()</script>") == "Who wrote it?"
    assert repair_function_words("wich prefecture was it") == "which prefecture was it"
    assert repair_function_words("wheat prices", known=frozenset({"wheat"})) == "wheat prices"


def test_number_forms_cover_spelled_out_numbers() -> None:
    assert number_forms("8") == {"8", stem("eight")}
    assert number_forms("1995") == {"1995"}


@pytest.mark.parametrize(("a", "b", "family"), [
    ("Germans", "Germany", True), ("Nepalese", "Nepal", True), ("Buddhist", "Buddhism", True),
    ("Palestine", "Palestinian", True), ("1970s", "1970", True),
    ("Johnson", "Johnston", False), ("George", "Georgia", False), ("Indiana", "India", False),
    ("Microsoft", "microchip", False),
])
def test_word_families_join_the_forms_of_one_name_only(a: str, b: str, family: bool) -> None:
    assert same_family(stem(a), stem(b)) is family


def test_a_name_counts_as_in_the_corpus_when_its_family_is() -> None:
    analyser = QuestionAnalyser.of_sentences(["Most pupils in Germany attend state schools."],
                                ["most", "pupils", "germany", "attend", "state", "schools"])
    assert analyser.family_in_corpus(stem("Germans"))
    assert not analyser.family_in_corpus(stem("Georgia"))


@pytest.mark.parametrize(("question", "strict"), [
    ("How many schools are in India?", True),
    ("In what year was the college founded?", True),
    ("Who founded the college?", True),
    ("How long did the plague last in the Ottoman Empire?", False),  # until the 19th century
    ("How fast is pharmacy informatics growing?", False),  # quickly
    ("What is the size of Melbourne?", False),  # second-largest
    ("How long ago did the empire fall?", True),
    ("In what year did the size of the army double?", True),
    ("Which group used the church to unify the duchy?", False),  # the dukes
])
def test_only_some_questions_need_an_answer_of_their_type(question: str, strict: bool) -> None:
    assert needs_typed_answer(question) is strict
