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
import numpy.typing as npt

from dedup.hashing import U32, U64, fmix32

EMPTY = np.uint32(0xFFFFFFFF)
_CHUNK_CELLS = 1 << 22  # shingles x permutations per block: bounds temporary memory to ~16 MB


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
        """Every permutation applied to every shingle: shape (len(shingle_hashes), num_perm)."""
        hv = fmix32((shingle_hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32))
        with np.errstate(over="ignore"):
            out: U32 = hv[:, None] * self.a[None, :] + self.b[None, :]
        return out

    def sign(self, shingle_hashes: U64) -> U32:
        """Signature of one shingle set (all ``EMPTY`` when it has no shingles)."""
        signature: U32 = self.sign_many([shingle_hashes])[0]
        return signature

    def sign_many(self, shingle_sets: Sequence[U64]) -> U32:
        """Signatures of many shingle sets at once: shape (len(shingle_sets), num_perm)."""
        lengths = np.fromiter((len(s) for s in shingle_sets), dtype=np.int64, count=len(shingle_sets))
        out = np.full((len(shingle_sets), self.num_perm), EMPTY, dtype=np.uint32)
        nonempty = np.flatnonzero(lengths)
        if len(nonempty) == 0:
            return out
        rows_per_chunk = max(1, _CHUNK_CELLS // self.num_perm)
        start = 0
        while start < len(nonempty):
            # Take whole documents until the block holds about rows_per_chunk shingles.
            stop = start + 1
            total = int(lengths[nonempty[start]])
            while stop < len(nonempty) and total + lengths[nonempty[stop]] <= rows_per_chunk:
                total += int(lengths[nonempty[stop]])
                stop += 1
            docs = nonempty[start:stop]
            values = np.concatenate([shingle_sets[i] for i in docs])
            offsets = np.concatenate(([0], np.cumsum(lengths[docs])[:-1]))
            out[docs] = np.minimum.reduceat(self.permuted(values), offsets, axis=0)
            start = stop
        return out

    def sign_ranges(
        self, shingle_hashes: U64, starts: npt.NDArray[np.int64], stops: npt.NDArray[np.int64]
    ) -> U32:
        """Signatures of many (possibly overlapping) ranges of one shingle array, e.g. passage windows.

        Each range ``[starts[i], stops[i])`` must be non-empty.
        """
        if len(starts) == 0:
            return np.empty((0, self.num_perm), dtype=np.uint32)
        permuted = self.permuted(shingle_hashes)
        # reduceat over interleaved (start, stop) boundaries: even results are the windows.
        padded = np.vstack([permuted, np.full((1, self.num_perm), EMPTY, dtype=np.uint32)])
        bounds = np.empty(2 * len(starts), dtype=np.int64)
        bounds[0::2] = starts
        bounds[1::2] = stops
        result: U32 = np.minimum.reduceat(padded, bounds, axis=0)[0::2]
        return result

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


def estimate_jaccard(a: U32, b: U32) -> float:
    """Share of equal signature entries: MinHash's estimate of the Jaccard similarity."""
    return float(np.count_nonzero(a == b)) / len(a)
