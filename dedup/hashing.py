"""The only place text becomes integers: stable 64-bit hashes, the same in every process.

Python's built-in ``hash()`` is salted per process, so it is never used here. A token's
hash mixes the 64-bit words of its UTF-8 bytes, finished by MurmurHash3's ``fmix64``:
computed for all tokens of many texts at once (``byte_run_hashes``), with a plain loop
(``token_hash``) as its reference. Everything is arithmetic on numpy ``uint64``
arrays, which wraps modulo 2**64 on every machine.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

HASH_SCHEME = 3
"""Version of the mapping from text to token hashes (tokenisation and hashing).

Bumped whenever the same text would give other hashes; an index records the scheme
it was built with and is refused under another one (``IndexMismatchError``). 1: words
only, BLAKE2b; 2: letters of scripts written without spaces (Chinese, ...) are tokens
of their own; 3: the word-wise token hash below, computed for all tokens at once.
"""

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]

_MULTIPLIER = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime: mixes each step before the next
_MASK = (1 << 64) - 1
_WORD_MULTIPLIER = 0x9E3779B97F4A7C15  # odd (each step is a bijection), with bits spread over the word
_VECTOR_BYTES = 64  # runs up to this long are hashed vectorised, 8 bytes a step
_LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [_MASK], dtype=np.uint64)
_CACHE_LIMIT = 2_000_000
_token_cache: dict[str, int] = {}


def token_hash(token: str) -> int:
    """Stable 64-bit hash of one normalised token, from its UTF-8 bytes read as 64-bit words.

    ``h = length``; then for each 8-byte little-endian word ``w`` (the last one padded
    with zeros) ``h = (h ^ w) * MULTIPLIER mod 2**64``; finally ``fmix64(h)``. Most words
    are one 64-bit word, and then the hash is a bijection of it: two distinct words of
    up to 8 bytes never collide. ``byte_run_hashes`` computes the same for every token of
    many texts at once; this loop is its reference.

    >>> token_hash("russia") == token_hash("russia")
    True
    >>> token_hash("russia") != token_hash("russian")
    True
    """
    cached = _token_cache.get(token)
    if cached is None:
        cached = _fmix64_int(_chunked(token.encode("utf-8")))
        if len(_token_cache) >= _CACHE_LIMIT:
            _token_cache.clear()
        _token_cache[token] = cached
    return cached


def _chunked(data: bytes) -> int:
    value = len(data)
    for first in range(0, len(data), 8):
        word = int.from_bytes(data[first : first + 8], "little")
        value = ((value ^ word) * _WORD_MULTIPLIER) & _MASK
    return value


def token_hashes(tokens: list[str]) -> U64:
    """Hash a list of tokens to a uint64 array (one stable hash per token)."""
    return np.fromiter((token_hash(t) for t in tokens), dtype=np.uint64, count=len(tokens))


def byte_run_hashes(data: U8, starts: I64, ends: I64) -> U64:
    """``token_hash`` of every run ``data[starts[i]:ends[i]]`` of bytes (the tokens' UTF-8), at once.

    ``data`` must hold 8 more bytes after the last run. Each run's words are read
    straight from the buffer (one unaligned 64-bit load per word, masked to the run's
    length), a few operations per token instead of a Python loop; runs longer than
    ``_VECTOR_BYTES`` (rare) are hashed by the reference loop.

    >>> data = np.frombuffer(b"the cat" + bytes(8), dtype=np.uint8)
    >>> hashes = byte_run_hashes(data, np.array([0, 4]), np.array([3, 7]))
    >>> hashes.tolist() == [token_hash("the"), token_hash("cat")]
    True
    """
    words = np.ndarray(buffer=data, dtype="<u8", shape=(len(data) - 7,), strides=(1,))
    lengths = ends - starts
    # Runs of more than one word are few: find them first, then reuse lengths as the hashes.
    more = np.flatnonzero(lengths > 8)
    more_lengths = lengths[more]
    vector = more_lengths <= _VECTOR_BYTES
    at, at_lengths = more[vector], more_lengths[vector]
    longest = more[~vector].tolist()
    low_bytes = _LOW_BYTES[np.minimum(lengths, 8)]
    h = lengths.view(np.uint64)  # lengths are positive: the same bits
    with np.errstate(over="ignore"):
        # The first word of every run at once (longer runs are redone below), then the few longer ones.
        np.bitwise_and(words[starts], low_bytes, out=low_bytes)
        h ^= low_bytes
        h *= np.uint64(_WORD_MULTIPLIER)
        offset = 8
        while len(at):
            left = at_lengths - offset
            value = h[at] ^ (words[starts[at] + offset] & _LOW_BYTES[np.minimum(left, 8)])
            h[at] = value * _WORD_MULTIPLIER
            offset += 8
            go_on = left > 8
            at, at_lengths = at[go_on], at_lengths[go_on]
    for long in longest:
        h[long] = _chunked(data[starts[long] : ends[long]].tobytes())
    return fmix64_inplace(h)


def _fmix64_int(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _MASK
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _MASK
    return h ^ (h >> 33)


def fmix64(values: U64) -> U64:
    """MurmurHash3's 64-bit finaliser: an avalanching bijection on uint64 arrays."""
    return fmix64_inplace(values.copy())


def fmix64_inplace(h: U64) -> U64:
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
    return fmix32_inplace(values.copy(), np.empty_like(values))


def fmix32_inplace(h: U32, spare: U32) -> U32:
    """``fmix32`` overwriting ``h``, with ``spare`` (same shape) for the shifts: no temporaries."""
    with np.errstate(over="ignore"):
        for shift, multiplier in ((16, 0x85EBCA6B), (13, 0xC2B2AE35)):
            np.right_shift(h, np.uint32(shift), out=spare)
            np.bitwise_xor(h, spare, out=h)
            np.multiply(h, np.uint32(multiplier), out=h)
        np.right_shift(h, np.uint32(16), out=spare)
        np.bitwise_xor(h, spare, out=h)
    return h


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
    return fmix64_inplace(h)
