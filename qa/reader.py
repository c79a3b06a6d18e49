"""The extractive reader: a span head on the bundled MiniLM, trained by `scripts/train_reader.py`.

Given a question and a few passages it returns, per passage, the best answer span (character
offsets into that passage) and how much the model prefers that span to "no answer". The
encoder starts from the bundled all-MiniLM-L6-v2; only the fine-tuned layers and the head ship
in `models/reader/` (the word embeddings are frozen during training and come from the bundled
model), and `manifest.json` there records their sha256, checked on load.

The reader is evidence, never an oracle: the answer engine asks it for a span inside the
sentences it may quote; how much that span beats "no answer" becomes a probability that the
passage answers (`qa.answer.decision`, calibrated on validation articles and stored in the
manifest's "decision" block), which decides between answering and abstaining and whether the
span is shown. `QA_READER_DIR` points the app at other weights (a candidate being measured).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.answer.decision import Decision
from qa.embedding import bundled_model_path, file_sha256
from qa.errors import ReaderError

if TYPE_CHECKING:
    import torch

    from qa.bert import WordPieces

log = logging.getLogger(__name__)

READER_DIR = Path(os.environ.get("QA_READER_DIR") or
                  Path(__file__).resolve().parent.parent / "models" / "reader")
WEIGHTS_FILE = "reader.safetensors"
MANIFEST_FILE = "manifest.json"
FROZEN_PREFIX = "encoder.embeddings.word_embeddings."  # taken from the bundled model
MAX_LENGTH = 256
STRIDE = 96
MAX_ANSWER_TOKENS = 30


@dataclass(frozen=True)
class ReadSpan:
    """The reader's best span in one passage."""

    passage: int  # index into the passages given to `Reader.read`
    start: int  # character offsets into that passage
    end: int
    score: float  # start + end logit of the span
    null_score: float  # start + end logit of "no answer" (the [CLS] token)

    @property
    def margin(self) -> float:
        """How much the span beats "no answer"; > 0 means the model would answer."""
        return self.score - self.null_score


def build_model(for_training: bool = True) -> Any:
    """A span model: the bundled MiniLM encoder (`bundled_encoder`) plus a two-logit head;
    called, it gives (start logits, end logits) per token."""
    return encoder_with_head(2, lambda logits: (logits[..., 0], logits[..., 1]), for_training)


