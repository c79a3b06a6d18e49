"""`qa bench`: measure start-up, answers, index builds and search at scale on this machine.

    .venv/bin/qa bench            # everything: 1 M vectors, and the whole pipeline over 1 M
                                  # paragraphs (benchmarks/scale.py; about 16 min, 15 GB RAM)
    .venv/bin/qa bench --quick    # no 1 M tiers, smaller build corpus, single runs (1.5 min)
    .venv/bin/qa bench --quick --replica 1000000 --replica-work /srv/bench  # one replica at 1 M
    .venv/bin/python benchmarks/run.py [--quick] [--out DIR]

Prints a Markdown table, writes it to benchmarks/results.json and a plot to results.png. All
runs in a temporary folder on a copy of the article: `corpus/` and `index/` are not touched.
The load average is recorded before and after (other processes slow every figure). Targets
come from issues 5 and 30; the tests never time anything, only this script does.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import (  # noqa: E402 - after the path above
    access,
    ann,
    answers,
    big_upload,
    ingest,
    plot,
    replica,
    startup,
    stores,
)
from qa.embedding import MiniLMEmbedder  # noqa: E402
from qa.logs import quiet_libraries  # noqa: E402
from qa.pipeline import Pipeline  # noqa: E402

HERE = Path(__file__).resolve().parent
TARGETS = {"warm_p50_ms": 100.0, "warm_p95_ms": 250.0, "cold_ask_s": 8.0, "build_vs_raw": 0.9,
           "ann_p50_ms": 50.0, "ann_recall": 0.95, "scale_p50_ms": 150.0, "access_ms": 5.0,
           "small_change_s": 10.0,
           "pdf_pages_per_min": 60.0, "scan_pages_per_min": 10.0}
SCALE_PARAGRAPHS = 1_000_000  # the whole-pipeline tier (full runs only; about 15 min, 14 GB)
REPLICA_PARAGRAPHS = 100_000  # one replica on an index folder (full runs; `--replica N`)
FULL = {"runs": 3, "passes": 2, "paragraphs": 1000, "tiers": (10_000, 100_000, 1_000_000)}
QUICK = {"runs": 1, "passes": 1, "paragraphs": 200, "tiers": (10_000, 100_000)}


def run(quick: bool = False, out_dir: Path = HERE, replica: int = 0,
        replica_work: Path | None = None) -> dict[str, Any]:
    plan = QUICK if quick else FULL
    quiet_libraries()
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "quick": quick,
                               "machine": machine(), "targets": TARGETS, "figures": {}}
    figures = results["figures"]
    embedder = MiniLMEmbedder()
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as folder:
        workdir = Path(folder)
        settings = answers.article_settings(workdir)
        embedder.warm_up()
        _step("article index build", lambda: answers.article_build(settings, embedder), figures)
        _step("model load", lambda: startup.model_load(plan["runs"]), figures)
        _step("cold qa ask", lambda: startup.cold_ask(settings.corpus_dir, settings.index_dir,
                                                      plan["runs"]), figures)
        _step("app start to page ready", lambda: startup.app_ready(
            settings.corpus_dir, settings.index_dir, max(1, plan["runs"] - 1)), figures)
        _step("warm answers", lambda: answers.warm_answers(settings, embedder, plan["passes"]),
              figures)
        _step("access checks per request", lambda: access.access_overhead(
            workdir, Pipeline.load(settings, embedder=embedder)), figures)
        _step("a small add or remove during a 100,000-paragraph upload",
              lambda: big_upload.measure(100_000), figures)
        _step("ingestion: a text PDF and a scan", lambda: ingest.ingestion(workdir, embedder),
              figures)
        _step("Milvus store: build and warm answers",
              lambda: stores.milvus_article(settings, embedder, plan["passes"]), figures)
        _step(f"build throughput ({plan['paragraphs']} paragraphs)",
              lambda: answers.build_throughput(workdir, embedder, plan["paragraphs"]), figures)
    figures["ann"] = []
    for n in plan["tiers"]:
        _step(f"retrieval at {n:,} vectors", lambda n=n: {"ann": [*figures["ann"], ann.tier(n)]},
              figures)
    if not quick:
        _step(f"whole pipeline at {SCALE_PARAGRAPHS:,} paragraphs",
              lambda: {"scale": whole_pipeline(SCALE_PARAGRAPHS)}, figures)
    if replica or not quick:
        n = replica or REPLICA_PARAGRAPHS
        _step(f"one replica on an index folder of {n:,} paragraphs",
              lambda: {"replica": one_replica(n, replica_work)}, figures)
    results["machine"]["load_after"] = os.getloadavg()[0]
    results["checks"] = checks(figures)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(_clean(results), indent=2) + "\n",
                                          encoding="utf-8")
    if not plot.draw(results, out_dir / "results.png"):
        print("(no plot: pip install '.[bench]' for matplotlib)", file=sys.stderr)
    return results


def one_replica(paragraphs: int, work: Path | None) -> dict[str, Any]:
    """`benchmarks/replica.py` (its index kept in `work` when given, else built for this run)."""
    with tempfile.TemporaryDirectory(prefix="qa-bench-replica-") as folder:
        out = Path(folder) / "replica.json"
        subprocess.run([sys.executable, str(HERE / "replica.py"), "--paragraphs",
                        str(paragraphs), "--work", str(work or Path(folder) / "work"),
                        "--out", str(out)], check=True)
        return json.loads(out.read_text(encoding="utf-8"))


def whole_pipeline(paragraphs: int) -> dict[str, Any]:
    """`benchmarks/scale.py` in its own process, so its memory is returned afterwards."""
    with tempfile.TemporaryDirectory(prefix="qa-bench-scale-") as folder:
        out = Path(folder) / "scale.json"
        subprocess.run([sys.executable, str(HERE / "scale.py"), "--paragraphs",
                        str(paragraphs), "--out", str(out)], check=True)
        return json.loads(out.read_text(encoding="utf-8"))


def machine() -> dict[str, Any]:
    cpu = "unknown CPU"
    meminfo = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            key, value = line.split(":", 1)
            meminfo[key] = int(value.split()[0])
    except OSError:
        pass
    import faiss
    import torch

    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": meminfo.get("MemTotal", 0) / 2**20,
            "python": platform.python_version(), "torch": torch.__version__,
            "faiss": faiss.__version__, "load_before": os.getloadavg()[0]}


def checks(f: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured value and whether it holds."""
    big = max(f.get("ann", []), key=lambda x: x["n"], default=None)
    rows = [("warm answer p50", f.get("warm_p50_ms"), TARGETS["warm_p50_ms"], "ms", "<="),
            ("warm answer p95", f.get("warm_p95_ms"), TARGETS["warm_p95_ms"], "ms", "<="),
            ("cold qa ask", f.get("cold_ask_s"), TARGETS["cold_ask_s"], "s", "<="),
            ("build vs raw encode", f.get("build_vs_raw"), TARGETS["build_vs_raw"], "x", ">=")]
    if "pdf_add_pages_per_min" in f:
        rows.append(("text PDF added", f["pdf_add_pages_per_min"],
                     TARGETS["pdf_pages_per_min"], "pages/min", ">="))
    if "scan_add_pages_per_min" in f:
        rows.append(("scan added", f["scan_add_pages_per_min"], TARGETS["scan_pages_per_min"],
                     "pages/min", ">="))
    if "access_p95_ms" in f:
        rows.append(("access checks p95", f["access_p95_ms"], TARGETS["access_ms"], "ms", "<="))
    if "big_upload_small_max_s" in f:
        rows.append(("small change during a big upload", f["big_upload_small_max_s"],
                     TARGETS["small_change_s"], "s", "<="))
    rows += replica.checks(f["replica"]) if f.get("replica") else []
    if f.get("scale"):
        rows.append((f"whole pipeline p50 at {f['scale']['paragraphs']:,}",
                     f["scale"]["warm_p50_ms"], TARGETS["scale_p50_ms"], "ms", "<="))
    if big is not None:
        label = f"retrieval p50 at {big['n']:,}"
        rows += [(label, big["p50_ms"], TARGETS["ann_p50_ms"], "ms", "<="),
                 (f"recall@10 at {big['n']:,}", big["recall_at_10"], TARGETS["ann_recall"], "",
                  ">=")]
    return [{"target": name, "value": value, "goal": goal, "unit": unit, "sense": sense,
             "holds": value is not None and (value <= goal if sense == "<=" else value >= goal)}
            for name, value, goal, unit, sense in rows]


