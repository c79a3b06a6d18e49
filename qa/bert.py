"""The MiniLM encoder for answering, in plain torch: loads in a tenth of a second.

Importing `transformers`' BERT model costs about two seconds per process (its generation,
masking and hub modules come along), which is most of a cold `qa ask`. Answering needs only
the forward pass, so it runs here: the same architecture, parameter names and weights as
`transformers.BertModel` (tests check the outputs match to 1e-5), and the `tokenizers`
library reading the model's own tokenizer.json. Training and index builds keep using
`transformers` and sentence-transformers.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

MAX_QUESTION_TOKENS = 64  # of a question/passage pair; SQuAD's questions hold under 40


class _Embeddings(nn.Module):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        hidden = config["hidden_size"]
        self.word_embeddings = nn.Embedding(config["vocab_size"], hidden)
        self.position_embeddings = nn.Embedding(config["max_position_embeddings"], hidden)
        self.token_type_embeddings = nn.Embedding(config["type_vocab_size"], hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=config["layer_norm_eps"])

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        return self.LayerNorm(self.word_embeddings(input_ids)
                              + self.position_embeddings(positions)[None]
                              + self.token_type_embeddings(token_type_ids))


class _SelfAttention(nn.Module):
    def __init__(self, hidden: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, length, hidden = x.shape

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(batch, length, self.heads, hidden // self.heads).transpose(1, 2)

        out = nn.functional.scaled_dot_product_attention(
            split(self.query(x)), split(self.key(x)), split(self.value(x)), attn_mask=mask)
        return out.transpose(1, 2).reshape(batch, length, hidden)


class _DenseNorm(nn.Module):
    """A projection, added to the residual, then layer-normed (BERT's "output" blocks)."""

    def __init__(self, inputs: int, hidden: int, eps: float) -> None:
        super().__init__()
        self.dense = nn.Linear(inputs, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(x) + residual)


class _Attention(nn.Module):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        hidden = config["hidden_size"]
        self.self = _SelfAttention(hidden, config["num_attention_heads"])
        self.output = _DenseNorm(hidden, hidden, config["layer_norm_eps"])

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(x, mask), x)


class _Intermediate(nn.Module):
    def __init__(self, hidden: int, inner: int) -> None:
        super().__init__()
        self.dense = nn.Linear(hidden, inner)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.gelu(self.dense(x))  # exact (erf) GELU, BERT's "gelu"


class _Layer(nn.Module):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        hidden, inner = config["hidden_size"], config["intermediate_size"]
        self.attention = _Attention(config)
        self.intermediate = _Intermediate(hidden, inner)
        self.output = _DenseNorm(inner, hidden, config["layer_norm_eps"])

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = self.attention(x, mask)
        return self.output(self.intermediate(x), x)


class _Encoder(nn.Module):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.layer = nn.ModuleList(_Layer(config) for _ in range(config["num_hidden_layers"]))


class _Pooler(nn.Module):
    """Kept so that checkpoints of `transformers.BertModel` load without leftovers; unused."""

    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.dense = nn.Linear(hidden, hidden)


@dataclass(frozen=True)
class EncoderOutput:
    last_hidden_state: torch.Tensor


class MiniBert(nn.Module):
    """`transformers.BertModel`'s forward pass (absolute positions, no dropout, no cache)."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu" or (
                config.get("position_embedding_type", "absolute") != "absolute"):
            raise ValueError("MiniBert runs BERT models with GELU and absolute positions only")
        self.config = config
        self.embeddings = _Embeddings(config)
        self.encoder = _Encoder(config)
        self.pooler = _Pooler(config["hidden_size"])

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor | None = None) -> EncoderOutput:
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        x = self.embeddings(input_ids, token_type_ids)
        # additive mask, as transformers builds it: padded keys get the dtype's minimum
        mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in self.encoder.layer:
            x = layer(x, mask)
        return EncoderOutput(x)


def load_bert(path: Path) -> MiniBert:
    """The model folder's config.json and model.safetensors, as a MiniBert in eval mode."""
    from safetensors.torch import load_file

    model = MiniBert(json.loads((path / "config.json").read_text(encoding="utf-8")))
    state = load_file(str(path / "model.safetensors"))
    state = {k.removeprefix("bert."): v for k, v in state.items()
             if not k.endswith("position_ids")}
    model.load_state_dict(state, strict=True)
    return model.eval()


