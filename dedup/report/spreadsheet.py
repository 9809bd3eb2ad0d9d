"""CSV output: one row per match, for spreadsheets and pandas."""

from __future__ import annotations

import csv
from typing import TextIO

from dedup.model import PassageCluster, ScanResult, Span

COLUMNS = (
    "a_id",
    "a_source",
    "a_start",
    "a_end",
    "b_id",
    "b_source",
    "b_start",
    "b_end",
    "similarity",
    "words",
    "excerpt",
)
EXCERPT_CHARS = 200


def _containing(span: Span, passages: tuple[PassageCluster, ...]) -> PassageCluster | None:
    for passage in passages:
        if any(span.overlaps(s) for s in passage.spans):
            return passage
    return None


def dump_csv(result: ScanResult, out: TextIO) -> None:
    """Write one row per match: both spans, their sources, the similarity and the passage text."""
    sources = {d.id: d.source or "" for d in result.documents}
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    every_passage = result.passages + result.boilerplate
    for m in result.matches:
        passage = _containing(m.a, every_passage)
        text = passage.text if passage else ""
        excerpt = text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
        writer.writerow(
            [
                m.a.doc_id,
                sources.get(m.a.doc_id, ""),
                m.a.start,
                m.a.end,
                m.b.doc_id,
                sources.get(m.b.doc_id, ""),
                m.b.start,
                m.b.end,
                f"{m.similarity:.6f}",
                len(text.split()) if passage else "",
                excerpt,
            ]
        )
