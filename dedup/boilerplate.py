"""Boilerplate: passages one source repeats across many of its own documents.

"Latest News", a newsletter footer or a copyright line recurs in every article of a
site. That is site furniture, not syndication, so a passage found in at least
``min_docs`` documents of one source is set apart, and by default left out of
coverage and syndication clusters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from dedup.model import PassageCluster


def is_boilerplate(passage: PassageCluster, sources: Mapping[str, str | None], min_docs: int) -> bool:
    """True when some single source has ``min_docs`` or more documents containing the passage."""
    per_source = Counter(sources.get(doc_id) for doc_id in passage.doc_ids)
    per_source.pop(None, None)
    return bool(per_source) and max(per_source.values()) >= min_docs


def split(
    passages: Sequence[PassageCluster], sources: Mapping[str, str | None], min_docs: int
) -> tuple[list[PassageCluster], list[PassageCluster]]:
    """(syndicated passages, boilerplate passages), each in the input order."""
    kept: list[PassageCluster] = []
    boiler: list[PassageCluster] = []
    for p in passages:
        (boiler if is_boilerplate(p, sources, min_docs) else kept).append(p)
    return kept, boiler
