"""The HTML report's view model: what the page shows, computed once in Python.

``scan_view`` and ``check_view`` turn results plus the documents' texts (results hold
spans, not texts) into a ``ReportView``: an ``Overview`` the template renders, and
``data``, plain JSON-able lists the page's script renders lazily (a page of clusters or
one pair at a time), so a report of 10,000 documents opens quickly. Documents are
referred to by their position in ``data["docs"]``; only documents that take part in a
match carry their text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from dedup.index.check import CheckResult
from dedup.model import DocumentInfo, PassageCluster, ScanResult, Span
from dedup.report.edits import word_edits

BINS = 10
"""Bars in the similarity histogram."""

LOWEST = 0.5
"""Where the histogram starts: passages are rarely reported below 0.75 (the default minimum)."""

MAX_SHARES = 25
"""Sources (or drafts) with a bar in the overview; the rest are counted."""

_DIGITS = 4


@dataclass(frozen=True, slots=True)
class Share:
    """One bar of the borrowed-share chart: a source (scan) or a draft (check)."""

    label: str
    documents: int
    share: float
    target: str | None = None


@dataclass(frozen=True, slots=True)
class Bin:
    """Matches with similarity in [low, high) (the last bin includes 1.0)."""

    low: float
    high: float
    count: int


@dataclass(frozen=True, slots=True)
class Overview:
    """The counts and charts at the top of the report."""

    documents: int
    sources: int
    clusters: int
    passages: int
    duplicates: int
    pairs: int
    matches: int
    boilerplate: int
    shares: tuple[Share, ...]
    more_shares: int
    similarity: tuple[Bin, ...]


@dataclass(frozen=True, slots=True)
class ReportView:
    """Everything the template needs: ``kind`` "scan" or "check", the overview, the script's data."""

    kind: Literal["scan", "check"]
    title: str
    overview: Overview
    data: Mapping[str, Any] = field(hash=False)


def _round(value: float) -> float:
    return round(float(value), _DIGITS)


def _doc(info: DocumentInfo, text: str | None) -> dict[str, Any]:
    return {
        "id": info.id,
        "source": info.source,
        "published": info.published.date().isoformat() if info.published is not None else None,
        "title": info.title,
        "url": info.url,
        "chars": info.chars,
        "text": text,
    }


def histogram(similarities: Iterable[float], *, low: float = LOWEST, bins: int = BINS) -> tuple[Bin, ...]:
    """Counts of similarities in ``bins`` equal bins over [low, 1]; values below ``low`` count in the first.

    >>> [b.count for b in histogram([0.05, 0.95, 1.0, 0.5], low=0.0, bins=4)]
    [1, 0, 1, 2]
    """
    width = (1.0 - low) / bins
    counts = [0] * bins
    for value in similarities:
        counts[max(0, min(int((value - low) / width), bins - 1))] += 1
    return tuple(
        Bin(round(low + i * width, 4), round(low + (i + 1) * width, 4), c) for i, c in enumerate(counts)
    )


class _SpanIndex:
    """Finds whether a span overlaps any of a set of spans, per document, by bisection."""

    def __init__(self, spans: Iterable[Span]) -> None:
        by_doc: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for span in spans:
            by_doc[span.doc_id].append((span.start, span.end))
        self._starts: dict[str, list[int]] = {}
        self._reach: dict[str, list[int]] = {}  # running max of ends, so bisection finds any overlap
        for doc_id, ranges in by_doc.items():
            ranges.sort()
            self._starts[doc_id] = [s for s, _ in ranges]
            reach, top = [], -1
            for _, end in ranges:
                top = max(top, end)
                reach.append(top)
            self._reach[doc_id] = reach

    def overlaps(self, span: Span) -> bool:
        starts = self._starts.get(span.doc_id)
        if not starts:
            return False
        i = bisect_right(starts, span.end - 1)  # ranges starting before span.end
        return i > 0 and self._reach[span.doc_id][i - 1] > span.start


def _pair_match(
    a: tuple[int, int], b: tuple[int, int], similarity: float, texts: tuple[str, str], boilerplate: bool
) -> dict[str, Any]:
    edits = () if boilerplate else word_edits(texts[0], a, texts[1], b)
    return {
        "a": list(a),
        "b": list(b),
        "similarity": _round(similarity),
        "boilerplate": boilerplate,
        "edits": [[e.a_start, e.a_end, e.b_start, e.b_end] for e in edits],
    }


