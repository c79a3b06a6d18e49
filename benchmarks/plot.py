"""benchmarks/results.png from the results dictionary: one panel per question a reader asks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

TARGET = "#c0392b"
OURS = "#2c7fb8"
OTHER = "#9e9e9e"


def draw(results: dict[str, Any], path: Path) -> bool:
    """Write the plot; False (with nothing written) when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    figures, targets = results["figures"], results["targets"]
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    _answers(axes[0][0], figures, targets)
    _startup(axes[0][1], figures, targets)
    _build(axes[1][0], figures, targets)
    _scale(axes[1][1], figures, targets)
    machine = results["machine"]
    fig.suptitle(f"qa on {machine['cpu']} ({machine['cores']} cores, {machine['ram_gb']:.0f} GiB)"
                 f" — {results['date']}, load {machine['load_before']:.1f}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def _answers(ax: Any, f: dict[str, Any], t: dict[str, float]) -> None:
    names = ["p50", "p95"]
    values = [f.get("warm_p50_ms", 0), f.get("warm_p95_ms", 0)]
    goals = [t["warm_p50_ms"], t["warm_p95_ms"]]
    ax.bar(names, values, color=OURS)
    for i, goal in enumerate(goals):
        ax.hlines(goal, i - 0.4, i + 0.4, colors=TARGET, linestyles="--")
    _labels(ax, values, "{:.0f} ms")
    ax.set_title("Warm answer latency (target dashed)")
    ax.set_ylabel("ms per question")


def _startup(ax: Any, f: dict[str, Any], t: dict[str, float]) -> None:
    names = ["model load", "model load\n(sentence-\ntransformers)", "cold qa ask",
             "app ready", "article\nbuild"]
    keys = ["model_load_s", "model_load_sentence_transformers_s", "cold_ask_s", "app_ready_s",
            "article_build_s"]
    values = [f.get(k, 0) for k in keys]
    ax.bar(names, values, color=[OURS, OTHER, OURS, OURS, OURS])
    ax.hlines(t["cold_ask_s"], 1.6, 2.4, colors=TARGET, linestyles="--")
    _labels(ax, values, "{:.1f} s")
    ax.set_title("Start-up (fresh processes)")
    ax.set_ylabel("seconds")
    ax.tick_params(axis="x", labelsize=8)


def _build(ax: Any, f: dict[str, Any], t: dict[str, float]) -> None:
    if "build_paragraphs_per_s" not in f:
        ax.set_axis_off()
        return
    names = ["qa build", "sentence-\ntransformers,\nsame texts", "qa embedder,\nsame texts",
             "sentence-\ntransformers,\nparagraphs only"]
    only = f.get("raw_encode_paragraphs_only_s") or 0
    paragraphs = f["throughput_paragraphs"]
    values = [f["build_paragraphs_per_s"], f["raw_paragraphs_per_s"],
              paragraphs / f["own_encode_s"], paragraphs / only if only else 0]
    ax.bar(names, values, color=[OURS, OTHER, OTHER, OTHER])
    ax.tick_params(axis="x", labelsize=8)
    ax.hlines(t["build_vs_raw"] * f["raw_paragraphs_per_s"], -0.4, 0.4, colors=TARGET,
              linestyles="--")
    _labels(ax, values, "{:.1f}/s")
    ax.set_title(f"Build throughput, {f['throughput_paragraphs']} paragraphs "
                 f"(ratio {f['build_vs_raw']:.2f})")
    ax.set_ylabel("paragraphs per second")


def _scale(ax: Any, f: dict[str, Any], t: dict[str, float]) -> None:
    tiers = f.get("ann", [])
    if not tiers:
        ax.set_axis_off()
        return
    sizes = [x["n"] for x in tiers]
    ax.plot(sizes, [x["p50_ms"] for x in tiers], "o-", color=OURS, label="chosen index, p50")
    ax.plot(sizes, [x["exact_p50_ms"] for x in tiers], "s--", color=OTHER,
            label="exact scan, p50")
    ax.axhline(t["ann_p50_ms"], color=TARGET, linestyle="--", label="target")
    for x in tiers:
        ax.annotate(f"{x['kind']}\nrecall {x['recall_at_10']:.3f}", (x["n"], x["p50_ms"]),
                    textcoords="offset points", xytext=(0, 8), ha="center", fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("paragraphs (random 384-d unit vectors)")
    ax.set_ylabel("ms per query")
    ax.set_title("Retrieval at scale (recall@10 vs exact)")
    ax.legend(fontsize=8, loc="lower right")


def _labels(ax: Any, values: list[float], form: str) -> None:
    for i, value in enumerate(values):
        ax.annotate(form.format(value), (i, value), textcoords="offset points", xytext=(0, 3),
                    ha="center", fontsize=8)
