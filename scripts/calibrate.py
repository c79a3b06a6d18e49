"""Calibrate the answer/abstain decision on the validation articles and ablate every rule.

    .venv/bin/python scripts/validation_set.py /tmp/valid
    QA_READER_DIR=runs/reader .venv/bin/qa eval /tmp/valid --details /tmp/valid.jsonl
    .venv/bin/python scripts/calibrate.py /tmp/valid.jsonl --reader runs/reader

The eval must run with a reader whose manifest has no "decision" block yet, so that nothing
is refused for the reader's sake and every span is shown: each row then holds the reader's
margins, the rules that fired and the span it would show. This script
1. fits P(answer) = sigmoid(bias + w · margins) by logistic regression on the rows the other
   rules let through (the sentence margin alone, or with the paragraph margin: the one with
   the lower log loss when each half of the articles is predicted from the other half);
2. chooses `abstain_below`, the highest cut whose false abstention on the validation articles
   stays within --max-false-abstention (every refusal counted), and `short_from`, the cut that
   maximises SQuAD F1 there;
3. writes both into the manifest's "decision" block with the figures and the articles, and
   prints the ablation table: the figures with each other rule dropped (`docs/answerability.md`).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.answer.decision import Decision  # noqa: E402
from qa.eval.squad import squad_scores  # noqa: E402

ANSWERABILITY = "answerability"


def features(row: dict, with_paragraph: bool) -> list[float]:
    margin = row["margin"]
    paragraph = row.get("paragraph_margin")
    return [margin, paragraph if paragraph is not None else margin] if with_paragraph \
        else [margin]


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


def log_loss(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    p = 1 / (1 + np.exp(-np.clip(np.hstack([np.ones((len(x), 1)), x]) @ w, -60, 60)))
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def forced(row: dict, without: str | None = None) -> bool:
    """Refused whatever the reader says: another rule, or nothing to quote at all."""
    rules = [r for r in row.get("rules", []) if r not in (ANSWERABILITY, without)]
    return bool(rules) or bool(row.get("refused_otherwise"))


def outcome(rows: list[dict], decision: Decision, without: str | None = None) -> dict:
    """Abstention, false abstention, F1, HasAns F1 (%) with this decision (and a rule off)."""
    refused, f1, has_f1 = [], [], []
    for row in rows:
        p = decision.p_answer(row["margin"], row.get("paragraph_margin")) \
            if row["margin"] is not None else None
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


def choose(rows: list[dict], max_false: float) -> tuple[Decision, str]:
    usable = [r for r in rows if r["margin"] is not None and not forced(r)]
    articles = sorted({r["article"] for r in usable})
    halves = [set(articles[0::2]), set(articles[1::2])]
    losses = {}
    for with_paragraph in (False, True):
        total = 0.0
        for held in halves:
            train = [r for r in usable if r["article"] not in held]
            test = [r for r in usable if r["article"] in held]
            w = fit(np.array([features(r, with_paragraph) for r in train]),
                    np.array([float(r["answerable"]) for r in train]))
            total += log_loss(w, np.array([features(r, with_paragraph) for r in test]),
                              np.array([float(r["answerable"]) for r in test])) * len(test)
        losses[with_paragraph] = total / len(usable)
    with_paragraph = losses[True] < losses[False]
    w = fit(np.array([features(r, with_paragraph) for r in usable]),
            np.array([float(r["answerable"]) for r in usable]))
    base = Decision(bias=float(w[0]), w_sentence=float(w[1]),
                    w_paragraph=float(w[2]) if with_paragraph else 0.0)
    cuts = [round(c, 3) for c in np.arange(0.0, 0.951, 0.005)]
    allowed = [c for c in cuts if outcome(rows, _with(base, c, 0.0))["false_abstention"]
               <= max_false]
    abstain_below = max(allowed, default=0.0)
    short_from = max((c for c in cuts if c >= abstain_below),
                     key=lambda c: outcome(rows, _with(base, abstain_below, c))["F1"])
    note = (f"cross-validated log loss: sentence margin {losses[False]:.4f}, with the "
            f"paragraph margin {losses[True]:.4f}")
    return _with(base, abstain_below, short_from), note


def _with(base: Decision, abstain_below: float, short_from: float) -> Decision:
    return Decision(base.bias, base.w_sentence, base.w_paragraph, abstain_below, short_from)


def ablation(rows: list[dict], decision: Decision) -> str:
    rules = sorted({r for row in rows for r in row.get("rules", [])} - {ANSWERABILITY})
    lines = ["| without | refuses alone (unanswerable : answerable) | abstention | false "
             "abstention | F1 | HasAns F1 |", "|---|---|---|---|---|---|"]
    shipped = outcome(rows, decision)
    lines.append(_line("nothing (shipped)", "", shipped))
    for rule in rules:
        alone = [r for r in rows if [x for x in r.get("rules", []) if x != ANSWERABILITY]
                 == [rule] and not _refused_by_model(r, decision)]
        unanswerable = sum(not r["answerable"] for r in alone)
        counts = f"{unanswerable} : {len(alone) - unanswerable}"
        lines.append(_line(rule, counts, outcome(rows, decision, without=rule)))
    off = Decision(decision.bias, decision.w_sentence, decision.w_paragraph, 0.0,
                   decision.short_from)
    lines.append(_line("the model's refusals", "", outcome(rows, off)))
    return "\n".join(lines)


def _refused_by_model(row: dict, decision: Decision) -> bool:
    return row["margin"] is not None and decision.p_answer(
        row["margin"], row.get("paragraph_margin")) < decision.abstain_below


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
    rows = [dict(r, rules=[x for x in r.get("rules", []) if x not in gone],
                 refused_otherwise=r["abstained"] and not r.get("rules")) for r in rows]
    decision, note = choose(rows, args.max_false_abstention)
    figures = outcome(rows, decision)
    articles = sorted({r["article"] for r in rows})
    figures = {k: round(v, 1) for k, v in figures.items()}
    figures.update(questions=len(rows), articles=len(articles), note=note)
    chosen_on = (f"{len(rows)} questions of {len(articles)} held-out squad-train articles "
                 f"(scripts/validation_set.py; real SQuAD 2.0 unanswerables), false abstention "
                 f"<= {args.max_false_abstention} %")
    decision = Decision(decision.bias, decision.w_sentence, decision.w_paragraph,
                        decision.abstain_below, decision.short_from, chosen_on, figures)
    manifest_path = args.reader / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["decision"] = decision.to_manifest()
    manifest["validation_articles_decision"] = articles
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    print(json.dumps(decision.to_manifest(), indent=1))
    print(ablation(rows, decision))
    if math.isnan(figures["F1"]):
        raise SystemExit("no rows")


if __name__ == "__main__":
    main()
