"""Clough & Stevenson short answers: how well dedup tells copied answers from original ones.

Each of the 95 answers is compared with the Wikipedia text of its task
(``orig_task<x>.txt``). Four scores per answer, all from dedup:

* ``coverage``: share of the answer's characters inside ``dedup.compare(answer, source)``
  match spans;
* ``max_similarity``: the highest similarity among those matches (0 without a match);
* ``whole_similarity``: ``dedup.passage_similarity(answer, source)`` over the whole texts;
* ``word_overlap``: ``dedup.similarity(answer, source)``, the order-free word overlap.

ROC AUC (rank statistic, ties one half) separates cut+light from non and heavy from
non. The labels (``file_list_from_xls.csv``) are read by the scorer only.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import dedup
from benchmarks.accuracy.corpora import CLOUGH, corpus
from benchmarks.accuracy.metrics import measure, roc_auc, shingles, union
from benchmarks.accuracy.report import CorpusResult, Row, timed

FOLDER = "corpus-20090418"
TARGETS = {"copied": 0.98, "heavy": 0.90}
SHARED_EVIDENCE = 20  # word 5-grams two answers share before the scorer lists the pair
SCORES = ("coverage", "max_similarity", "whole_similarity", "word_overlap")


def read_text(path: Path) -> str:
    """UTF-8 when the bytes are valid UTF-8 (about a fifth of the files), else cp1252."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer file, its task letter and (scorer-only) its category."""

    name: str
    task: str
    category: str


def answers(folder: Path) -> list[Answer]:
    """The labelled answers, in file order."""
    with (folder / "file_list_from_xls.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [Answer(r["File"], r["Task"], r["Category"]) for r in rows if r["File"].startswith("g")]


def scores(answer_text: str, source_text: str, options: dedup.ScanOptions | None = None) -> dict[str, float]:
    """The three dedup scores of one answer against its source."""
    matches = dedup.compare(
        dedup.Document("answer", answer_text), dedup.Document("source", source_text), options=options
    )
    spans = [m.a if m.a.doc_id == "answer" else m.b for m in matches]
    covered = measure(union((s.start, s.end) for s in spans))
    return {
        "coverage": covered / len(answer_text) if answer_text else 0.0,
        "max_similarity": max((m.similarity for m in matches), default=0.0),
        "whole_similarity": dedup.passage_similarity(answer_text, source_text),
        "word_overlap": dedup.similarity(answer_text, source_text),
    }


def _auc(by_category: dict[str, list[float]], positive: tuple[str, ...]) -> float:
    return roc_auc([s for c in positive for s in by_category.get(c, [])], by_category.get("non", []))


def run(
    root: Path | None = None, *, quick: bool = False, options: dedup.ScanOptions | None = None
) -> list[CorpusResult]:
    """Score every answer (quick: the same; the corpus is small) and report AUCs."""
    folder = corpus(CLOUGH, root)
    texts = folder / FOLDER
    labelled = answers(folder)
    sources = {t: read_text(texts / f"orig_task{t}.txt") for t in sorted({a.task for a in labelled})}

    def compute() -> list[dict[str, float]]:
        return [scores(read_text(texts / a.name), sources[a.task], options) for a in labelled]

    per_answer, seconds = timed(compute)
    # Scorer-side check: copied answers sharing no word 5-gram with their source were
    # taken from Wikipedia text outside the source file; no comparison with the source finds
    # them. The other answers they share 5-grams with are evidence of where they came from.
    grams = {a.name: shingles(read_text(texts / a.name)) for a in labelled}
    unrelated = {
        a.name
        for a in labelled
        if a.category in ("cut", "light") and not grams[a.name] & shingles(sources[a.task])
    }
    shared_with_answers = {
        name: {
            other.name: len(grams[name] & grams[other.name])
            for other in labelled
            if other.name != name and len(grams[name] & grams[other.name]) >= SHARED_EVIDENCE
        }
        for name in sorted(unrelated)
    }
    auc: dict[str, dict[str, float]] = {}
    for name in SCORES:
        by_category: dict[str, list[float]] = {}
        related: dict[str, list[float]] = {}
        for a, s in zip(labelled, per_answer, strict=True):
            by_category.setdefault(a.category, []).append(s[name])
            if a.name not in unrelated:
                related.setdefault(a.category, []).append(s[name])
        auc[name] = {
            "copied": _auc(by_category, ("cut", "light")),
            "heavy": _auc(by_category, ("heavy",)),
            "copied_from_source": _auc(related, ("cut", "light")),
        }
    best = max(SCORES, key=lambda n: (auc[n]["copied"] + auc[n]["heavy"], -SCORES.index(n)))
    rows = [
        Row(
            "Clough & Stevenson",
            f"ROC AUC cut+light vs non ({best})",
            auc[best]["copied"],
            TARGETS["copied"],
            seconds,
            note=f"{len(labelled)} answers",
        ),
        Row(
            "Clough & Stevenson",
            f"ROC AUC cut+light vs non ({best}), without answers not taken from the source",
            auc[best]["copied_from_source"],
            None,
            seconds,
            note=f"{len(unrelated)} left out: no word 5-gram in common with the source",
        ),
        Row(
            "Clough & Stevenson",
            f"ROC AUC heavy vs non ({best})",
            auc[best]["heavy"],
            TARGETS["heavy"],
            seconds,
        ),
    ]
    rows += [
        Row("Clough & Stevenson", f"ROC AUC {kind} ({name})", auc[name][key], None, seconds)
        for name in SCORES
        if name != best
        for key, kind in (("copied", "cut+light vs non"), ("heavy", "heavy vs non"))
    ]
    details = {
        "answers": len(labelled),
        "best_score": best,
        "copied_answers_not_from_source": sorted(unrelated),
        "their_shared_5grams_with_other_answers": shared_with_answers,
        "auc": auc,
        "per_answer": [
            {"file": a.name, "category": a.category, **{k: round(v, 4) for k, v in s.items()}}
            for a, s in zip(labelled, per_answer, strict=True)
        ],
    }
    return [CorpusResult(name="clough_stevenson", rows=rows, details=details)]
