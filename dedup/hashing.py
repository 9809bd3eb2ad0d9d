"""The only place text becomes integers: stable 64-bit hashes, the same in every process.

Python's built-in ``hash()`` is salted per process, so it is never used here. A token's
hash is a polynomial in its code points modulo 2**64, finished by MurmurHash3's
``fmix64``: computed for all tokens of many texts at once (``run_hashes``), with a
plain loop (``token_hash``) as its reference. Everything is arithmetic on numpy
``uint64`` arrays, which wraps modulo 2**64 on every machine.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt

HASH_SCHEME = 3
"""Version of the mapping from text to token hashes (tokenisation and hashing).

Bumped whenever the same text would give other hashes; an index records the scheme
it was built with and is refused under another one (``IndexMismatchError``). 1: words
only, BLAKE2b; 2: letters of scripts written without spaces (Chinese, ...) are tokens
of their own; 3: the polynomial token hash below, computed for all tokens at once.
"""

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]

_MULTIPLIER = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime: mixes each step before the next
_MASK = (1 << 64) - 1
_BASE = 0x9E3779B97F4A7C15  # odd, so invertible modulo 2**64
_LOW_BITS = 18  # powers are tabled for 2**18 positions; beyond, as low * high (up to 2**32)
_CACHE_LIMIT = 2_000_000
_token_cache: dict[str, int] = {}


def token_hash(token: str) -> int:
    """Stable 64-bit hash of one normalised token: ``fmix64(sum(code_point[j] * BASE**j) mod 2**64)``.

    A polynomial in the code points, so ``run_hashes`` computes it for every token of
    many texts at once from prefix sums; this loop is its reference.

    >>> token_hash("russia") == token_hash("russia")
    True
    >>> token_hash("russia") != token_hash("russian")
    True
    """
    cached = _token_cache.get(token)
    if cached is None:
        value, power = 0, 1
        for char in token:
            value = (value + ord(char) * power) & _MASK
            power = (power * _BASE) & _MASK
        cached = _fmix64_int(value)
        if len(_token_cache) >= _CACHE_LIMIT:
            _token_cache.clear()
        _token_cache[token] = cached
    return cached


def token_hashes(tokens: list[str]) -> U64:
    """Hash a list of tokens to a uint64 array (one stable hash per token)."""
    return np.fromiter((token_hash(t) for t in tokens), dtype=np.uint64, count=len(tokens))


def run_hashes(codes: U32 | U64, starts: I64, ends: I64) -> U64:
    """``token_hash`` of every run ``codes[starts[i]:ends[i]]`` of code points, for all runs at once.

    With prefix sums ``S`` of ``codes[j] * BASE**j``, a run's polynomial is
    ``(S[end] - S[start]) * BASE**-start``: two passes over the code points, then a few
    operations per run, instead of a Python loop per token.

    >>> codes = np.array([ord(c) for c in "the cat"], dtype=np.uint64)
    >>> hashes = run_hashes(codes, np.array([0, 4]), np.array([3, 7]))
    >>> hashes.tolist() == [token_hash("the"), token_hash("cat")]
    True
    """
    n = len(codes)
    prefix = np.empty(n + 1, dtype=np.uint64)
    prefix[0] = 0
    low, _, high, _ = _tables()
    with np.errstate(over="ignore"):
        # BASE**j = low[j mod 2**18] * high[j // 2**18], one tabled block of positions at a time.
        for first in range(0, n, len(low)):
            weighted = prefix[1 + first : 1 + min(n, first + len(low))]
            np.multiply(codes[first : first + len(weighted)], low[: len(weighted)], out=weighted)
            if first:
                weighted *= high[first >> _LOW_BITS]
        np.cumsum(prefix[1:], out=prefix[1:])
        polynomial: U64 = prefix[ends] - prefix[starts]
        polynomial *= _inverse_powers_at(starts)
    return _fmix64_inplace(polynomial)


def _fmix64_int(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _MASK
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _MASK
    return h ^ (h >> 33)


@functools.cache
def _tables() -> tuple[U64, U64, U64, U64]:
    """BASE**j and BASE**-j for j below 2**18, and for multiples of 2**18 below 2**32."""
    size = 1 << _LOW_BITS

    def powers(base: int) -> U64:
        out = np.ones(size, dtype=np.uint64)
        with np.errstate(over="ignore"):
            np.cumprod(np.full(size - 1, base, dtype=np.uint64), out=out[1:])
        return out

    inverse = pow(_BASE, -1, 1 << 64)
    return (
        powers(_BASE),
        powers(inverse),
        powers(pow(_BASE, size, 1 << 64)),
        powers(pow(inverse, size, 1 << 64)),
    )


def _inverse_powers_at(positions: I64) -> U64:
    _, low, _, high = _tables()
    if len(positions) == 0 or int(positions.max()) < len(low):
        result: U64 = low[positions]
        return result
    with np.errstate(over="ignore"):
        combined: U64 = low[positions & (len(low) - 1)] * high[positions >> _LOW_BITS]
    return combined


def fmix64(values: U64) -> U64:
    """MurmurHash3's 64-bit finaliser: an avalanching bijection on uint64 arrays."""
    return _fmix64_inplace(values.copy())


def _fmix64_inplace(h: U64) -> U64:
    """``fmix64`` overwriting ``h``: no temporary arrays but one for the shifts."""
    shifted = np.empty_like(h)
    with np.errstate(over="ignore"):
        for multiplier in (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53):
            np.right_shift(h, np.uint64(33), out=shifted)
            np.bitwise_xor(h, shifted, out=h)
            np.multiply(h, np.uint64(multiplier), out=h)
        np.right_shift(h, np.uint64(33), out=shifted)
        np.bitwise_xor(h, shifted, out=h)
    return h


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
    h = np.bitwise_xor(values[:n], np.uint64(0xCBF29CE484222325))
    with np.errstate(over="ignore"):
        np.multiply(h, _MULTIPLIER, out=h)
        for j in range(1, k):
            np.bitwise_xor(h, values[j : j + n], out=h)
            np.multiply(h, _MULTIPLIER, out=h)
    return _fmix64_inplace(h)
