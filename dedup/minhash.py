"""Batched MinHash signatures, bit-for-bit equal to datasketch's ``affine32`` scheme.

datasketch (>= 2.0) pre-mixes each 32-bit input hash with MurmurHash3's finaliser,
then applies ``a * h + b mod 2**32`` per permutation, with (a, b) drawn from
``numpy.random.RandomState(seed)``. We do the same arithmetic on all shingles of many
documents at once, so a signature converts losslessly to ``datasketch.MinHash`` and
users can mix ours with datasketch's LSH Forest, LSH Ensemble and storage backends.
The 32-bit input of a shingle is the low half of its stable 64-bit hash.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dedup.hashing import I64, U32, U64, fmix32, fmix32_inplace

EMPTY = np.uint32(0xFFFFFFFF)
_BLOCK_SHINGLES = 16384  # shingles permuted at once by sign_many and sign_runs (whole documents)
_PERM_GROUP = 16  # permutations applied at once: a block is 16 x 16384 uint32, 1 MB
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

        def values_of(first: int, stop: int) -> U64:
            if stop == first + 1:
                return shingle_sets[first]
            joined: U64 = np.concatenate(shingle_sets[first:stop])
            return joined

        return self._sign(lengths, values_of)

    def sign_runs(self, values: U64, lengths: I64) -> U32:
        """Signatures of consecutive runs of ``values``: run i is the next ``lengths[i]`` of them."""
        ends = np.cumsum(lengths)
        starts = ends - lengths
        return self._sign(lengths, lambda first, stop: values[starts[first] : ends[stop - 1]])

    def _sign(self, lengths: I64, values_of: Callable[[int, int], U64]) -> U32:
        """Signatures of the sets whose sizes are ``lengths``; ``values_of(i, j)`` joins sets i..j-1.

        Whole sets are taken ``_BLOCK_SHINGLES`` shingles at a time (``values_of`` is
        asked for a block's sets at once) and permuted ``_PERM_GROUP`` permutations at a
        time: a block of 1 MB stays in the CPU cache, and long rows keep numpy in its
        fast loops (with rows of 4,096 values or fewer it buffers, and the add ran 2.7x
        slower, measured; 16 rows of 16,384 ran 8% faster than 32 of 8,192 on the
        loaded machine). The minima of a block go straight into a table with the
        permutations as rows, turned once at the end. A set longer than a block is
        signed in pieces whose minima are combined.
        """
        num_perm, block = self.num_perm, _BLOCK_SHINGLES
        ends = np.cumsum(lengths)
        starts = ends - lengths
        short = np.flatnonzero((lengths > 0) & (lengths <= block))
        minima = np.empty((num_perm, len(short)), dtype=np.uint32)
        work = _Work(min(_PERM_GROUP, num_perm), block)
        short_starts, short_ends = starts[short], ends[short]
        i = 0
        while i < len(short):
            lo = int(short_starts[i])
            j = max(i + 1, int(np.searchsorted(short_ends, lo + block, side="right")))
            # Sets between short[i] and short[j - 1] are empty (a longer one would not fit the
            # block), so the block's values are theirs, one after the other.
            mixed = work.premix(values_of(int(short[i]), int(short[j - 1]) + 1))
            self._minima(mixed, short_starts[i:j] - lo, work, minima[:, i:j])
            i = j
        if len(short) == len(lengths):
            return np.ascontiguousarray(minima.T)
        out = np.full((len(lengths), num_perm), EMPTY, dtype=np.uint32)
        out[short] = minima.T
        piece = np.empty((num_perm, 1), dtype=np.uint32)
        for doc in np.flatnonzero(lengths > block).tolist():
            values = values_of(doc, doc + 1)
            for lo in range(0, len(values), block):
                self._minima(work.premix(values[lo : lo + block]), _FIRST, work, piece)
                np.minimum(out[doc], piece[:, 0], out=out[doc])
        return out

    def _minima(self, mixed: U32, offsets: I64, work: _Work, out: U32) -> None:
        """``out[p, i]``: minimum of permutation p over ``mixed[offsets[i]:offsets[i + 1]]`` (or to the end).

        Three numpy passes per group of permutations, each over a block that stays in
        the cache, writing in place: multiply, add, and the minima of every set at once.
        """
        group = work.group
        with np.errstate(over="ignore"):
            for first in range(0, self.num_perm, group):
                last = min(first + group, self.num_perm)
                permuted = work.buffer[: (last - first) * len(mixed)].reshape(last - first, len(mixed))
                np.multiply(self.a[first:last, None], mixed, out=permuted)
                np.add(permuted, self.b[first:last, None], out=permuted)
                np.minimum.reduceat(permuted, offsets, axis=1, out=out[first:last])

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


_FIRST = np.zeros(1, dtype=np.int64)


class _Work:
    """Buffers reused by every block of one ``Signer._sign`` call, so no block allocates."""

    def __init__(self, group: int, block: int) -> None:
        self.group = group
        self.buffer: U32 = np.empty(group * block, dtype=np.uint32)
        self._mixed: U32 = np.empty(block, dtype=np.uint32)
        self._spare: U32 = np.empty(block, dtype=np.uint32)

    def premix(self, shingle_hashes: U64) -> U32:
        """``_premix`` of up to a block of hashes, into the reused buffer (a view of it)."""
        n = len(shingle_hashes)
        mixed = self._mixed[:n]
        np.copyto(mixed, shingle_hashes, casting="unsafe")  # the cast keeps the low 32 bits
        return fmix32_inplace(mixed, self._spare[:n])


def _premix(shingle_hashes: U64) -> U32:
    """What datasketch permutes: MurmurHash3's fmix32 of each hash's low 32 bits."""
    return fmix32(shingle_hashes.astype(np.uint32))  # the cast keeps the low 32 bits


def estimate_jaccard(a: U32, b: U32) -> float:
    """Share of equal signature entries: MinHash's estimate of the Jaccard similarity."""
    return float(np.count_nonzero(a == b)) / len(a)
