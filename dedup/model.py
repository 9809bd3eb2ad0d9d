"""The public result types: frozen, slotted dataclasses with no I/O and no rendering.

Every offset is a half-open range of characters in the original, un-normalised
``Document.text``, so ``doc.text[span.start:span.end]`` is exactly what a reader sees.
Collections inside results are tuples, so results stay immutable; every tuple is
sorted by a documented key so the same input always gives the same result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class Document:
    """One text to compare, with the metadata that reports and origin detection use.

    ``published`` is timezone-aware; a naive datetime is taken to be UTC so that
    dates from different readers always compare.
    """

    id: str
    text: str
    source: str | None = None
    published: datetime | None = None
    title: str | None = None
    url: str | None = None
    meta: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"document id must be a non-empty string, got {self.id!r}")
        if not isinstance(self.text, str):
            raise TypeError(f"text of document {self.id!r} must be str, got {type(self.text).__name__}")
        if self.published is not None and self.published.tzinfo is None:
            object.__setattr__(self, "published", self.published.replace(tzinfo=UTC))


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Half-open range [start, end) of characters in the original Document.text."""

    doc_id: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"span {self.start}:{self.end} of {self.doc_id!r} is not a valid range")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        """True when both spans are in one document and share at least one character."""
        return self.doc_id == other.doc_id and self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True, order=True)
class Match:
    """One aligned passage pair: span ``a`` and span ``b`` hold (almost) the same words.

    ``similarity`` is in [0, 1]: ``dedup.passage_similarity`` of the two slices.
    ``a`` is always the span whose ``(doc_id, start)`` sorts first.
    """

    a: Span
    b: Span
    similarity: float


@dataclass(frozen=True, slots=True, order=True)
class DuplicatePair:
    """Two documents that are near-duplicates as a whole (``a < b`` by id).

    ``jaccard`` is the exact Jaccard similarity of the two shingle sets;
    ``estimate`` is what MinHash estimated before verification.
    """

    a: str
    b: str
    jaccard: float
    estimate: float


@dataclass(frozen=True, slots=True)
class PassageCluster:
    """One recurring passage and all its occurrences, sorted by ``(doc_id, start)``.

    ``text`` is the passage as it reads in its first occurrence (the origin's when
    known); ``origin`` is the occurrence in the earliest-published document, or
    None when dates are missing or two sources tie for the first date.
    """

    spans: tuple[Span, ...]
    text: str
    origin: Span | None = None

    @property
    def doc_ids(self) -> tuple[str, ...]:
        """The distinct documents the passage occurs in, sorted."""
        return tuple(sorted({s.doc_id for s in self.spans}))


@dataclass(frozen=True, slots=True)
class DocumentCluster:
    """Documents tied together by reused (non-boilerplate) passages: a syndication cluster.

    ``coverage[doc_id]`` is the share of that document's characters inside reused
    passages; ``passages`` are indices into ``ScanResult.passages``; ``origin`` is the
    earliest-published document, or None when dates are missing or two sources tie for
    the first date.
    """

    doc_ids: tuple[str, ...]
    coverage: Mapping[str, float] = field(hash=False)
    origin: str | None
    passages: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What a result keeps of each scanned document: metadata and length, not the text."""

    id: str
    chars: int
    words: int
    source: str | None = None
    published: datetime | None = None
    title: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ScanStats:
    """Counts from one scan: how much work each stage did. No timings, so results stay reproducible.

    ``capped_buckets`` counts LSH buckets larger than ``max_bucket_size`` (linked as a
    star, not all pairs); ``capped_documents`` counts documents that had passage
    candidates with more than ``max_document_pairs`` others (the rest were not aligned).
    """

    documents: int
    empty_documents: int
    shingles: int
    duplicate_candidates: int
    window_candidates: int
    regions_aligned: int
    capped_buckets: int
    capped_documents: int = 0


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything ``dedup.scan`` found. Serialise it with ``dedup.report``."""

    documents: tuple[DocumentInfo, ...]
    duplicates: tuple[DuplicatePair, ...]
    matches: tuple[Match, ...]
    passages: tuple[PassageCluster, ...]
    clusters: tuple[DocumentCluster, ...]
    boilerplate: tuple[PassageCluster, ...]
    stats: ScanStats
