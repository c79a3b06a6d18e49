"""Calibrate the answer/abstain decision on the validation articles and ablate every rule.

    .venv/bin/python scripts/validation_set.py /tmp/valid
    QA_READER_DIR=runs/reader .venv/bin/qa eval /tmp/valid --details /tmp/valid.jsonl
    .venv/bin/python scripts/calibrate.py /tmp/valid.jsonl --reader runs/reader

The eval must run with a reader whose manifest has no "decision" block yet, so that nothing
is refused for the decision's sake and every span is shown: each row then holds the features
the decision weighs (`qa.answer.answerability`: the reader's margins, the quote's coverage, the
weighing checks' signals), the refusing checks that fired and the span it would show. This
script
1. fits P(answer) = sigmoid(bias + w · features) by logistic regression on the rows the
   refusing checks let through (the margins alone, with the signals, or every feature: the
   one with the lowest log loss when each half of the articles is predicted from the other
   half);
2. chooses `abstain_below`, the highest cut whose false abstention on the validation articles
   stays within --max-false-abstention (every refusal counted), and `short_from`, the cut that
   maximises SQuAD F1 there;
3. writes both into the manifest's "decision" block with the figures and the articles, and
   prints the ablation table (`docs/answerability.md`): the figures with each refusing check
   taken back, and with each signal left out of the fit.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.answer.answerability import FEATURES  # noqa: E402
from qa.answer.checks import SIGNALS  # noqa: E402
from qa.answer.decision import Decision  # noqa: E402
from qa.eval.squad import squad_scores  # noqa: E402

ANSWERABILITY = "answerability"


MARGINS = ("margin", "paragraph_margin")
# The feature sets tried, smallest first: the reader's margins; with the weighing checks'
# signals; with the quote's coverage, cosine and span too.
FEATURE_SETS = {"the margins": MARGINS,
                "with the signals": MARGINS + tuple(sorted(SIGNALS)),
                "every feature": tuple(FEATURES) + tuple(sorted(SIGNALS))}


def matrix(rows: list[dict], names: tuple[str, ...]) -> np.ndarray:
    return np.array([[float(r["features"].get(n, 0.0)) for n in names] for r in rows])


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-3) -> np.ndarray:
    """Logistic regression by Newton's method; returns [bias, weights...]."""
    X = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(X.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(X @ w, -60, 60)))
        gradient = X.T @ (p - y) + l2 * w
        hessian = (X * (p * (1 - p))[:, None]).T @ X + l2 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def fit_raw(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> np.ndarray:
    """`fit` on standardised features (so that one L2 weight suits them all), returned as
    [bias, weights...] on the features as they are."""
    mean, scale = x.mean(0), x.std(0) + 1e-9
    w = fit((x - mean) / scale, y, l2)
    weights = w[1:] / scale
    return np.concatenate([[w[0] - float(weights @ mean)], weights])


def log_loss(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    p = 1 / (1 + np.exp(-np.clip(np.hstack([np.ones((len(x), 1)), x]) @ w, -60, 60)))
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def forced(row: dict, without: str | None = None) -> bool:
    """Refused whatever the decision says: a refusing check, or nothing to quote at all."""
    rules = [r for r in row.get("rules", []) if r not in (ANSWERABILITY, without)]
    return bool(rules) or bool(row.get("refused_otherwise"))


def outcome(rows: list[dict], decision: Decision, without: str | None = None) -> dict:
    """Abstention, false abstention, F1, HasAns F1 (%) with this decision (and a check off)."""
    refused, f1, has_f1 = [], [], []
    for row in rows:
        p = decision.p_answer(row["features"]) if row.get("features") else None
        out = forced(row, without) or (p is not None and p < decision.abstain_below)
        span = row.get("reader_span") or ""
        shown = "" if out or p is None or p < decision.short_from else span
        if p is None and not out:  # not read: the typed span, when the engine had one
            shown = row.get("prediction") or row.get("short_if_answered") or ""
        score = squad_scores(shown, row["golds"])[1]
        refused.append((row["answerable"], out))
        f1.append(score)
        if row["answerable"]:
            has_f1.append(score)
    has = [o for a, o in refused if a]
    nothing = [o for a, o in refused if not a]
    return {"abstention": 100 * sum(nothing) / max(1, len(nothing)),
            "false_abstention": 100 * sum(has) / max(1, len(has)),
            "F1": 100 * sum(f1) / len(f1), "HasAns_F1": 100 * sum(has_f1) / max(1, len(has_f1))}


def fitted(rows: list[dict], names: tuple[str, ...], without: str | None = None) -> Decision:
    """The logistic regression over `names`, on the rows the refusing checks (but
    `without`) let through."""
    usable = [r for r in rows if r.get("features") and not forced(r, without)]
    w = fit_raw(matrix(usable, names), np.array([float(r["answerable"]) for r in usable]))
    return Decision(bias=float(w[0]), weights=tuple(zip(names, map(float, w[1:]), strict=True)))


def cuts_for(rows: list[dict], base: Decision, max_false: float,
             without: str | None = None) -> Decision:
    """`abstain_below`: the highest cut whose false abstention stays within `max_false`;
    `short_from`: the cut from it up that maximises F1."""
    cuts = [round(c, 3) for c in np.arange(0.0, 0.951, 0.005)]
    allowed = [c for c in cuts if outcome(rows, _with(base, c, 0.0), without)[
        "false_abstention"] <= max_false]
    abstain_below = max(allowed, default=0.0)
    short_from = max((c for c in cuts if c >= abstain_below),
                     key=lambda c: outcome(rows, _with(base, abstain_below, c), without)["F1"])
    return _with(base, abstain_below, short_from)


def choose(rows: list[dict], max_false: float) -> tuple[Decision, str]:
    """The feature set (`FEATURE_SETS`) with the lowest log loss when each half of the
    articles is predicted from the other half; then its cuts."""
    usable = [r for r in rows if r.get("features") and not forced(r)]
    articles = sorted({r["article"] for r in usable})
    halves = [set(articles[0::2]), set(articles[1::2])]
    losses = {}
    for label, names in FEATURE_SETS.items():
        total = 0.0
        for held in halves:
            train = [r for r in usable if r["article"] not in held]
            test = [r for r in usable if r["article"] in held]
            w = fit_raw(matrix(train, names), np.array([float(r["answerable"]) for r in train]))
            total += log_loss(w, matrix(test, names),
                              np.array([float(r["answerable"]) for r in test])) * len(test)
        losses[label] = total / len(usable)
    best = min(losses, key=lambda label: losses[label])
    names = FEATURE_SETS[best]
    note = "cross-validated log loss: " + ", ".join(
        f"{label} {loss:.4f}" for label, loss in losses.items()) + f"; fitted: {best}"
    return cuts_for(rows, fitted(rows, names), max_false), note


def _with(base: Decision, abstain_below: float, short_from: float) -> Decision:
    return replace(base, abstain_below=abstain_below, short_from=short_from)


def ablation(rows: list[dict], decision: Decision, max_false: float) -> str:
    """Each refusing check taken back, and each signal left out of the fit (either way
    refitted, the cut chosen again at the same false abstention)."""
    lines = ["| without | weight, or refuses alone (unanswerable : answerable) | abstention | "
             "false abstention | F1 | HasAns F1 |", "|---|---|---|---|---|---|"]
    lines.append(_line("nothing (shipped)", "", outcome(rows, decision)))
    weights = dict(decision.weights)
    refusing = sorted({r for row in rows for r in row.get("rules", [])} - {ANSWERABILITY})
    for rule in refusing:
        alone = [r for r in rows if [x for x in r.get("rules", []) if x != ANSWERABILITY]
                 == [rule] and not _refused_by_model(r, decision)]
        unanswerable = sum(not r["answerable"] for r in alone)
        refit = cuts_for(rows, fitted(rows, tuple(weights), rule), max_false, rule)
        lines.append(_line(rule, f"refuses {unanswerable} : {len(alone) - unanswerable}",
                           outcome(rows, refit, without=rule)))
    names = tuple(weights)
    for signal in sorted(SIGNALS & set(names)):
        rest = tuple(n for n in names if n != signal)
        refit = cuts_for(rows, fitted(rows, rest), max_false)
        lines.append(_line(signal, f"weight {weights[signal]:+.2f}", outcome(rows, refit)))
    off = _with(decision, 0.0, decision.short_from)
    lines.append(_line("the decision's refusals", "", outcome(rows, off)))
    return "\n".join(lines)


def _refused_by_model(row: dict, decision: Decision) -> bool:
    return bool(row.get("features")) and decision.p_answer(
        row["features"]) < decision.abstain_below


def _line(name: str, counts: str, m: dict) -> str:
    return (f"| {name} | {counts} | {m['abstention']:.1f} | {m['false_abstention']:.1f} | "
            f"{m['F1']:.1f} | {m['HasAns_F1']:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("details", type=Path, help="qa eval --details of the validation set")
    parser.add_argument("--reader", type=Path, required=True, help="the reader's folder")
    parser.add_argument("--max-false-abstention", type=float, default=7.5)
    parser.add_argument("--without", default="", help="checks removed from the engine since "
                        "the eval ran, comma-separated: their refusals are taken back")
    args = parser.parse_args()
    rows = [json.loads(x) for x in args.details.read_text().splitlines() if x.strip()]
    gone = {name for name in args.without.split(",") if name}
    # a signal of a check that now refuses (`weighs` turned off since the eval) refuses
    rows = [dict(r, rules=[x for x in r.get("rules", []) + [s for s in r.get("signals", [])
                                                           if s not in SIGNALS]
                           if x not in gone],
                 refused_otherwise=r["abstained"] and not r.get("rules")) for r in rows]
    decision, note = choose(rows, args.max_false_abstention)
    figures = outcome(rows, decision)
    articles = sorted({r["article"] for r in rows})
    figures = {k: round(v, 1) for k, v in figures.items()}
    figures.update(questions=len(rows), articles=len(articles), note=note)
    chosen_on = (f"{len(rows)} questions of {len(articles)} held-out squad-train articles "
                 f"(scripts/validation_set.py; real SQuAD 2.0 unanswerables), false abstention "
                 f"<= {args.max_false_abstention} %")
    decision = replace(decision, chosen_on=chosen_on, figures=figures)
    manifest_path = args.reader / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["decision"] = decision.to_manifest()
    manifest["validation_articles_decision"] = articles
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    print(json.dumps(decision.to_manifest(), indent=1))
    print(ablation(rows, decision, args.max_false_abstention))
    if math.isnan(figures["F1"]):
        raise SystemExit("no rows")


if __name__ == "__main__":
    main()
