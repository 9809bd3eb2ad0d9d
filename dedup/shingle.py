"""Word k-gram shingles: each run of k consecutive tokens hashed to one stable uint64."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dedup.hashing import U64, combine_runs
from dedup.normalize import Tokens

_BATCH_TOKENS = 1 << 15  # tokens whose shingles are hashed at once (256 KB of hashes)


def shingles(tokens: Tokens, k: int = 5) -> U64:
    """Hash every run of k consecutive tokens to a stable 64-bit integer.

    Word shingles, not character n-grams: an edited wire story keeps most of its
    5-word runs, while unrelated stories share almost none. A text with at least one
    but fewer than k words gives one shingle of all its words, so very short texts
    can still be compared; an empty text gives none. Hash ``i`` starts at token ``i``.

    >>> from dedup.normalize import tokenize
    >>> len(shingles(tokenize("the cat sat on the mat"), k=5))
    2
    >>> len(shingles(tokenize("too short"), k=5))
    1
    """
    if len(tokens) == 0:
        return np.empty(0, dtype=np.uint64)
    return combine_runs(tokens.hashes, min(k, len(tokens)))


def shingles_many(tokens: Sequence[Tokens], k: int = 5) -> list[U64]:
    """``shingles(t, k)`` of every text, hashed in one pass over all their token hashes.

    Runs are hashed over the concatenated token hashes of all texts; those that cross
    from one text into the next are simply not handed out.

    >>> from dedup.normalize import tokenize_many
    >>> [len(s) for s in shingles_many(tokenize_many(["a b c d e f", "", "too short"]), k=5)]
    [2, 0, 1]
    """
    out: list[U64] = []
    first = 0
    while first < len(tokens):
        # About _BATCH_TOKENS tokens at a time: the arrays stay small and in the CPU cache.
        last, count = first, 0
        while last < len(tokens) and (last == first or count + len(tokens[last]) <= _BATCH_TOKENS):
            count += len(tokens[last])
            last += 1
        batch = tokens[first:last]
        runs = combine_runs(np.concatenate([t.hashes for t in batch]), k)
        offset = 0
        for t in batch:
            n = len(t)
            out.append(runs[offset : offset + n - k + 1] if n >= k else shingles(t, k))
            offset += n
        first = last
    return out


def shingle_set(tokens: Tokens, k: int = 5) -> U64:
    """The distinct shingles of a text, sorted: the set whose Jaccard similarity we verify."""
    return distinct(shingles(tokens, k))


def shingle_sets_many(tokens: Sequence[Tokens], k: int = 5) -> list[U64]:
    """``shingle_set(t, k)`` of every text (shingles hashed at once, see ``shingles_many``)."""
    return [distinct(s) for s in shingles_many(tokens, k)]


def distinct(values: U64) -> U64:
    """The sorted distinct values (``np.unique`` without its general-purpose overhead)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=np.bool_)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    result: U64 = ordered[keep]
    return result


def jaccard(a: U64, b: U64) -> float:
    """Exact Jaccard similarity of two sorted, distinct shingle arrays (0.0 when both are empty).

    >>> jaccard(np.array([1, 2, 3], dtype=np.uint64), np.array([2, 3, 4], dtype=np.uint64))
    0.5
    """
    if len(a) == 0 and len(b) == 0:
        return 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared)


def is_repetitive(shingle_hashes: U64) -> bool:
    """True when fewer than half of the shingles are distinct.

    Text that repeats itself ("AX>'AX>'AX>'" in a uuencoded post, a spelled-out row of
    dashes) is not a passage anyone wrote, and would match every other such text.

    >>> from dedup.normalize import tokenize
    >>> is_repetitive(shingles(tokenize("ax ax ax ax ax ax ax ax"), 3))
    True
    >>> is_repetitive(shingles(tokenize("the council voted on the tidal barrier plan"), 3))
    False
    """
    return 2 * len(np.unique(shingle_hashes)) < len(shingle_hashes)
