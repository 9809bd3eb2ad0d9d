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
_BLOCK_CELLS = 1 << 19  # permutations x shingles per block: 2 MB of uint32, within the CPU cache


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
        values = np.concatenate(shingle_sets) if len(shingle_sets) else np.empty(0, dtype=np.uint64)
        return self.sign_runs(values, lengths)

    def sign_runs(self, values: U64, lengths: I64) -> U32:
        """Signatures of consecutive runs of ``values``: run i is the next ``lengths[i]`` of them.

        Documents are taken a few thousand shingles at a time, so the permuted block
        (num_perm x shingles) stays in the CPU cache; a longer document is signed in
        pieces whose minima are combined.
        """
        out = np.full((len(lengths), self.num_perm), EMPTY, dtype=np.uint32)
        premixed = _premix(values)
        ends = np.cumsum(lengths)
        starts = ends - lengths
        block = max(1, _BLOCK_CELLS // self.num_perm)
        buffer = np.empty(self.num_perm * block, dtype=np.uint32)
        short = np.flatnonzero((lengths > 0) & (lengths <= block))
        short_starts, short_ends = starts[short], ends[short]
        i = 0
        while i < len(short):
            lo = int(short_starts[i])
            j = max(i + 1, int(np.searchsorted(short_ends, lo + block, side="right")))
            hi = int(short_ends[j - 1])
            permuted = buffer[: self.num_perm * (hi - lo)].reshape(self.num_perm, hi - lo)
            self._permute(premixed[lo:hi], permuted)
            # Runs between short[i] and short[j - 1] are empty (a longer one would not fit the
            # block), so the segments tile [lo, hi).
            out[short[i:j]] = np.minimum.reduceat(permuted, short_starts[i:j] - lo, axis=1).T
            i = j
        for doc in np.flatnonzero(lengths > block).tolist():
            for lo in range(int(starts[doc]), int(ends[doc]), block):
                hi = min(lo + block, int(ends[doc]))
                permuted = buffer[: self.num_perm * (hi - lo)].reshape(self.num_perm, hi - lo)
                self._permute(premixed[lo:hi], permuted)
                np.minimum(out[doc], permuted.min(axis=1), out=out[doc])
        return out

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
        block = max(int((stops - starts).max()), _BLOCK_CELLS // self.num_perm)
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
    return fmix32((shingle_hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32))


def estimate_jaccard(a: U32, b: U32) -> float:
    """Share of equal signature entries: MinHash's estimate of the Jaccard similarity."""
    return float(np.count_nonzero(a == b)) / len(a)
