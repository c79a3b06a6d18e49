"""The whole pipeline over a million paragraphs (the default store: FAISS + BM25 in memory).

    .venv/bin/python benchmarks/scale.py                      # 1 M synthetic paragraphs
    .venv/bin/python benchmarks/scale.py --paragraphs 100000  # a smaller tier

The corpus is the article, hidden among N synthetic paragraphs in documents of 1,000. Each
synthetic paragraph is two or three real sentences drawn from a pool of SQuAD sentences
(../shared/eval; the article's own when that is absent), so that BM25, the question analyser
and the reader see real prose. Embedding a
million paragraphs would take about 20 hours here, so only the pool's sentences and words are
embedded (real MiniLM vectors); a synthetic paragraph's vector is the normalised mean of its
sentences' vectors. The article keeps its real vectors, so its questions stay answerable.

Measured: the time to assemble the index (FAISS, BM25) and to construct the pipeline (every
per-index structure of `qa.answer.facts`, `qa.answer.summary`, …), resident memory, and then
every development question asked one at a time (warm latency p50 / p95, and how many the article
still answers among the distractors). Nothing is written to disk.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.ann import rss_bytes  # noqa: E402
from benchmarks.answers import QUESTION_FILES, SQUAD_CORPORA  # noqa: E402
from qa.config import PROJECT_ROOT, Settings  # noqa: E402
from qa.documents.sentences import split_sentences  # noqa: E402
from qa.embedding import MiniLMEmbedder  # noqa: E402
from qa.errors import QAError  # noqa: E402
from qa.eval.evaluation import judge, read_eval_file  # noqa: E402
from qa.logs import quiet_libraries  # noqa: E402
from qa.pipeline import Pipeline  # noqa: E402
from qa.reader import default_reader  # noqa: E402
from qa.store.faiss_index import build as build_faiss  # noqa: E402
from qa.store.index import LoadedIndex  # noqa: E402
from qa.store.index_load import load_index  # noqa: E402
from qa.store.lexical import build_bm25  # noqa: E402
from qa.text import content_vocabulary  # noqa: E402
from qa.types import Document, Paragraph, Sentence  # noqa: E402

POOL = 6_000          # distinct sentences embedded for the synthetic paragraphs
PER_DOCUMENT = 1_000


def sentence_pool(size: int, rng: random.Random) -> list[str]:
    sources = sorted(SQUAD_CORPORA.glob("squad-train/*/corpus/*.txt")) or \
        sorted(SQUAD_CORPORA.glob("squad*/*/corpus/*.txt"))
    sentences: list[str] = []
    for source in sources:
        for block in source.read_text(encoding="utf-8").split("\n\n"):
            if len(block.split()) > 12:
                sentences += [s.text for s in split_sentences(block.strip())
                              if 6 <= len(s.text.split()) <= 40]
    sentences = sorted(set(sentences))
    rng.shuffle(sentences)
    return sentences[:size]


def synthetic_index(article: LoadedIndex, embedder: MiniLMEmbedder, n: int,
                    seed: int = 5) -> tuple[LoadedIndex, dict[str, float]]:
    """The article plus n synthetic paragraphs, with vectors, FAISS and BM25 built."""
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    pool = sentence_pool(POOL, rng)
    pool_vectors = embedder.encode_passages(pool)
    pool_words = sorted(content_vocabulary(pool))
    word_vectors = embedder.encode_passages(pool_words)
    timings["embed_pool_s"] = time.perf_counter() - started

    started = time.perf_counter()
    documents = list(article.documents)
    paragraph_vectors = np.empty((len(article.paragraphs) + n, embedder.dim), np.float32)
    paragraph_vectors[:len(article.paragraphs)] = article.paragraph_vectors
    sentence_ids: list[int] = []  # pool index of each synthetic sentence
    row = len(article.paragraphs)
    for start in range(0, n, PER_DOCUMENT):
        doc = f"synthetic-{start // PER_DOCUMENT:05d}"
        paragraphs = []
        for number in range(1, min(PER_DOCUMENT, n - start) + 1):
            picks = rng.sample(range(len(pool)), 2 + (number % 2))
            parts = [pool[i] for i in picks]
            text, spans, offset = " ".join(parts), [], 0
            for part in parts:
                spans.append(Sentence(offset, offset + len(part), part))
                offset += len(part) + 1
            paragraphs.append(Paragraph(doc, number, text, "body", "", tuple(spans)))
            mean = pool_vectors[picks].mean(axis=0)
            paragraph_vectors[row] = mean / np.linalg.norm(mean)
            sentence_ids += picks
            row += 1
        documents.append(Document(doc, f"Synthetic document {start // PER_DOCUMENT}",
                                  f"{doc}.txt", tuple(paragraphs)))
    paragraphs = [p for d in documents for p in d.paragraphs]
    own = len(article.sentence_rows)
    sentence_vectors = np.empty((own + len(sentence_ids), embedder.dim), np.float32)
    sentence_vectors[:own] = article.sentence_vectors
    sentence_vectors[own:] = pool_vectors[np.array(sentence_ids)]
    words = sorted(set(article.words) | set(pool_words))
    vectors_by_word = dict(zip(pool_words, word_vectors, strict=True))
    vectors_by_word.update(zip(article.words, article.word_vectors, strict=True))
    all_word_vectors = np.stack([vectors_by_word.get(w, np.zeros(embedder.dim, np.float32))
                                 for w in words])
    rows = [(i, j) for i, p in enumerate(paragraphs) for j in range(len(p.sentences))]
    timings["assemble_s"] = time.perf_counter() - started

    started = time.perf_counter()
    faiss_paragraphs = build_faiss(paragraph_vectors)
    faiss_sentences = build_faiss(sentence_vectors)
    timings["faiss_s"] = time.perf_counter() - started
    started = time.perf_counter()
    bm25 = build_bm25(paragraphs)
    timings["bm25_s"] = time.perf_counter() - started
    manifest = {"synthetic": n}
    index = LoadedIndex(manifest, documents, paragraphs, faiss_paragraphs, paragraph_vectors,
                        sentence_vectors, rows, words, all_word_vectors, faiss_sentences, bm25)
    return index, timings


def run(n: int) -> dict[str, Any]:
    quiet_libraries()
    embedder = MiniLMEmbedder()
    settings = Settings()
    try:
        article = load_index(PROJECT_ROOT / "corpus", settings.index_dir, embedder)
    except QAError as error:
        raise SystemExit(f"{error} Build the article's index first: qa build") from error
    rss_before = rss_bytes()
    index, figures = synthetic_index(article, embedder, n)
    started = time.perf_counter()
    reader = default_reader()
    pipeline = Pipeline(settings, embedder, index, reader)
    figures["pipeline_init_s"] = time.perf_counter() - started
    figures["rss_growth_gb"] = (rss_bytes() - rss_before) / 1e9
    items = [item for path in QUESTION_FILES for item in read_eval_file(path)]
    pipeline.ask(items[0]["question"])
    latencies, right = [], 0
    for item in items:
        began = time.perf_counter()
        answer = pipeline.ask(item["question"], history=item.get("history") or [])
        latencies.append((time.perf_counter() - began) * 1000)
        right += judge(item, answer.to_dict()).answer_ok
    figures.update({"paragraphs": len(index.paragraphs), "sentences": len(index.sentence_rows),
                    "questions": len(items), "answer_ok": right / len(items),
                    "warm_p50_ms": float(np.percentile(latencies, 50)),
                    "warm_p95_ms": float(np.percentile(latencies, 95)),
                    "warm_max_ms": max(latencies)})
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    figures = run(args.paragraphs)
    print(json.dumps(figures, indent=2))
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
