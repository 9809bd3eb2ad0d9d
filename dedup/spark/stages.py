"""The scan's stages as Spark jobs over an RDD of ``(row, Document)``, rows numbered in id order.

tokenise/shingle/sign per partition -> band keys shuffled by (band, key) -> bucket pairs
(capped) -> verified duplicates; windows -> band keys -> window pairs -> grouped by
document pair -> aligned matches. What happens to each document, bucket and pair is the
local engine's code (``local_parts``); Spark decides where it runs.

Band keys travel as numpy blocks, not one Python record per key: each partition sends
every other partition one block of ``(band, key, row)`` arrays holding the keys that
hash there, and the receiving partition finds its buckets with the local
``lsh.candidate_pairs``. A (band, key) bucket always lands whole in one partition, so
it is capped exactly as the local engine caps it. Rows are numbered as the local engine
numbers them (documents in id order; windows by ``document << WINDOW_BITS | start``),
so "the first member of a bucket" is the same document or window in both engines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import add
from typing import Any

import numpy as np
import numpy.typing as npt

from dedup.errors import OptionsError
from dedup.spark import local_parts as local
from dedup.spark.local_parts import DocFeatures, Document, ScanOptions

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]

WINDOW_BITS = 24  # window rows are document << 24 | first token: 16.7M tokens per document at most
_SIGN_BATCH = 512  # documents signed together in one partition (the local scan signs all at once)
_SPREAD = np.uint64(0x9E3779B97F4A7C15)

Featured = tuple[str, DocFeatures]


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


def numbered(documents: Any, partitions: int) -> Any:
    """RDD of ``(row, Document)``: rows 0..n-1 in id order, the local scan's document order."""
    ordered = documents.sortByKey(numPartitions=partitions)
    return ordered.zipWithIndex().map(lambda kv_row: (kv_row[1], kv_row[0][1]))


def features(rows: Any, opts: ScanOptions) -> Any:
    """RDD of ``(row, (id, DocFeatures))``: shingle set, signature and band keys of every document."""
    return rows.mapPartitions(lambda part: _features(part, opts), preservesPartitioning=True)


def _features(part: Iterable[tuple[int, Document]], opts: ScanOptions) -> Iterator[tuple[int, Featured]]:
    batch: list[tuple[int, Document]] = []
    for item in part:
        batch.append(item)
        if len(batch) >= _SIGN_BATCH:
            yield from _sign(batch, opts)
            batch = []
    yield from _sign(batch, opts)


def _sign(batch: list[tuple[int, Document]], opts: ScanOptions) -> list[tuple[int, Featured]]:
    found = local.doc_features([doc.text for _, doc in batch], opts)
    return [(row, (doc.id, f)) for (row, doc), f in zip(batch, found, strict=True)]


def _capped_and_blocks(found: Any) -> tuple[int, Any]:
    """What ``_bucket_pairs`` found: the capped buckets counted, and the pair blocks keyed 0."""
    capped = found.filter(lambda item: item[0] == "capped").map(lambda item: item[1]).fold(0, add)
    return capped, found.filter(lambda item: item[0] == "pairs").map(lambda item: (0, item[1]))


def near_duplicates(feats: Any, opts: ScanOptions, partitions: int) -> NearDuplicates:
    """Document level: (band, key) buckets -> candidate pairs -> exact Jaccard, as the local scan."""
    keyed = feats.mapPartitions(lambda part: _doc_blocks(part, partitions))
    found = _bucket_pairs(keyed, opts.max_bucket_size, partitions).persist()
    capped, blocks = _capped_and_blocks(found)
    pairs = (
        blocks.mapPartitions(lambda blocks: _spread_pairs(blocks, partitions))
        .partitionBy(partitions, _identity)
        .mapPartitions(_unique_pairs)
        .persist()
    )
    count = pairs.count()
    found.unpersist()
    with_a = pairs.join(feats, partitions).map(lambda kv: (kv[1][0], kv[1][1]))
    threshold = opts.threshold
    verified = (
        with_a.join(feats, partitions)
        .map(lambda kv: local.verify_pair(kv[1][0][0], kv[1][0][1], kv[1][1][0], kv[1][1][1], threshold))
        .filter(lambda p: p is not None)
    )
    return NearDuplicates(verified, count, capped)


