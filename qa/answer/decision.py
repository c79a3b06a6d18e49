"""The answer/abstain decision: one logistic regression over what the engine saw, and two cuts.

    decision = reader.decision                    # from models/reader/manifest.json
    p = decision.p_answer(features)               # P(the passage answers the question)
    p < decision.abstain_below   → "the documents do not say"
    p >= decision.short_from     → the reader's span is shown in bold as the short answer

`features` (`qa.answer.checks.answer_features`) are the reader's margins (how much its best
span beats "no answer" in the quoted sentence, and anywhere in that paragraph), how well the
quote covers the question, and the signals of the weighing checks (a negated question, an
antonym, a number not in the quote …) as 0 or 1. The weights are fitted by
`scripts/calibrate.py` on the validation articles (squad-train articles no reader trained on,
with their real SQuAD 2.0 unanswerable questions); the cuts are chosen there too, and
`chosen_on` records on what. Nothing here is tuned on ../shared/eval/squad/ or the article.
A manifest of the older form (bias, w_sentence, w_paragraph) reads as the margins alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Decision:
    """P(answer) = sigmoid(bias + Σ weights[name] · features[name]); a missing feature is 0."""

    bias: float = 0.0
    weights: tuple[tuple[str, float], ...] = (("margin", 1.0),)
    abstain_below: float = 0.0  # 0: the decision never refuses (calibration runs use this)
    short_from: float = 0.0     # 0: every span is shown
    chosen_on: str = "not calibrated: every answer and span is let through"
    figures: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any]) -> Decision:
        """The manifest's "decision" block, or the uncalibrated pass-through."""
        block = manifest.get("decision")
        if not block:
            return cls()
        if "weights" in block:
            weights = tuple((str(k), float(v)) for k, v in block["weights"].items())
        else:  # the older form: the reader's margins alone
            weights = (("margin", float(block["w_sentence"])),
                       ("paragraph_margin", float(block.get("w_paragraph", 0.0))))
        return cls(bias=float(block["bias"]), weights=weights,
                   abstain_below=float(block["abstain_below"]),
                   short_from=float(block["short_from"]),
                   chosen_on=str(block.get("chosen_on", "")),
                   figures=dict(block.get("figures", {})))

    def p_answer(self, features: Mapping[str, float]) -> float:
        """The calibrated probability that the passage answers the question."""
        z = self.bias + sum(w * float(features.get(name, 0.0)) for name, w in self.weights)
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def to_manifest(self) -> dict[str, Any]:
        return {"bias": self.bias, "weights": dict(self.weights),
                "abstain_below": self.abstain_below, "short_from": self.short_from,
                "chosen_on": self.chosen_on, "figures": self.figures}


def margins(margin: float, paragraph_margin: float | None = None) -> dict[str, float]:
    """The reader's two margins as features (the paragraph's defaults to the sentence's)."""
    return {"margin": margin,
            "paragraph_margin": margin if paragraph_margin is None else paragraph_margin}