def _sort_pairs(pairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Most reused (non-boilerplate) characters first, then by document positions."""

    def reused(pair: dict[str, Any]) -> int:
        return sum(m["a"][1] - m["a"][0] for m in pair["matches"] if not m["boilerplate"])

    for pair in pairs:
        pair["matches"].sort(key=lambda m: (m["a"][0], m["b"][0]))
        pair["chars"] = reused(pair)
    return sorted(pairs, key=lambda p: (-p["chars"], -(p["jaccard"] or 0.0), p["a"], p["b"]))


def _passage(passage: PassageCluster, position: Mapping[str, int]) -> dict[str, Any]:
    spans = [[position[s.doc_id], s.start, s.end] for s in passage.spans if s.doc_id in position]
    origin = next((i for i, s in enumerate(passage.spans) if s == passage.origin), None)
    return {"text": passage.text, "spans": spans, "origin": origin}


def _shares(rows: list[Share]) -> tuple[tuple[Share, ...], int]:
    rows.sort(key=lambda r: (-r.share, r.label))
    return tuple(rows[:MAX_SHARES]), max(0, len(rows) - MAX_SHARES)


def scan_view(result: ScanResult, texts: Mapping[str, str], *, title: str = "dedup report") -> ReportView:
    """The view of a scan; ``texts[doc_id]`` is each document's text (needed for matched documents).

    Raises:
        KeyError: a document that takes part in a match has no text in ``texts``.
    """
    position = {d.id: i for i, d in enumerate(result.documents)}
    boilerplate = _SpanIndex(s for p in result.boilerplate for s in p.spans)
    pairs: dict[tuple[int, int], dict[str, Any]] = {}

    def pair(a: str, b: str) -> dict[str, Any]:
        key = (position[a], position[b])
        if key not in pairs:
            pairs[key] = {"a": key[0], "b": key[1], "jaccard": None, "matches": []}
        return pairs[key]

    for m in result.matches:
        both = (texts[m.a.doc_id], texts[m.b.doc_id])
        pair(m.a.doc_id, m.b.doc_id)["matches"].append(
            _pair_match(
                (m.a.start, m.a.end), (m.b.start, m.b.end), m.similarity, both, boilerplate.overlaps(m.a)
            )
        )
    for duplicate in result.duplicates:
        pair(duplicate.a, duplicate.b)["jaccard"] = _round(duplicate.jaccard)
    shown = {i for key in pairs for i in key}
    docs = [_doc(d, texts[d.id] if i in shown else None) for i, d in enumerate(result.documents)]
    coverage: dict[str, float] = {}
    for c in result.clusters:
        coverage.update(c.coverage)
    by_source: dict[str, list[DocumentInfo]] = defaultdict(list)
    for d in result.documents:
        by_source[d.source or "(no source)"].append(d)
    shares, more = _shares(
        [
            Share(
                name,
                len(members),
                sum(coverage.get(d.id, 0.0) * d.chars for d in members)
                / max(1, sum(d.chars for d in members)),
            )
            for name, members in by_source.items()
        ]
    )
    sorted_pairs = _sort_pairs(list(pairs.values()))
    overview = Overview(
        documents=len(result.documents),
        sources=len({d.source for d in result.documents if d.source}),
        clusters=len(result.clusters),
        passages=len(result.passages),
        duplicates=len(result.duplicates),
        pairs=len(sorted_pairs),
        matches=len(result.matches),
        boilerplate=len(result.boilerplate),
        shares=shares,
        more_shares=more,
        similarity=histogram(m.similarity for m in result.matches if not boilerplate.overlaps(m.a)),
    )
    data = {
        "kind": "scan",
        "docs": docs,
        "pairs": sorted_pairs,
        "clusters": [
            {
                "docs": [[position[d], _round(c.coverage.get(d, 0.0))] for d in c.doc_ids],
                "origin": position[c.origin] if c.origin is not None else None,
                "passages": list(c.passages),
            }
            for c in result.clusters
        ],
        "passages": [_passage(p, position) for p in result.passages],
        "boilerplate": [_passage(p, position) for p in result.boilerplate],
    }
    return ReportView("scan", title, overview, data)


def check_view(
    results: Sequence[CheckResult],
    drafts: Mapping[str, str],
    archive: Mapping[str, str],
    *,
    title: str = "dedup check report",
) -> ReportView:
    """The view of ``dedup check``: drafts, their borrowed passages, the archive documents holding them.

    ``drafts[draft_id]`` and ``archive[doc_id]`` are the texts of the drafts and of the
    stored documents the results name.
    """
    docs: list[dict[str, Any]] = []
    stored: dict[str, int] = {}
    pairs: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for result in results:
        draft = len(docs)
        docs.append(_doc(result.draft, drafts[result.draft.id]))
        by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for p in result.passages:
            both = (drafts[result.draft.id], archive[p.document.doc_id])
            span_b = (p.document.start, p.document.end)
            by_doc[p.document.doc_id].append(
                _pair_match((p.draft.start, p.draft.end), span_b, p.similarity, both, False)
            )
        jaccards = {d.doc_id: _round(d.jaccard) for d in result.duplicates}
        own: list[dict[str, Any]] = []
        for info in result.documents:
            if info.id not in stored:
                stored[info.id] = len(docs)
                docs.append(_doc(info, archive.get(info.id)))
            own.append(
                {
                    "a": draft,
                    "b": stored[info.id],
                    "jaccard": jaccards.get(info.id),
                    "matches": by_doc[info.id],
                }
            )
        first = len(pairs)
        pairs.extend(_sort_pairs(own))
        rows.append(
            {
                "doc": draft,
                "share": _round(result.borrowed_share),
                "pairs": list(range(first, len(pairs))),
                "capped": result.stats.capped,
            }
        )
    shares, more = _shares(
        [
            Share(r.draft.id, len(r.documents), r.borrowed_share, f"#doc/{row['doc']}")
            for r, row in zip(results, rows, strict=True)
        ]
    )
    overview = Overview(
        documents=len(docs),
        sources=len({d["source"] for d in docs[len(results) :] if d["source"]}),
        clusters=0,
        passages=sum(len(r.passages) for r in results),
        duplicates=sum(len(r.duplicates) for r in results),
        pairs=len(pairs),
        matches=sum(len(r.passages) for r in results),
        boilerplate=0,
        shares=shares,
        more_shares=more,
        similarity=histogram(p.similarity for r in results for p in r.passages),
    )
    data = {"kind": "check", "docs": docs, "pairs": pairs, "drafts": rows}
    return ReportView("check", title, overview, data)
