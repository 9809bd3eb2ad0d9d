"""Task 2 scorer: quoted blocks of replies must be found as passages pointing at the parent.

Recall: a quoted block of at least ``MIN_WORDS`` words is found when the reply-side
spans of matches whose other side lies in (a copy of) the parent cover at least 80% of
the block's word characters (quote markers and whitespace do not count).

Precision: every reported match with a side in a ground-truth reply counts; it is
correct when either side overlaps a quoted block of its own document (ground-truth
blocks for replies, the same prefix rule re-implemented for the other documents), or
when its two documents are a known duplicate pair. ``precision_extended`` also
accepts quotes marked with ``|``, ``#`` or ``}``, which the ground truth's prefix rule
does not know.

Direction: for each found block, the passage cluster holding the reply's span and a
span in the parent names an origin; it is right when that origin is not the reply and
was published no later than the parent (the parent itself, or an older message the
parent quoted).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from benchmarks.accuracy.metrics import Pair, measure, overlap, pair, union, word_spans
from benchmarks.accuracy.newsgroups_truth import EXTENDED_PREFIXES, Reply, quoted_blocks
from dedup import Match, PassageCluster, Span

MIN_WORDS = 15
MIN_COVER = 0.8

Block = tuple[str, int, int]  # reply id, start, end (body offsets)


@dataclass(frozen=True, slots=True)
class QuoteScore:
    """Passage recall and precision on quoted blocks, and the evidence behind them."""

    blocks: int
    found: int
    recall: float
    scored_matches: int
    correct_matches: int
    precision: float
    precision_extended: float
    char_precision: float
    found_blocks: tuple[tuple[Block, tuple[str, ...]], ...]
    missed: tuple[Block, ...]
    false_positives: tuple[Match, ...]


def _in_doc(span: Span, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(span.start < end and start < span.end for start, end in ranges)


def score(
    matches: Sequence[Match],
    bodies: Mapping[str, str],
    replies: Sequence[Reply],
    duplicates: Collection[Pair],
) -> QuoteScore:
    """Score matches (dedup's, or whole-document pairs as matches) against the quoted blocks."""
    by_reply = {r.doc_id: r for r in replies if r.doc_id in bodies}
    # Reply-side spans, keyed by reply, with the document on the other side.
    sides: dict[str, list[tuple[Span, str]]] = defaultdict(list)
    for m in matches:
        for mine, other in ((m.a, m.b), (m.b, m.a)):
            if mine.doc_id in by_reply:
                sides[mine.doc_id].append((mine, other.doc_id))

    blocks_total = 0
    found_blocks: list[tuple[Block, tuple[str, ...]]] = []
    missed: list[Block] = []
    for r in by_reply.values():
        parents = tuple(p for p in r.parents if p in bodies)
        if not parents:
            continue
        body = bodies[r.doc_id]
        cover = union((s.start, s.end) for s, other in sides.get(r.doc_id, ()) if other in parents)
        for start, end in r.blocks:
            spans = [(start + a, start + b) for a, b in word_spans(body[start:end])]
            if len(spans) < MIN_WORDS:
                continue
            blocks_total += 1
            if overlap(union(spans), cover) >= MIN_COVER * measure(spans):
                found_blocks.append(((r.doc_id, start, end), parents))
            else:
                missed.append((r.doc_id, start, end))

    quoted: dict[str, Sequence[tuple[int, int]]] = {}

    def quotes(doc_id: str) -> Sequence[tuple[int, int]]:
        if doc_id not in quoted:
            known = by_reply.get(doc_id)
            quoted[doc_id] = known.blocks if known is not None else quoted_blocks(bodies[doc_id])
        return quoted[doc_id]

    extended: dict[str, Sequence[tuple[int, int]]] = {}

    def more_quotes(doc_id: str) -> Sequence[tuple[int, int]]:
        if doc_id not in extended:
            extended[doc_id] = quoted_blocks(bodies[doc_id], EXTENDED_PREFIXES)
        return extended[doc_id]

    scored = correct = correct_extended = 0
    false_positives = []
    for m in matches:
        if m.a.doc_id not in by_reply and m.b.doc_id not in by_reply:
            continue
        scored += 1
        if (
            _in_doc(m.a, quotes(m.a.doc_id))
            or _in_doc(m.b, quotes(m.b.doc_id))
            or pair(m.a.doc_id, m.b.doc_id) in duplicates
        ):
            correct += 1
            correct_extended += 1
            continue
        if _in_doc(m.a, more_quotes(m.a.doc_id)) or _in_doc(m.b, more_quotes(m.b.doc_id)):
            correct_extended += 1
        false_positives.append(m)

    # Characters: how much of what a method marks as reused in replies is quoted text.
    marked = inside = 0
    for doc_id, reply_sides in sides.items():
        ranges = union((s.start, s.end) for s, other in reply_sides if pair(doc_id, other) not in duplicates)
        marked += measure(ranges)
        inside += overlap(ranges, union(by_reply[doc_id].blocks))
    return QuoteScore(
        blocks=blocks_total,
        found=len(found_blocks),
        recall=len(found_blocks) / blocks_total if blocks_total else 1.0,
        scored_matches=scored,
        correct_matches=correct,
        precision=correct / scored if scored else 1.0,
        precision_extended=correct_extended / scored if scored else 1.0,
        char_precision=inside / marked if marked else 1.0,
        found_blocks=tuple(found_blocks),
        missed=tuple(missed),
        false_positives=tuple(false_positives),
    )


@dataclass(frozen=True, slots=True)
class DirectionScore:
    """How often the likely origin points the right way, over found (reply, parent) blocks."""

    judged: int
    cluster_origin_right: float
    cluster_origin_missing: int
    dates_right: float


def direction(
    found_blocks: Sequence[tuple[Block, tuple[str, ...]]],
    passages: Sequence[PassageCluster],
    published: Mapping[str, datetime | None],
) -> DirectionScore:
    """Passage-cluster origins, and plain Date: order of reply and parent, for each found block."""
    by_doc: dict[str, list[tuple[Span, int]]] = defaultdict(list)
    for n, p in enumerate(passages):
        for s in p.spans:
            by_doc[s.doc_id].append((s, n))
    right = missing = dates = 0
    for (reply, start, end), parents in found_blocks:
        in_block = {n for s, n in by_doc.get(reply, ()) if s.start < end and start < s.end}
        with_parent = [n for n in sorted(in_block) if any(d in parents for d in passages[n].doc_ids)]
        origin = passages[with_parent[0]].origin if with_parent else None
        if origin is None:
            missing += 1
        else:
            when, parent_when = (
                published.get(origin.doc_id),
                min((w for p in parents if (w := published.get(p)) is not None), default=None),
            )
            if (
                origin.doc_id != reply
                and when is not None
                and parent_when is not None
                and when <= parent_when
            ):
                right += 1
        reply_when = published.get(reply)
        if reply_when is not None and any(
            (w := published.get(p)) is not None and w < reply_when for p in parents
        ):
            dates += 1
    n = len(found_blocks)
    return DirectionScore(
        judged=n,
        cluster_origin_right=right / n if n else 1.0,
        cluster_origin_missing=missing,
        dates_right=dates / n if n else 1.0,
    )
