"""Benchmarks for dedup: speed against named baselines and accuracy on public corpora."""