class PairEncoding:
    """What `transformers`' tokenizer call returns for question/passage pairs with
    `return_overflowing_tokens` and offsets, for the keys and methods the reader uses."""

    def __init__(self, encodings: list[Any], samples: list[int]) -> None:
        self._encodings = encodings
        self.data = {"input_ids": [e.ids for e in encodings],
                     "token_type_ids": [e.type_ids for e in encodings],
                     "attention_mask": [e.attention_mask for e in encodings],
                     "offset_mapping": [e.offsets for e in encodings],
                     "overflow_to_sample_mapping": samples}

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def sequence_ids(self, row: int) -> list[int | None]:
        return self._encodings[row].sequence_ids


class WordPieces:
    """The model's tokenizer.json through the `tokenizers` library alone. Each truncation
    setting gets its own tokenizer, configured once, so that threads answering at the same
    time never change the settings under one another."""

    def __init__(self, path: Path) -> None:
        self._file = str(path / "tokenizer.json")
        self._configured: dict[tuple[str, int, int], Any] = {}
        self._lock = threading.Lock()

    def _tokenizer(self, strategy: str, max_length: int, stride: int = 0) -> Any:
        key = (strategy, max_length, stride)
        with self._lock:
            if key not in self._configured:
                from tokenizers import Tokenizer

                tokenizer = Tokenizer.from_file(self._file)
                tokenizer.no_padding()
                tokenizer.enable_truncation(max_length, stride=stride, strategy=strategy)
                self._configured[key] = tokenizer
            return self._configured[key]

    def clip(self, text: str, max_tokens: int) -> str:
        """The text cut after its first `max_tokens` word pieces. A question longer than the
        window less the stride left no room for the passage: the tokenizer panicked."""
        encoding = self._tokenizer("longest_first", max_tokens + 2).encode(text)
        if not encoding.overflowing:
            return text
        ends = [end for (_, end), special in zip(encoding.offsets,
                                                 encoding.special_tokens_mask, strict=True)
                if not special]
        return text[:ends[-1]] if ends else ""

    def texts(self, texts: list[str], max_length: int) -> dict[str, torch.Tensor]:
        """Single texts, truncated and padded to the longest: model inputs."""
        encodings = self._tokenizer("longest_first", max_length).encode_batch(texts)
        return pad([e.ids for e in encodings], [e.type_ids for e in encodings])

    def pairs(self, questions: list[str], passages: list[str], max_length: int,
              stride: int) -> PairEncoding:
        """Question/passage pairs; a long passage becomes overlapping windows, each with the
        question (its first `MAX_QUESTION_TOKENS`; the passage alone is windowed), in
        transformers' order."""
        tokenizer = self._tokenizer("only_second", max_length, stride)
        questions = [self.clip(q, MAX_QUESTION_TOKENS) for q in questions]
        encodings = tokenizer.encode_batch(list(zip(questions, passages, strict=True)))
        rows, samples = [], []
        for sample, encoding in enumerate(encodings):
            for window in [encoding, *encoding.overflowing]:
                rows.append(window)
                samples.append(sample)
        return PairEncoding(rows, samples)

    def first_windows(self, questions: list[str], passages: list[str],
                      max_length: int) -> dict[str, torch.Tensor]:
        """Question/passage pairs cut to `max_length` (the passage's end goes): model inputs."""
        tokenizer = self._tokenizer("only_second", max_length)
        questions = [self.clip(q, MAX_QUESTION_TOKENS) for q in questions]
        encodings = tokenizer.encode_batch(list(zip(questions, passages, strict=True)))
        return pad([e.ids for e in encodings], [e.type_ids for e in encodings])


def pad(ids: list[list[int]], type_ids: list[list[int]]) -> dict[str, torch.Tensor]:
    """Right-padded model inputs (pad id 0) with their attention mask."""
    width = max((len(row) for row in ids), default=0)
    return {"input_ids": torch.tensor([r + [0] * (width - len(r)) for r in ids]),
            "token_type_ids": torch.tensor([r + [0] * (width - len(r)) for r in type_ids]),
            "attention_mask": torch.tensor([[1] * len(r) + [0] * (width - len(r))
                                            for r in ids])}
