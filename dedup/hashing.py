"""The only place text becomes integers: stable 64-bit hashes, the same in every process.

Python's built-in ``hash()`` is salted per process, so it is never used here. Tokens
are hashed once with BLAKE2b (cached per distinct word: news vocabularies are small);
everything after that is arithmetic on numpy ``uint64`` arrays, which wraps modulo
2**64 on every machine.
"""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

HASH_SCHEME = 2
"""Version of the mapping from text to token hashes (tokenisation and hashing).

Bumped whenever the same text would give other hashes; an index records the scheme
it was built with and is refused under another one (``IndexMismatchError``). 1: words
only; 2: letters of scripts written without spaces (Chinese, ...) are tokens of their own.
"""

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

_MULTIPLIER = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime: mixes each step before the next
_CACHE_LIMIT = 2_000_000
_token_cache: dict[str, int] = {}


def token_hash(token: str) -> int:
    """Stable 64-bit hash of one normalised token.

    >>> token_hash("russia") == token_hash("russia")
    True
    >>> token_hash("russia") != token_hash("russian")
    True
    """
    cached = _token_cache.get(token)
    if cached is None:
        cached = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")
        if len(_token_cache) >= _CACHE_LIMIT:
            _token_cache.clear()
        _token_cache[token] = cached
    return cached


def token_hashes(tokens: list[str]) -> U64:
    """Hash a list of tokens to a uint64 array (one stable hash per token)."""
    return np.fromiter((token_hash(t) for t in tokens), dtype=np.uint64, count=len(tokens))


def fmix64(values: U64) -> U64:
    """MurmurHash3's 64-bit finaliser: an avalanching bijection on uint64 arrays."""
    h = values ^ (values >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    mixed: U64 = h ^ (h >> np.uint64(33))
    return mixed


def fmix32(values: U32) -> U32:
    """MurmurHash3's 32-bit finaliser, as datasketch applies it before its affine32 permutations."""
    h = values ^ (values >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    mixed: U32 = h ^ (h >> np.uint32(16))
    return mixed


def combine_runs(values: U64, k: int) -> U64:
    """Hash every run of ``k`` consecutive values into one uint64, order-sensitively.

    Returns ``len(values) - k + 1`` hashes (none when there are fewer than k values).

    >>> v = np.array([1, 2, 3, 4], dtype=np.uint64)
    >>> combine_runs(v, 2).shape
    (3,)
    >>> int(combine_runs(v, 2)[0]) != int(combine_runs(v[::-1].copy(), 2)[2])
    True
    """
    n = len(values) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    h = np.full(n, np.uint64(0xCBF29CE484222325), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = (h ^ values[j : j + n]) * _MULTIPLIER
    return fmix64(h)
