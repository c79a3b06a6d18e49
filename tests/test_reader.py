"""The trained span reader: its labels, its span search, the shipped weights and their checks."""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from qa import reader as rd
from qa.answer.decision import Decision, margins
from qa.config import Settings
from qa.pipeline import Pipeline
from tests.conftest import FakeEmbedder, copy_of_article, load_script

ROOT = Path(__file__).resolve().parent.parent
PASSAGE = ("The Lisbon aqueduct was completed in 1748 under King John V. It carries water "
           "18 kilometres into the city and survived the earthquake of 1755.")


def _training_script() -> ModuleType:
    return load_script("train_reader")


def test_training_labels_point_at_the_answer_tokens() -> None:
    train = _training_script()
    tokenizer = rd.load_tokenizer()
    start = PASSAGE.index("1748")
    examples = [("When was the aqueduct completed?", PASSAGE, start, start + 4, ["1748"]),
                ("Who designed the aqueduct?", PASSAGE, -1, -1, [])]
    answered, unanswerable = train.features(tokenizer, examples)
    tokens = tokenizer.convert_ids_to_tokens(
        answered["input_ids"][answered["start"]:answered["end"] + 1])
    assert tokens == ["1748"]
    assert (unanswerable["start"], unanswerable["end"]) == (0, 0)


def test_an_answer_cut_off_by_the_window_is_labelled_no_answer() -> None:
    train = _training_script()
    tokenizer = rd.load_tokenizer()
    long = " ".join(["Filler words fill this sentence."] * 80) + " The bridge opened in 1932."
    start = long.index("1932")
    windows = train.features(tokenizer, [("When did the bridge open?", long, start,
                                          start + 4, ["1932"])])
    assert len(windows) > 1
    labelled = [w for w in windows if w["start"]]
    assert len(labelled) == 1
    assert tokenizer.decode(labelled[0]["input_ids"][labelled[0]["start"]]) == "1932"


def test_best_span_stays_inside_the_passage_and_within_length() -> None:
    start = [9.0, 1.0, 5.0, 0.0, 0.0]
    end = [9.0, 0.0, 0.0, 4.0, 3.0]
    context = [False, True, True, True, True]
    assert rd.best_span(start, end, context) == (2, 3, 9.0)
    assert rd.best_span(start, end, context, max_tokens=1) == (2, 2, 5.0)
    assert rd.best_span(start, end, [False] * 5) is None


@pytest.mark.slow
def test_the_shipped_reader_finds_typed_answers_in_new_prose() -> None:
    reader = rd.default_reader()
    when, = reader.read("When was the Lisbon aqueduct completed?", [PASSAGE])
    assert PASSAGE[when.start:when.end] == "1748"
    assert when.margin > 0
    how_far, = reader.read("How far does the aqueduct carry water?", [PASSAGE])
    assert "18 kilometres" in PASSAGE[how_far.start:how_far.end]


@pytest.mark.slow
def test_reading_sentence_windows_keeps_each_span_inside_its_sentence() -> None:
    reader = rd.default_reader()
    cut = PASSAGE.index(". ") + 1
    windows = [(0, cut), (cut + 1, len(PASSAGE))]
    first, second = reader.read_windows("When was the Lisbon aqueduct completed?", [PASSAGE],
                                        [windows])[0]
    assert first is not None and second is not None
    assert first.end <= cut and second.start > cut
    whole, = reader.read("When was the Lisbon aqueduct completed?", [PASSAGE])
    assert max(first.margin, second.margin) == pytest.approx(whole.margin, abs=1e-4)
    assert reader.read_windows("When?", [], []) == []


def test_weights_that_do_not_match_their_checksum_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "reader"
    shutil.copytree(rd.READER_DIR, folder)
    weights = folder / rd.WEIGHTS_FILE
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(rd.ReaderError, match="sha256"):
        rd.Reader(folder).read("When?", [PASSAGE])
    weights.unlink()
    with pytest.raises(rd.ReaderError, match="missing"):
        rd.Reader(folder).read("When?", [PASSAGE])


def test_a_damaged_reader_is_reported_and_the_engine_answers_without_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        fake_embedder: FakeEmbedder) -> None:
    broken = rd.Reader(tmp_path / "nowhere")
    monkeypatch.setattr("qa.pipeline.default_reader", lambda: broken)
    settings: Settings = copy_of_article(tmp_path, reader=True)
    with caplog.at_level(logging.WARNING):
        pipeline = Pipeline.load(settings, embedder=fake_embedder)
    assert pipeline.reader is None
    assert "Answering without the reader" in caplog.text
    assert pipeline.ask("How much will Japan invest?").answer


@pytest.mark.slow
def test_the_reader_abstains_exactly_below_its_calibrated_cut(tmp_path: Path) -> None:
    """A question is refused for the reader's sake exactly when P(answer) on the chosen
    sentence is under the decision's cut; the shipped cut lies strictly between 0 and 1."""
    shipped = rd.default_reader().decision
    assert 0 < shipped.abstain_below < 1 and shipped.short_from >= shipped.abstain_below
    question = "How much does Japan plan to invest in India over the next decade?"
    settings = copy_of_article(tmp_path)
    open_cut = dataclasses.replace(shipped, abstain_below=0.0, short_from=0.0)
    probe = Pipeline.load(settings, reader=rd.Reader(decision=open_cut)).ask(question)
    p_answer = probe.debug["reader"]["p_answer"]

    def with_cut(cut: float) -> Pipeline:
        decision = dataclasses.replace(shipped, abstain_below=cut, short_from=cut)
        return Pipeline.load(settings, reader=rd.Reader(decision=decision))

    assert not with_cut(p_answer - 0.001).ask(question).abstained
    refused = with_cut(p_answer + 0.001).ask(question)
    assert refused.abstained and "reader finds no answer" in refused.debug["abstain"]


def test_the_decision_comes_from_the_readers_own_manifest(tmp_path: Path) -> None:
    """Each reader's margins have their own scale, so the calibration travels with its
    weights; a manifest without one lets every answer and span through (for calibrating)."""
    shipped = rd.default_reader().decision
    assert shipped.chosen_on and shipped.figures
    folder = tmp_path / "reader"
    shutil.copytree(rd.READER_DIR, folder)
    manifest = json.loads((folder / rd.MANIFEST_FILE).read_text())
    manifest["decision"].update(bias=-1.0, abstain_below=0.25)
    (folder / rd.MANIFEST_FILE).write_text(json.dumps(manifest))
    decision = rd.Reader(folder).decision
    assert (decision.bias, decision.abstain_below) == (-1.0, 0.25)
    weights = dict(decision.weights)
    assert "margin" in weights and "antonym" in weights  # the margins and the signals
    assert decision.p_answer({"margin": 1.0}) == pytest.approx(1 / (1 + math.exp(-(
        -1.0 + weights["margin"]))))
    assert decision.p_answer({"margin": 1.0, "antonym": 1.0}) < decision.p_answer(
        {"margin": 1.0})  # a passage saying the opposite of the question weighs against
    older = dict(manifest["decision"], w_sentence=0.5, w_paragraph=0.25)
    del older["weights"]
    (folder / rd.MANIFEST_FILE).write_text(json.dumps(dict(manifest, decision=older)))
    assert rd.Reader(folder).decision.p_answer(margins(2.0)) == pytest.approx(
        1 / (1 + math.exp(-(-1.0 + 0.5 * 2 + 0.25 * 2))))  # the older form: margins alone
    del manifest["decision"]
    (folder / rd.MANIFEST_FILE).write_text(json.dumps(manifest))
    assert rd.Reader(folder).decision == Decision()
