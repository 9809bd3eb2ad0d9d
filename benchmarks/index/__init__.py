"""Persistent index benchmark: add throughput, size, check latency and the SQL lookup forms."""
