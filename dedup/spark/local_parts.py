"""The one door from the Spark engine into the local engine: every local function it runs.

The Spark engine has no algorithm of its own. Spark decides *where* each document,
bucket, pair and component is worked on; what is done to it is always the local
engine's code, called from here, so both engines give the same answer by construction.
When a local module changes shape, this file is the only one to fix.

Per document (run inside ``mapPartitions``):
    ``doc_features``: tokens -> shingle set, MinHash signature, band keys (document level);
    ``window_features``: passage windows that pass the repetition filter, and their band keys.
Per bucket: ``bucket_pairs`` (the cap included). Per pair: ``verify_pair`` (exact Jaccard)
and ``align_pair`` (regions -> aligned matches). Per component: ``finish_component``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

from dedup import boilerplate, cluster
from dedup.hashing import combine_runs
from dedup.lsh import RECALL_WEIGHTS, band_keys, choose_bands
from dedup.minhash import Signer, estimate_jaccard
from dedup.model import (
    Document,
    DocumentCluster,
    DuplicatePair,
    Match,
    PassageCluster,
    ScanResult,
    ScanStats,
    Span,
)
from dedup.normalize import Tokens, tokenize
from dedup.options import ScanOptions
from dedup.scan import (
    _assemble,
    _distinct,
    _informative,
    _NearDuplicates,
    _PassageWork,
    _same_source,
    _to_matches,
)
from dedup.shingle import jaccard, shingle_set
from dedup.windows import cut, merge_regions

__all__ = [
    "DocFeatures",
    "Document",
    "DocumentCluster",
    "DuplicatePair",
    "Match",
    "PassageCluster",
    "ScanOptions",
    "ScanResult",
    "ScanStats",
    "Span",
    "Tokens",
    "WindowFeatures",
    "align_pair",
    "assemble",
    "bucket_pairs",
    "doc_features",
    "document_bands",
    "passage_bands",
    "tokenize",
    "verify_pair",
    "window_features",
]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


def document_bands(opts: ScanOptions) -> tuple[int, int]:
    """(bands, rows) of the document level, as the local scan picks them."""
    if opts.bands is not None and opts.rows is not None:
        return opts.bands, opts.rows
    return choose_bands(opts.threshold, opts.num_perm, **RECALL_WEIGHTS)


def passage_bands(opts: ScanOptions) -> tuple[int, int]:
    """(bands, rows) of the passage windows, as the local scan picks them."""
    return choose_bands(opts.passage_threshold, opts.passage_num_perm)


@dataclass(frozen=True, slots=True)
class DocFeatures:
    """What the document level needs of one document: its shingle set, signature and band keys."""

    shingles: U64
    signature: U32
    keys: U64  # one per band; meaningless (and unused) when ``shingles`` is empty
    words: int


def doc_features(texts: Sequence[str], opts: ScanOptions) -> list[DocFeatures]:
    """Document-level features of a batch of texts (signed together, as the local scan signs all)."""
    tokens = [tokenize(t) for t in texts]
    sets = [shingle_set(t, opts.shingle_size) for t in tokens]
    if not sets:
        return []
    signatures = Signer(opts.num_perm, opts.seed).sign_many(sets)
    bands, rows = document_bands(opts)
    keys = band_keys(signatures, bands, rows)
    return [
        DocFeatures(s, signatures[n], keys[n], len(t))
        for n, (s, t) in enumerate(zip(sets, tokens, strict=True))
    ]


@dataclass(frozen=True, slots=True)
class WindowFeatures:
    """The passage windows of one document that the local scan keeps, and their band keys."""

    starts: I64
    stops: I64
    keys: U64  # shape (windows, bands)


def window_features(text: str, opts: ScanOptions) -> WindowFeatures | None:
    """Windows, repetition filter and band keys exactly as ``scan._passages`` makes them; None: no windows."""
    t = tokenize(text)
    if len(t) < max(opts.min_passage_words, opts.passage_shingle_size):
        return None
    k = opts.passage_shingle_size
    shingles = combine_runs(t.hashes, k)
    starts, stops = cut(len(t), window=opts.window, step=opts.step)
    keep = _informative(shingles, starts, stops - k + 1)
    if not keep.any():
        return None
    starts, stops = starts[keep], stops[keep]
    signatures = Signer(opts.passage_num_perm, opts.seed).sign_ranges(shingles, starts, stops - k + 1)
    bands, rows = passage_bands(opts)
    return WindowFeatures(starts, stops, band_keys(signatures, bands, rows))


def bucket_pairs(members: Sequence[object], max_bucket_size: int) -> list[tuple[object, object]]:
    """Pairs of one LSH bucket in the local engine's row order: all pairs, or first-to-rest when capped.

    ``lsh.candidate_pairs`` links every member of a bucket larger than ``max_bucket_size``
    to its first member only (m - 1 pairs instead of m(m - 1)/2); its first member is
    the lowest row, i.e. the first in (document id, window start) order.
    """
    ordered = sorted(members)  # type: ignore[type-var]
    if len(ordered) > max_bucket_size:
        return [(ordered[0], other) for other in ordered[1:]]
    return [(ordered[i], ordered[j]) for i in range(len(ordered)) for j in range(i + 1, len(ordered))]


def verify_pair(
    a_id: str, a: DocFeatures, b_id: str, b: DocFeatures, threshold: float
) -> DuplicatePair | None:
    """A candidate document pair verified by exact Jaccard, as ``scan._near_duplicates`` does."""
    similarity = jaccard(a.shingles, b.shingles)
    if similarity < threshold:
        return None
    return DuplicatePair(a_id, b_id, similarity, estimate_jaccard(a.signature, b.signature))


def align_pair(
    a: Document, b: Document, windows: Sequence[tuple[int, int, int, int]], opts: ScanOptions
) -> tuple[list[Match], int]:
    """(matches, regions aligned) of one document pair from its candidate window pairs, as ``scan._passages``.

    ``windows`` holds ``(a_start, a_stop, b_start, b_stop)`` token ranges, ``a.id < b.id``.
    """
    ordered = sorted(windows)
    ta, tb = tokenize(a.text), tokenize(b.text)
    column = np.array(ordered, dtype=np.int64).reshape(-1, 4)
    regions = merge_regions(
        column[:, 0],
        column[:, 1],
        column[:, 2],
        column[:, 3],
        gap=opts.max_gap,
        a_len=len(ta),
        b_len=len(tb),
        margin=opts.window,
    )
    from dedup.align import align

    alignments = [
        found
        for region in regions
        for found in align(
            region,
            ta,
            tb,
            min_words=opts.min_passage_words,
            min_similarity=opts.min_similarity,
            max_gap=opts.max_gap,
        )
    ]
    return _to_matches(_distinct(alignments), a, ta, b, tb), len(regions)


@dataclass(frozen=True, slots=True)
class Counts:
    """Stage counts that go into ``ScanStats``, summed over the Spark stages."""

    shingles: int
    duplicate_candidates: int
    window_candidates: int
    regions: int
    capped_buckets: int


def assemble(
    docs: Sequence[Document],
    words: Sequence[int],
    duplicates: Sequence[DuplicatePair],
    matches: Sequence[Match],
    counts: Counts,
    opts: ScanOptions,
) -> ScanResult:
    """The local ``scan._assemble`` over what the Spark stages found (``docs`` sorted by id)."""
    near = _NearDuplicates(sorted(duplicates), counts.duplicate_candidates, counts.shingles, 0)
    found = _PassageWork(sorted(matches), counts.window_candidates, counts.regions, counts.capped_buckets)
    lengths = cast(list[Tokens], [_Length(n) for n in words])
    return _assemble(docs, lengths, near, found, opts)


class _Length:
    """Stands in for Tokens where ``_assemble`` only asks for ``len()``: the texts are not re-tokenised."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n


# Names used by later stages (clusters per component); kept here so the adapter is the only import.
passage_clusters = cluster.passage_clusters
document_clusters = cluster.document_clusters
coverage = cluster.coverage
split_boilerplate = boilerplate.split
same_source = _same_source
