"""The scan's stages as Spark jobs over an RDD of ``(id, Document)``.

tokenise/shingle/sign per partition -> band keys shuffled by (band, key) -> bucket pairs
(capped) -> verified duplicates; windows -> band keys -> window pairs -> grouped by
document pair -> aligned matches. What happens to each document, bucket and pair is the
local engine's code (``local_parts``); Spark only decides where it runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import add
from typing import Any

from dedup.spark import local_parts as local
from dedup.spark.local_parts import DocFeatures, Document, DuplicatePair, Match, ScanOptions

_SIGN_BATCH = 512  # documents signed together in one partition (the local scan signs all at once)


@dataclass(frozen=True, slots=True)
class NearDuplicates:
    """Verified duplicate pairs (an RDD of DuplicatePair) and the counts that go into the stats."""

    pairs: Any
    candidates: int
    capped: int


@dataclass(frozen=True, slots=True)
class Passages:
    """Aligned matches (an RDD of Match) and the counts that go into the stats."""

    matches: Any
    window_candidates: int
    regions: int
    capped: int


def features(documents: Any, opts: ScanOptions) -> Any:
    """RDD of ``(id, DocFeatures)``: tokens, shingle set, signature and band keys of every document."""
    return documents.mapPartitions(lambda part: _features(part, opts), preservesPartitioning=True)


def _features(part: Iterable[tuple[str, Document]], opts: ScanOptions) -> Iterator[tuple[str, DocFeatures]]:
    batch: list[tuple[str, Document]] = []
    for item in part:
        batch.append(item)
        if len(batch) >= _SIGN_BATCH:
            yield from _sign(batch, opts)
            batch = []
    yield from _sign(batch, opts)


def _sign(batch: list[tuple[str, Document]], opts: ScanOptions) -> list[tuple[str, DocFeatures]]:
    found = local.doc_features([doc.text for _, doc in batch], opts)
    return [(doc_id, f) for (doc_id, _), f in zip(batch, found, strict=True)]


def near_duplicates(feats: Any, opts: ScanOptions, partitions: int) -> NearDuplicates:
    """Document level: (band, key) buckets -> candidate pairs -> exact Jaccard, as the local scan."""
    keyed = feats.filter(lambda kv: len(kv[1].shingles) > 0).flatMap(
        lambda kv: [((band, key), kv[0]) for band, key in enumerate(kv[1].keys.tolist())]
    )
    buckets = _buckets(keyed, partitions)
    capped = buckets.filter(lambda members: len(members) > opts.max_bucket_size).count()
    candidates = (
        buckets.flatMap(lambda members: local.bucket_pairs(members, opts.max_bucket_size))
        .distinct(partitions)
        .persist()
    )
    count = candidates.count()
    with_a = candidates.join(feats, partitions).map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))
    both = with_a.join(feats, partitions)
    threshold = opts.threshold
    pairs = both.map(
        lambda kv: local.verify_pair(kv[1][0][0], kv[1][0][1], kv[0], kv[1][1], threshold)
    ).filter(lambda p: p is not None)
    return NearDuplicates(pairs, count, capped)


def passages(documents: Any, opts: ScanOptions, partitions: int) -> Passages:
    """Passage level: window buckets -> window pairs across documents -> aligned matches per document pair."""
    keyed = documents.flatMap(lambda kv: _window_keys(kv[0], kv[1], opts))
    buckets = _buckets(keyed, partitions)
    capped = buckets.filter(lambda members: len(members) > opts.max_bucket_size).count()
    window_pairs = (
        buckets.flatMap(lambda members: local.bucket_pairs(members, opts.max_bucket_size))
        .filter(lambda pair: pair[0][0] != pair[1][0])
        .distinct(partitions)
        .persist()
    )
    count = window_pairs.count()
    per_doc_pair = window_pairs.map(
        lambda p: ((p[0][0], p[1][0]), (p[0][1], p[0][2], p[1][1], p[1][2]))
    ).groupByKey(partitions)
    with_a = per_doc_pair.map(lambda kv: (kv[0][0], (kv[0][1], list(kv[1])))).join(documents, partitions)
    with_b = with_a.map(lambda kv: (kv[1][0][0], (kv[1][1], kv[1][0][1]))).join(documents, partitions)
    aligned = with_b.map(lambda kv: local.align_pair(kv[1][0][0], kv[1][1], kv[1][0][1], opts)).persist()
    regions = aligned.map(lambda found: found[1]).fold(0, add)
    matches = aligned.flatMap(lambda found: found[0])
    return Passages(matches, count, regions, capped)


def _window_keys(doc_id: str, doc: Document, opts: ScanOptions) -> list[tuple[tuple[int, int], Any]]:
    found = local.window_features(doc.text, opts)
    if found is None:
        return []
    rows: list[tuple[tuple[int, int], Any]] = []
    for start, stop, keys in zip(
        found.starts.tolist(), found.stops.tolist(), found.keys.tolist(), strict=True
    ):
        member = (doc_id, start, stop)
        rows.extend(((band, key), member) for band, key in enumerate(keys))
    return rows


def _buckets(keyed: Any, partitions: int) -> Any:
    """Members of every (band, key) bucket of two or more, as lists; cached for the two passes over them."""
    return (
        keyed.groupByKey(partitions)
        .map(lambda kv: list(kv[1]))
        .filter(lambda members: len(members) > 1)
        .persist()
    )


def collect_pairs(near: NearDuplicates) -> list[DuplicatePair]:
    """The verified duplicate pairs on the driver."""
    pairs: list[DuplicatePair] = near.pairs.collect()
    return pairs


def collect_matches(found: Passages) -> list[Match]:
    """The aligned matches on the driver."""
    matches: list[Match] = found.matches.collect()
    return matches
