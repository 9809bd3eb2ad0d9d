"""ScanResult <-> JSON-able dicts, JSON and JSONL: the only place output field names are spelled.

Offsets are half-open character ranges into the original document text. Similarity,
Jaccard and coverage floats are rounded to 6 decimals here, so equal results always dump
to identical bytes and small float noise never shows up as a diff. The price is that
``from_dict(to_dict(r)) == r`` holds only for results whose floats are already rounded.
``docs/schema.md`` describes every field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TextIO

from dedup.model import (
    DocumentCluster,
    DocumentInfo,
    DuplicatePair,
    Match,
    PassageCluster,
    ScanResult,
    ScanStats,
    Span,
)

SCHEMA_VERSION = 1
"""Bumped on any change that could break a reader of the JSON output."""

TOOL = "dedup"
_DIGITS = 6

# Characters str.splitlines() treats as line breaks that json.dumps leaves raw under
# ensure_ascii=False; escaped in JSONL so that one record is always one line.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})

# JSONL record types in the order they are written, after the one "summary" record.
_RECORD_TYPES = (
    ("documents", "document"),
    ("duplicates", "duplicate"),
    ("matches", "match"),
    ("passages", "passage"),
    ("clusters", "cluster"),
    ("boilerplate", "boilerplate"),
)


def _round(value: float) -> float:
    return round(float(value), _DIGITS)


def _date(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def span_to_dict(span: Span) -> dict[str, Any]:
    """A span as ``{"doc_id", "start", "end"}``; ``text[start:end]`` is the passage.

    >>> span_to_dict(Span("wire-1", 10, 42))
    {'doc_id': 'wire-1', 'start': 10, 'end': 42}
    """
    return {"doc_id": span.doc_id, "start": span.start, "end": span.end}


def match_to_dict(match: Match) -> dict[str, Any]:
    """A match as ``{"a": span, "b": span, "similarity": float}``, similarity rounded.

    Public because ``dedup compare --format json`` prints matches without a ScanResult.

    >>> match_to_dict(Match(Span("a", 0, 5), Span("b", 7, 12), 0.98765432))["similarity"]
    0.987654
    """
    return {"a": span_to_dict(match.a), "b": span_to_dict(match.b), "similarity": _round(match.similarity)}


def _document(info: DocumentInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "chars": info.chars,
        "words": info.words,
        "source": info.source,
        "published": _date(info.published),
        "title": info.title,
        "url": info.url,
    }


def _duplicate(pair: DuplicatePair) -> dict[str, Any]:
    return {"a": pair.a, "b": pair.b, "jaccard": _round(pair.jaccard), "estimate": _round(pair.estimate)}


def _passage(index: int, passage: PassageCluster) -> dict[str, Any]:
    return {
        "id": index,
        "text": passage.text,
        "spans": [span_to_dict(s) for s in passage.spans],
        "origin": span_to_dict(passage.origin) if passage.origin is not None else None,
        "documents": len(passage.doc_ids),
    }


def _cluster(cluster: DocumentCluster) -> dict[str, Any]:
    return {
        "doc_ids": list(cluster.doc_ids),
        "coverage": {doc_id: _round(share) for doc_id, share in cluster.coverage.items()},
        "origin": cluster.origin,
        "passages": list(cluster.passages),
    }


def _stats(stats: ScanStats) -> dict[str, Any]:
    return {
        "documents": stats.documents,
        "empty_documents": stats.empty_documents,
        "shingles": stats.shingles,
        "duplicate_candidates": stats.duplicate_candidates,
        "window_candidates": stats.window_candidates,
        "regions_aligned": stats.regions_aligned,
        "capped_buckets": stats.capped_buckets,
        "capped_documents": stats.capped_documents,
    }


def to_dict(result: ScanResult) -> dict[str, Any]:
    """The whole result as plain JSON types, headed by ``schema_version`` and ``tool``.

    Passage and boilerplate records carry an ``id`` equal to their index, because
    ``clusters[].passages`` refers to passages by index.

    >>> from dedup.model import ScanStats
    >>> empty = ScanResult((), (), (), (), (), (), ScanStats(0, 0, 0, 0, 0, 0, 0))
    >>> to_dict(empty)["schema_version"], to_dict(empty)["matches"]
    (1, [])
    """
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": TOOL,
        "documents": [_document(d) for d in result.documents],
        "duplicates": [_duplicate(p) for p in result.duplicates],
        "matches": [match_to_dict(m) for m in result.matches],
        "passages": [_passage(i, p) for i, p in enumerate(result.passages)],
        "clusters": [_cluster(c) for c in result.clusters],
        "boilerplate": [_passage(i, p) for i, p in enumerate(result.boilerplate)],
        "stats": _stats(result.stats),
    }


def _read_span(data: Mapping[str, Any]) -> Span:
    return Span(data["doc_id"], data["start"], data["end"])


def _read_date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _read_passage(data: Mapping[str, Any]) -> PassageCluster:
    return PassageCluster(
        spans=tuple(_read_span(s) for s in data["spans"]),
        text=data["text"],
        origin=_read_span(data["origin"]) if data["origin"] is not None else None,
    )


def _read_stats(data: Mapping[str, Any]) -> ScanStats:
    return ScanStats(
        documents=data["documents"],
        empty_documents=data["empty_documents"],
        shingles=data["shingles"],
        duplicate_candidates=data["duplicate_candidates"],
        window_candidates=data["window_candidates"],
        regions_aligned=data["regions_aligned"],
        capped_buckets=data["capped_buckets"],
        capped_documents=data.get("capped_documents", 0),
    )


def from_dict(data: Mapping[str, Any]) -> ScanResult:
    """Rebuild a ScanResult from ``to_dict`` output or its parsed JSON.

    Derived fields (a passage's ``id`` and ``documents``) are ignored, as they follow
    from the rest, and so are keys this version does not know: adding a field is a
    compatible change. Floats come back as rounded in the JSON.

    Raises:
        ValueError: ``schema_version`` is missing or not one this dedup reads.

    >>> from dedup.model import ScanStats
    >>> empty = ScanResult((), (), (), (), (), (), ScanStats(1, 1, 0, 0, 0, 0, 0))
    >>> from_dict(to_dict(empty)) == empty
    True
    """
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ValueError(f"schema_version {version!r} is not supported (this dedup reads {SCHEMA_VERSION})")
    return ScanResult(
        documents=tuple(
            DocumentInfo(
                id=d["id"],
                chars=d["chars"],
                words=d["words"],
                source=d["source"],
                published=_read_date(d["published"]),
                title=d["title"],
                url=d["url"],
            )
            for d in data["documents"]
        ),
        duplicates=tuple(
            DuplicatePair(p["a"], p["b"], p["jaccard"], p["estimate"]) for p in data["duplicates"]
        ),
        matches=tuple(
            Match(_read_span(m["a"]), _read_span(m["b"]), m["similarity"]) for m in data["matches"]
        ),
        passages=tuple(_read_passage(p) for p in data["passages"]),
        clusters=tuple(
            DocumentCluster(
                doc_ids=tuple(c["doc_ids"]),
                coverage=dict(c["coverage"]),
                origin=c["origin"],
                passages=tuple(c["passages"]),
            )
            for c in data["clusters"]
        ),
        boilerplate=tuple(_read_passage(p) for p in data["boilerplate"]),
        stats=_read_stats(data["stats"]),
    )


def dump_json(result: ScanResult, out: TextIO) -> None:
    """Write the result as indented JSON with sorted keys: equal results give identical bytes.

    >>> import io
    >>> from dedup.model import ScanStats
    >>> buffer = io.StringIO()
    >>> dump_json(ScanResult((), (), (), (), (), (), ScanStats(0, 0, 0, 0, 0, 0, 0)), buffer)
    >>> json.loads(buffer.getvalue())["tool"]
    'dedup'
    """
    json.dump(to_dict(result), out, sort_keys=True, indent=2, ensure_ascii=False)
    out.write("\n")


def dump_jsonl(result: ScanResult, out: TextIO) -> None:
    """Write one JSON record per line, each with a ``type``, for streaming readers and ``jq``.

    A ``summary`` record (schema_version, tool, stats) comes first, then every document,
    duplicate, match, passage, cluster and boilerplate record, in that order. Line
    separators inside text (U+0085, U+2028, U+2029) are escaped, so a record is always
    exactly one line, even for readers that split on them.

    >>> import io
    >>> from dedup.model import ScanStats
    >>> buffer = io.StringIO()
    >>> dump_jsonl(ScanResult((), (), (), (), (), (), ScanStats(0, 0, 0, 0, 0, 0, 0)), buffer)
    >>> [json.loads(line)["type"] for line in buffer.getvalue().splitlines()]
    ['summary']
    """
    data = to_dict(result)

    def write(record: Mapping[str, Any]) -> None:
        line = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        out.write(line.translate(_LINE_BREAKS) + "\n")

    write({"type": "summary", "schema_version": SCHEMA_VERSION, "tool": TOOL, "stats": data["stats"]})
    for key, record_type in _RECORD_TYPES:
        for record in data[key]:
            write({**record, "type": record_type})