def _doc_blocks(part: Iterable[tuple[int, Featured]], partitions: int) -> Iterator[tuple[int, Any]]:
    items = [(row, f) for row, (_, f) in part if len(f.shingles) > 0]  # empty documents are never candidates
    if not items:
        return
    rows = np.array([row for row, _ in items], dtype=np.int64)
    keys = np.vstack([f.keys for _, f in items])
    yield from _blocks(rows, keys, partitions)


def _blocks(rows: I64, keys: U64, partitions: int) -> Iterator[tuple[int, Any]]:
    """``(partition, (bands, keys, rows))`` blocks: every (band, key) of these rows, sent where it hashes."""
    n, bands = keys.shape
    band = np.repeat(np.arange(bands, dtype=np.int16)[None, :], n, axis=0).ravel()
    flat = keys.ravel()
    row = np.repeat(rows, bands)
    with np.errstate(over="ignore"):
        target = ((flat ^ (band.astype(np.uint64) * _SPREAD)) % np.uint64(partitions)).astype(np.int64)
    order = np.argsort(target, kind="stable")
    bounds = np.searchsorted(target[order], np.arange(partitions + 1))
    for p in range(partitions):
        chosen = order[bounds[p] : bounds[p + 1]]
        if len(chosen):
            yield p, (band[chosen], flat[chosen], row[chosen])


def _identity(key: int) -> int:
    return key


def _bucket_pairs(keyed: Any, max_bucket_size: int, partitions: int, owner_bits: int | None = None) -> Any:
    """("pairs", int64 array (k, 2)) and ("capped", count) items, from every partition's buckets."""
    return keyed.partitionBy(partitions, _identity).mapPartitions(
        lambda blocks: _pairs_in_partition(blocks, max_bucket_size, owner_bits)
    )


def _pairs_in_partition(
    blocks: Iterable[tuple[int, Any]], max_bucket_size: int, owner_bits: int | None = None
) -> Iterator[tuple[str, Any]]:
    """Every bucket's pairs (made unique) and the count of capped buckets, for one partition's blocks.

    With ``owner_bits``, pairs of two rows of one document (``row >> owner_bits``) are
    dropped here: the local scan drops them too, after finding them; overlapping windows
    of one article collide in most bands, so they would be most of the shuffle.
    """
    parts = [block for _, block in blocks]
    if not parts:
        return
    band = np.concatenate([b for b, _, _ in parts])
    key = np.concatenate([k for _, k, _ in parts])
    row = np.concatenate([r for _, _, r in parts])
    capped = 0
    found: list[I64] = []
    for b in np.unique(band).tolist():
        inside = np.flatnonzero(band == b)
        inside = inside[np.argsort(row[inside], kind="stable")]  # the local engine's row order
        pairs, capped_here = local.bucket_candidates(key[inside], max_bucket_size)
        capped += capped_here
        pairs = row[inside][pairs]
        if owner_bits is not None:
            pairs = pairs[(pairs[:, 0] >> owner_bits) != (pairs[:, 1] >> owner_bits)]
        if len(pairs):
            found.append(pairs)
    if found:
        yield "pairs", np.unique(np.concatenate(found), axis=0)
    yield "capped", capped


def _spread_pairs(blocks: Iterable[tuple[int, I64]], partitions: int) -> Iterator[tuple[int, I64]]:
    """Send each pair to the partition its (row, row) hashes to, so duplicates across bands meet."""
    for _, pairs in blocks:
        with np.errstate(over="ignore"):
            mixed = pairs[:, 0].astype(np.uint64) * _SPREAD ^ pairs[:, 1].astype(np.uint64)
        target = (mixed % np.uint64(partitions)).astype(np.int64)
        for p in np.unique(target).tolist():
            yield p, pairs[target == p]


