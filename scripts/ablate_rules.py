"""Ablate each abstention rule from one `qa eval FOLDER --details FILE` run.

    .venv/bin/qa eval ../shared/eval/squad --details /tmp/squad.jsonl
    .venv/bin/python scripts/ablate_rules.py /tmp/squad.jsonl --articles sky-united-kingdom

The engine refuses a question when any rule fires (`Answerer._abstention_reasons`), and every
rule looks at the same chosen sentence, so dropping one rule changes exactly the questions it
alone refused: they get the answer they would have had (`short_if_answered`). That makes each
row below exact without re-running the engine. A rule pays when the unanswerable questions it
alone refuses outnumber the answerable ones, and SQuAD 2.0 F1 falls without it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.eval.squad import squad_scores  # noqa: E402


def with_doubt(rows: list[dict], margin: float, coverage: float,
               floor: float | None = None) -> list[dict]:
    """The rows as if the reader's doubt rule had these settings (margin below `margin` on a
    quote holding at least `coverage` of the question's words literally) and, given `floor`,
    the reader's floor were there."""
    out = []
    for row in rows:
        rules = [r for r in row["rules"] if r != "reader-doubt"]
        m, c = row.get("margin"), row.get("literal_coverage")
        if floor is not None:
            rules = [r for r in rules if r != "reader-floor"]
            if row.get("doubt_applies") and m is not None and m < floor:
                rules.append("reader-floor")
        if (row.get("doubt_applies") and m is not None and c is not None and m < margin
                and c >= coverage and "reader-floor" not in rules):
            rules.append("reader-doubt")
        out.append(dict(row, rules=rules, refused_otherwise=_refused_otherwise(row)))
    return out


def _refused_otherwise(row: dict) -> bool:
    """Refused for no rule of the table (nothing retrieved, a part the document lacks)."""
    return row.get("refused_otherwise", row["abstained"] and not row["rules"])


def figures(rows: list[dict], without: str | None = None) -> dict[str, float]:
    """Abstention, false abstention, F1 and HasAns F1 (%) with one rule dropped."""
    refused, f1s = [], []
    for row in rows:
        rules = [r for r in row["rules"] if r != without]
        abstained = bool(rules) or _refused_otherwise(row)
        prediction = "" if abstained else (
            row["prediction"] if not row["abstained"] else row["short_if_answered"] or "")
        refused.append(abstained)
        f1s.append(squad_scores(prediction, row["golds"])[1])
    has = [i for i, row in enumerate(rows) if row["golds"]]
    nothing = [i for i, row in enumerate(rows) if not row["golds"]]

    def pct(values: list[float]) -> float:
        return 100 * sum(values) / len(values) if values else float("nan")

    return {"abstain": pct([refused[i] for i in nothing]),
            "false": pct([refused[i] for i in has]), "F1": pct(f1s),
            "HasF1": pct([f1s[i] for i in has])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("details", type=Path, nargs="+", help="qa eval --details files")
    parser.add_argument("--articles", nargs="*", help="only these article folder names")
    parser.add_argument("--doubt-grid", action="store_true",
                        help="also print the figures for a grid of reader-doubt settings")
    parser.add_argument("--floor", type=float, help="the reader's floor to simulate")
    args = parser.parse_args()
    rows = [json.loads(line) for path in args.details
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.articles:
        rows = [r for r in rows if r.get("article") in set(args.articles)]
    alone = Counter()  # (rule, answerable) -> questions refused by that rule only
    for row in rows:
        if len(row["rules"]) == 1:
            alone[row["rules"][0], bool(row["golds"])] += 1
    base = figures(rows)
    print(f"{len(rows)} questions; all rules: abstain {base['abstain']:.1f} %, false abstention "
          f"{base['false']:.1f} %, F1 {base['F1']:.1f}, HasAns F1 {base['HasF1']:.1f}")
    print(f"{'rule dropped':<22}{'alone: unans':>13}{'ans':>5}{'abstain':>9}{'false':>7}"
          f"{'F1':>7}{'dF1':>6}")
    rules = sorted({r for row in rows for r in row["rules"]})
    for rule in rules:
        m = figures(rows, without=rule)
        print(f"{rule:<22}{alone[rule, False]:>13}{alone[rule, True]:>5}{m['abstain']:>9.1f}"
              f"{m['false']:>7.1f}{m['F1']:>7.1f}{m['F1'] - base['F1']:>+6.1f}")
    if args.doubt_grid:
        print("reader doubt: margin below / literal coverage at least -> abstain, false, F1")
        for margin in (-4.0, -3.0, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0):
            cells = []
            for coverage in (0.0, 0.2, 0.3, 0.4, 0.5, 0.7):
                m = figures(with_doubt(rows, margin, coverage, args.floor))
                cells.append(f"{coverage:.1f}: {m['abstain']:.1f}/{m['false']:.1f}/{m['F1']:.1f}")
            print(f"{margin:>5.1f}  " + "  ".join(cells))


if __name__ == "__main__":
    main()
