"""ScanResult <-> JSON-able dicts: the only place output field names are spelled.

Offsets are half-open character ranges into the original document text. Floats are
rounded to 6 decimals here, so equal results always dump to identical bytes;
``from_dict(to_dict(r)) == r`` holds for results whose floats are already rounded.
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

_DIGITS = 6


def _round(value: float) -> float:
    return round(float(value), _DIGITS)


def _date(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def span_to_dict(span: Span) -> dict[str, Any]:
    """``{"doc_id", "start", "end"}``."""
    return {"doc_id": span.doc_id, "start": span.start, "end": span.end}


def match_to_dict(match: Match) -> dict[str, Any]:
    """``{"a": span, "b": span, "similarity": float}``."""
    return {"a": span_to_dict(match.a), "b": span_to_dict(match.b), "similarity": _round(match.similarity)}


def _passage_to_dict(index: int, passage: PassageCluster) -> dict[str, Any]:
    return {
        "id": index,
        "text": passage.text,
        "spans": [span_to_dict(s) for s in passage.spans],
        "origin": span_to_dict(passage.origin) if passage.origin else None,
        "documents": len(passage.doc_ids),
    }


def to_dict(result: ScanResult) -> dict[str, Any]:
    """The whole result as plain JSON types, with ``schema_version``."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": "dedup",
        "documents": [
            {
                "id": d.id,
                "chars": d.chars,
                "words": d.words,
                "source": d.source,
                "published": _date(d.published),
                "title": d.title,
                "url": d.url,
            }
            for d in result.documents
        ],
        "duplicates": [
            {"a": p.a, "b": p.b, "jaccard": _round(p.jaccard), "estimate": _round(p.estimate)}
            for p in result.duplicates
        ],
        "matches": [match_to_dict(m) for m in result.matches],
        "passages": [_passage_to_dict(i, p) for i, p in enumerate(result.passages)],
        "clusters": [
            {
                "doc_ids": list(c.doc_ids),
                "coverage": {d: _round(v) for d, v in c.coverage.items()},
                "origin": c.origin,
                "passages": list(c.passages),
            }
            for c in result.clusters
        ],
        "boilerplate": [_passage_to_dict(i, p) for i, p in enumerate(result.boilerplate)],
        "stats": {
            "documents": result.stats.documents,
            "empty_documents": result.stats.empty_documents,
            "shingles": result.stats.shingles,
            "duplicate_candidates": result.stats.duplicate_candidates,
            "window_candidates": result.stats.window_candidates,
            "regions_aligned": result.stats.regions_aligned,
            "capped_buckets": result.stats.capped_buckets,
        },
    }


def _span(data: Mapping[str, Any]) -> Span:
    return Span(data["doc_id"], data["start"], data["end"])


def _passage(data: Mapping[str, Any]) -> PassageCluster:
    return PassageCluster(
        spans=tuple(_span(s) for s in data["spans"]),
        text=data["text"],
        origin=_span(data["origin"]) if data["origin"] else None,
    )


def from_dict(data: Mapping[str, Any]) -> ScanResult:
    """Rebuild a ScanResult from ``to_dict`` output (or its JSON), checking the schema version."""
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
                published=datetime.fromisoformat(d["published"]) if d["published"] else None,
                title=d["title"],
                url=d["url"],
            )
            for d in data["documents"]
        ),
        duplicates=tuple(
            DuplicatePair(p["a"], p["b"], p["jaccard"], p["estimate"]) for p in data["duplicates"]
        ),
        matches=tuple(Match(_span(m["a"]), _span(m["b"]), m["similarity"]) for m in data["matches"]),
        passages=tuple(_passage(p) for p in data["passages"]),
        clusters=tuple(
            DocumentCluster(
                doc_ids=tuple(c["doc_ids"]),
                coverage=dict(c["coverage"]),
                origin=c["origin"],
                passages=tuple(c["passages"]),
            )
            for c in data["clusters"]
        ),
        boilerplate=tuple(_passage(p) for p in data["boilerplate"]),
        stats=ScanStats(**data["stats"]),
    )


def dump_json(result: ScanResult, out: TextIO) -> None:
    """The result as indented JSON with sorted keys: equal results give identical bytes."""
    json.dump(to_dict(result), out, sort_keys=True, indent=2, ensure_ascii=False)
    out.write("\n")


def dump_jsonl(result: ScanResult, out: TextIO) -> None:
    """One record per line, each with a ``type``: summary, then documents, duplicates, matches, ..."""
    data = to_dict(result)

    def line(record: dict[str, Any]) -> None:
        out.write(json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n")

    line({"type": "summary", "schema_version": SCHEMA_VERSION, "tool": "dedup", "stats": data["stats"]})
    for key, kind in (
        ("documents", "document"),
        ("duplicates", "duplicate"),
        ("matches", "match"),
        ("passages", "passage"),
        ("clusters", "cluster"),
        ("boilerplate", "boilerplate"),
    ):
        for record in data[key]:
            line({"type": kind, **record})
