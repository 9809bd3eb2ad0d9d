"""Word-level edits inside one matched passage pair: what a reader should see changed.

A match says two spans hold (almost) the same words; the report marks the words that
differ, e.g. "Russia" in one text against "Russian Federation" in the other. Words are
compared in their normalised forms (``dedup.normalize``), so case, curly quotes and
punctuation are not edits. The alignment is a longest common subsequence of words
(rapidfuzz's ``Indel.opcodes``); adjacent deletions and insertions are joined into one
edit, so a replaced phrase is one mark on each side.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Indel

from dedup.normalize import Tokens, tokenize


@dataclass(frozen=True, slots=True, order=True)
class Edit:
    """Words that differ: ``[a_start, a_end)`` in text a against ``[b_start, b_end)`` in text b.

    Offsets are characters of the whole texts. One side is empty (start == end) when
    words were only added on the other side; the empty side's offset is where they would go.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int


def _chars(tokens: Tokens, first: int, last: int, base: int, end: int) -> tuple[int, int]:
    """Characters of tokens ``first .. last-1`` (plus ``base``); an empty run sits before token ``first``."""
    if first < last:
        return base + int(tokens.starts[first]), base + int(tokens.ends[last - 1])
    at = base + int(tokens.starts[first]) if first < len(tokens) else end
    return at, at


def word_edits(text_a: str, a: tuple[int, int], text_b: str, b: tuple[int, int]) -> tuple[Edit, ...]:
    """The edits between ``text_a[a[0]:a[1]]`` and ``text_b[b[0]:b[1]]``, in text order.

    >>> a = "Talks with Russia resumed on Monday."
    >>> b = "Talks with the Russian Federation resumed on Monday."
    >>> [(a[e.a_start : e.a_end], b[e.b_start : e.b_end]) for e in word_edits(a, (0, len(a)), b, (0, len(b)))]
    [('Russia', 'the Russian Federation')]
    """
    tokens_a = tokenize(text_a[a[0] : a[1]])
    tokens_b = tokenize(text_b[b[0] : b[1]])
    if tokens_a.forms == tokens_b.forms:
        return ()
    edits: list[Edit] = []
    pending: list[int] | None = None  # token range [a0, a1, b0, b1] of the edit being joined
    for op in Indel.opcodes(tokens_a.forms, tokens_b.forms):
        if op.tag == "equal":
            if pending is not None:
                edits.append(_edit(tokens_a, tokens_b, pending, a, b))
                pending = None
            continue
        if pending is None:
            pending = [op.src_start, op.src_end, op.dest_start, op.dest_end]
        else:
            pending[1], pending[3] = op.src_end, op.dest_end
    if pending is not None:
        edits.append(_edit(tokens_a, tokens_b, pending, a, b))
    return tuple(edits)


def _edit(tokens_a: Tokens, tokens_b: Tokens, run: list[int], a: tuple[int, int], b: tuple[int, int]) -> Edit:
    a_start, a_end = _chars(tokens_a, run[0], run[1], a[0], a[1])
    b_start, b_end = _chars(tokens_b, run[2], run[3], b[0], b[1])
    return Edit(a_start, a_end, b_start, b_end)
