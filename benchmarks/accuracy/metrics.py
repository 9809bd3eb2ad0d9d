"""Scoring helpers shared by the corpora: shingle Jaccard, ranges, ROC AUC, thresholds.

Everything here is written from scratch for the scorers (no scikit-learn), and none
of it calls dedup: the scorers judge dedup's output with their own arithmetic.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterable, Sequence

_WORD = re.compile(r"[^\W_]+")

Pair = tuple[str, str]


def words(text: str) -> list[str]:
    """Lower-cased runs of letters and digits."""
    return [w.lower() for w in _WORD.findall(text)]


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of the words of ``text``."""
    return [m.span() for m in _WORD.finditer(text)]


def shingles(text: str, k: int = 5) -> set[tuple[str, ...]]:
    """Distinct word k-grams; a text with 1..k-1 words gives one shingle of all its words."""
    w = words(text)
    if not w:
        return set()
    if len(w) < k:
        return {tuple(w)}
    return {tuple(w[i : i + k]) for i in range(len(w) - k + 1)}


def jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Exact Jaccard similarity (0.0 when both are empty)."""
    if not a and not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def pair(x: str, y: str) -> Pair:
    """An unordered pair as a sorted tuple."""
    return (x, y) if x <= y else (y, x)


def pairs_within(groups: Iterable[Collection[str]]) -> set[Pair]:
    """Every unordered pair of members inside each group."""
    return {pair(x, y) for g in groups for x, y in itertools.combinations(sorted(set(g)), 2)}


def union(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint union of half-open ranges."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def overlap(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> int:
    """Characters shared by two sorted, disjoint range lists."""
    total, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        total += max(0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def measure(ranges: Sequence[tuple[int, int]]) -> int:
    """Total length of disjoint ranges."""
    return sum(end - start for start, end in ranges)


def roc_auc(positive: Sequence[float], negative: Sequence[float]) -> float:
    """Area under the ROC curve as the Mann-Whitney rank statistic (ties count one half).

    >>> roc_auc([0.9, 0.8], [0.1, 0.8])
    0.875
    """
    if not positive or not negative:
        raise ValueError("AUC needs at least one positive and one negative score")
    scored = sorted([(s, 1) for s in positive] + [(s, 0) for s in negative])
    rank_sum = 0.0
    i = 0
    while i < len(scored):
        j = i
        while j < len(scored) and scored[j][0] == scored[i][0]:
            j += 1
        mid_rank = (i + 1 + j) / 2  # ranks i+1 .. j share their mean
        rank_sum += mid_rank * sum(label for _, label in scored[i:j])
        i = j
    n_pos, n_neg = len(positive), len(negative)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def accuracy_f1(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> tuple[float, float]:
    """(accuracy, F1 of the positive class) when ``score >= threshold`` predicts positive."""
    tp = fp = fn = tn = 0
    for s, y in zip(scores, labels, strict=True):
        predicted = s >= threshold
        if predicted and y:
            tp += 1
        elif predicted:
            fp += 1
        elif y:
            fn += 1
        else:
            tn += 1
    accuracy = (tp + tn) / len(labels) if labels else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return accuracy, f1


def best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """The threshold with the highest accuracy on these examples (midpoints between scores).

    One sweep over the sorted scores: moving the threshold past a score flips that
    example's prediction from positive to negative.

    >>> best_threshold([0.1, 0.4, 0.6, 0.9], [False, False, True, True])
    0.5
    """
    ordered = sorted(zip(scores, labels, strict=True))
    correct = sum(1 for _, y in ordered if y)  # threshold below every score: all predicted positive
    best, best_correct = ordered[0][0] - 1e-9, correct
    i = 0
    while i < len(ordered):
        j = i
        while j < len(ordered) and ordered[j][0] == ordered[i][0]:
            correct += -1 if ordered[j][1] else 1
            j += 1
        threshold = (ordered[i][0] + ordered[j][0]) / 2 if j < len(ordered) else ordered[i][0] + 1e-9
        if correct > best_correct:
            best, best_correct = threshold, correct
        i = j
    return best


def cross_validated(scores: Sequence[float], labels: Sequence[bool], folds: int = 10) -> tuple[float, float]:
    """(accuracy, F1) over k folds: each fold is judged with the threshold best on the other folds.

    Folds are interleaved (example ``i`` goes to fold ``i % folds``), so the split is
    deterministic; the figures pool the predictions of all folds.
    """
    predictions: list[bool] = [False] * len(scores)
    for fold in range(folds):
        train = [i for i in range(len(scores)) if i % folds != fold]
        t = best_threshold([scores[i] for i in train], [labels[i] for i in train])
        for i in range(fold, len(scores), folds):
            predictions[i] = scores[i] >= t
    pooled = [1.0 if p else 0.0 for p in predictions]
    return accuracy_f1(pooled, labels, 0.5)


def components(pairs: Iterable[Pair]) -> list[list[str]]:
    """Connected components (two or more members) of an undirected graph given by its edges, sorted."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for x in list(parent):
        groups.setdefault(find(x), []).append(x)
    return sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: (-len(g), g))
