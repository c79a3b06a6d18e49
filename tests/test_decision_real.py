"""The shipped answer/abstain decision on validation questions it was calibrated on, and the
same questions with a broken reader: the test fails when the model does not separate the
questions the documents answer from those they do not.

Two squad-train articles no stage of the reader trained on (every 20th from 10), each with its
real SQuAD 2.0 unanswerable questions and as many answerable ones (scripts/validation_set.py),
from ../shared/eval (CI has it beside the checkout).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from qa import reader as rd
from qa.embedding import MiniLMEmbedder, file_sha256
from qa.eval.squad import answerability_figures, evaluate_article, summarise_rows
from tests.conftest import load_script

pytestmark = pytest.mark.slow
QUESTIONS_PER_ARTICLE = 70


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    validation = load_script("validation_set")
    clean = [f for f in validation.validation_articles()
             if f in validation.validation_articles_never_trained()][:2]
    assert len(clean) == 2, "../shared/eval/squad-train is missing"
    out = tmp_path_factory.mktemp("validation")
    validation.write(out, per_article=QUESTIONS_PER_ARTICLE, articles=clean)
    return sorted(p for p in out.iterdir() if p.is_dir())


def rows_with(reader: rd.Reader, articles: list[Path]) -> list[dict]:
    embedder = MiniLMEmbedder()
    return [row for folder in articles
            for row in evaluate_article(folder, embedder, reader=reader).rows]


def broken_reader(folder: Path) -> rd.Reader:
    """The shipped weights with the span head's start and end rows swapped and scrambled:
    it still loads and reads, but its margins no longer mean anything."""
    shutil.copytree(rd.READER_DIR, folder)
    weights = folder / rd.WEIGHTS_FILE
    state = load_file(str(weights))
    generator = torch.Generator().manual_seed(3)
    head = state["head.weight"].float()
    state["head.weight"] = head[[1, 0]][:, torch.randperm(head.shape[1],
                                                         generator=generator)].half()
    save_file(state, str(weights))
    manifest = json.loads((folder / rd.MANIFEST_FILE).read_text())
    manifest["sha256"] = file_sha256(weights)
    (folder / rd.MANIFEST_FILE).write_text(json.dumps(manifest))
    return rd.Reader(folder)


def test_the_shipped_decision_separates_answerable_from_unanswerable(
        articles: list[Path]) -> None:
    rows = rows_with(rd.Reader(), articles)
    figures, overall = answerability_figures(rows), summarise_rows(rows)
    # measured 2026-12-06 with stage 5: AUC 0.858, F1 67.3, abstention 24.6 %, false abstention
    # 4.2 % (stage 4: AUC 0.854, F1 68.7, the same abstention)
    assert figures["AUC"] >= 0.75, figures
    assert overall["F1"] >= 55.0, overall
    assert overall["abstain"] >= 0.15 and overall["false_abstain"] <= 0.10, overall


def test_a_broken_reader_fails_the_same_bar(articles: list[Path], tmp_path: Path) -> None:
    rows = rows_with(broken_reader(tmp_path / "reader"), articles)
    figures, overall = answerability_figures(rows), summarise_rows(rows)
    # measured 2026-12-06: AUC 0.537, F1 22.3
    assert figures["AUC"] < 0.75 or overall["F1"] < 55.0, (figures, overall)
