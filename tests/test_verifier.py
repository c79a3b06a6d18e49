"""The answerability verifier: its training pairs, its gate and floor, the shipped weights and
their checks, and what the engine does with its verdict."""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from qa import verifier as vf
from qa.config import Settings
from qa.errors import ReaderError
from qa.pipeline import Pipeline
from qa.reader import default_reader
from tests.conftest import copy_of_article, load_script

SQUAD_TRAIN = Path(__file__).resolve().parents[2] / "shared" / "eval" / "squad-train"
SENTENCE = "The Lisbon aqueduct was completed in 1748 under King John V."
SHIPPED = (vf.VERIFIER_DIR / vf.MANIFEST_FILE).is_file()


def _script() -> ModuleType:
    return load_script("train_verifier")


def test_a_question_is_negated_where_its_auxiliary_or_subject_allows() -> None:
    negated = _script().negated
    assert negated("When did BSkyB launch its HD service?") == (
        "When didn't BSkyB launch its HD service?")
    assert negated("Who founded the city of Lisbon?") == "Who never founded the city of Lisbon?"
    assert negated("When didn't the aqueduct carry water?") is None  # no double negative
    assert negated("Lisbon?") is None


def test_an_antonym_replaces_a_word_the_sentence_shares() -> None:
    rng = random.Random(1)
    changed = _script().opposed("What is the largest city of Portugal?",
                                "Lisbon is the largest city of Portugal.", rng)
    assert changed is not None and "largest" not in changed and "small" in changed
    assert _script().opposed("Who built it?", "Lisbon is the largest city.", rng) is None


def test_cutting_the_answer_leaves_the_rest_of_the_sentence() -> None:
    cut = _script().without_answer(SENTENCE, "1748")
    assert cut == "The Lisbon aqueduct was completed under King John V."
    assert _script().without_answer(SENTENCE, "The Lisbon aqueduct was completed in 1748") is None


def test_training_pairs_are_labelled_by_what_the_sentence_holds() -> None:
    folder = sorted(p for p in SQUAD_TRAIN.iterdir() if p.is_dir())[0]
    args = argparse.Namespace(paraphrases=0.0, other=1.0, cuts=1.0, swaps=1.0, negations=1.0,
                              antonyms=1.0)
    pairs = _script().pairs_of(folder, random.Random(3), args, limit=30)
    questions = {json.loads(line)["question"]: json.loads(line) for line in
                 (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines()}
    kinds = {how for *_, how in pairs}
    assert {"answer", "other-sentence", "cut-answer", "negation"} <= kinds
    for question, sentence, label, how in pairs:
        assert label == (how in ("answer", "paraphrase"))
        if how in ("answer", "other-sentence", "cut-answer"):
            golds = [a for a in questions[question]["answers"] if a.strip()]
            holds = any(g in sentence for g in golds)
            assert holds == (how == "answer"), (how, question, sentence)


def _verifier_with(tmp_path: Path, **settings: object) -> vf.Verifier:
    folder = tmp_path / "verifier"
    folder.mkdir(exist_ok=True)
    (folder / vf.MANIFEST_FILE).write_text(json.dumps(settings), encoding="utf-8")
    return vf.Verifier(folder)


def test_the_short_answer_gate_weighs_margin_and_logit(tmp_path: Path) -> None:
    gate = _verifier_with(tmp_path, short_gate={"logit_weight": 0.5, "cut": 6.0})
    assert gate.shows_short(margin=6.0, logit=0.0)
    assert gate.shows_short(margin=4.0, logit=4.0)       # 4 + 0.5 · 4 = 6
    assert not gate.shows_short(margin=7.0, logit=-4.0)  # the verifier vetoes a sure reader
    assert gate.abstain_logit == float("-inf")           # no floor unless calibrated
    assert _verifier_with(tmp_path, abstain_logit=-3.5).abstain_logit == -3.5


def test_missing_or_damaged_weights_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="missing"):
        _verifier_with(tmp_path, sha256="0" * 64).scores("When?", [SENTENCE])
    if not SHIPPED:
        pytest.skip("no verifier shipped")
    folder = tmp_path / "copy"
    shutil.copytree(vf.VERIFIER_DIR, folder)
    weights = folder / vf.WEIGHTS_FILE
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ReaderError, match="sha256"):
        vf.Verifier(folder).scores("When?", [SENTENCE])


class FixedVerifier(vf.Verifier):
    """A verifier that returns one logit, with the settings given."""

    def __init__(self, logit: float, settings: dict) -> None:
        super().__init__(Path("/nonexistent"))
        self.logit = logit
        self.manifest = settings
        self.asked: list[tuple[str, list[str]]] = []

    def scores(self, question: str, sentences: list[str]) -> list[float]:
        self.asked.append((question, sentences))
        return [self.logit] * len(sentences)


@pytest.mark.slow
def test_the_engine_refuses_below_the_floor_and_gates_the_short_answer(
        tmp_path: Path) -> None:
    settings: Settings = copy_of_article(tmp_path, reader=True)
    question = "How much does Japan plan to invest in India over the next decade?"
    sure = FixedVerifier(5.0, {"abstain_logit": -2.0,
                               "short_gate": {"logit_weight": 1.0, "cut": -100.0}})
    answered = Pipeline.load(settings, reader=default_reader(), verifier=sure).ask(question)
    assert not answered.abstained and answered.short_answer
    assert answered.debug["verifier"] == 5.0
    asked, quoted = sure.asked[-1]
    assert "Japan" in asked and quoted[0] in answered.answer
    vetoed = FixedVerifier(5.0, {"short_gate": {"logit_weight": 1.0, "cut": 100.0}})
    plain = Pipeline.load(settings, reader=default_reader(), verifier=vetoed).ask(question)
    assert not plain.abstained and plain.short_answer is None
    doubtful = FixedVerifier(-3.0, {"abstain_logit": -2.0})
    refused = Pipeline.load(settings, reader=default_reader(), verifier=doubtful).ask(question)
    assert refused.abstained and "verifier" in refused.debug["abstain"]


@pytest.mark.slow
@pytest.mark.skipif(not SHIPPED, reason="no verifier shipped")
def test_the_shipped_verifier_doubts_a_changed_question() -> None:
    verifier = vf.default_verifier()
    assert verifier is not None
    asked, = verifier.scores("When was the Lisbon aqueduct completed?", [SENTENCE])
    swapped, = verifier.scores("When was the Porto aqueduct completed?", [SENTENCE])
    negated, = verifier.scores("When wasn't the Lisbon aqueduct completed?", [SENTENCE])
    other, = verifier.scores("How long is the Lisbon aqueduct?", [SENTENCE])
    assert asked > 0 > max(swapped, negated, other)
