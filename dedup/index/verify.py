"""Verify a draft's candidates with scan's own pipeline: the passages they share with it.

``dedup.compare(draft, doc)`` is ``dedup.scan([draft, doc])``. Its cost for two
articles is mostly fixed (two LSH passes over every band), so checking one draft
against ten candidates one pair at a time spends most of its time on overhead. One
scan of the draft with several candidates finds, for each (draft, candidate) pair,
exactly what ``compare`` finds: scan treats every document pair on its own (its
window pairs, regions, alignments and the choice among overlapping passages are all
per pair), except that an LSH bucket holding more than ``max_bucket_size`` windows
is capped, which could drop window pairs. So candidates are scanned together only
when (1) no window band key would be held by more than ``max_bucket_size`` windows
in that scan, checked here on every window (scan skips repetitive ones, so this
count is an upper bound), and (2) they share few window keys with each other: the
matches *between* candidates are found too, then thrown away, and for candidates
that are copies of one article that waste would cost more than the overhead saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from dedup.hashing import U64
from dedup.index.check import BorrowedPassage
from dedup.model import Document
from dedup.options import ScanOptions
from dedup.scan import scan

SHARED_WINDOW_KEYS = 64
"""A candidate joins a group only if it shares fewer window keys with the group's members
(a stock phrase shares a handful; two copies of one article, thousands)."""

GROUP_SIZE = 16
"""Candidates scanned together at most."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored document with the band keys of all its passage windows (sorted, repeats kept)."""

    document: Document
    windows: U64


@dataclass(slots=True)
class _Group:
    members: list[Candidate] = field(default_factory=list)
    keys: set[int] = field(default_factory=set)


def passages(
    draft: Document, draft_windows: U64, candidates: Sequence[Candidate], options: ScanOptions
) -> list[BorrowedPassage]:
    """What ``dedup.compare(draft, c.document)`` finds for every candidate, draft side first."""
    found: list[BorrowedPassage] = []
    for group in groups(draft_windows, candidates, options.max_bucket_size):
        docs = [c.document for c in group]
        result = scan([draft, *docs], options=replace(options, keep_boilerplate=True))
        for match in result.matches:
            if match.a.doc_id == draft.id:
                found.append(BorrowedPassage(match.a, match.b, match.similarity))
            elif match.b.doc_id == draft.id:
                found.append(BorrowedPassage(match.b, match.a, match.similarity))
    return found


def groups(
    draft_windows: U64, candidates: Sequence[Candidate], max_bucket_size: int
) -> list[list[Candidate]]:
    """Candidates in groups that one scan with the draft verifies exactly as pair-by-pair compares would.

    >>> keys = lambda *v: np.array(v, dtype=np.uint64)
    >>> a, b = Candidate(Document("a", ""), keys(1, 2)), Candidate(Document("b", ""), keys(3))
    >>> [[c.document.id for c in g] for g in groups(keys(1, 3), [a, b], max_bucket_size=200)]
    [['a', 'b']]
    >>> [[c.document.id for c in g] for g in groups(keys(1, 3), [a, b], max_bucket_size=1)]
    [['a'], ['b']]
    """
    built: list[_Group] = []
    for candidate in candidates:
        distinct = set(candidate.windows.tolist())
        for group in built:
            if len(group.members) < GROUP_SIZE and len(distinct & group.keys) < SHARED_WINDOW_KEYS:
                group.members.append(candidate)
                group.keys |= distinct
                break
        else:
            built.append(_Group([candidate], distinct))
    out: list[list[Candidate]] = []
    for group in built:
        if len(group.members) == 1 or _largest_bucket(draft_windows, group.members) <= max_bucket_size:
            out.append(group.members)
        else:
            out.extend([c] for c in group.members)  # alone with the draft, as compare would be
    return out


def _largest_bucket(draft_windows: U64, members: list[Candidate]) -> int:
    every = np.sort(np.concatenate([draft_windows, *(c.windows for c in members)]))
    if len(every) == 0:
        return 0
    starts = np.flatnonzero(np.concatenate(([True], every[1:] != every[:-1])))
    return int(np.diff(np.append(starts, len(every))).max())
