"""Paraphrased training questions (scripts/paraphrase.py) against a tiny WordNet in WordNet's
own file format, so that the test needs no system package."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.conftest import load_script

# index lines: lemma pos synset_cnt p_cnt [ptr…] sense_cnt tagsense_cnt offsets (commonest first)
INDEX = {
    "verb": ["found v 1 0 1 0 00000001", "establish v 1 0 1 0 00000001",
             "build v 1 0 1 0 00000002", "construct v 1 0 1 0 00000002",
             "make v 1 0 1 0 00000002", "view v 1 0 1 0 00000003", "see v 1 0 1 0 00000003"],
    "noun": ["city n 1 0 1 0 00000011", "metropolis n 1 0 1 0 00000011",
             "view n 1 0 1 0 00000012", "opinion n 1 0 1 0 00000012"],
    "adj": ["large a 1 0 1 0 00000021", "big a 1 0 1 0 00000021"],
}
DATA = {
    "verb": ["00000001 41 v 02 found 0 establish 0 000 | set up",
             "00000002 36 v 03 build 0 construct 0 make 0 000 | make by combining",
             "00000003 39 v 02 view 0 see 0 000 | look at"],
    "noun": ["00000011 15 n 02 city 0 metropolis 0 000 | a large town",
             "00000012 09 n 02 view 0 opinion 0 000 | a belief"],
    "adj": ["00000021 00 a 02 large 0 big 0 000 | above average in size"],
}
VERB_EXC = ["built build", "made make", "saw see"]
COUNTS = ["view%2:39:00:: 1 50", "view%1:09:00:: 1 5", "found%2:41:00:: 1 9"]


@pytest.fixture(scope="module")
def paraphrase():
    return load_script("paraphrase")


@pytest.fixture(scope="module")
def synonyms(paraphrase, tmp_path_factory):
    folder: Path = tmp_path_factory.mktemp("wordnet")
    for pos in ("verb", "noun", "adj"):
        (folder / f"index.{pos}").write_text("  licence header\n" + "\n".join(INDEX[pos]) + "\n")
        (folder / f"data.{pos}").write_text("  licence header\n" + "\n".join(DATA[pos]) + "\n")
    (folder / "verb.exc").write_text("\n".join(VERB_EXC) + "\n")
    (folder / "cntlist.rev").write_text("\n".join(COUNTS) + "\n")
    return paraphrase.Synonyms(folder)


def test_synonyms_keep_the_words_inflection(synonyms) -> None:
    assert synonyms.of("founded") == ["established"]
    assert synonyms.of("cities") == ["metropolises"]
    assert synonyms.of("built") == ["constructed", "made"]  # irregular both ways
    assert synonyms.of("large") == ["big"]
    assert synonyms.of("unknown") == []


def test_the_commonest_part_of_speech_gives_the_synonyms(synonyms) -> None:
    assert synonyms.of("viewed") == ["saw"]  # the verb is tagged 50 times, the noun 5
    assert synonyms.of("view") == ["see"]


def test_only_words_shared_with_the_passage_change_and_never_names_or_the_answer(
        paraphrase, synonyms) -> None:
    passage = "Harvard was founded in 1636 in a large city near Boston."
    question = "When was Harvard founded in the large city?"
    out = paraphrase.paraphrased(question, passage, "1636", synonyms, random.Random(0), share=1.0)
    assert out == "When was Harvard established in the big metropolis?"
    # the answer's own words stay, and a question sharing no replaceable word gives None
    assert paraphrase.paraphrased("Which city?", passage, "large city", synonyms,
                                  random.Random(0), share=1.0) is None
    assert paraphrase.paraphrased("Who built it?", passage, "x", synonyms,
                                  random.Random(0), share=1.0) is None  # "built": not in passage


def test_inflect(paraphrase) -> None:
    assert [paraphrase.inflect(w, s) for w, s in [
        ("establish", "ed"), ("see", "ing"), ("make", "ing"), ("city", "s"), ("box", "s"),
        ("carry", "ed"), ("big", "")]] == [
        "established", "seeing", "making", "cities", "boxes", "carried", "big"]


def test_training_gives_paraphrased_copies_labelled_with_the_same_answer(
        synonyms, tmp_path: Path, monkeypatch) -> None:
    train_reader = load_script("train_reader")
    monkeypatch.setattr(train_reader, "synonyms", lambda: synonyms)
    article = tmp_path / "harvard"
    (article / "corpus").mkdir(parents=True)
    passage = "Harvard was founded in 1636 in a large city near Boston."
    (article / "corpus" / "harvard.txt").write_text(f"Harvard\n\n{passage}\n\nOther text.\n")
    question = {"question": "When was Harvard founded?", "answers": ["1636"],
                "support_any": [passage[:40]]}
    (article / "questions.jsonl").write_text(__import__("json").dumps(question) + "\n")
    plain = train_reader.examples_of(article, random.Random(0), negatives=0.0)
    both = train_reader.examples_of(article, random.Random(0), negatives=0.0, paraphrases=1.0)
    assert plain == both[:1]
    reworded, text, start, end, golds = both[1]
    assert reworded == "When was Harvard established?"
    assert text[start:end] == "1636" and golds == ["1636"]
