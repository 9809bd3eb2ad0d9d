"""Verify and align one candidate region word by word with rapidfuzz.

The region's two word sequences are aligned by their longest common subsequence
(rapidfuzz's Indel opcodes over stable token hashes, never Python's salted ``hash()``
of strings). Runs of at least ``min_anchor`` equal words are anchors; anchors less than
``max_gap`` unmatched words apart join one passage, so "Russia" -> "Russian
Federation" or a changed clause does not split it. Each passage is then re-scored
on its own, so the reported similarity is exactly ``passage_similarity`` of the two
character slices.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Indel

from dedup.hashing import combine_runs
from dedup.normalize import Tokens, tokenize
from dedup.shingle import is_repetitive
from dedup.windows import Region

MIN_ANCHOR = 3
REPETITION_SHINGLE = 3  # words per shingle when testing a passage for self-repetition


@dataclass(frozen=True, slots=True)
class Alignment:
    """Token ranges of one aligned passage in documents a and b, and its similarity."""

    a_start: int
    a_stop: int
    b_start: int
    b_stop: int
    similarity: float
    matched_words: int


def passage_similarity(a: str, b: str) -> float:
    """Word-level similarity of two passages in [0, 1]: 2 * common words / (words in a + words in b).

    Words are compared after normalisation (case, Unicode form, punctuation dropped),
    in order (longest common subsequence). One word replaced by two in a 20-word
    passage scores about 0.93.

    >>> passage_similarity("Russia has vetoed it.", "The Russian Federation has vetoed it!")
    0.6
    >>> passage_similarity("“Period,” Haley said", '"Period", haley said.')
    1.0
    """
    return _similarity(tokenize(a), 0, -1, tokenize(b), 0, -1)


def _similarity(ta: Tokens, a0: int, a1: int, tb: Tokens, b0: int, b1: int) -> float:
    a_hashes = ta.hashes[a0 : a1 if a1 >= 0 else len(ta)].tolist()
    b_hashes = tb.hashes[b0 : b1 if b1 >= 0 else len(tb)].tolist()
    if not a_hashes and not b_hashes:
        return 0.0
    return float(Indel.normalized_similarity(a_hashes, b_hashes))


def align(
    region: Region,
    ta: Tokens,
    tb: Tokens,
    *,
    min_words: int,
    min_similarity: float,
    max_gap: int,
) -> list[Alignment]:
    """The passages two documents share inside one region, as token ranges with similarities."""
    a_hashes = ta.hashes[region.a_start : region.a_stop].tolist()
    b_hashes = tb.hashes[region.b_start : region.b_stop].tolist()
    anchors = [
        (op.src_start, op.src_end, op.dest_start, op.dest_end)
        for op in Indel.opcodes(a_hashes, b_hashes)
        if op.tag == "equal" and op.src_end - op.src_start >= MIN_ANCHOR
    ]
    found: list[Alignment] = []
    for group in _chain(anchors, max_gap):
        a0, b0 = group[0][0] + region.a_start, group[0][2] + region.b_start
        a1, b1 = group[-1][1] + region.a_start, group[-1][3] + region.b_start
        a0, b0, a1, b1 = _extend(ta, tb, a0, b0, a1, b1)
        matched = sum(a_end - a_start for a_start, a_end, _, _ in group)
        if matched < min_words or is_repetitive(combine_runs(ta.hashes[a0:a1], REPETITION_SHINGLE)):
            continue
        similarity = _similarity(ta, a0, a1, tb, b0, b1)
        if similarity >= min_similarity:
            found.append(Alignment(a0, a1, b0, b1, similarity, matched))
    return found


def _extend(ta: Tokens, tb: Tokens, a0: int, b0: int, a1: int, b1: int) -> tuple[int, int, int, int]:
    """Grow a passage over equal words on both sides.

    A longest common subsequence is not unique: "the" at a passage's start may have
    been paired with an earlier "the", leaving the passage one word short.
    """
    while a0 > 0 and b0 > 0 and ta.hashes[a0 - 1] == tb.hashes[b0 - 1]:
        a0, b0 = a0 - 1, b0 - 1
    while a1 < len(ta) and b1 < len(tb) and ta.hashes[a1] == tb.hashes[b1]:
        a1, b1 = a1 + 1, b1 + 1
    return a0, b0, a1, b1


def _chain(anchors: list[tuple[int, int, int, int]], max_gap: int) -> list[list[tuple[int, int, int, int]]]:
    """Split anchors (in alignment order) where either side skips more than max_gap words."""
    groups: list[list[tuple[int, int, int, int]]] = []
    for anchor in anchors:
        if groups:
            last = groups[-1][-1]
            if anchor[0] - last[1] <= max_gap and anchor[2] - last[3] <= max_gap:
                groups[-1].append(anchor)
                continue
        groups.append([anchor])
    return groups
