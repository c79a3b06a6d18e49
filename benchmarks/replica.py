"""One app replica over a large index folder, measured from outside (issue #30's figures).

    .venv/bin/python benchmarks/replica.py --paragraphs 1000000 --work /tmp/replica-1m
    .venv/bin/python benchmarks/replica.py --paragraphs 20000 --work /tmp/replica-20k

The first run writes a real corpus folder (the article plus synthetic documents of 1,000
paragraphs, each two or three real SQuAD sentences, as `benchmarks/scale.py` makes them) and
builds a real index folder over it with `qa.store.index_build.build_index`. Embedding a
million paragraphs would take a day here, so the build's embedder (`PoolEmbedder`) gives the
pool's sentences and words their real MiniLM vectors and a synthetic paragraph the normalised
mean of its sentences'; anything else (the article) is embedded for real. The index carries
the real embedder's id, so a replica loads it with the real model like any other.

Then a fresh process (the replica: `LivePipeline(Pipeline.load(...))`, what `app.py` serves)
reports resident memory, the time from its start to its first answer, warm p50 / p95 over the
development questions, and how long a document added by another process (a second process
writing the file and building, as `qa add` does, in this benchmark's own warm process) takes
to be answered by the replica.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scale import PER_DOCUMENT, POOL, sentence_pool  # noqa: E402
from qa.config import PROJECT_ROOT  # noqa: E402
from qa.documents.sentences import split_sentences  # noqa: E402
from qa.embedding import MiniLMEmbedder  # noqa: E402
from qa.text import content_vocabulary  # noqa: E402

ADDED_FACT = "The Keswick lantern festival is held every year on the ninth of November."
ADDED_QUESTION = "When is the Keswick lantern festival held?"


class PoolEmbedder:
    """Real vectors for the pool's sentences and words; a paragraph of pool sentences gets
    the normalised mean of theirs; anything else is embedded by the real model."""

    id = MiniLMEmbedder.id
    dim = MiniLMEmbedder.dim

    def __init__(self, pool: list[str], real: MiniLMEmbedder) -> None:
        self.real = real
        words = sorted(content_vocabulary(pool))
        self.known = dict(zip(pool, real.encode_passages(pool), strict=True))
        self.known.update(zip(words, real.encode_passages(words), strict=True))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.real.encode_queries(texts)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        unknown: list[int] = []
        for i, text in enumerate(texts):
            vector = self.known.get(text)
            if vector is None:
                parts = [self.known[s.text] for s in split_sentences(text) if s.text in self.known]
                if parts:
                    mean = np.mean(parts, axis=0)
                    vector = mean / np.linalg.norm(mean)
            if vector is None:
                unknown.append(i)
            else:
                out[i] = vector
        if unknown:
            out[unknown] = self.real.encode_passages([texts[i] for i in unknown])
        return out


def prepare(n: int, work: Path, seed: int = 5) -> dict[str, float]:
    """The corpus folder and its index folder under `work` (kept between runs)."""
    from qa.store.index_build import build_index

    corpus, index = work / "corpus", work / "index"
    if (index / "current").exists() or any(index.glob("g-*/manifest.json")):
        return {}
    rng = random.Random(seed)
    corpus.mkdir(parents=True, exist_ok=True)
    for path in (PROJECT_ROOT / "corpus").iterdir():
        if path.is_file() and not path.name.startswith("."):
            shutil.copy(path, corpus / path.name)
    pool = sentence_pool(POOL, rng)
    started = time.perf_counter()
    for start in range(0, n, PER_DOCUMENT):
        number = start // PER_DOCUMENT
        blocks = [f"Synthetic document {number}"]
        for k in range(min(PER_DOCUMENT, n - start)):
            blocks.append(" ".join(rng.sample(pool, 2 + (k % 2))))
        (corpus / f"synthetic-{number:05d}.txt").write_text("\n\n".join(blocks) + "\n")
    written = time.perf_counter() - started
    embedder = PoolEmbedder(pool, MiniLMEmbedder())
    started = time.perf_counter()
    report = build_index(corpus, index, embedder)
    return {"corpus_write_s": written, "build_s": time.perf_counter() - started,
            "paragraphs": report.paragraphs, "sentences": report.sentences}


def rss_of(pid: int, field: str = "VmRSS") -> int:
    """Resident bytes of a process: all (VmRSS), its own memory (RssAnon) or the pages of
    mapped files it has read (RssFile: the kernel's page cache, given back under pressure)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return 0


def memory(prefix: str) -> dict[str, float]:
    pid = os.getpid()
    return {f"{prefix}_gb": rss_of(pid) / 1e9, f"{prefix}_anon_gb": rss_of(pid, "RssAnon") / 1e9,
            f"{prefix}_file_gb": rss_of(pid, "RssFile") / 1e9}


def replica(work: Path, spawned: float) -> None:
    """The replica process (spawned at `spawned`, epoch seconds): load, answer, report; then
    wait for the added document."""
    started = time.perf_counter()
    from benchmarks.answers import QUESTION_FILES
    from qa.config import Settings
    from qa.documents.live import LivePipeline
    from qa.eval.evaluation import judge, read_eval_file
    from qa.logs import quiet_libraries
    from qa.pipeline import Pipeline

    quiet_libraries()
    settings = Settings(corpus_dir=work / "corpus", index_dir=work / "index")
    live = LivePipeline(Pipeline.load(settings))
    loaded = time.perf_counter() - started
    items = [item for path in QUESTION_FILES for item in read_eval_file(path)]
    live.ask(items[0]["question"])
    report: dict[str, Any] = {"load_s": loaded, "start_to_first_answer_s": time.time() - spawned,
                              **memory("rss_after_first_answer")}
    latencies, right = [], 0
    for item in items:
        began = time.perf_counter()
        answer = live.ask(item["question"], history=item.get("history") or [])
        latencies.append((time.perf_counter() - began) * 1000)
        right += judge(item, answer.to_dict()).answer_ok
    report.update(questions=len(items), answer_ok=right / len(items),
                  warm_p50_ms=float(np.percentile(latencies, 50)),
                  warm_p95_ms=float(np.percentile(latencies, 95)), **memory("rss"))
    print(json.dumps(report), flush=True)
    sys.stdin.readline()  # the other process has started its add
    began = time.perf_counter()
    while time.perf_counter() - began < 1800:
        answer = live.ask(ADDED_QUESTION)
        if "ninth of November" in answer.answer:
            break
        time.sleep(0.2)
    print(json.dumps({"added_answered_s": time.perf_counter() - began,
                      **memory("rss_after_add")}), flush=True)
    live.close()


def add_or_remove(work: Path, embedder: MiniLMEmbedder, fact: str = "") -> float:
    """`qa add`'s work for the index folder in this (warm) process, not the replica's: the
    file (`fact`; "" takes it away), then a build."""
    from qa.store.index_build import build_index

    started = time.perf_counter()
    added = work / "corpus" / "keswick.txt"
    if fact:
        added.write_text(f"Keswick\n\n{fact}\n", encoding="utf-8")
    else:
        added.unlink(missing_ok=True)
    build_index(work / "corpus", work / "index", embedder)
    return time.perf_counter() - started


def measure(n: int, work: Path) -> dict[str, Any]:
    """Prepare (once), then one replica measured from outside."""
    figures: dict[str, Any] = {"paragraphs_requested": n, **prepare(n, work)}
    embedder = MiniLMEmbedder()
    embedder.warm_up()
    if (work / "corpus" / "keswick.txt").exists():  # an earlier run's added document
        add_or_remove(work, embedder)
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--replica", str(work),
                              "--spawned", repr(time.time())],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             cwd=PROJECT_ROOT)
    assert child.stdin is not None and child.stdout is not None
    figures.update(json.loads(child.stdout.readline()))
    figures["start_to_measured_s"] = time.perf_counter() - started
    child.stdin.write("go\n")
    child.stdin.flush()
    figures["add_build_s"] = add_or_remove(work, embedder, ADDED_FACT)
    figures.update(json.loads(child.stdout.readline()))
    child.wait(timeout=60)
    return figures


