"""An optional compiled kernel measured beside dedup's numpy signatures: how far one fused loop gets.

Not part of dedup, and numba is not one of its dependencies. When numba is installed
(``pip install numba``), the signatures benchmark adds a contestant that does dedup's
text handling (``tokenize_many`` + ``shingles_many``) and then the 128 affine32
permutations and the minima in one compiled loop: each shingle's premixed value is
multiplied, added and compared in registers, where numpy makes three passes over memory.
Its signatures are checked to equal dedup's. It shows whether the floor target needs
a compiled kernel.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dedup.hashing import U32, U64, fmix32
from dedup.minhash import Signer


def signer_with_numba() -> Callable[[Signer, Sequence[U64]], U32] | None:
    """``sign(signer, shingle_sets)`` compiled with numba, or None when numba is not installed."""
    try:
        numba: Any = importlib.import_module("numba")
    except ImportError:
        return None

    @numba.njit(nogil=True, boundscheck=False)  # type: ignore[misc]
    def minima(mixed: U32, offsets: Any, a: U32, b: U32, out: U32) -> None:
        acc = np.empty(a.shape[0], np.uint32)
        for doc in range(offsets.shape[0] - 1):
            acc[:] = np.uint32(0xFFFFFFFF)
            for i in range(offsets[doc], offsets[doc + 1]):
                x = mixed[i]
                for p in range(a.shape[0]):
                    acc[p] = min(acc[p], np.uint32(a[p] * x + b[p]))
            out[doc, :] = acc

    def sign(signer: Signer, shingle_sets: Sequence[U64]) -> U32:
        lengths = np.fromiter((len(s) for s in shingle_sets), dtype=np.int64, count=len(shingle_sets))
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        mixed = fmix32(np.concatenate(shingle_sets).astype(np.uint32))  # the low 32 bits, premixed
        out = np.empty((len(lengths), signer.num_perm), dtype=np.uint32)
        minima(mixed, offsets, signer.a, signer.b, out)
        return out

    warm = Signer(4, 1)
    sign(warm, [np.arange(3, dtype=np.uint64)])  # compile now, not inside a timed round
    return sign
