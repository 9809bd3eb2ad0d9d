"""Task 1 scorer: cross-posts and identical bodies must come back as near-duplicate pairs.

Recall is over every pair inside a ground-truth group whose members were all scanned.
A reported pair is a false positive only when its bodies' exact word-5-shingle
Jaccard (computed here, not by dedup) is below 0.5.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from benchmarks.accuracy.metrics import Pair, jaccard, pair, pairs_within, shingles

MIN_JACCARD = 0.5


@dataclass(frozen=True, slots=True)
class DuplicateScore:
    """Recall per ground-truth file, precision, and the evidence behind them."""

    truth_crosspost: int
    truth_identical: int
    recall_crosspost: float
    recall_identical: float
    reported: int
    precision: float
    missed: tuple[Pair, ...]
    false_positives: tuple[tuple[str, str, float], ...]
    beyond_truth: int


def _recall(truth: set[Pair], reported: set[Pair]) -> float:
    return len(truth & reported) / len(truth) if truth else 1.0


def score(
    reported: Iterable[Pair],
    bodies: Mapping[str, str],
    crosspost_groups: Iterable[Collection[str]],
    identical_groups: Iterable[Collection[str]],
) -> DuplicateScore:
    """Score reported pairs against the groups, restricted to the documents in ``bodies``."""
    present = set(bodies)
    crosspost = {p for p in pairs_within(crosspost_groups) if p[0] in present and p[1] in present}
    identical = {p for p in pairs_within(identical_groups) if p[0] in present and p[1] in present}
    found = {pair(a, b) for a, b in reported}
    cache: dict[str, set[tuple[str, ...]]] = {}

    def shingled(doc_id: str) -> set[tuple[str, ...]]:
        if doc_id not in cache:
            cache[doc_id] = shingles(bodies[doc_id])
        return cache[doc_id]

    false_positives = []
    for a, b in sorted(found):
        similarity = jaccard(shingled(a), shingled(b))
        if similarity < MIN_JACCARD:
            false_positives.append((a, b, round(similarity, 3)))
    return DuplicateScore(
        truth_crosspost=len(crosspost),
        truth_identical=len(identical),
        recall_crosspost=_recall(crosspost, found),
        recall_identical=_recall(identical, found),
        reported=len(found),
        precision=1 - len(false_positives) / len(found) if found else 1.0,
        missed=tuple(sorted((crosspost | identical) - found)),
        false_positives=tuple(false_positives),
        beyond_truth=len(found - crosspost - identical),
    )
