"""Locality-sensitive hashing: band keys and candidate pairs by sorting arrays, not dicts of sets.

A pair of signatures becomes a candidate when all ``rows`` values of at least one of
``bands`` bands agree; with Jaccard s that happens with probability
``1 - (1 - s**rows)**bands``. ``choose_bands`` picks the split for a threshold the way
datasketch's ``MinHashLSH`` does: minimising the equally weighted areas of false
positives (below the threshold) and false negatives (above it).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from dedup.hashing import U32, U64, fmix64_inplace
from dedup.parallel import ordered_map

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
    looked up within a band. All bands are hashed at once, one pass per row of a band
    (63 column passes for passage windows before, 2.7x slower; 24x for 256 documents).
    """
    n = signatures.shape[0]
    cells = signatures[:, : bands * rows].reshape(n, bands, rows)
    h = np.empty((n, bands), dtype=np.uint64)
    h[:] = np.uint64(0xCBF29CE484222325) ^ np.arange(bands, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for row in range(rows):
            np.bitwise_xor(h, cells[:, :, row], out=h)
            np.multiply(h, _MULTIPLIER, out=h)
    return fmix64_inplace(h)


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
    codes = _DistinctCodes()
    capped = 0
    for band in range(bands):
        band_codes, band_capped = _band_codes(keys[rows_all, band], rows_all, n, max_bucket_size)
        codes.add(band_codes)
        capped += band_capped
    return _from_codes(codes.result(), n, capped)


def _band_codes(
    column: U64,
    members_all: I64 | None,
    n: int,
    max_bucket_size: int,
    groups: npt.NDArray[np.integer[Any]] | None = None,
) -> tuple[I64, int]:
    """Pairs ``i * n + j`` (``i < j``) of rows sharing a key in one band, and its capped buckets.

    Row ``k`` of ``column`` is row ``members_all[k]`` (``k`` itself when None). Each
    row has one key per band, so no pair occurs twice within a band. With ``groups``,
    pairs of rows in the same group are dropped here, before they pile up.
    """
    if len(column) < 2:
        return np.empty(0, dtype=np.int64), 0
    rows, opens = _buckets(column)
    members = rows if members_all is None else members_all[rows]
    starts = np.flatnonzero(opens)
    sizes = np.diff(np.append(starts, len(rows)))
    found: list[I64] = []
    capped = 0
    # Buckets by size (every capped bucket in one class), then position: sizes clipped to a
    # small integer type sort by radix, in linear time (an int64 argsort over millions of
    # buckets was an eighth of the window LSH at 100k articles).
    size_class = np.minimum(sizes, max_bucket_size + 1)
    if max_bucket_size < np.iinfo(np.uint16).max:
        size_class = size_class.astype(np.uint16)
    by_size = np.argsort(size_class, kind="stable")
    size_bounds = np.flatnonzero(np.diff(size_class[by_size])) + 1
    for same_size in np.split(by_size, size_bounds) if len(by_size) else []:
        # One pass per distinct size over only that size's buckets: selecting them with
        # ``sizes == size`` over every bucket made this quadratic in the number of rows.
        size = int(sizes[same_size[0]])
        group_starts = starts[same_size]
        if size > max_bucket_size:  # capped buckets, of any sizes: each member with the first
            capped += len(group_starts)
            pairs = [
                (np.repeat(members[start], bucket_size - 1), members[start + 1 : start + bucket_size])
                for start, bucket_size in zip(group_starts.tolist(), sizes[same_size].tolist(), strict=True)
            ]
        else:
            first, second = np.triu_indices(size, 1)
            pairs = [
                (
                    members[(group_starts[:, None] + first[None, :]).ravel()],
                    members[(group_starts[:, None] + second[None, :]).ravel()],
                )
            ]
        for left, right in pairs:
            if groups is not None:
                across = groups[left] != groups[right]
                left, right = left[across], right[across]
            # Members of a bucket are in row order (stable sort), so left < right already.
            found.append(left * np.int64(n) + right)
    if not found:
        return np.empty(0, dtype=np.int64), capped
    return np.concatenate(found), capped


def _buckets(column: U64) -> tuple[I64, npt.NDArray[np.bool_]]:
    """The rows that share their key with another row, bucket by bucket, each bucket in row order.

    Returns ``(rows, opens)``; ``opens[p]`` is True where a new bucket starts at ``rows[p]``.

    Sorting the keys themselves (numpy's vectorised sort of uint64) is about 15 times faster
    than ``argsort`` on 13 million keys, so each key's low bits are replaced by its row
    number and the packed values are sorted: keys sort by their high bits, rows of one key
    follow in row order. Two different keys with the same high bits (about 80 pairs per
    band among 13 million rows) would share a run, so runs are checked against the full
    keys and the few mixed ones put in key order, which keeps the answer exact.
    """
    bits = max(1, (len(column) - 1).bit_length())
    low = np.uint64((1 << bits) - 1)
    packed = column & ~low
    packed |= np.arange(len(column), dtype=np.uint64)
    packed.sort()
    high = packed >> np.uint64(bits)
    same_as_next = high[1:] == high[:-1]
    del high
    # Only rows in buckets of two or more go on: a small share of the rows, so memory
    # holds a few arrays of all rows (13 million windows at 100k articles), not eight.
    shared = np.zeros(len(column), dtype=bool)
    shared[1:] |= same_as_next
    shared[:-1] |= same_as_next
    positions = np.flatnonzero(shared)
    del shared
    rows = (packed[positions] & low).astype(np.int64)
    del packed
    full = column[rows]
    in_run = same_as_next[positions[1:] - 1]  # position p + 1 continues p's run of high bits
    del same_as_next
    mixed = in_run & (full[1:] != full[:-1])
    if mixed.any():
        run = np.concatenate(([0], np.cumsum(~in_run)))
        fix = np.flatnonzero(np.isin(run, run[1:][mixed]))
        order = np.lexsort((rows[fix], full[fix], run[fix]))  # key order within the run, rows kept in order
        rows[fix], full[fix] = rows[fix][order], full[fix][order]
    opens = np.ones(len(rows), dtype=bool)
    opens[1:] = full[1:] != full[:-1]
    return rows, opens


class _DistinctCodes:
    """Pair codes of band after band, made sorted and distinct as they come.

    A pair of windows of one copied passage collides in most bands, so the bands' codes
    hold each pair about four times (measured on generated news); keeping all of them
    until the end took several times the memory of the answer. Pending codes are merged
    into the distinct ones whenever they outnumber them, so memory stays within a few
    times the answer while the work stays n log n overall.
    """

    def __init__(self, min_merge: int = 1 << 20) -> None:
        self._min_merge = min_merge
        self._distinct: I64 = np.empty(0, dtype=np.int64)
        self._pending: list[I64] = []
        self._pending_count = 0

    def add(self, codes: I64) -> None:
        """Add one band's codes."""
        self._pending.append(codes)
        self._pending_count += len(codes)
        if self._pending_count > max(len(self._distinct), self._min_merge):
            self._merge()

    def _merge(self) -> None:
        ordered = np.sort(np.concatenate([self._distinct, *self._pending]))  # one int64 per pair: a fast sort
        self._pending, self._pending_count = [], 0
        self._distinct = (
            ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered
        )

    def result(self) -> I64:
        """Every code added, once each, sorted."""
        self._merge()
        return self._distinct


def _from_codes(codes: I64, n: int, capped: int) -> Candidates:
    """Candidates from the distinct sorted pair codes ``i * n + j``."""
    return Candidates(np.stack([codes // n, codes % n], axis=1), capped)


class SpilledBands:
    """Band keys of many rows: held in memory up to ``memory_bytes``, past that in files of row blocks.

    Passage windows are many (about 130 per article): holding all their band keys takes
    8 bytes x bands per window, 2.2 GB for 100,000 articles. Spilled, memory holds one
    band's keys at a time (per worker), and the answer is ``candidate_pairs`` of all
    keys at once. Each block file holds its rows' keys band after band, so a band is
    read as one slice of each file. Worker processes may write blocks themselves
    (``write_block`` into ``block_directory()``) and hand in only the path
    (``append_block``): a scan's window keys then never cross a pipe, which cost the
    parent process a third of a core. Use as a context manager; the files are removed on exit.
    """

    def __init__(self, bands: int, *, directory: str | None = None, memory_bytes: int = 1 << 26) -> None:
        self.bands = bands
        self.rows = 0
        self._directory = directory
        self._memory_bytes = memory_bytes
        self._pieces: list[U64 | tuple[str, int]] = []  # held keys, or (block file, rows), in row order
        self._held_bytes = 0
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._blocks = 0

    def __enter__(self) -> SpilledBands:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def block_directory(self) -> str:
        """The directory block files go in (made on first use, removed by ``close``)."""
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="dedup-bands-", dir=self._directory)
        return self._dir.name

    def append(self, keys: U64) -> None:
        """Add rows: ``keys`` has shape (rows, bands)."""
        self._check(keys.shape[1])
        if not self.spilled and self._held_bytes + keys.nbytes <= self._memory_bytes:
            self.rows += keys.shape[0]
            self._pieces.append(keys)
            self._held_bytes += keys.nbytes
            return
        path = str(Path(self.block_directory()) / f"appended-{self._blocks}.u64")
        self._blocks += 1
        write_block(path, keys)
        self.append_block(path, keys.shape[0])

    def append_block(self, path: str, rows: int) -> None:
        """Add the ``rows`` rows that ``write_block`` wrote to ``path`` (the file is removed on close)."""
        self.rows += rows
        self._pieces.append((path, rows))

    def _check(self, bands: int) -> None:
        if bands != self.bands:
            raise ValueError(f"keys have {bands} bands, this spill holds {self.bands}")

    @property
    def spilled(self) -> bool:
        """True once keys went to disk."""
        return any(isinstance(piece, tuple) for piece in self._pieces)

    def band(self, band: int) -> U64:
        """Every row's key in one band.

        Each piece is read straight into its place in the answer: reading the pieces and
        joining them held the band twice (32 million keys at 1 GiB of news, per worker).
        """
        column: U64 = np.empty(self.rows, dtype=np.uint64)
        at = 0
        for piece in self._pieces:
            if isinstance(piece, tuple):
                path, rows = piece
                with Path(path).open("rb") as file:
                    file.seek(8 * band * rows)
                    if file.readinto(column[at : at + rows].data.cast("B")) != 8 * rows:
                        raise OSError(f"band key block {path} ended early")
            else:
                rows = len(piece)
                column[at : at + rows] = piece[:, band]
            at += rows
        return column

    def candidate_pairs(
        self, *, max_bucket_size: int = 200, jobs: int = 1, groups: npt.NDArray[np.integer[Any]] | None = None
    ) -> Candidates:
        """``candidate_pairs`` of every row appended, band by band (bands on up to ``jobs`` processes).

        With ``groups`` (one label per row), only pairs of rows in different groups are
        kept: overlapping windows of one document collide in most bands, and are no
        passage shared between two documents.
        """
        codes, capped = self.candidate_codes(max_bucket_size=max_bucket_size, jobs=jobs, groups=groups)
        return _from_codes(codes, self.rows, capped)

    def candidate_codes(
        self, *, max_bucket_size: int = 200, jobs: int = 1, groups: npt.NDArray[np.integer[Any]] | None = None
    ) -> tuple[I64, int]:
        """``candidate_pairs`` as sorted codes ``i * rows + j`` (one int64 a pair), and capped buckets."""
        codes = _DistinctCodes()
        capped = 0
        for band_codes, band_capped in ordered_map(
            _spilled_band, (self, max_bucket_size, groups), range(self.bands), jobs=jobs
        ):
            codes.add(band_codes)
            capped += band_capped
        return codes.result(), capped

    def close(self) -> None:
        """Remove the files."""
        if self._dir is not None:
            self._dir.cleanup()
        self._pieces, self._dir = [], None


def write_block(path: str, keys: U64) -> None:
    """Write keys of shape (rows, bands) as ``SpilledBands`` reads a block: band after band."""
    np.asfortranarray(keys).T.tofile(path)  # the transpose of a column-major array is row-major


def _spilled_band(
    work: tuple[SpilledBands, int, npt.NDArray[np.integer[Any]] | None], band: int
) -> tuple[I64, int]:
    spill, max_bucket_size, groups = work
    column = spill.band(band)
    return _band_codes(column, None, len(column), max_bucket_size, groups)