def table(results: dict[str, Any]) -> str:
    """The figures as a Markdown table, targets marked."""
    f = results["figures"]
    holds = {c["target"]: c for c in results["checks"]}

    def mark(name: str) -> str:
        check = holds.get(name)
        if check is None:
            return ""
        return f"{check['sense']} {check['goal']:g} {check['unit']} " + \
            ("✅" if check["holds"] else "❌")

    rows = [("model load (import, weights, first encode)", f"{f['model_load_s']:.2f} s", ""),
            ("… same with sentence-transformers", f"{f['model_load_sentence_transformers_s']:.2f}"
             " s", ""),
            ("cold `qa ask` (process start → answer)", f"{f['cold_ask_s']:.2f} s",
             mark("cold qa ask")),
            ("app start → page ready", f"{f['app_ready_s']:.2f} s", ""),
            (f"warm answer p50 ({f['warm_samples']} asks)", f"{f['warm_p50_ms']:.0f} ms",
             mark("warm answer p50")),
            ("warm answer p95", f"{f['warm_p95_ms']:.0f} ms", mark("warm answer p95")),
            *([(f"text PDF ({f['pdf_pages']} pages): read; whole qa add",
                f"{f['pdf_read_pages_per_min']:.0f}; {f['pdf_add_pages_per_min']:.0f} pages/min",
                mark("text PDF added"))] if "pdf_add_pages_per_min" in f else []),
            *([(f"scan ({f['scan_pages']} pages, 300 dpi): OCR; whole qa add",
                f"{f['scan_read_pages_per_min']:.1f}; {f['scan_add_pages_per_min']:.1f} "
                "pages/min", mark("scan added"))] if "scan_add_pages_per_min" in f else []),
            *([("login, token and library checks per request: p50 / p95 (200 accounts, "
                "2,000 documents)", f"{f['access_p50_ms']:.2f} / {f['access_p95_ms']:.2f} ms",
                mark("access checks p95")),
               ("… warm answer p50 without / with a library scope",
                f"{f['unscoped_p50_ms']:.0f} / {f['scoped_p50_ms']:.0f} ms", "")]
              if "access_p50_ms" in f else []),
            *([(f"a {f['big_upload_paragraphs']:,}-paragraph upload (fake embedder): its add; "
                "the slowest small add or remove meanwhile",
                f"{f['big_upload_add_s']:.1f} s; {f['big_upload_small_max_s']:.1f} s",
                mark("small change during a big upload"))]
              if "big_upload_small_max_s" in f else []),
            *([("Milvus store (Lite, gRPC on 127.0.0.1): warm answer p50 / p95",
                f"{f['milvus_warm_p50_ms']:.0f} / {f['milvus_warm_p95_ms']:.0f} ms", ""),
               ("… article build into Milvus; pipeline load from it",
                f"{f['milvus_build_s']:.2f} s; {f['milvus_load_s']:.2f} s", "")]
              if "milvus_warm_p50_ms" in f else []),
            (f"article index build ({f['article_paragraphs']} paragraphs, "
             f"{f['article_texts_embedded']} texts)", f"{f['article_build_s']:.2f} s", ""),
            (f"build throughput ({f['throughput_paragraphs']} paragraphs, "
             f"{f['throughput_texts']} texts)", f"{f['build_paragraphs_per_s']:.1f} paragraphs/s",
             ""),
            ("raw `SentenceTransformer.encode`, same texts", f"{f['raw_paragraphs_per_s']:.1f} "
             "paragraphs/s", ""),
            ("build ÷ raw encode (same texts)", f"{f['build_vs_raw']:.2f}×",
             mark("build vs raw encode")),
            ("build ÷ qa's own encoder on the same texts (build overhead)",
             f"{f['build_vs_own_encode']:.2f}×", ""),
            ("build ÷ raw encode of the paragraphs alone",
             f"{f['build_vs_raw_paragraphs_only']:.2f}×", "")]
    for x in f.get("ann", []):
        rows.append((f"retrieval {x['n']:,} × 384 ({x['kind']}): p50 / p95",
                     f"{x['p50_ms']:.2f} / {x['p95_ms']:.2f} ms",
                     mark(f"retrieval p50 at {x['n']:,}")))
        rows.append(("… recall@10 vs exact; exact scan p50", f"{x['recall_at_10']:.3f}; "
                     f"{x['exact_p50_ms']:.1f} ms", mark(f"recall@10 at {x['n']:,}")))
        rows.append(("… build; memory (RSS growth / file)", f"{x['build_s']:.1f} s; "
                     f"{x['rss_delta_mb']:.0f} / {x['index_file_mb']:.0f} MB", ""))
    if f.get("replica"):
        rows += replica.rows(f["replica"], mark)
    scale = f.get("scale")
    if scale:
        rows.append((f"whole pipeline, {scale['paragraphs']:,} paragraphs ({scale['sentences']:,} "
                     "sentences): warm answer p50 / p95", f"{scale['warm_p50_ms']:.0f} / "
                     f"{scale['warm_p95_ms']:.0f} ms",
                     mark(f"whole pipeline p50 at {scale['paragraphs']:,}")))
        rows.append(("… article questions answered right among them; FAISS + BM25 build; "
                     "pipeline construction; RSS growth", f"{scale['answer_ok'] * 100:.0f} %; "
                     f"{scale['faiss_s'] + scale['bm25_s']:.0f} s; {scale['pipeline_init_s']:.0f}"
                     f" s; {scale['rss_growth_gb']:.1f} GB", ""))
    lines = ["| measure | value | target |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1 M tier; single runs")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for results.json/.png")
    parser.add_argument("--replica", type=int, default=0, metavar="N",
                        help=f"one replica over N paragraphs (default {REPLICA_PARAGRAPHS:,} "
                             "in full runs; 1000000 builds for about 40 min the first time)")
    parser.add_argument("--replica-work", type=Path, metavar="DIR", help="keep its index here")
    args = parser.parse_args(argv)
    results = run(quick=args.quick, out_dir=args.out, replica=args.replica,
                  replica_work=args.replica_work)
    m = results["machine"]
    print(f"\n{results['date']} · {m['cpu']} · {m['cores']} cores · {m['ram_gb']:.0f} GiB · "
          f"load {m['load_before']:.1f} → {m['load_after']:.1f}\n")
    print(table(results))
    print(f"\nwritten: {args.out / 'results.json'}, {args.out / 'results.png'}")
    return 0


def _step(name: str, measure: Any, figures: dict[str, Any]) -> None:
    print(f"bench: {name} (load {os.getloadavg()[0]:.1f}) …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    figures.update(measure())
    print(f"bench: {name} done in {time.perf_counter() - started:.0f} s", file=sys.stderr,
          flush=True)


def _clean(value: Any) -> Any:
    """JSON without NaN: a figure that could not be measured is null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


if __name__ == "__main__":
    raise SystemExit(main())
