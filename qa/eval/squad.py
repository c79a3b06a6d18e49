"""`qa eval FOLDER`: SQuAD-style evaluation, each article its own corpus and temporary index.

A folder of article folders (each with `corpus/` and `questions.jsonl`) is scored per article
and overall with the project's metrics plus the official SQuAD 2.0 metrics on `short_answer`:
exact match and token F1 after SQuAD's normalisation (lower case, no punctuation or articles),
best over the gold answers, an abstention counting as the empty answer; overall and on the
answerable (HasAns) and unanswerable (NoAns) questions apart, as the SQuAD 2.0 paper reports.
"""

from __future__ import annotations

import collections
import re
import string
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.embedding import Embedder
from qa.eval.evaluation import judge, read_eval_file
from qa.types import Answer


def normalize_answer(text: str) -> str:
    """SQuAD's normalisation: lower case, drop punctuation, articles and extra spaces."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def f1_score(prediction: str, gold: str) -> float:
    pred, ref = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not pred or not ref:
        return float(pred == ref)
    common = collections.Counter(pred) & collections.Counter(ref)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(ref)
    return 2 * precision * recall / (precision + recall)


def squad_scores(prediction: str, golds: list[str]) -> tuple[float, float]:
    """(exact, f1) best over the gold answers; no gold answers means unanswerable."""
    golds = [g for g in golds if normalize_answer(g)] or [""]
    exact = max(float(normalize_answer(prediction) == normalize_answer(g)) for g in golds)
    return exact, max(f1_score(prediction, g) for g in golds)


@dataclass
class ArticleResult:
    name: str
    rows: list[dict[str, Any]] = field(default_factory=list)


def is_folder_of_articles(path: Path) -> bool:
    return path.is_dir() and any(
        (p / "questions.jsonl").is_file() and (p / "corpus").is_dir() for p in path.iterdir())


def article_folders(path: Path) -> list[Path]:
    if (path / "questions.jsonl").is_file():
        return [path]
    return sorted(p for p in path.iterdir()
                  if (p / "questions.jsonl").is_file() and (p / "corpus").is_dir())


def evaluate_article(folder: Path, embedder: Embedder, limit: int | None = None,
                     progress: Callable[[str], None] | None = None,
                     reader: Any = None) -> ArticleResult:
    """Index one article in a temporary folder and score its questions (with the shipped
    reader, or `reader`)."""
    from qa.pipeline import Pipeline

    items = read_eval_file(folder / "questions.jsonl")[:limit]
    result = ArticleResult(folder.name)
    with tempfile.TemporaryDirectory(prefix="qa-eval-") as tmp:
        settings = Settings(corpus_dir=folder / "corpus", index_dir=Path(tmp))
        pipeline = Pipeline.load(settings, embedder=embedder, reader=reader)
        for item in items:
            answer = pipeline.ask(item["question"], history=item.get("history") or [])
            result.rows.append(_row(item, answer))
    if progress:
        progress(folder.name)
    return result


def _row(item: dict[str, Any], answer: Answer) -> dict[str, Any]:
    golds = item.get("answers") or []
    outcome = judge(item, answer.to_dict())
    prediction = "" if answer.abstained else (answer.short_answer or "")
    exact, f1 = squad_scores(prediction, golds)
    quotes = " ".join(c.quote for c in answer.citations)
    in_quote = any(g and g in quotes for g in golds)
    best = answer.debug.get("best_quote", "")
    return {"id": item["id"], "answerable": bool(golds), "abstained": answer.abstained,
            "short": bool(prediction),
            "answer_ok": outcome.answer_ok, "citation_ok": outcome.citation_ok,
            "exact": exact, "f1": f1, "sentence_ok": in_quote or any(
                g and g in best for g in golds), "latency_ms": answer.latency_ms,
            # for `--details` and scripts/calibrate.py
            "question": item["question"], "golds": golds, "prediction": prediction,
            "rules": answer.debug.get("rules", []),
            "signals": answer.debug.get("signals", []),
            "features": answer.debug.get("features"),
            "short_if_answered": answer.debug.get("short_if_answered"),
            "margin": answer.debug.get("reader", {}).get("margin"),
            "paragraph_margin": answer.debug.get("reader", {}).get("paragraph_margin"),
            "p_answer": answer.debug.get("reader", {}).get("p_answer"),
            "reader_span": answer.debug.get("reader", {}).get("span"),
            "literal_coverage": answer.debug.get("literal_coverage"),
            "doubt_applies": answer.debug.get("doubt_applies"),
            "kind": answer.debug.get("kind"), "best": answer.debug.get("best"), "quote": best,
            "answer_type": answer.debug.get("type"),
            "strict_type": answer.debug.get("strict_type")}


def summarise_rows(rows: list[dict[str, Any]]) -> dict[str, float]:
    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else float("nan")

    has = [r for r in rows if r["answerable"]]
    nothing = [r for r in rows if not r["answerable"]]
    answered = [r for r in has if not r["abstained"]]
    return {
        "n": len(rows),
        "answer": mean([r["answer_ok"] for r in rows]),
        "sentence": mean([r["sentence_ok"] for r in has]),
        "citation": mean([r["citation_ok"] for r in answered]),
        "abstain": mean([r["abstained"] for r in nothing]),
        "short": mean([r["short"] for r in rows]),
        "false_abstain": mean([r["abstained"] for r in has]),
        "EM": 100 * mean([r["exact"] for r in rows]),
        "F1": 100 * mean([r["f1"] for r in rows]),
        "HasAns_EM": 100 * mean([r["exact"] for r in has]),
        "HasAns_F1": 100 * mean([r["f1"] for r in has]),
        "NoAns_EM": 100 * mean([r["exact"] for r in nothing]),
        "NoAns_F1": 100 * mean([r["f1"] for r in nothing]),
    }


def answerability_figures(rows: list[dict[str, Any]]) -> dict[str, float]:
    """How well the answerability score (the reader's calibrated P(answer)) separates the
    answerable questions from the others: its ROC AUC over every question (no score counts as
    0), and the abstention reached, with the other refusals kept, while false abstention stays
    at or under 5 % and 10 % (sweeping the cut)."""
    def score(row: dict[str, Any]) -> float:
        return row.get("p_answer") if row.get("p_answer") is not None else 0.0

    positives = [score(r) for r in rows if r["answerable"]]
    negatives = [score(r) for r in rows if not r["answerable"]]
    if not positives or not negatives:
        return {}
    ranked = sorted(positives + negatives)
    rank = {}
    for i, value in enumerate(ranked):  # mean rank of ties
        rank.setdefault(value, []).append(i + 1)
    mean_rank = {v: sum(r) / len(r) for v, r in rank.items()}
    auc = ((sum(mean_rank[v] for v in positives) - len(positives) * (len(positives) + 1) / 2)
           / (len(positives) * len(negatives)))

    def other(row: dict[str, Any]) -> bool:  # refused whatever the score
        return row["abstained"] and any(r != "answerability" for r in row.get("rules") or [
            "other"])

    import numpy as np

    answerable = np.array([r["answerable"] for r in rows])
    scores = np.array([score(r) for r in rows])
    forced = np.array([other(r) for r in rows])
    out = {"AUC": auc}
    for cap in (0.05, 0.10):
        best = 0.0
        for cut in np.unique(np.concatenate([scores, [0.0, 1.01]])):
            refused = forced | (scores < cut)
            if refused[answerable].mean() > cap:
                break
            best = max(best, float(refused[~answerable].mean()))
        out[f"abstain_at_{round(cap * 100)}"] = best
    return out


def format_answerability(rows: list[dict[str, Any]]) -> str:
    """One line: the score's AUC and the abstention at 5 % and 10 % false abstention."""
    figures = answerability_figures(rows)
    if not figures:
        return "answerability: needs answerable and unanswerable questions"
    return (f"answerability score: AUC {figures['AUC']:.3f}; abstention "
            f"{_p(figures['abstain_at_5'])} at <= 5 % false abstention, "
            f"{_p(figures['abstain_at_10'])} at <= 10 %")


def format_squad_table(results: list[ArticleResult], seen: frozenset[str] = frozenset()) -> str:
    """Per article and overall; articles in `seen` (the reader trained or was calibrated on
    them) are starred, and an extra row scores only the others, the honest figure. `short` is
    the share of questions given a short answer: SQuAD scores a missing one as "no answer"."""
    header = (f"{'article':<26}{'n':>5}{'answer':>8}{'sent':>7}{'cite':>7}{'abst':>7}"
              f"{'f-abst':>8}{'short':>7}{'EM':>7}{'F1':>7}{'HasEM':>7}{'HasF1':>7}{'NoEM':>7}"
              f"{'NoF1':>7}")
    lines = [header, "-" * len(header)]
    totals = [ArticleResult("overall", [r for a in results for r in a.rows])]
    starred = [a for a in results if a.name in seen]
    if starred:
        totals.append(ArticleResult("overall, unseen articles",
                                    [r for a in results if a.name not in seen for r in a.rows]))
    for result in results + totals:
        name = result.name + ("*" if result in starred else "")
        m = summarise_rows(result.rows)
        lines.append(f"{name[:25]:<26}{m['n']:>5}{_p(m['answer']):>8}{_p(m['sentence']):>7}"
                     f"{_p(m['citation']):>7}{_p(m['abstain']):>7}{_p(m['false_abstain']):>8}"
                     f"{_p(m['short']):>7}"
                     f"{m['EM']:>7.1f}{m['F1']:>7.1f}{m['HasAns_EM']:>7.1f}"
                     f"{m['HasAns_F1']:>7.1f}{m['NoAns_EM']:>7.1f}{m['NoAns_F1']:>7.1f}")
    if starred:
        lines.append("* seen by the reader in training or calibration "
                     "(models/reader/manifest.json): not evidence of generalisation")
    return "\n".join(lines)


def _p(value: float) -> str:
    return "–" if value != value else f"{100 * value:.0f}%"
