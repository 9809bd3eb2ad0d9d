"""MSRP train split: dedup's similarity scores as paraphrase classifiers.

Three scores per sentence pair: ``dedup.similarity(s1, s2)`` (order-free word overlap),
``dedup.passage_similarity(s1, s2)`` (in-order word overlap, what verifies a match), and
the share of both sentences' characters covered by ``dedup.compare(s1, s2)`` matches. A threshold
is chosen by 10-fold cross-validation on the train split (interleaved folds, the
threshold best on nine folds judges the tenth); accuracy and F1 pool all folds.
The file is read as plain tab-split lines (UTF-8 with BOM, CRLF, no header), because
fields may begin with a quote character.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dedup
from benchmarks.accuracy.corpora import MSRP, corpus
from benchmarks.accuracy.metrics import cross_validated, measure, union
from benchmarks.accuracy.report import CorpusResult, Row, timed

FILE = "msr_paraphrase_train.txt"
TARGET_ACCURACY = 0.75
QUICK_PAIRS = 1500  # fewer pairs leave differences of 0.02 inside the noise
SCORES = ("similarity", "passage_similarity", "compare_coverage")


@dataclass(frozen=True, slots=True)
class SentencePair:
    """One labelled pair of sentences."""

    positive: bool
    first: str
    second: str


def read_pairs(folder: Path) -> list[SentencePair]:
    """Every pair of the train file, in file order."""
    text = (folder / FILE).read_bytes().decode("utf-8-sig")
    pairs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        quality, _, _, first, second = line.split("\t")
        pairs.append(SentencePair(quality.strip() == "1", first, second))
    return pairs


def compare_coverage(first: str, second: str, options: dedup.ScanOptions | None = None) -> float:
    """Share of both sentences' characters inside ``dedup.compare`` match spans."""
    matches = dedup.compare(first, second, options=options)
    a = measure(union((m.a.start, m.a.end) for m in matches))
    b = measure(union((m.b.start, m.b.end) for m in matches))
    total = len(first) + len(second)
    return (a + b) / total if total else 0.0


def run(
    root: Path | None = None, *, quick: bool = False, options: dedup.ScanOptions | None = None
) -> list[CorpusResult]:
    """Cross-validated accuracy and F1 of each score (quick: the first 1,500 pairs)."""
    pairs = read_pairs(corpus(MSRP, root))
    if quick:
        pairs = pairs[:QUICK_PAIRS]
    labels = [p.positive for p in pairs]
    scorers: dict[str, Callable[[SentencePair], float]] = {
        "similarity": lambda p: dedup.similarity(p.first, p.second),
        "passage_similarity": lambda p: dedup.passage_similarity(p.first, p.second),
        "compare_coverage": lambda p: compare_coverage(p.first, p.second, options),
    }
    figures: dict[str, dict[str, float]] = {}
    for name in SCORES:
        scorer = scorers[name]
        values, seconds = timed(lambda: [scorer(p) for p in pairs])  # noqa: B023 (called at once)
        accuracy, f1 = cross_validated(values, labels)
        figures[name] = {"accuracy": accuracy, "f1": f1, "seconds": seconds}
    best = max(SCORES, key=lambda n: (figures[n]["accuracy"], -SCORES.index(n)))
    majority = max(sum(labels), len(labels) - sum(labels)) / len(labels)
    rows = [
        Row(
            "MSRP train (10-fold CV)",
            f"accuracy ({best})",
            figures[best]["accuracy"],
            TARGET_ACCURACY,
            figures[best]["seconds"],
            note=f"{len(pairs)} pairs; majority class {majority:.3f}",
        ),
        Row("MSRP train (10-fold CV)", f"F1 ({best})", figures[best]["f1"], None, figures[best]["seconds"]),
    ]
    for name in SCORES:
        if name != best:
            rows += [
                Row(
                    "MSRP train (10-fold CV)",
                    f"accuracy ({name})",
                    figures[name]["accuracy"],
                    None,
                    figures[name]["seconds"],
                ),
                Row(
                    "MSRP train (10-fold CV)",
                    f"F1 ({name})",
                    figures[name]["f1"],
                    None,
                    figures[name]["seconds"],
                ),
            ]
    details = {"pairs": len(pairs), "positive": sum(labels), "majority_accuracy": majority, "scores": figures}
    return [CorpusResult(name="msrp", rows=rows, details=details)]
