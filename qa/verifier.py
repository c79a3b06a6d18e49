"""The answerability verifier: does this sentence answer this question? A one-logit head on
the bundled MiniLM, trained by `scripts/train_verifier.py` on SQuAD 1.1 questions and the
unanswerable variants made from them (a name swapped, a negation, an antonym, the answer cut
out, another sentence).

The reader judges "span or no answer" over a whole passage; the verifier reads only the quoted
sentence, so it looks harder at whether that sentence says what the question asks. Its weights
ship in `models/verifier/` beside a manifest whose sha256 is checked on load, as the reader's.
"""

from __future__ import annotations

import json
import logging
import math
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.embedding import bundled_model_path, file_sha256
from qa.errors import ReaderError
from qa.reader import FROZEN_PREFIX, trainable_state

if TYPE_CHECKING:
    from qa.bert import WordPieces

log = logging.getLogger(__name__)

VERIFIER_DIR = Path(__file__).resolve().parent.parent / "models" / "verifier"
WEIGHTS_FILE = "verifier.safetensors"
MANIFEST_FILE = "manifest.json"
MAX_LENGTH = 128

__all__ = ["FROZEN_PREFIX", "MAX_LENGTH", "Verifier", "build_model", "default_verifier",
           "trainable_state"]


def build_model(for_training: bool = True) -> Any:
    """The bundled MiniLM encoder with one logit on its [CLS] token: > 0 reads "answers"."""
    import torch

    if for_training:
        from transformers import AutoModel

        encoder = AutoModel.from_pretrained(str(bundled_model_path()), local_files_only=True)
    else:
        from qa.bert import load_bert

        encoder = load_bert(bundled_model_path())

    class PairClassifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.head = torch.nn.Linear(encoder.embeddings.word_embeddings.embedding_dim, 1)

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            return self.head(hidden[:, 0]).squeeze(-1)

    return PairClassifier()


@lru_cache(maxsize=1)
def default_verifier() -> Verifier | None:
    """The shipped verifier, one per process; None where none is shipped."""
    if not (VERIFIER_DIR / MANIFEST_FILE).is_file():
        return None
    return Verifier()


class Verifier:
    """Loads the weights once; `scores` rates sentences as answers to a question."""

    def __init__(self, folder: Path = VERIFIER_DIR) -> None:
        self.folder = folder

    @cached_property
    def manifest(self) -> dict[str, Any]:
        path = self.folder / MANIFEST_FILE
        try:
            return dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise ReaderError(f"The verifier's manifest {path} cannot be read: {exc}") from exc

    @property
    def abstain_logit(self) -> float:
        """Below this logit the engine refuses (chosen on validation articles)."""
        return float(self.manifest.get("abstain_logit", -math.inf))

    def shows_short(self, margin: float, logit: float) -> bool:
        """Is the reader's span shown as the short answer? Where the reader's margin plus the
        verifier's logit, weighted as chosen on the validation articles, clear the cut."""
        gate = self.manifest.get("short_gate", {})
        return (margin + float(gate.get("logit_weight", 0.0)) * logit
                >= float(gate.get("cut", -math.inf)))

    @cached_property
    def model(self) -> Any:
        from safetensors.torch import load_file

        weights = self.folder / WEIGHTS_FILE
        if not weights.is_file():
            raise ReaderError(f"The verifier's weights {weights} are missing.")
        if file_sha256(weights) != self.manifest.get("sha256"):
            raise ReaderError(f"The verifier's weights {weights} do not match the sha256 in "
                              f"{self.folder / MANIFEST_FILE}; restore them from git.")
        model = build_model(for_training=False)
        state = {k: v.float() for k, v in load_file(str(weights)).items()}
        missing, unexpected = model.load_state_dict(state, strict=False)
        if unexpected or any(not k.startswith(FROZEN_PREFIX) for k in missing):
            raise ReaderError(f"The verifier's weights {weights} do not fit the model.")
        model.eval()
        log.debug("verifier loaded from %s", weights)
        return model

    @cached_property
    def tokenizer(self) -> WordPieces:
        from qa.bert import WordPieces

        return WordPieces(bundled_model_path())

    def warm_up(self) -> None:
        self.scores("warm up", ["The verifier is warming up."])

    def scores(self, question: str, sentences: list[str]) -> list[float]:
        """One logit per sentence: how sure the verifier is that it answers the question."""
        import torch

        if not sentences:
            return []
        from qa.bert import pad

        enc = self.tokenizer.pairs([question] * len(sentences), sentences, MAX_LENGTH, 0)
        rows = [i for i, sample in enumerate(enc["overflow_to_sample_mapping"])
                if i == 0 or enc["overflow_to_sample_mapping"][i - 1] != sample]
        inputs = pad([enc["input_ids"][i] for i in rows], [enc["token_type_ids"][i] for i in rows])
        with torch.inference_mode():
            return [float(z) for z in self.model(**inputs).tolist()]
