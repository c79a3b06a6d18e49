"""scripts/fit_answerability.py: its features and its fitting (synthetic rows)."""

from __future__ import annotations

from types import ModuleType

import numpy as np

from tests.conftest import load_script


def _fit_script() -> ModuleType:
    return load_script("fit_answerability")


def test_features_follow_the_names() -> None:
    fit = _fit_script()
    row = {"margin": -2.0, "literal_coverage": 0.5, "kind": "why",
           "best": {"dense": 0.4, "s_cov": 0.6, "p_cov": 0.7}, "rules": ["antonym"]}
    values = dict(zip(fit.FEATURES, fit.feature_vector(row), strict=True))
    assert values["margin"] == -0.5 and values["margin_x_literal"] == -0.25
    assert values["broad_kind"] == 1.0 and values["rule:antonym"] == 1.0
    assert values["rule:negation"] == 0.0 and values["no_reading"] == 0.0
    assert fit.feature_vector({})[fit.FEATURES.index("no_reading")] == 1.0


def test_fitting_learns_that_a_higher_margin_means_answerable() -> None:
    fit = _fit_script()
    rng = np.random.default_rng(0)
    rows = []
    for i in range(400):
        answerable = i % 2 == 0
        margin = rng.normal(2.0 if answerable else -2.0, 1.5)
        rows.append({"margin": margin, "literal_coverage": 0.5, "kind": "fact",
                     "best": {"dense": 0.5, "s_cov": 0.5, "p_cov": 0.5}, "rules": [],
                     "abstained": False, "golds": ["x"] if answerable else [],
                     "prediction": "x" if answerable else "", "short_if_answered": None})
    x, y = fit.matrix(rows)
    weights = fit.fit(x, y)
    assert weights[fit.FEATURES.index("margin")] > 0.5
    p = 1 / (1 + np.exp(-x @ weights))
    cut = fit.choose_threshold(p, rows, max_false=0.10)
    refused = p < cut
    assert refused[y == 1].mean() <= 0.10  # the false-abstention budget holds
    assert refused[y == 0].mean() > 0.7    # and most unanswerable ones are refused