TARGETS = {"gb": 4.0, "start_s": 30.0, "add_s": 5.0, "p50_ms": 150.0, "p95_ms": 300.0}


def checks(r: dict[str, Any]) -> list[tuple[str, float, float, str, str]]:
    """`qa bench`'s checks of these figures (issue #30's targets for the index folder)."""
    n = f"{r['paragraphs_requested']:,}"
    return [(f"replica at {n}: own memory", r["rss_anon_gb"], TARGETS["gb"], "GB", "<="),
            (f"replica at {n}: start to first answer", r["start_to_first_answer_s"],
             TARGETS["start_s"], "s", "<="),
            (f"replica at {n}: another process's add answered", r["added_answered_s"],
             TARGETS["add_s"], "s", "<="),
            (f"replica at {n}: warm p50", r["warm_p50_ms"], TARGETS["p50_ms"], "ms", "<="),
            (f"replica at {n}: warm p95", r["warm_p95_ms"], TARGETS["p95_ms"], "ms", "<=")]


def rows(r: dict[str, Any], mark: Any) -> list[tuple[str, str, str]]:
    """`qa bench`'s table rows of these figures."""
    n = f"{r['paragraphs_requested']:,}"
    return [(f"one replica, index folder of {n} paragraphs: own memory (RssAnon); with "
             "mapped file pages", f"{r['rss_anon_gb']:.2f} GB; {r['rss_gb']:.2f} GB",
             mark(f"replica at {n}: own memory")),
            ("… process start to first answer", f"{r['start_to_first_answer_s']:.1f} s",
             mark(f"replica at {n}: start to first answer")),
            ("… a document added by another process, answered after",
             f"{r['added_answered_s']:.1f} s",
             mark(f"replica at {n}: another process's add answered")),
            ("… warm answer p50 / p95", f"{r['warm_p50_ms']:.0f} / {r['warm_p95_ms']:.0f} ms",
             mark(f"replica at {n}: warm p95"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/replica-bench"))
    parser.add_argument("--replica", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--spawned", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--prepare-only", action="store_true",
                        help="write the corpus and build its index, measure nothing")
    parser.add_argument("--out", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    if args.replica:
        replica(args.replica, args.spawned or time.time())
        return 0
    if args.prepare_only:
        print(json.dumps(prepare(args.paragraphs, args.work), indent=2))
        return 0
    figures = measure(args.paragraphs, args.work)
    print(json.dumps(figures, indent=2))
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
