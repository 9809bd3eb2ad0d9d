"""The one door from the Spark engine into the local engine: every local function it runs.

The Spark engine has no algorithm of its own. Spark decides *where* each document,
bucket, pair and component is worked on; what is done to it is always the local
engine's code, called from here, so both engines give the same answer by construction.
When a local module changes shape, this file is the only one to fix.

Per document (run inside ``mapPartitions``):
    ``doc_features``: tokens -> shingle set, MinHash signature, band keys (document level);
    ``window_features``: passage windows that pass the repetition filter, and their band keys.
Per partition of (band, key) rows: ``bucket_candidates`` (``lsh.candidate_pairs``, the cap
included). Per pair: ``verify_pair`` (exact Jaccard) and ``align_pair`` (regions ->
aligned matches). Per connected group of documents: ``finish_passages`` (the local
``_assemble``: passages, boilerplate, kept matches, coverage) and ``finish_cluster``
(``cluster.document_clusters``). Per document: ``document_info``; at the end ``scan_stats``.

The private ``dedup.scan._assemble`` and its two work records, used here, are the first
thing to check when ``scan.py`` changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import cast

import numpy as np
import numpy.typing as npt

from dedup import cluster
from dedup.lsh import band_keys, candidate_pairs
from dedup.minhash import Signer, estimate_jaccard
from dedup.model import (
    Document,
    DocumentCluster,
    DocumentInfo,
    DuplicatePair,
    Match,
    PassageCluster,
    ScanResult,
    ScanStats,
    Span,
)
from dedup.normalize import Tokens, tokenize, tokenize_many
from dedup.options import ScanOptions
from dedup.prepare import TokenStore, document_bands, passage_bands, passage_windows
from dedup.scan import _assemble, _NearDuplicates, _PassageWork
from dedup.scan import align_pair as scan_align_pair
from dedup.shingle import jaccard, shingle_sets_many

__all__ = [
    "ComponentPassages",
    "Counts",
    "DocFeatures",
    "Document",
    "DocumentCluster",
    "DocumentInfo",
    "DuplicatePair",
    "Match",
    "PassageCluster",
    "ScanOptions",
    "ScanResult",
    "ScanStats",
    "Span",
    "Tokens",
    "WindowFeatures",
    "align_pair",
    "bucket_candidates",
    "doc_features",
    "document_bands",
    "document_info",
    "finish_cluster",
    "finish_passages",
    "passage_bands",
    "scan_stats",
    "tokenize",
    "verify_pair",
    "window_features",
]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class DocFeatures:
    """What the document level needs of one document: its shingle set, signature and band keys."""

    shingles: U64
    signature: U32
    keys: U64  # one per band; meaningless (and unused) when ``shingles`` is empty
    words: int


def doc_features(texts: Sequence[str], opts: ScanOptions) -> list[DocFeatures]:
    """Document-level features of a batch of texts (signed together, as the local scan signs all)."""
    tokens = tokenize_many(texts)
    sets = shingle_sets_many(tokens, opts.shingle_size)
    if not sets:
        return []
    signatures = Signer(opts.num_perm, opts.seed).sign_many(sets)
    bands, rows = document_bands(opts)
    keys = band_keys(signatures, bands, rows)
    return [
        DocFeatures(s, signatures[n], keys[n], len(t))
        for n, (s, t) in enumerate(zip(sets, tokens, strict=True))
    ]


@dataclass(frozen=True, slots=True)
class WindowFeatures:
    """The passage windows of one document that the local scan keeps, and their band keys."""

    starts: I64
    stops: I64
    keys: U64  # shape (windows, bands)


def window_features(text: str, opts: ScanOptions) -> WindowFeatures | None:
    """Windows, repetition filter and band keys by the local ``prepare.passage_windows``; None: no windows."""
    _, starts, stops, keys = passage_windows([tokenize(text)], 0, opts)
    return WindowFeatures(starts, stops, keys) if len(starts) else None


def bucket_candidates(keys: U64, max_bucket_size: int) -> tuple[I64, int]:
    """(pairs of positions sharing a key, capped buckets) of one band's keys, by ``lsh.candidate_pairs``.

    Positions are the keys' order, which must be the local engine's row order.
    """
    found = candidate_pairs(keys.reshape(-1, 1), max_bucket_size=max_bucket_size)
    return found.pairs, found.capped_buckets


def verify_pair(
    a_id: str, a: DocFeatures, b_id: str, b: DocFeatures, threshold: float
) -> DuplicatePair | None:
    """A candidate document pair verified by exact Jaccard, as ``scan._near_duplicates`` does."""
    similarity = jaccard(a.shingles, b.shingles)
    if similarity < threshold:
        return None
    return DuplicatePair(a_id, b_id, similarity, estimate_jaccard(a.signature, b.signature))


def align_pair(a: Document, b: Document, starts: I64, opts: ScanOptions) -> tuple[list[Match], int]:
    """(matches, regions aligned) of one document pair from its candidate window pairs, as ``scan._passages``.

    ``starts`` holds the first tokens ``(a_start, b_start)`` of the window pairs, sorted,
    ``a.id < b.id``; a window ends ``window`` tokens later or at the end of its text,
    as ``windows.cut`` makes it.
    """
    ta, tb = tokenize(a.text), tokenize(b.text)
    a_starts, b_starts = starts[:, 0], starts[:, 1]
    windows = (
        a_starts.tolist(),
        np.minimum(a_starts + opts.window, len(ta)).tolist(),
        b_starts.tolist(),
        np.minimum(b_starts + opts.window, len(tb)).tolist(),
    )
    return scan_align_pair(a, ta, b, tb, windows, opts)


@dataclass(frozen=True, slots=True)
class Counts:
    """Stage counts that go into ``ScanStats``, summed over the Spark stages."""

    shingles: int
    duplicate_candidates: int
    window_candidates: int
    regions: int
    capped_buckets: int


@dataclass(frozen=True, slots=True)
class ComponentPassages:
    """What the local ``_assemble`` makes of the matches among one group of documents."""

    matches: list[Match]  # boilerplate (and, when asked, same-source) matches left out
    passages: list[PassageCluster]
    boilerplate: list[PassageCluster]
    coverage: dict[str, float]  # of the documents with kept matches


def finish_passages(
    docs: Sequence[Document], matches: Sequence[Match], opts: ScanOptions
) -> ComponentPassages:
    """Passage clusters, boilerplate, kept matches and coverage of documents that only match each other.

    Every match, passage and boilerplate passage lies inside one connected group of
    documents, so the local ``_assemble`` run on each group alone gives, taken together,
    what it gives on the whole corpus. Its document clusters are not used here: near
    duplicates also link documents, so clusters come from a second pass
    (``finish_cluster``).
    """
    empty = _NearDuplicates([], 0, 0, 0)
    found = _PassageWork(sorted(matches), 0, 0, 0, 0)
    ordered = sorted(docs, key=lambda d: d.id)
    part = _assemble(ordered, cast(TokenStore, _Words([0] * len(ordered))), empty, found, opts)
    shares = {doc_id: share for c in part.clusters for doc_id, share in c.coverage.items()}
    return ComponentPassages(list(part.matches), list(part.passages), list(part.boilerplate), shares)


def finish_cluster(
    links: Sequence[tuple[str, str]],
    docs: Sequence[Document],
    passages: Sequence[tuple[int, PassageCluster]],
    coverage: dict[str, float],
) -> DocumentCluster:
    """The syndication cluster of one connected group of documents, by ``cluster.document_clusters``.

    ``passages`` are the reused passages whose first span is in the group, with their
    index in the whole result; the cluster's passage indices are mapped back to those.
    """
    ordered = sorted(passages, key=lambda ip: ip[0])
    published = {d.id: d.published for d in docs}
    sources = {d.id: d.source for d in docs}
    (found,) = cluster.document_clusters(links, [p for _, p in ordered], coverage, published, sources)
    return replace(found, passages=tuple(ordered[i][0] for i in found.passages))


def document_info(doc: Document, words: int, opts: ScanOptions) -> DocumentInfo:
    """What the result keeps of one document, as the local ``_assemble`` makes it."""
    empty = _NearDuplicates([], 0, 0, 0)
    alone = _assemble([doc], cast(TokenStore, _Words([words])), empty, _PassageWork([], 0, 0, 0, 0), opts)
    return alone.documents[0]


def scan_stats(documents: int, empty_documents: int, counts: Counts) -> ScanStats:
    """The stats of a whole scan from the counts of its stages."""
    return ScanStats(
        documents=documents,
        empty_documents=empty_documents,
        shingles=counts.shingles,
        duplicate_candidates=counts.duplicate_candidates,
        window_candidates=counts.window_candidates,
        regions_aligned=counts.regions,
        capped_buckets=counts.capped_buckets,
    )


class _Words:
    """Stands in for the scan's TokenStore where ``_assemble`` only reads word counts."""

    __slots__ = ("words",)

    def __init__(self, words: list[int]) -> None:
        self.words = np.array(words, dtype=np.int64)
