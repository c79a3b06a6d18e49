"""Score answers against an eval file (format: ../shared/eval/README.md) and print a table.

Per question type, per `kind` where the file has kinds (rows "kind:summary" …), and overall:
answer accuracy (right, cited right, not abstained; with `min_paragraphs`, citing that many
distinct paragraphs), citation accuracy, abstention on unanswerable questions, false
abstention on answerable ones, the share of quotes that are exact slices of their paragraph,
and latency p50 / p95.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.errors import InputError


@dataclass
class Outcome:
    """How one answer fared."""

    id: str
    type: str
    answerable: bool
    abstained: bool
    answer_ok: bool
    citation_ok: bool
    exact_quotes: bool
    latency_ms: float
    kind: str | None = None


def read_eval_file(path: Path) -> list[dict[str, Any]]:
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise InputError(f"Cannot read {path}: {error.strerror}.") from error
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}:{number}: not JSON ({error.msg}).") from error
        if not isinstance(item, dict) or "question" not in item:
            raise InputError(f"{path}:{number}: needs a 'question' field.")
        item.setdefault("id", str(number))
        items.append(item)
    return items


def is_answerable(item: dict[str, Any]) -> bool:
    return item.get("type") != "unanswerable" and bool(
        item.get("answer_any") or item.get("answer_any_all") or item.get("answers"))


def judge(item: dict[str, Any], result: dict[str, Any]) -> Outcome:
    """Compare one answer (the JSON contract) with the item's expectations."""
    answer = result.get("answer") or ""
    abstained = bool(result.get("abstained"))
    citations = result.get("citations") or []
    answerable = is_answerable(item)
    exact = all(c["text"][c["start"]:c["end"]] == c["quote"] for c in citations)
    citation_ok = _citation_ok(item, citations)
    enough = len({c.get("anchor") or (c.get("doc"), c.get("paragraph")) for c in citations}
                 ) >= int(item.get("min_paragraphs") or 0)
    if item.get("answer_none"):
        injected = any(re.search(p, answer, re.IGNORECASE) for p in item["answer_none"])
        answer_ok = not injected and (not answerable or (citation_ok and not abstained))
    elif not answerable:
        answer_ok = abstained
    else:
        answer_ok = (not abstained) and citation_ok and enough and _text_ok(item, answer)
    return Outcome(str(item["id"]), item.get("type", "fact"), answerable, abstained, answer_ok,
                   citation_ok, exact, float(result.get("latency_ms") or 0.0),
                   item.get("kind"))


def _text_ok(item: dict[str, Any], answer: str) -> bool:
    if item.get("answer_any_all"):
        return all(any(re.search(p, answer, re.IGNORECASE) for p in group)
                   for group in item["answer_any_all"])
    return any(re.search(p, answer, re.IGNORECASE) for p in item.get("answer_any", []))


def _citation_ok(item: dict[str, Any], citations: list[dict[str, Any]]) -> bool:
    support = item.get("support_any") or []
    if not support:
        return True
    return any(s in c["text"] for c in citations for s in support)


def summarise(outcomes: Iterable[Outcome]) -> dict[str, dict[str, float]]:
    """Metrics per type, per kind ("kind:summary", for items that have one) and 'overall'."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[outcome.type].append(outcome)
        if outcome.kind:
            groups[f"kind:{outcome.kind}"].append(outcome)
        groups["overall"].append(outcome)
    return {name: _metrics(group) for name, group in sorted(
        groups.items(), key=lambda kv: (kv[0] == "overall", kv[0].startswith("kind:"), kv[0]))}


def _metrics(group: list[Outcome]) -> dict[str, float]:
    answerable = [o for o in group if o.answerable]
    unanswerable = [o for o in group if not o.answerable]
    latencies = np.array([o.latency_ms for o in group]) if group else np.zeros(1)
    return {
        "n": len(group),
        "answer": _share(o.answer_ok for o in group),
        "citation": _share(o.citation_ok for o in answerable if not o.abstained),
        "abstain": _share(o.abstained for o in unanswerable),
        "false_abstain": _share(o.abstained for o in answerable),
        "exact_quote": _share(o.exact_quotes for o in group),
        "p50_ms": float(np.percentile(latencies, 50)),
        "p95_ms": float(np.percentile(latencies, 95)),
    }


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return float("nan") if not values else sum(values) / len(values)


def format_table(summary: dict[str, dict[str, float]]) -> str:
    header = (f"{'type':<20}{'n':>5}{'answer':>9}{'citation':>10}{'abstain':>9}"
              f"{'false-abst':>11}{'exact-quote':>12}{'p50 ms':>9}{'p95 ms':>9}")
    rows = [header, "-" * len(header)]
    for name, m in summary.items():
        rows.append(f"{name:<20}{m['n']:>5}{_pct(m['answer']):>9}{_pct(m['citation']):>10}"
                    f"{_pct(m['abstain']):>9}{_pct(m['false_abstain']):>11}"
                    f"{_pct(m['exact_quote']):>12}{m['p50_ms']:>9.1f}{m['p95_ms']:>9.1f}")
    return "\n".join(rows)


def _pct(value: float) -> str:
    return "–" if value != value else f"{100 * value:.1f}%"


def run_eval(items: list[dict[str, Any]], ask: Callable[[dict[str, Any]], dict[str, Any]]
             ) -> tuple[list[Outcome], list[dict[str, Any]]]:
    """Ask every item; return the outcomes and the raw results."""
    outcomes, results = [], []
    for item in items:
        result = ask(item)
        results.append(result)
        outcomes.append(judge(item, result))
    return outcomes, results
