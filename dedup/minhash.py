"""Batched MinHash signatures, bit-for-bit equal to datasketch's ``affine32`` scheme.

datasketch (>= 2.0) pre-mixes each 32-bit input hash with MurmurHash3's finaliser,
then applies ``a * h + b mod 2**32`` per permutation, with (a, b) drawn from
``numpy.random.RandomState(seed)``. We do the same arithmetic on all shingles of many
documents at once, so a signature converts losslessly to ``datasketch.MinHash`` and
users can mix ours with datasketch's LSH Forest, LSH Ensemble and storage backends.
The 32-bit input of a shingle is the low half of its stable 64-bit hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dedup.hashing import I64, U32, U64, fmix32

EMPTY = np.uint32(0xFFFFFFFF)
_BLOCK_SHINGLES = 8192  # shingles permuted at once by sign_runs (whole documents)
_PERM_GROUP = 32  # permutations applied at once: a block is 32 x 8192 uint32, 1 MB
_RANGE_BLOCK_CELLS = 1 << 19  # shingles x permutations of one sign_ranges table: 2 MB


class Signer:
    """Makes MinHash signatures with ``num_perm`` seeded permutations.

    >>> s = Signer(num_perm=4, seed=1)
    >>> s.sign(np.array([1, 2, 3], dtype=np.uint64)).shape
    (4,)
    """

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        self.num_perm = num_perm
        self.seed = seed
        gen = np.random.RandomState(seed)
        self.a: U32 = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        self.b: U32 = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)

    def permuted(self, shingle_hashes: U64) -> U32:
        """Every permutation applied to every shingle: shape (num_perm, len(shingle_hashes)).

        Permutations are rows, so each ufunc runs along contiguous shingles and the
        minimum of a document is a reduction along the row.
        """
        out = np.empty((self.num_perm, len(shingle_hashes)), dtype=np.uint32)
        self._permute(_premix(shingle_hashes), out)
        return out

    def _permute(self, premixed: U32, out: U32) -> None:
        with np.errstate(over="ignore"):
            np.multiply(self.a[:, None], premixed[None, :], out=out)
            np.add(out, self.b[:, None], out=out)

    def sign(self, shingle_hashes: U64) -> U32:
        """Signature of one shingle set (all ``EMPTY`` when it has no shingles)."""
        signature: U32 = self.sign_many([shingle_hashes])[0]
        return signature

    def sign_many(self, shingle_sets: Sequence[U64]) -> U32:
        """Signatures of many shingle sets at once: shape (len(shingle_sets), num_perm).

        Repeated values in a set do not change its signature (it is a minimum), so
        shingle arrays need not be made distinct first.
        """
        lengths = np.fromiter((len(s) for s in shingle_sets), dtype=np.int64, count=len(shingle_sets))
        out = np.empty((len(shingle_sets), self.num_perm), dtype=np.uint32)
        sizes = lengths.tolist()
        first = 0
        while first < len(sizes):
            # A block's worth of sets at a time: the concatenated values stay small and in cache.
            last, total = first + 1, sizes[first]
            while last < len(sizes) and total + sizes[last] <= _BLOCK_SHINGLES:
                total += sizes[last]
                last += 1
            values = np.concatenate(shingle_sets[first:last])
            out[first:last] = self.sign_runs(values, lengths[first:last])
            first = last
        return out

    def sign_runs(self, values: U64, lengths: I64) -> U32:
        """Signatures of consecutive runs of ``values``: run i is the next ``lengths[i]`` of them.

        Whole documents are taken ``_BLOCK_SHINGLES`` shingles at a time and permuted
        ``_PERM_GROUP`` permutations at a time: a block of 1 MB stays in the CPU cache,
        and rows of several thousand shingles keep numpy in its fast loops (rows of
        1,000-4,000 ran 1.5-3x slower per value, measured). A longer document is
        signed in pieces whose minima are combined.
        """
        out = np.full((len(lengths), self.num_perm), EMPTY, dtype=np.uint32)
        ends = np.cumsum(lengths)
        starts = ends - lengths
        block = _BLOCK_SHINGLES
        group = min(_PERM_GROUP, self.num_perm)
        buffer = np.empty(group * block, dtype=np.uint32)
        short = np.flatnonzero((lengths > 0) & (lengths <= block))
        short_starts, short_ends = starts[short], ends[short]
        i = 0
        while i < len(short):
            lo = int(short_starts[i])
            j = max(i + 1, int(np.searchsorted(short_ends, lo + block, side="right")))
            hi = int(short_ends[j - 1])
            # Runs between short[i] and short[j - 1] are empty (a longer one would not fit the
            # block), so the segments tile [lo, hi).
            offsets = short_starts[i:j] - lo
            premixed = _premix(values[lo:hi])  # per block: small temporaries, in cache
            for first in range(0, self.num_perm, group):
                perms = slice(first, min(first + group, self.num_perm))
                permuted = self._permute_block(premixed, perms, buffer)
                out[short[i:j], perms] = np.minimum.reduceat(permuted, offsets, axis=1).T
            i = j
        for doc in np.flatnonzero(lengths > block).tolist():
            for lo in range(int(starts[doc]), int(ends[doc]), block):
                hi = min(lo + block, int(ends[doc]))
                premixed = _premix(values[lo:hi])
                for first in range(0, self.num_perm, group):
                    perms = slice(first, min(first + group, self.num_perm))
                    permuted = self._permute_block(premixed, perms, buffer)
                    np.minimum(out[doc, perms], permuted.min(axis=1), out=out[doc, perms])
        return out

    def _permute_block(self, premixed: U32, perms: slice, buffer: U32) -> U32:
        """Permutations ``perms`` of the premixed values, written into (a view of) ``buffer``."""
        rows = perms.stop - perms.start
        permuted = buffer[: rows * len(premixed)].reshape(rows, len(premixed))
        with np.errstate(over="ignore"):
            np.multiply(self.a[perms, None], premixed[None, :], out=permuted)
            np.add(permuted, self.b[perms, None], out=permuted)
        return permuted

    def sign_ranges(self, shingle_hashes: U64, starts: I64, stops: I64) -> U32:
        """Signatures of many (possibly overlapping) ranges of one shingle array, e.g. passage windows.

        Each range ``[starts[i], stops[i])`` must be non-empty. Overlapping windows share
        most of their shingles, so each permuted row gets a sparse table of minima over
        runs of 1, 2, 4, ... shingles (one ``np.minimum`` of two shifted slices per
        level); a range's minimum is then the smaller of two table entries that cover
        it. Ranges are taken in order of their starts, a block of shingles at a time.
        """
        out = np.empty((len(starts), self.num_perm), dtype=np.uint32)
        if len(starts) == 0:
            return out
        order = np.argsort(starts, kind="stable")
        starts, stops = starts[order], stops[order]
        levels = np.log2(stops - starts).astype(np.int64)  # floor: 2**level <= length
        premixed = _premix(shingle_hashes)
        block = max(int((stops - starts).max()), _RANGE_BLOCK_CELLS // self.num_perm)
        reach = np.maximum.accumulate(stops)
        i = 0
        while i < len(starts):
            lo = int(starts[i])
            j = max(i + 1, int(np.searchsorted(reach, lo + block, side="right")))
            hi = int(reach[j - 1])
            # Shingles are rows here: a range's two table entries are two contiguous rows.
            with np.errstate(over="ignore"):
                table = np.multiply(premixed[lo:hi, None], self.a[None, :])
                np.add(table, self.b[None, :], out=table)
            first, last = starts[i:j] - lo, stops[i:j] - lo
            level = levels[i:j]
            for k in range(int(level.max()) + 1):
                if k:  # table[x] becomes the minimum of the 2**k shingles from x on
                    span = 1 << (k - 1)
                    table = np.minimum(table[:-span], table[span:])
                at = np.flatnonzero(level == k)
                if len(at):
                    out[order[i + at]] = np.minimum(table[first[at]], table[last[at] - (1 << k)])
            i = j
        return out

    def to_datasketch(self, signature: U32) -> Any:
        """The same signature as a ``datasketch.MinHash`` (scheme ``affine32``)."""
        from datasketch import MinHash

        return MinHash(
            seed=self.seed,
            hashvalues=signature,
            permutations=np.array([self.a, self.b]),
            scheme="affine32",
        )

    def from_datasketch(self, minhash: Any) -> U32:
        """A datasketch ``affine32`` MinHash made with this signer's seed, as our signature."""
        if getattr(minhash, "scheme", None) != "affine32" or minhash.seed != self.seed:
            raise ValueError(
                "only datasketch MinHash objects with scheme='affine32' and the same seed convert"
            )
        values: U32 = np.asarray(minhash.hashvalues, dtype=np.uint32)
        return values


def _premix(shingle_hashes: U64) -> U32:
    """What datasketch permutes: MurmurHash3's fmix32 of each hash's low 32 bits."""
    return fmix32(shingle_hashes.astype(np.uint32))  # the cast keeps the low 32 bits


def estimate_jaccard(a: U32, b: U32) -> float:
    """Share of equal signature entries: MinHash's estimate of the Jaccard similarity."""
    return float(np.count_nonzero(a == b)) / len(a)
