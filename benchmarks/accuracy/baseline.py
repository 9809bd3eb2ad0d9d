"""The named baseline: plain datasketch ``MinHashLSH`` over whole documents.

What a user would write first: lower-cased word 5-gram shingles (``\\w+`` words), one
``MinHash(num_perm=128)`` per document fed by ``update`` per shingle, all inserted into
``MinHashLSH(threshold=0.5, num_perm=128)``, then every document queried. The
candidates are reported as pairs without verification. Documents without a single
word are left out (they would all collide with each other).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH

import dedup

THRESHOLD = 0.5
NUM_PERM = 128
SHINGLE = 5
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class BaselineResult:
    """Reported document pairs (sorted ids) and the wall-clock seconds it took."""

    pairs: frozenset[tuple[str, str]]
    seconds: float


def word_shingles(text: str, k: int = SHINGLE) -> set[str]:
    """Lower-cased word k-grams joined by spaces (one shingle of all words when fewer than k)."""
    w = _WORD.findall(text.lower())
    if len(w) < k:
        return {" ".join(w)} if w else set()
    return {" ".join(w[i : i + k]) for i in range(len(w) - k + 1)}


def minhash_lsh_pairs(docs: Sequence[dedup.Document]) -> BaselineResult:
    """Every pair that datasketch's MinHashLSH reports as a candidate."""
    started = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    signatures: dict[str, MinHash] = {}
    for doc in docs:
        found = word_shingles(doc.text)
        if not found:
            continue
        m = MinHash(num_perm=NUM_PERM)
        for s in found:
            m.update(s.encode("utf-8"))
        lsh.insert(doc.id, m)
        signatures[doc.id] = m
    pairs: set[tuple[str, str]] = set()
    for doc_id, m in signatures.items():
        for other in lsh.query(m):
            if other != doc_id:
                pairs.add((doc_id, other) if doc_id < other else (other, doc_id))
    return BaselineResult(frozenset(pairs), time.perf_counter() - started)
