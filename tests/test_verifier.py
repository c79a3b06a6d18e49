"""The shipped sentence verifier (real model): it separates the sentences that answer held-out
questions from the ones real SQuAD 2.0 unanswerable questions were written on, a damaged copy
is refused, and without it the engine still answers (its feature is then 0)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from qa import verifier as vf
from qa.errors import ReaderError
from tests.conftest import load_script

pytestmark = pytest.mark.slow


def _auc(scores: list[float], labels: list[int]) -> float:
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    return float(np.mean([(p > n) + 0.5 * (p == n) for p in pos for n in neg]))


def test_the_verifier_tells_answering_sentences_on_held_out_articles() -> None:
    train = load_script("train_verifier")
    _, held_out = train.split_squad_train((0, train.VALIDATION_EVERY // 2))
    trained_on = set(vf.Verifier().manifest["train_articles"])
    folders = [f for f in held_out if (f / "unanswerable.jsonl").is_file()][:3]
    assert folders and not trained_on & {f.name for f in folders}
    pairs = [p for f in folders for p in train.article_pairs(f, random.Random(5), 0.3, 2, 0.0)]
    assert len(pairs) >= 60, "../shared/eval/squad-train is missing"
    verifier = vf.Verifier()
    scores = [s for q, prev, sentence, _ in pairs for s in verifier.score(q, [(prev, sentence)])]
    auc = _auc(scores, [label for *_, label in pairs])
    assert auc >= 0.75, f"AUC {auc:.3f} on {len(pairs)} held-out pairs (0.826 when trained)"


def test_a_damaged_verifier_is_refused_and_the_engine_answers_without_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "verifier"
    shutil.copytree(vf.VERIFIER_DIR, folder)
    weights = folder / vf.WEIGHTS_FILE
    weights.write_bytes(weights.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ReaderError, match="sha256"):
        vf.Verifier(folder).score("Who?", [("", "Nobody.")])
    import qa.pipeline as pipeline_module

    monkeypatch.setattr(pipeline_module, "default_verifier", lambda: vf.Verifier(folder))
    assert pipeline_module._loaded_verifier() is None
