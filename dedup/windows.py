"""Passage windows: overlapping runs of words, and regions built from candidate window pairs.

Whole-document MinHash cannot see one shared paragraph inside two otherwise different
articles: the paragraph is a small share of each shingle set. So every document is
also cut into overlapping windows of ``window`` words every ``step`` words; windows
get their own signatures and LSH candidates, and candidate window pairs of one
document pair are merged into regions that the aligner then reads word by word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from dedup.hashing import U64, combine_runs

I64 = npt.NDArray[np.int64]
WindowPairs = tuple[list[int], list[int], list[int], list[int]]
"""Token ranges of candidate window pairs: a's starts and stops, then b's."""


def cut(n_tokens: int, *, window: int, step: int) -> tuple[I64, I64]:
    """Token ranges ``[starts[i], stops[i])`` of the windows of a text with ``n_tokens`` words.

    Windows start every ``step`` words; one more window is aligned to the end so the
    tail is always covered. A text shorter than one window is a single window.

    >>> [list(map(int, x)) for x in cut(12, window=5, step=3)]
    [[0, 3, 6, 7], [5, 8, 11, 12]]
    >>> [list(map(int, x)) for x in cut(4, window=5, step=3)]
    [[0], [4]]
    """
    if n_tokens <= 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if n_tokens <= window:
        return np.array([0], dtype=np.int64), np.array([n_tokens], dtype=np.int64)
    starts = np.arange(0, n_tokens - window + 1, step, dtype=np.int64)
    if starts[-1] + window < n_tokens:
        starts = np.append(starts, n_tokens - window)
    return starts, starts + window


@dataclass(frozen=True, slots=True)
class Region:
    """Token ranges ``[a_start, a_stop)`` and ``[b_start, b_stop)`` that probably share a passage."""

    a_start: int
    a_stop: int
    b_start: int
    b_stop: int


def merge_regions(
    a_starts: I64,
    a_stops: I64,
    b_starts: I64,
    b_stops: I64,
    *,
    gap: int,
    a_len: int,
    b_len: int,
    margin: int,
    diagonal_gap: int | None = None,
) -> list[Region]:
    """Merge the candidate window pairs of one document pair into regions.

    Window pairs are grouped first by their ranges in document a (ranges closer than
    ``gap`` words join), then, within each group, by their ranges in document b, so a
    paragraph that b repeats twice gives two regions, and last by their diagonal (the offset
    ``b_start - a_start``; runs further apart than ``diagonal_gap``, default ``gap``, split),
    so two paragraphs that b prints in the opposite order give two regions. Each region is
    widened by ``margin`` words on both sides (clipped to the texts), because the windows
    that straddle a passage's edges often do not collide.

    >>> one = np.array([0, 5]), np.array([10, 15]), np.array([100, 105]), np.array([110, 115])
    >>> merge_regions(*one, gap=0, a_len=50, b_len=200, margin=2)
    [Region(a_start=0, a_stop=17, b_start=98, b_stop=117)]
    """
    return merge_region_lists(
        a_starts.tolist(),
        a_stops.tolist(),
        b_starts.tolist(),
        b_stops.tolist(),
        gap=gap,
        a_len=a_len,
        b_len=b_len,
        margin=margin,
        diagonal_gap=diagonal_gap,
    )


def merge_region_lists(
    a_starts: list[int],
    a_stops: list[int],
    b_starts: list[int],
    b_stops: list[int],
    *,
    gap: int,
    a_len: int,
    b_len: int,
    margin: int,
    diagonal_gap: int | None = None,
) -> list[Region]:
    """``merge_regions`` on plain lists.

    A document pair has a handful of window pairs, and numpy's per-call cost on arrays
    that small was most of a scan's alignment time.
    """
    diagonal_gap = gap if diagonal_gap is None else diagonal_gap
    if len(a_starts) >= _MERGE_IN_NUMPY_FROM:
        return _merge_in_numpy(
            np.asarray(a_starts, dtype=np.int64),
            np.asarray(a_stops, dtype=np.int64),
            np.asarray(b_starts, dtype=np.int64),
            np.asarray(b_stops, dtype=np.int64),
            gap=gap,
            a_len=a_len,
            b_len=b_len,
            margin=margin,
            diagonal_gap=diagonal_gap,
        )
    return _merge_in_python(
        a_starts,
        a_stops,
        b_starts,
        b_stops,
        gap=gap,
        a_len=a_len,
        b_len=b_len,
        margin=margin,
        diagonal_gap=diagonal_gap,
    )


def _merge_in_python(
    a_starts: Sequence[int],
    a_stops: Sequence[int],
    b_starts: Sequence[int],
    b_stops: Sequence[int],
    *,
    gap: int,
    a_len: int,
    b_len: int,
    margin: int,
    diagonal_gap: int,
) -> list[Region]:
    """``merge_region_lists`` one window pair at a time: fastest for a handful of them."""
    diagonals = [b - a for a, b in zip(a_starts, b_starts, strict=True)]
    regions: list[Region] = []
    for a_group in _groups(a_starts, a_stops, range(len(a_starts)), gap):
        for in_b in _groups(b_starts, b_stops, a_group, gap):
            for members in _groups(diagonals, diagonals, in_b, diagonal_gap):
                core = Region(
                    a_start=min(a_starts[m] for m in members),
                    a_stop=max(a_stops[m] for m in members),
                    b_start=min(b_starts[m] for m in members),
                    b_stop=max(b_stops[m] for m in members),
                )
                regions.append(grow(core, margin, a_len=a_len, b_len=b_len))
    return regions


def shares_shingles(a_hashes: U64, b_hashes: U64, windows: WindowPairs, *, k: int, least: int) -> bool:
    """Whether some candidate window pair has ``least`` or more shingles in common.

    A window's shingles are the hashes of its runs of ``k`` tokens (what its MinHash was
    made of), each counted once. The passage LSH has false positives: with millions of
    windows, windows that share one or two common phrases ("one of the", "said on
    Tuesday") collide by chance, and their number grows with the square of the corpus. A
    copied passage gives far more: two windows holding the same 15 words share 13
    shingles. Checking costs microseconds per window pair; aligning a region, about a
    hundred. ``matching_positions`` rules out many window pairs at once.

    >>> h = np.arange(30, dtype=np.uint64)
    >>> shares_shingles(h, h[5:], ([0], [10], [0], [10]), k=3, least=3)
    True
    >>> shares_shingles(h, h[7:], ([0], [10], [0], [10]), k=3, least=3)
    False
    """
    if least <= 0:
        return True
    a_shingles, b_shingles = combine_runs(a_hashes, k), combine_runs(b_hashes, k)
    a_starts, a_stops, b_starts, b_stops = windows
    in_b: dict[tuple[int, int], set[int]] = {}  # a window of b may pair with several of a
    for a_start, a_stop, b_start, b_stop in zip(a_starts, a_stops, b_starts, b_stops, strict=True):
        if (b_start, b_stop) not in in_b:
            in_b[b_start, b_stop] = set(b_shingles[b_start : max(b_start, b_stop - k + 1)].tolist())
        in_a = a_shingles[a_start : max(a_start, a_stop - k + 1)].tolist()
        if len(in_b[b_start, b_stop].intersection(in_a)) >= least:
            return True
    return False


_ROWS_AT_ONCE = 4096  # window pairs per block of matching_positions: about 3 MB of comparisons


def matching_positions(
    a_tokens: npt.NDArray[np.integer[Any]],
    a_len: I64,
    b_tokens: npt.NDArray[np.integer[Any]],
    b_len: I64,
    *,
    k: int,
) -> I64:
    """For each window pair, how many shingle positions of window a have their shingle in window b.

    Row p of ``a_tokens`` holds window a of pair p in its first ``a_len[p]`` columns (the
    rest are ignored), likewise b; values may be of any integer type, and shingles are
    hashed from them as ``combine_runs`` hashes tokens. Each pair's shingles are compared
    all against all (a window has about 18), which numpy does far faster than building
    Python sets. A shingle repeated in a counts at each position, so the count never falls below the
    number of distinct shingles shared, whatever tokens the values stand for: on values
    that merge tokens (tags, a few bits of each hash), it can rule a pair out, never in.
    """
    counts = np.zeros(len(a_tokens), dtype=np.int64)
    width = a_tokens.shape[1] if a_tokens.ndim == 2 else 0
    if len(a_tokens) == 0 or width < k:
        return counts
    columns = np.arange(width - k + 1, dtype=np.int64)
    for lo in range(0, len(a_tokens), _ROWS_AT_ONCE):
        hi = min(lo + _ROWS_AT_ONCE, len(a_tokens))
        a = _row_shingles(a_tokens[lo:hi], k)
        b = _row_shingles(b_tokens[lo:hi], k)
        a_valid = columns < (a_len[lo:hi, None] - k + 1)
        b_valid = columns < (b_len[lo:hi, None] - k + 1)
        hit = a_valid & ((a[:, :, None] == b[:, None, :]) & b_valid[:, None, :]).any(axis=2)
        counts[lo:hi] = hit.sum(axis=1)
    return counts


def _row_shingles(tokens: npt.NDArray[np.integer[Any]], k: int) -> U64:
    """Shingle hashes of each row of tokens: shape ``(rows, width - k + 1)``.

    Rows are hashed as one run of tokens; the runs crossing from one row to the next are cut off.
    """
    width = tokens.shape[1]
    flat = combine_runs(np.ascontiguousarray(tokens, dtype=np.uint64).ravel(), k)
    rows = np.concatenate((flat, np.zeros(k - 1, dtype=np.uint64))).reshape(len(tokens), width)
    shingles: U64 = rows[:, : width - k + 1]
    return shingles


def grow(region: Region, margin: int, *, a_len: int, b_len: int) -> Region:
    """``region`` grown by ``margin`` words on every side, clipped to the texts."""
    return Region(
        a_start=max(0, region.a_start - margin),
        a_stop=min(a_len, region.a_stop + margin),
        b_start=max(0, region.b_start - margin),
        b_stop=min(b_len, region.b_stop + margin),
    )


def on_diagonal(region: Region, a_start: int, b_start: int, *, tolerance: int) -> bool:
    """Whether a passage starting at ``a_start``/``b_start`` runs along the region's diagonal.

    The region's diagonal is the offset ``b - a`` of its corners, give or take ``tolerance``
    words: a passage the region's windows found lies on it, while one that a grown region
    merely takes in (the other text printing it elsewhere) lies off it.
    """
    low = min(region.b_start - region.a_start, region.b_stop - region.a_stop) - tolerance
    high = max(region.b_start - region.a_start, region.b_stop - region.a_stop) + tolerance
    return low <= b_start - a_start <= high


_MERGE_IN_NUMPY_FROM = (
    128  # window pairs of one document pair (measured crossover); near-duplicates have thousands
)


def _merge_in_numpy(
    a_starts: I64,
    a_stops: I64,
    b_starts: I64,
    b_stops: I64,
    *,
    gap: int,
    a_len: int,
    b_len: int,
    margin: int,
    diagonal_gap: int,
) -> list[Region]:
    """``merge_region_lists`` for many window pairs: the same regions in the same order.

    Two near-duplicate articles have thousands of colliding window pairs, and grouping
    them one by one in Python was a third of a scan's alignment time. Each of the three
    groupings is a sort and a running maximum: within sorted starts, a group ends where a
    start lies more than the gap beyond every stop before it in the group. The groups
    found so far are kept apart by offsetting each group's values past the previous ones.
    """
    label = np.zeros(len(a_starts), dtype=np.int64)
    diagonals = b_starts - a_starts
    for starts, stops, within in (
        (a_starts, a_stops, gap),
        (b_starts, b_stops, gap),
        (diagonals, diagonals, diagonal_gap),
    ):
        low = int(min(starts.min(), stops.min()))
        span = int(max(starts.max(), stops.max())) - low + within + 1
        shifted_starts = (starts - low) + label * span
        shifted_stops = (stops - low) + label * span
        order = np.lexsort((shifted_starts, label))  # by group so far, then start
        ordered_starts, ordered_stops = shifted_starts[order], shifted_stops[order]
        reach = np.maximum.accumulate(ordered_stops)
        opens = np.ones(len(order), dtype=bool)
        opens[1:] = (ordered_starts[1:] > reach[:-1] + within) | (label[order][1:] != label[order][:-1])
        label[order] = np.cumsum(opens) - 1  # groups numbered in the order the loops visit them
    order = np.argsort(label, kind="stable")
    bounds = np.flatnonzero(np.diff(label[order], prepend=-1))
    cores = zip(
        np.minimum.reduceat(a_starts[order], bounds).tolist(),
        np.maximum.reduceat(a_stops[order], bounds).tolist(),
        np.minimum.reduceat(b_starts[order], bounds).tolist(),
        np.maximum.reduceat(b_stops[order], bounds).tolist(),
        strict=True,
    )
    return [
        grow(Region(a_start=a0, a_stop=a1, b_start=b0, b_stop=b1), margin, a_len=a_len, b_len=b_len)
        for a0, a1, b0, b1 in cores
    ]


def _groups(starts: Sequence[int], stops: Sequence[int], indices: Iterable[int], gap: int) -> list[list[int]]:
    """``indices`` grouped into runs whose ranges overlap or lie within ``gap`` of each other."""
    groups: list[list[int]] = []
    current: list[int] = []
    reach = 0
    for i in sorted(indices, key=starts.__getitem__):
        if current and starts[i] > reach + gap:
            groups.append(current)
            current = []
        reach = max(reach, stops[i]) if current else stops[i]  # diagonals may be negative
        current.append(i)
    if current:
        groups.append(current)
    return groups


def cap_partners(
    pair_a: I64, pair_b: I64, weights: I64, n_docs: int, limit: int
) -> tuple[npt.NDArray[np.bool_], int]:
    """Which document pairs to keep so that no document is aligned with more than ``limit`` others.

    ``(pair_a[k], pair_b[k])`` are distinct document pairs and ``weights[k]`` how many
    candidate window pairs they share. A document's partners are ranked by weight (more
    first; ties: the lower document index), and a pair is kept when each of its two
    documents ranks the other within its first ``limit``. Returns the keep mask and how
    many documents had more than ``limit`` partners.

    >>> keep, capped = cap_partners(np.array([0, 0]), np.array([1, 2]), np.array([1, 2]), 3, 1)
    >>> keep.tolist(), capped
    ([False, True], 1)
    """
    partners = np.bincount(pair_a, minlength=n_docs) + np.bincount(pair_b, minlength=n_docs)
    capped = int((partners > limit).sum())
    if capped == 0:
        return np.ones(len(pair_a), dtype=bool), 0
    # Each pair seen from both of its documents: rank partners per document.
    doc = np.concatenate((pair_a, pair_b))
    other = np.concatenate((pair_b, pair_a))
    weight = np.concatenate((weights, weights))
    order = np.lexsort((other, -weight, doc))
    first_of_doc = np.searchsorted(doc[order], doc[order], side="left")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - first_of_doc
    n_pairs = len(pair_a)
    keep: npt.NDArray[np.bool_] = (rank[:n_pairs] < limit) & (rank[n_pairs:] < limit)
    return keep, capped
