"""The sentence verifier: a cross-encoder that scores whether one sentence answers a question.

Trained by `scripts/train_verifier.py` on squad-train's answer sentences against the
sentences real SQuAD 2.0 unanswerable questions were written on (their plausible spans); it
starts from the reader's encoder and adds a one-logit head on [CLS]. Its logit is one more
feature of the answer/abstain decision (`qa.answer.answerability`), never a verdict alone.
Only the fine-tuned layers and the head ship in `models/verifier/` (the word embeddings come
from the bundled model), checked against the manifest's sha256 on load. Without the folder
the engine runs without the feature.
"""

from __future__ import annotations

import json
import os
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.embedding import bundled_model_path
from qa.errors import ReaderError
from qa.reader import encoder_with_head, load_checked

if TYPE_CHECKING:
    from qa.bert import WordPieces

VERIFIER_DIR = Path(os.environ.get("QA_VERIFIER_DIR") or
                    Path(__file__).resolve().parent.parent / "models" / "verifier")
WEIGHTS_FILE = "verifier.safetensors"
MANIFEST_FILE = "manifest.json"
MAX_LENGTH = 128


def pair_text(previous: str, sentence: str) -> str:
    """The second segment: the sentence, then the one before it as context (cut first)."""
    return f"{sentence} [SEP] {previous}" if previous else sentence


def encode(tokenizer: Any, questions: list[str], texts: list[str]) -> Any:
    """transformers' tokenizer call for training (the same cut as `WordPieces.first_windows`)."""
    return tokenizer(questions, texts, truncation="only_second", max_length=MAX_LENGTH,
                     padding=False)


def build_model(for_training: bool = True) -> Any:
    """The bundled MiniLM encoder with a one-logit head; called, it gives the logit read on
    [CLS] for each pair."""
    return encoder_with_head(1, lambda logits: logits[:, 0, 0], for_training)


@lru_cache(maxsize=1)
def default_verifier() -> Verifier | None:
    """The shipped verifier, one per process, or None where `models/verifier/` is absent."""
    return Verifier() if (VERIFIER_DIR / MANIFEST_FILE).is_file() else None


class Verifier:
    """Loads the weights once; `score` gives a logit per (question, sentence)."""

    def __init__(self, folder: Path = VERIFIER_DIR) -> None:
        self.folder = folder

    @cached_property
    def manifest(self) -> dict[str, Any]:
        path = self.folder / MANIFEST_FILE
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ReaderError(f"The verifier's manifest {path} cannot be read ({exc}).") from exc

    @cached_property
    def model(self) -> Any:
        return load_checked(build_model(for_training=False), self.folder / WEIGHTS_FILE,
                            self.manifest, "verifier")

    @cached_property
    def tokenizer(self) -> WordPieces:
        from qa.bert import WordPieces

        return WordPieces(bundled_model_path())

    def score(self, question: str, sentences: list[tuple[str, str]]) -> list[float]:
        """The logit that each (previous sentence, sentence) answers `question`."""
        import torch

        if not sentences:
            return []
        texts = [pair_text(previous, sentence) for previous, sentence in sentences]
        inputs = self.tokenizer.first_windows([question] * len(texts), texts, MAX_LENGTH)
        with torch.inference_mode():
            return self.model(**inputs).float().tolist()
