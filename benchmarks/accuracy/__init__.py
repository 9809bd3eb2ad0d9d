"""Accuracy benchmark: dedup against ground truth on public corpora, beside a datasketch baseline.

``python -m benchmarks.accuracy [--only NAME] [--quick]`` runs it. One module per
corpus loader (``newsgroups``, ``reuters``, ``wire_news``) and per scorer; loaders read
text and metadata only, ground-truth files are opened by scorers alone.
"""
