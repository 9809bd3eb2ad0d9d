"""20 Newsgroups: one dedup scan and one baseline run, scored for tasks 1 and 2."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import dedup
from benchmarks.accuracy import newsgroups, newsgroups_duplicates, newsgroups_quotes, newsgroups_truth
from benchmarks.accuracy.baseline import minhash_lsh_pairs
from benchmarks.accuracy.corpora import NEWSGROUPS, corpus
from benchmarks.accuracy.report import CorpusResult, Row, timed

QUICK_GROUPS = ("alt.atheism", "talk.religion.misc")
QUICK_PER_GROUP = 300
TARGETS = {
    "dup_recall": 1.0,
    "dup_precision": 0.99,
    "quote_recall": 0.9,
    "quote_precision": 0.9,
    "origin": 0.95,
}


def select(root: Path, *, quick: bool) -> list[str]:
    """Every message, or (quick) the lowest-numbered 300 of alt.atheism and talk.religion.misc."""
    ids = newsgroups.all_ids(root)
    if not quick:
        return ids
    chosen: list[str] = []
    for group in QUICK_GROUPS:
        chosen += [i for i in ids if i.split("/")[0] == group][:QUICK_PER_GROUP]
    return chosen


def prepare(messages: list[newsgroups.Message], *, author_source: bool) -> list[dedup.Document]:
    """The documents handed to dedup: bodies, with the poster's address as ``source`` when asked.

    On Usenet the poster is the publisher: a signature one poster repeats in three or
    more messages is exactly what dedup's per-source boilerplate detection is for.
    """
    if not author_source:
        return [m.doc for m in messages]
    return [dataclasses.replace(m.doc, source=m.author or None) for m in messages]


def run(
    root: Path | None = None,
    *,
    quick: bool = False,
    options: dedup.ScanOptions | None = None,
    baseline: bool = True,
    plain_variant: bool = True,
) -> list[CorpusResult]:
    """Scan 20 Newsgroups with dedup (posters as sources) and the baseline; score tasks 1 and 2.

    ``plain_variant`` scans a second time with ``skip_same_source=True`` (matches between
    two messages of one poster left out), so the effect of that option is visible.
    """
    folder = corpus(NEWSGROUPS, root)
    messages = list(newsgroups.read_messages(folder, select(folder, quick=quick)))
    docs = prepare(messages, author_source=True)
    result, seconds = timed(lambda: dedup.scan(docs, options=options))

    bodies = {d.id: d.text for d in docs}
    published = {d.id: d.published for d in docs}
    crossposts = newsgroups_truth.crosspost_groups(folder)
    identical = newsgroups_truth.identical_body_groups(folder)
    replies = newsgroups_truth.replies(folder, {m.doc.id: m.header_length for m in messages})
    known = newsgroups_truth.known_duplicates(folder)

    dup = newsgroups_duplicates.score(((p.a, p.b) for p in result.duplicates), bodies, crossposts, identical)
    quotes = newsgroups_quotes.score(result.matches, bodies, replies, known)
    origin = newsgroups_quotes.direction(quotes.found_blocks, result.passages, published)

    bt: float | None = None
    dup_base: newsgroups_duplicates.DuplicateScore | None = None
    quotes_base: newsgroups_quotes.QuoteScore | None = None
    if baseline:
        base = minhash_lsh_pairs(docs)
        bt = base.seconds
        dup_base = newsgroups_duplicates.score(base.pairs, bodies, crossposts, identical)
        whole = [
            dedup.Match(dedup.Span(a, 0, len(bodies[a])), dedup.Span(b, 0, len(bodies[b])), 1.0)
            for a, b in sorted(base.pairs)
        ]
        quotes_base = newsgroups_quotes.score(whole, bodies, replies, known)

    t = seconds
    dup_rows = CorpusResult(
        name="20ng_duplicates",
        rows=[
            Row(
                "20NG cross-posts",
                "pair recall",
                dup.recall_crosspost,
                TARGETS["dup_recall"],
                t,
                dup_base.recall_crosspost if dup_base else None,
                bt,
                f"{dup.truth_crosspost} pairs, {len(docs)} docs",
            ),
            Row(
                "20NG identical bodies",
                "pair recall",
                dup.recall_identical,
                TARGETS["dup_recall"],
                t,
                dup_base.recall_identical if dup_base else None,
                bt,
                f"{dup.truth_identical} pairs",
            ),
            Row(
                "20NG duplicates",
                "pair precision (FP: body Jaccard < 0.5)",
                dup.precision,
                TARGETS["dup_precision"],
                t,
                dup_base.precision if dup_base else None,
                bt,
                f"{dup.reported} pairs reported" + (f", baseline {dup_base.reported}" if dup_base else ""),
            ),
        ],
        details={
            "documents": len(docs),
            "dedup": _dup_details(dup),
            **({"baseline": _dup_details(dup_base)} if dup_base else {}),
        },
    )
    quote_rows = [
        Row(
            "20NG reply→parent quotes",
            f"passage recall (blocks ≥ {newsgroups_quotes.MIN_WORDS} words)",
            quotes.recall,
            TARGETS["quote_recall"],
            t,
            quotes_base.recall if quotes_base else None,
            bt,
            f"{quotes.blocks} blocks; posters as sources",
        ),
        Row(
            "20NG reply→parent quotes",
            "match precision",
            quotes.precision,
            TARGETS["quote_precision"],
            t,
            quotes_base.precision if quotes_base else None,
            bt,
            f"{quotes.scored_matches} matches scored; "
            f"also accepting | # }} quote marks: {quotes.precision_extended:.3f}",
        ),
        Row(
            "20NG reply→parent quotes",
            "quoted-character precision",
            quotes.char_precision,
            None,
            t,
            quotes_base.char_precision if quotes_base else None,
            bt,
        ),
        Row(
            "20NG reply→parent quotes",
            "origin direction: passage-cluster origin",
            origin.cluster_origin_right,
            TARGETS["origin"],
            t,
            None,
            None,
            f"{origin.judged} found blocks, {origin.cluster_origin_missing} without an origin",
        ),
        Row(
            "20NG reply→parent quotes",
            "origin direction: published of the two matched docs",
            origin.dates_right,
            TARGETS["origin"],
            t,
            None,
            None,
        ),
    ]
    details: dict[str, Any] = {
        "dedup": _quote_details(quotes),
        **({"baseline": _quote_details(quotes_base)} if quotes_base else {}),
        "direction": dataclasses.asdict(origin),
        "scan_stats": dataclasses.asdict(result.stats),
        "matches": len(result.matches),
        "passages": len(result.passages),
        "boilerplate_passages": len(result.boilerplate),
    }
    if plain_variant:
        skipping = dataclasses.replace(options or dedup.ScanOptions(), skip_same_source=True)
        skip_result, skip_seconds = timed(lambda: dedup.scan(docs, options=skipping))
        skip_quotes = newsgroups_quotes.score(skip_result.matches, bodies, replies, known)
        quote_rows[2:2] = [
            Row(
                "20NG reply→parent quotes",
                "passage recall, skip_same_source=True",
                skip_quotes.recall,
                TARGETS["quote_recall"],
                skip_seconds,
                None,
                None,
                "matches between two messages of one poster left out",
            ),
            Row(
                "20NG reply→parent quotes",
                "match precision, skip_same_source=True",
                skip_quotes.precision,
                TARGETS["quote_precision"],
                skip_seconds,
                None,
                None,
                f"{skip_quotes.scored_matches} matches scored",
            ),
        ]
        details["skip_same_source"] = {**_quote_details(skip_quotes), "matches": len(skip_result.matches)}
    return [dup_rows, CorpusResult(name="20ng_quotes", rows=quote_rows, details=details)]


def _dup_details(s: newsgroups_duplicates.DuplicateScore) -> dict[str, Any]:
    return {
        "reported": s.reported,
        "beyond_truth": s.beyond_truth,
        "missed": [list(p) for p in s.missed[:50]],
        "missed_count": len(s.missed),
        "false_positives": [list(p) for p in s.false_positives[:50]],
        "false_positive_count": len(s.false_positives),
    }


def _quote_details(s: newsgroups_quotes.QuoteScore) -> dict[str, Any]:
    return {
        "blocks": s.blocks,
        "found": s.found,
        "scored_matches": s.scored_matches,
        "correct_matches": s.correct_matches,
        "missed_examples": [list(b) for b in s.missed[:30]],
        "false_positive_examples": [
            [m.a.doc_id, m.a.start, m.a.end, m.b.doc_id, m.b.start, m.b.end, round(m.similarity, 3)]
            for m in s.false_positives[:30]
        ],
    }
