"""all-MiniLM-L6-v2 in plain torch: the same vectors as sentence-transformers, a faster start.

Importing sentence-transformers pulls in transformers, scikit-learn and scipy (about 4 s of a
7.5 s `qa ask` on two cores); this module needs only torch, `tokenizers` and `safetensors`.
It runs exactly the model's three steps — BERT encoder (6 layers, 384 wide, 12 heads, erf
GELU, LayerNorm eps 1e-12), mean pooling over real tokens, L2 normalisation — with the
tokenizer of `tokenizer.json` truncated at the model's max_seq_length (256 word pieces), and
agrees with `SentenceTransformer.encode` to float precision (`tests/test_embedding_real.py`).
It does not train, does not handle other architectures, and never downloads anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

MAX_SEQ_LENGTH = 256  # sentence_bert_config.json of the bundled model


class MiniLM:
    """Loaded weights and tokenizer; `encode(texts)` → L2-normalised float32 vectors."""

    def __init__(self, model_dir: Path) -> None:
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise ValueError(f"{model_dir} is not a BERT model with GELU")
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.dim = int(config["hidden_size"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_SEQ_LENGTH)
        self.tokenizer.no_padding()
        w = load_file(str(model_dir / "model.safetensors"))
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.embed_norm = _norm(w, "embeddings.LayerNorm")
        self.layers = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            qkv = [w[f"{p}attention.self.{n}.weight"] for n in ("query", "key", "value")]
            qkv_bias = [w[f"{p}attention.self.{n}.bias"] for n in ("query", "key", "value")]
            self.layers.append({
                "qkv": (torch.cat(qkv), torch.cat(qkv_bias)),  # one matmul for all three
                "out": (w[f"{p}attention.output.dense.weight"],
                        w[f"{p}attention.output.dense.bias"]),
                "norm1": _norm(w, f"{p}attention.output.LayerNorm"),
                "up": (w[f"{p}intermediate.dense.weight"], w[f"{p}intermediate.dense.bias"]),
                "down": (w[f"{p}output.dense.weight"], w[f"{p}output.dense.bias"]),
                "norm2": _norm(w, f"{p}output.LayerNorm"),
            })

    def encode(self, texts: list[str], batch_size: int = 64,
               progress: bool = False) -> np.ndarray:
        """Vectors in the order of `texts`; batches of similar length pad little."""
        # sentence-transformers strips each text before tokenising; so do we.
        encodings = self.tokenizer.encode_batch([t.strip() for t in texts])
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with torch.inference_mode():
            for rows in _progress(_chunks(order, batch_size), len(order), batch_size, progress):
                out[rows] = self._forward([encodings[i].ids for i in rows]).numpy()
        return out

    def _forward(self, batch: list[list[int]]) -> torch.Tensor:
        length = max(len(ids) for ids in batch)
        ids = torch.zeros((len(batch), length), dtype=torch.long)
        mask = torch.zeros((len(batch), length), dtype=torch.bool)
        for row, token_ids in enumerate(batch):
            ids[row, :len(token_ids)] = torch.tensor(token_ids)
            mask[row, :len(token_ids)] = True
        x = self.word[ids] + self.position[:length] + self.token_type
        x = F.layer_norm(x, (self.dim,), *self.embed_norm, eps=self.eps)
        attend = mask[:, None, None, :]  # padding keys are never attended to
        b, n, d, h = len(batch), length, self.dim, self.heads
        for layer in self.layers:
            q, k, v = F.linear(x, *layer["qkv"]).view(b, n, 3, h, d // h).permute(2, 0, 3, 1, 4)
            context = F.scaled_dot_product_attention(q, k, v, attn_mask=attend)
            context = context.transpose(1, 2).reshape(b, n, d)
            x = F.layer_norm(F.linear(context, *layer["out"]) + x, (d,), *layer["norm1"],
                             eps=self.eps)
            hidden = F.gelu(F.linear(x, *layer["up"]))
            x = F.layer_norm(F.linear(hidden, *layer["down"]) + x, (d,), *layer["norm2"],
                             eps=self.eps)
        weights = mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return F.normalize(pooled, p=2, dim=1)


def _norm(weights: dict[str, torch.Tensor], prefix: str) -> tuple[torch.Tensor, torch.Tensor]:
    return weights[f"{prefix}.weight"], weights[f"{prefix}.bias"]


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _progress(batches: Iterator[list[int]], total: int, size: int,
              show: bool) -> Iterator[list[int]]:
    if not show:
        return batches
    from tqdm import tqdm

    return iter(tqdm(batches, total=-(-total // size), desc="Batches", unit="batch"))
