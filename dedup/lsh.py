"""Locality-sensitive hashing: band keys and candidate pairs by sorting arrays, not dicts of sets.

A pair of signatures becomes a candidate when all ``rows`` values of at least one of
``bands`` bands agree; with Jaccard s that happens with probability
``1 - (1 - s**rows)**bands``. ``choose_bands`` picks the split for a threshold the way
datasketch's ``MinHashLSH`` does: minimising the equally weighted areas of false
positives (below the threshold) and false negatives (above it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from dedup.hashing import U32, U64, fmix64

I64 = npt.NDArray[np.int64]

_MULTIPLIER = np.uint64(0x100000001B3)
_INTEGRATION_POINTS = 2001


@lru_cache(maxsize=256)
def choose_bands(
    threshold: float,
    num_perm: int,
    *,
    false_positive_weight: float = 0.5,
    false_negative_weight: float = 0.5,
) -> tuple[int, int]:
    """(bands, rows) minimising the weighted false-positive + false-negative probability mass.

    With equal weights this is exactly datasketch's ``MinHashLSH`` choice. Scans weight
    false negatives higher (``RECALL_WEIGHTS``): every candidate is verified exactly,
    so a false positive costs a little time while a false negative loses a result.

    >>> choose_bands(0.5, 128)
    (25, 5)
    >>> choose_bands(0.7, 128, false_positive_weight=0.1, false_negative_weight=0.9)
    (20, 6)
    """
    best = (1, 1)
    best_error = float("inf")
    below = np.linspace(0.0, threshold, _INTEGRATION_POINTS)
    above = np.linspace(threshold, 1.0, _INTEGRATION_POINTS)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_pos = np.trapezoid(1 - (1 - below**rows) ** bands, below)
            false_neg = np.trapezoid((1 - above**rows) ** bands, above)
            error = false_positive_weight * float(false_pos) + false_negative_weight * float(false_neg)
            if error < best_error:
                best_error = error
                best = (bands, rows)
    return best


RECALL_WEIGHTS = {"false_positive_weight": 0.1, "false_negative_weight": 0.9}
"""Band weights for document-level scans, where candidates are verified by exact Jaccard.

At threshold 0.7 with 128 permutations they pick 20 bands of 6 rows: a pair with
Jaccard 0.7 becomes a candidate 92% of the time, 0.8: 99.8% (equal weights: 14 x 9,
44% and 87%).
"""


def band_keys(signatures: U32, bands: int, rows: int) -> U64:
    """One uint64 key per (document, band): the band's ``rows`` values hashed together.

    Keys of different bands never need to be told apart by value: candidates are only
    looked up within a band.
    """
    n = signatures.shape[0]
    keys = np.empty((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            h = np.full(n, np.uint64(0xCBF29CE484222325) ^ np.uint64(band), dtype=np.uint64)
            for row in range(band * rows, (band + 1) * rows):
                h = (h ^ signatures[:, row].astype(np.uint64)) * _MULTIPLIER
            keys[:, band] = fmix64(h)
    return keys


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidate pairs ``(i, j)`` with ``i < j`` (row indices), sorted, plus how many buckets were capped."""

    pairs: npt.NDArray[np.int64]
    capped_buckets: int


def candidate_pairs(
    keys: U64, *, max_bucket_size: int = 200, active: npt.NDArray[np.bool_] | None = None
) -> Candidates:
    """All pairs of rows sharing a key in at least one band.

    A bucket holding more than ``max_bucket_size`` rows (a stock phrase, a thousand
    copies of one story) links each member to the bucket's first member only, so it
    adds m - 1 pairs instead of m * (m - 1) / 2, and is counted as capped. Rows where
    ``active`` is False (empty documents) never become candidates.

    >>> k = np.array([[1, 5], [1, 6], [2, 6]], dtype=np.uint64)
    >>> candidate_pairs(k).pairs.tolist()
    [[0, 1], [1, 2]]
    """
    n, bands = keys.shape
    rows_all = np.arange(n, dtype=np.int64) if active is None else np.flatnonzero(active).astype(np.int64)
    found: list[I64] = []
    capped = 0
    for band in range(bands):
        column = keys[rows_all, band]
        order = np.argsort(column, kind="stable")
        sorted_keys = column[order]
        members = rows_all[order]
        if len(sorted_keys) < 2:
            continue
        boundaries = np.flatnonzero(np.diff(sorted_keys)) + 1
        starts = np.concatenate(([0], boundaries))
        sizes = np.diff(np.concatenate((starts, [len(sorted_keys)])))
        for size in np.unique(sizes[sizes >= 2]):
            group_starts = starts[sizes == size]
            if size > max_bucket_size:
                capped += len(group_starts)
                offsets = np.arange(1, int(size))
                found.append(
                    np.stack(
                        [
                            np.repeat(members[group_starts], len(offsets)),
                            members[(group_starts[:, None] + offsets[None, :]).ravel()],
                        ],
                        axis=1,
                    )
                )
                continue
            left, right = np.triu_indices(int(size), 1)
            found.append(
                np.stack(
                    [
                        members[(group_starts[:, None] + left[None, :]).ravel()],
                        members[(group_starts[:, None] + right[None, :]).ravel()],
                    ],
                    axis=1,
                )
            )
    if not found:
        return Candidates(np.empty((0, 2), dtype=np.int64), capped)
    pairs = np.sort(np.concatenate(found), axis=1)
    codes = np.unique(pairs[:, 0] * np.int64(n) + pairs[:, 1])  # one int64 per pair: a fast 1-D unique
    return Candidates(np.stack([codes // n, codes % n], axis=1), capped)
