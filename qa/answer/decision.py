"""The answer/abstain decision: the reader's margin, calibrated to a probability, and two cuts.

    decision = reader.decision                    # from models/reader/manifest.json
    p = decision.p_answer(margin, paragraph_margin)   # P(the passage answers the question)
    p < decision.abstain_below   → "the documents do not say"
    p >= decision.short_from     → the reader's span is shown in bold as the short answer

The probability is a logistic regression over the reader's margins (how much its best span
beats "no answer" in the quoted sentence, and anywhere in that paragraph), fitted by
`scripts/calibrate.py` on the validation articles (squad-train articles no reader trained on,
with their real SQuAD 2.0 unanswerable questions); the cuts are chosen there too, and
`chosen_on` records on what. Nothing here is tuned on ../shared/eval/squad/ or the article.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Decision:
    """P(answer) = sigmoid(bias + w_sentence · margin + w_paragraph · paragraph margin)."""

    bias: float = 0.0
    w_sentence: float = 1.0
    w_paragraph: float = 0.0
    abstain_below: float = 0.0  # 0: the reader never refuses (calibration runs use this)
    short_from: float = 0.0     # 0: every span is shown
    chosen_on: str = "not calibrated: every answer and span is let through"
    figures: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any]) -> Decision:
        """The manifest's "decision" block, or the uncalibrated pass-through."""
        block = manifest.get("decision")
        if not block:
            return cls()
        return cls(bias=float(block["bias"]), w_sentence=float(block["w_sentence"]),
                   w_paragraph=float(block.get("w_paragraph", 0.0)),
                   abstain_below=float(block["abstain_below"]),
                   short_from=float(block["short_from"]),
                   chosen_on=str(block.get("chosen_on", "")),
                   figures=dict(block.get("figures", {})))

    def p_answer(self, margin: float, paragraph_margin: float | None = None) -> float:
        """The calibrated probability that the passage answers the question."""
        z = self.bias + self.w_sentence * margin + self.w_paragraph * (
            margin if paragraph_margin is None else paragraph_margin)
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def to_manifest(self) -> dict[str, Any]:
        return {"bias": self.bias, "w_sentence": self.w_sentence,
                "w_paragraph": self.w_paragraph, "abstain_below": self.abstain_below,
                "short_from": self.short_from, "chosen_on": self.chosen_on,
                "figures": self.figures}