def encoder_with_head(outputs: int, read: Any, for_training: bool = True) -> Any:
    """The bundled encoder with a linear head of `outputs` logits on every token; `read` turns
    the (batch, tokens, outputs) logits into what the model returns. The reader and the
    verifier (`qa.verifier`) are two of these: the same parameter names, `encoder.*` and
    `head.*`."""
    import torch

    encoder = bundled_encoder(for_training)

    class EncoderWithHead(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.head = torch.nn.Linear(encoder.embeddings.word_embeddings.embedding_dim,
                                        outputs)

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> Any:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            return read(self.head(hidden))

    return EncoderWithHead()


def bundled_encoder(for_training: bool = True) -> Any:
    """The bundled MiniLM encoder: `transformers.BertModel` to train, `qa.bert.MiniBert` (the
    same weights without transformers' two-second import) to answer."""
    if for_training:
        from transformers import AutoModel

        return AutoModel.from_pretrained(str(bundled_model_path()), local_files_only=True)
    from qa.bert import load_bert

    return load_bert(bundled_model_path())


def load_checked(model: Any, weights: Path, manifest: dict[str, Any], what: str) -> Any:
    """`model` with the fine-tuned tensors of `weights` (all but the frozen word embeddings),
    in eval mode, once their sha256 matches the manifest's; a `ReaderError` otherwise."""
    from safetensors.torch import load_file

    if not weights.is_file():
        raise ReaderError(f"The {what}'s weights {weights} are missing.")
    if file_sha256(weights) != manifest.get("sha256"):
        raise ReaderError(f"The {what}'s weights {weights} do not match the sha256 in its "
                          "manifest; restore them from git.")
    state = {k: v.float() for k, v in load_file(str(weights)).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or any(not k.startswith(FROZEN_PREFIX) for k in missing):
        raise ReaderError(f"The {what}'s weights {weights} do not fit the model.")
    return model.eval()


def load_tokenizer() -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(bundled_model_path()), local_files_only=True)


def encode_pairs(tokenizer: Any, questions: list[str], passages: list[str],
                 max_length: int = MAX_LENGTH, stride: int = STRIDE) -> Any:
    """Tokenize question/passage pairs; long passages become overlapping windows."""
    return tokenizer(questions, passages, truncation="only_second", max_length=max_length,
                     stride=stride, return_overflowing_tokens=True,
                     return_offsets_mapping=True, padding=False)


def trainable_state(model: Any) -> dict[str, Any]:
    """What ships: every tensor except the frozen word embeddings, in float16."""
    return {k: v.detach().to("cpu").half().contiguous()
            for k, v in model.state_dict().items() if not k.startswith(FROZEN_PREFIX)}


def best_span(start: Any, end: Any, context: list[bool], top: int = 20,
              max_tokens: int = MAX_ANSWER_TOKENS) -> tuple[int, int, float] | None:
    """The best (start token, end token, score) inside the passage, or None."""
    starts = sorted((i for i, ok in enumerate(context) if ok), key=lambda i: -start[i])[:top]
    ends = sorted((i for i, ok in enumerate(context) if ok), key=lambda i: -end[i])[:top]
    best: tuple[int, int, float] | None = None
    for s in starts:
        for e in ends:
            if s <= e < s + max_tokens:
                score = float(start[s] + end[e])
                if best is None or score > best[2]:
                    best = (s, e, score)
    return best


@lru_cache(maxsize=1)
def default_reader() -> Reader:
    """The shipped reader, one per process (pipelines rebuilt after an upload share it)."""
    return Reader()


class Reader:
    """Loads the shipped weights once; `read` scores a question against passages."""

    def __init__(self, folder: Path = READER_DIR, decision: Decision | None = None) -> None:
        self.folder = folder
        self._decision = decision  # None: the manifest's

    @cached_property
    def manifest(self) -> dict[str, Any]:
        path = self.folder / MANIFEST_FILE
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ReaderError(f"The reader's manifest {path} cannot be read ({exc}).") from exc

    @cached_property
    def decision(self) -> Decision:
        """When the reader's margins mean "answer", "abstain" and "show the span"."""
        return self._decision or Decision.from_manifest(self.manifest)

    def seen_articles(self) -> frozenset[str]:
        """Folder names of the articles used to train or calibrate these weights."""
        names = self.manifest.get("train_articles", []) + self.manifest.get(
            "validation_articles", [])
        return frozenset(name.rsplit("/", 1)[-1] for name in names)

    @cached_property
    def model(self) -> Any:
        import torch

        weights = self.folder / WEIGHTS_FILE
        model = load_checked(build_model(for_training=False), weights, self.manifest, "reader")
        torch.set_grad_enabled(False)
        log.debug("reader loaded from %s", weights)
        return model

    @cached_property
    def tokenizer(self) -> WordPieces:
        from qa.bert import WordPieces

        return WordPieces(bundled_model_path())

    def warm_up(self) -> None:
        self.read("warm up", ["The reader is warming up."])

    def read(self, question: str, passages: list[str],
             windows: list[tuple[int, int]] | None = None) -> list[ReadSpan]:
        """The best span of each passage that has one, in passage order; with `windows`,
        only spans inside that character range of each passage count."""
        ranges = [[w] for w in windows] if windows else [[(0, len(p))] for p in passages]
        return [spans[0] for spans in self.read_windows(question, passages, ranges)
                if spans[0] is not None]

    def read_windows(self, question: str, passages: list[str],
                     windows: list[list[tuple[int, int]]]) -> list[list[ReadSpan | None]]:
        """For each passage, the best span inside each of its character windows (its
        sentences, say), or None where a window holds no token; one forward pass a passage."""
        import torch

        if not passages:
            return []
        from qa.bert import pad

        enc = self.tokenizer.pairs([question] * len(passages), passages, MAX_LENGTH, STRIDE)
        padded = pad(enc["input_ids"], enc["token_type_ids"])
        with torch.inference_mode():
            start, end = self.model(**padded)
        found: list[list[ReadSpan | None]] = [[None] * len(w) for w in windows]
        for row, passage in enumerate(enc["overflow_to_sample_mapping"]):
            offsets, sequence = enc["offset_mapping"][row], enc.sequence_ids(row)
            s_logits, e_logits = start[row].tolist(), end[row].tolist()
            for w, (low, high) in enumerate(windows[passage]):
                context = [sid == 1 and low <= offsets[i][0] and offsets[i][1] <= high
                           for i, sid in enumerate(sequence)]
                best = best_span(s_logits, e_logits, context)
                if best is None:
                    continue
                s, e, score = best
                span = ReadSpan(passage, offsets[s][0], offsets[e][1], score,
                                s_logits[0] + e_logits[0])
                known = found[passage][w]
                if known is None or span.margin > known.margin:
                    found[passage][w] = span
        return found
