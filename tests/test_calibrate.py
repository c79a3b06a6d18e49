"""scripts/calibrate.py on synthetic rows: the decision it fits weighs a signal that marks
unanswerable questions against answering, and its cut keeps false abstention in bounds."""

from __future__ import annotations

import random
from types import ModuleType

import pytest

from tests.conftest import load_script


@pytest.fixture(scope="module")
def calibrate() -> ModuleType:
    return load_script("calibrate")


def rows(seed: int = 5, n: int = 800) -> list[dict]:
    """Half answerable; the margin separates them a little, the negation signal fires on
    a third of the unanswerable ones and almost never on the answerable ones."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        answerable = i % 2 == 0
        margin = rng.gauss(1.0 if answerable else -1.0, 2.0)
        negation = float(rng.random() < (0.02 if answerable else 0.35))
        out.append({"id": str(i), "article": f"a{i % 10}", "answerable": answerable,
                    "golds": ["x"] if answerable else [], "rules": [],
                    "reader_span": "x", "prediction": "",
                    "features": {"margin": margin, "paragraph_margin": margin,
                                 "negation": negation}})
    return out


def test_the_fit_weighs_a_signal_against_answering(calibrate: ModuleType) -> None:
    data = rows()
    decision = calibrate.fitted(data, ("margin", "paragraph_margin", "negation"))
    weights = dict(decision.weights)
    assert weights["negation"] < -1.0
    assert weights["margin"] + weights["paragraph_margin"] > 0.3
    assert decision.p_answer({"margin": 0.0, "negation": 1.0}) < decision.p_answer(
        {"margin": 0.0})


@pytest.mark.parametrize("cap", [5.0, 10.0])
def test_the_cut_keeps_false_abstention_within_the_cap(calibrate: ModuleType,
                                                       cap: float) -> None:
    data = rows()
    decision = calibrate.cuts_for(data, calibrate.fitted(data, ("margin", "negation")), cap)
    figures = calibrate.outcome(data, decision)
    assert figures["false_abstention"] <= cap
    assert figures["abstention"] > figures["false_abstention"] + 10  # it separates
    assert decision.short_from >= decision.abstain_below > 0


def test_a_refusing_check_refuses_whatever_the_decision(calibrate: ModuleType) -> None:
    data = rows()
    data[0]["rules"] = ["unknown-name"]
    decision = calibrate.cuts_for(data, calibrate.fitted(data, ("margin",)), 10.0)
    with_rule = calibrate.outcome(data, decision)
    taken_back = calibrate.outcome(data, decision, without="unknown-name")
    assert with_rule["false_abstention"] > taken_back["false_abstention"]
