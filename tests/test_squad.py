"""SQuAD scoring: SQuAD's normalisation and F1, and a small real-model `qa eval FOLDER` run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qa.eval.squad import (
    ArticleResult,
    f1_score,
    format_squad_table,
    normalize_answer,
    squad_scores,
)

# Public data is read where it lies (CI has ../shared beside the checkout); no copy is kept.
NORMANS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "squad" / "normans"


def test_normalisation_and_scores() -> None:
    assert normalize_answer("The  Normans, in France!") == "normans in france"
    assert f1_score("the 10th century", "10th century") == 1.0
    assert 0 < f1_score("in the 10th and 11th centuries", "10th century") < 1
    assert squad_scores("", []) == (1.0, 1.0)  # abstaining on an unanswerable question
    assert squad_scores("", ["Rollo"]) == (0.0, 0.0)
    assert squad_scores("rollo", ["Rollo", "Duke Rollo"]) == (1.0, 1.0)


@pytest.mark.slow
def test_eval_on_a_folder_of_articles_prints_the_squad_table(tmp_path: Path) -> None:
    assert (NORMANS / "questions.jsonl").is_file(), f"{NORMANS} is missing (../shared/eval)"
    details = tmp_path / "details.jsonl"
    result = subprocess.run([sys.executable, "-m", "qa", "eval", str(NORMANS), "--limit", "40",
                             "--details", str(details)], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    print(result.stdout)
    lines = result.stdout.splitlines()
    assert any(line.startswith("normans") for line in lines)
    overall = next(line for line in lines if line.startswith("overall")).split()
    n, f1 = int(overall[1]), float(overall[-5])
    assert n == 40
    assert 20.0 <= f1 <= 100.0  # always-wrong would be 0; abstaining on all about 50
    rows = [json.loads(line) for line in details.read_text().splitlines()]
    assert len(rows) == 40 and all(r["article"] == "normans" for r in rows)
    refused = [r for r in rows if r["abstained"]]
    assert refused and all(r["rules"] for r in refused)  # each refusal names its rules


def test_the_table_stars_articles_the_reader_saw_and_scores_the_rest_apart() -> None:
    def row(answerable: bool, f1: float) -> dict:
        return {"answerable": answerable, "abstained": not answerable, "answer_ok": True,
                "short": answerable, "citation_ok": True, "exact": f1, "f1": f1,
                "sentence_ok": True, "latency_ms": 1.0}

    seen = ArticleResult("trained-on", [row(True, 1.0), row(False, 1.0)])
    unseen = ArticleResult("held-out", [row(True, 0.0), row(False, 1.0)])
    table = format_squad_table([seen, unseen], seen=frozenset({"trained-on"})).splitlines()
    assert table[2].startswith("trained-on*") and table[3].startswith("held-out ")
    overall = next(line for line in table if line.startswith("overall "))
    honest = next(line for line in table if line.startswith("overall, unseen"))
    assert float(overall.split()[-5]) == 75.0
    assert float(honest.split()[-5]) == 50.0
    assert table[0].split()[-4:] == ["HasEM", "HasF1", "NoEM", "NoF1"]
    assert float(honest.split()[-3]) == 0.0 and float(honest.split()[-1]) == 100.0
    assert "not evidence of generalisation" in table[-1]
    assert "*" not in "\n".join(format_squad_table([seen, unseen]).splitlines()[2:])
