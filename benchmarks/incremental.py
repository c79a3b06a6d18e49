"""Incremental indexing: adding one document to a 10 000-paragraph corpus embeds that document.

    .venv/bin/python benchmarks/incremental.py            # counting fake embedder (seconds)
    .venv/bin/python benchmarks/incremental.py --real     # the MiniLM model (minutes on 2 cores)
    .venv/bin/python benchmarks/incremental.py --paragraphs 2000 --doc-paragraphs 25

A synthetic corpus (seeded, so every run is the same) is built once; then one new document is
added with `qa.documents.library.add`, added again unchanged, and removed. Every text handed to the
embedder is counted, so the table shows what each step really embedded — paragraphs, and
sentences plus vocabulary words — next to its wall time. This script does not touch
`corpus/` or `index/`: it works in a temporary folder.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.config import Settings  # noqa: E402
from qa.documents import library  # noqa: E402 - the path above makes the checkout importable
from qa.store.index_build import build_index  # noqa: E402

WORDS = ("chip fab wafer yield plant supply chain design foundry memory package test cost "
         "subsidy state policy export import market demand talent skill research node "
         "process tool gas water power grid land port road partner venture board plan "
         "budget crore rupee dollar yen quarter year month target output capacity line").split()


class HashEmbedder:
    """Deterministic vectors from a hash of the text: no model, for counting only."""

    id = "benchmark-hash-embedder"
    dim = 64

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_passages(texts)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        rows = [np.frombuffer(hashlib.sha512(t.encode()).digest(), dtype=np.uint8)[:self.dim]
                for t in texts]
        vectors = np.array(rows, dtype=np.float32).reshape(len(texts), self.dim) - 127.5
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


class Counting:
    """Wraps an embedder and counts the passages it is asked to embed."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.id, self.dim = inner.id, inner.dim  # type: ignore[attr-defined]
        self.texts = 0

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)  # type: ignore[attr-defined]

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.encode_passages(texts, progress=False)  # type: ignore[attr-defined]


def paragraph(rng: random.Random, serial: int) -> str:
    sentences = []
    for _ in range(2):
        words = rng.choices(WORDS, k=rng.randint(9, 16))
        words[0] = words[0].capitalize()
        sentences.append(" ".join(words) + f" {serial}.")
        serial += 1
    return " ".join(sentences)


def write_corpus(folder: Path, paragraphs: int, per_document: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    serial = 0
    for number in range(0, paragraphs, per_document):
        count = min(per_document, paragraphs - number)
        body = "\n\n".join(paragraph(rng, serial + 2 * i) for i in range(count))
        serial += 2 * count
        (folder / f"report-{number // per_document:04d}.txt").write_text(body + "\n")


def run(paragraphs: int, doc_paragraphs: int, real: bool) -> list[tuple[str, int, int, float]]:
    if real:
        from qa.embedding import MiniLMEmbedder

        inner: object = MiniLMEmbedder()
    else:
        inner = HashEmbedder()
    embedder = Counting(inner)
    rows: list[tuple[str, int, int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(corpus_dir=Path(tmp) / "corpus", index_dir=Path(tmp) / "index")
        write_corpus(settings.corpus_dir, paragraphs, per_document=200)
        started = time.perf_counter()
        report = build_index(settings.corpus_dir, settings.index_dir, embedder)  # type: ignore[arg-type]
        rows.append((f"full build ({report.paragraphs} paragraphs)", report.paragraphs_embedded,
                     embedder.texts, time.perf_counter() - started))

        new = Path(tmp) / "New Findings.txt"
        rng = random.Random(99)
        new.write_text("\n\n".join(paragraph(rng, 10**7 + 2 * i) for i in range(doc_paragraphs)))
        for label, action in (
                (f"add one document ({doc_paragraphs} paragraphs)",
                 lambda: library.add(settings, embedder, [new]).embedded),  # type: ignore[arg-type]
                ("add the same file again",
                 lambda: library.add(settings, embedder, [new]).embedded),  # type: ignore[arg-type]
                ("remove it",
                 lambda: library.remove(settings, embedder, "new-findings")  # type: ignore[arg-type]
                 .build.paragraphs_embedded)):
            before = embedder.texts
            started = time.perf_counter()
            embedded_paragraphs = action()
            rows.append((label, embedded_paragraphs, embedder.texts - before,
                         time.perf_counter() - started))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=10_000)
    parser.add_argument("--doc-paragraphs", type=int, default=40)
    parser.add_argument("--real", action="store_true", help="embed with MiniLM (slow)")
    args = parser.parse_args(argv)
    rows = run(args.paragraphs, args.doc_paragraphs, args.real)
    embedder = "MiniLM (real)" if args.real else "hash (fake, counts only)"
    print(f"Incremental indexing, embedder: {embedder}")
    print(f"{'step':<42} {'paragraphs embedded':>20} {'texts embedded':>15} {'seconds':>8}")
    for label, embedded, texts, seconds in rows:
        print(f"{label:<42} {embedded:>20,} {texts:>15,} {seconds:>8.1f}")
    print("texts = paragraphs + their sentences + new vocabulary words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
