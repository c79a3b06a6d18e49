"""Benchmarks: `qa bench` (benchmarks/run.py) and the incremental-indexing script."""
