"""`qa bench` logic without timing anything: the build corpus, the target checks, the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import answers, run


def test_synthetic_corpus_uses_every_sentence_once(tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "eval" / "squad" / "topic" / "corpus"
    source.mkdir(parents=True)
    sentences = [f"Sentence number {i} says something long enough about topic {i}." for i in
                 range(30)]
    blocks = [" ".join(sentences[i:i + 5]) for i in range(0, 30, 5)]
    (source / "topic.txt").write_text("Topic\n\n" + "\n\n".join(blocks), encoding="utf-8")
    monkeypatch.setattr(answers, "SQUAD_CORPORA", tmp_path / "eval")

    written = answers.synthetic_corpus(tmp_path / "out", paragraphs=100)

    paragraphs = [p for f in (tmp_path / "out").glob("*.txt")
                  for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    assert written == len(paragraphs) == 12  # 30 sentences in runs of 2, 3, 2, 3 …
    assert len(set(paragraphs)) == len(paragraphs)
    assert sum(p.count("Sentence number") for p in paragraphs) == 30


def test_synthetic_corpus_stops_at_the_size_asked_for(tmp_path: Path) -> None:
    assert answers.synthetic_corpus(tmp_path, paragraphs=5) == 5


def figures(**changes: float) -> dict:
    base = {"model_load_s": 1.2, "model_load_sentence_transformers_s": 5.0, "cold_ask_s": 3.0,
            "cold_ask_max_s": 3.5, "app_ready_s": 5.0, "warm_p50_ms": 30.0, "warm_p95_ms": 60.0,
            "warm_samples": 154, "article_build_s": 4.0, "article_paragraphs": 30,
            "article_texts_embedded": 470, "throughput_paragraphs": 1000,
            "throughput_texts": 12000, "build_paragraphs_per_s": 9.0,
            "raw_paragraphs_per_s": 9.5, "build_vs_raw": 0.95, "build_vs_own_encode": 0.97,
            "build_vs_raw_paragraphs_only": 0.3, "access_p50_ms": 0.4, "access_p95_ms": 1.5,
            "unscoped_p50_ms": 50.0, "scoped_p50_ms": 51.0,
            "ann": [{"n": 1_000_000, "kind": "pq_refine", "p50_ms": 5.0, "p95_ms": 7.0,
                     "recall_at_10": 0.99, "exact_p50_ms": 60.0, "build_s": 20.0,
                     "rss_delta_mb": 1600.0, "index_file_mb": 1560.0}]}
    base.update(changes)
    return base


@pytest.mark.parametrize(("changes", "failing"), [
    ({}, set()),
    ({"warm_p95_ms": 300.0}, {"warm answer p95"}),
    ({"build_vs_raw": 0.5, "cold_ask_s": 9.0}, {"build vs raw encode", "cold qa ask"}),
    ({"access_p95_ms": 6.0}, {"access checks p95"}),
])
def test_checks_say_which_targets_hold(changes: dict, failing: set) -> None:
    checks = run.checks(figures(**changes))
    assert {c["target"] for c in checks if not c["holds"]} == failing
    assert {c["target"] for c in checks} >= {"retrieval p50 at 1,000,000",
                                             "recall@10 at 1,000,000"}


def test_table_lists_every_figure_with_its_target() -> None:
    results = {"figures": figures(warm_p50_ms=120.0)}
    results["checks"] = run.checks(results["figures"])
    text = run.table(results)
    assert text.startswith("| measure | value | target |")
    assert "| warm answer p50 (154 asks) | 120 ms | <= 100 ms ❌ |" in text
    assert "1,000,000 × 384 (pq_refine)" in text and "0.990" in text