def _unique_pairs(blocks: Iterable[tuple[int, I64]]) -> Iterator[tuple[int, int]]:
    arrays = [pairs for _, pairs in blocks]
    if not arrays:
        return
    yield from ((a, b) for a, b in np.unique(np.concatenate(arrays), axis=0).tolist())


def passages(rows: Any, opts: ScanOptions, partitions: int) -> Passages:
    """Passage level: window buckets -> window pairs across documents -> aligned matches per document pair."""
    keyed = rows.mapPartitions(lambda part: _window_blocks(part, opts, partitions))
    found = _bucket_pairs(keyed, opts.max_bucket_size, partitions, WINDOW_BITS).persist()
    capped, blocks = _capped_and_blocks(found)
    per_doc_pair = (
        blocks.mapPartitions(lambda blocks: _spread_window_pairs(blocks, partitions))
        .partitionBy(partitions, _identity)
        .mapPartitions(_document_pairs)
        .persist()
    )
    count = per_doc_pair.map(lambda kv: len(kv[1])).fold(0, add)
    with_a = per_doc_pair.map(lambda kv: (kv[0][0], (kv[0][1], kv[1]))).join(rows, partitions)
    with_b = with_a.map(lambda kv: (kv[1][0][0], (kv[1][1], kv[1][0][1]))).join(rows, partitions)
    aligned = with_b.map(lambda kv: local.align_pair(kv[1][0][0], kv[1][1], kv[1][0][1], opts)).persist()
    regions = aligned.map(lambda found: found[1]).fold(0, add)
    matches = aligned.flatMap(lambda found: found[0])
    found.unpersist()
    return Passages(matches, count, regions, capped)


def _window_blocks(
    part: Iterable[tuple[int, Document]], opts: ScanOptions, partitions: int
) -> Iterator[tuple[int, Any]]:
    rows: list[I64] = []
    keys: list[U64] = []
    for doc_row, doc in part:
        found = local.window_features(doc.text, opts)
        if found is None:
            continue
        if found.starts[-1] >= 1 << WINDOW_BITS:
            raise OptionsError(
                f"document {doc.id!r} has over {1 << WINDOW_BITS:,} words, more than the Spark engine "
                "numbers; cut long documents (max_chars=, --max-document-chars)"
            )
        rows.append((np.int64(doc_row) << np.int64(WINDOW_BITS)) | found.starts)
        keys.append(found.keys)
    if rows:
        yield from _blocks(np.concatenate(rows), np.vstack(keys), partitions)


def _spread_window_pairs(blocks: Iterable[tuple[int, I64]], partitions: int) -> Iterator[tuple[int, I64]]:
    """Window pairs across two documents, sent to the partition their document pair hashes to."""
    for _, pairs in blocks:
        docs = pairs >> np.int64(WINDOW_BITS)
        across = docs[:, 0] != docs[:, 1]
        pairs, docs = pairs[across], docs[across]
        with np.errstate(over="ignore"):
            mixed = docs[:, 0].astype(np.uint64) * _SPREAD ^ docs[:, 1].astype(np.uint64)
        target = (mixed % np.uint64(partitions)).astype(np.int64)
        for p in np.unique(target).tolist():
            yield p, pairs[target == p]


def _document_pairs(blocks: Iterable[tuple[int, I64]]) -> Iterator[tuple[tuple[int, int], I64]]:
    """``((row a, row b), window starts (k, 2))`` per document pair: its distinct candidate window pairs."""
    arrays = [pairs for _, pairs in blocks]
    if not arrays:
        return
    pairs = np.unique(np.concatenate(arrays), axis=0)  # sorted by window a, then window b
    docs = pairs >> np.int64(WINDOW_BITS)
    starts = pairs & np.int64((1 << WINDOW_BITS) - 1)
    order = np.lexsort((docs[:, 1], docs[:, 0]))
    pairs, docs, starts = pairs[order], docs[order], starts[order]
    bounds = np.flatnonzero((np.diff(docs[:, 0]) != 0) | (np.diff(docs[:, 1]) != 0)) + 1
    for group in np.split(np.arange(len(pairs)), bounds):
        yield (int(docs[group[0], 0]), int(docs[group[0], 1])), starts[group]
