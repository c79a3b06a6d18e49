"""SQuAD scoring: SQuAD's normalisation and F1, and a small real-model `qa eval FOLDER` run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from qa.squad import f1_score, normalize_answer, squad_scores

MINI = Path(__file__).parent / "data" / "squad-mini"


def test_normalisation_and_scores() -> None:
    assert normalize_answer("The  Normans, in France!") == "normans in france"
    assert f1_score("the 10th century", "10th century") == 1.0
    assert 0 < f1_score("in the 10th and 11th centuries", "10th century") < 1
    assert squad_scores("", []) == (1.0, 1.0)  # abstaining on an unanswerable question
    assert squad_scores("", ["Rollo"]) == (0.0, 0.0)
    assert squad_scores("rollo", ["Rollo", "Duke Rollo"]) == (1.0, 1.0)


@pytest.mark.slow
def test_eval_on_a_folder_of_articles_prints_the_squad_table(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "qa", "eval", str(MINI)], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    print(result.stdout)
    lines = result.stdout.splitlines()
    assert any(line.startswith("normans") for line in lines)
    overall = next(line for line in lines if line.startswith("overall")).split()
    n, f1 = int(overall[1]), float(overall[-3])
    assert n == 40
    assert 20.0 <= f1 <= 100.0  # always-wrong would be 0; abstaining on all about 50
