"""The Store protocol: what an index backend must do, and the rows it moves.

A store keeps documents with their lookup keys and answers "which documents share
these keys?". It knows nothing about tokens, MinHash or alignment: ``dedup.index.Index``
turns documents into keys and candidates into results, so every backend gives the
same answers and ``tests/test_store_contract.py`` holds each one to them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from dedup.hashing import HASH_SCHEME, U64
from dedup.model import Document
from dedup.options import ScanOptions

SCHEMA_VERSION = 1
"""Bumped whenever the stored layout changes; a store refuses a file of another version."""


@dataclass(frozen=True, slots=True)
class IndexMeta:
    """What an index was built with: its schema version, options and passage fingerprint scheme.

    ``fingerprint_shingle`` words per fingerprinted shingle and a winnowing
    ``fingerprint_window`` of shingles (see ``dedup.index.fingerprints``);
    ``hash_scheme``: the ``dedup.hashing.HASH_SCHEME`` its keys were made with.
    """

    options: ScanOptions
    fingerprint_shingle: int
    fingerprint_window: int
    schema_version: int = SCHEMA_VERSION
    hash_scheme: int = HASH_SCHEME

    @property
    def passage_words(self) -> int:
        """The shortest exact common run of words guaranteed to share a fingerprint."""
        return self.fingerprint_window + self.fingerprint_shingle - 1


@dataclass(frozen=True, slots=True)
class StoredDoc:
    """One document as a store keeps it, with its keys (``band_keys[b]``: key in band b)."""

    document: Document
    words: int
    band_keys: U64
    fingerprints: U64


@dataclass(frozen=True, slots=True)
class Postings:
    """The stored documents that share keys with a draft, by id.

    ``bands[doc_id]``: bands in which the document's key equals the draft's.
    ``fingerprints[doc_id]``: passage fingerprints it shares with the draft, counting
    only the first ``max_postings`` documents of each fingerprint (earliest added).
    ``common``: how many of the draft's fingerprints had more documents than that.
    """

    bands: Mapping[str, int] = field(default_factory=dict)
    fingerprints: Mapping[str, int] = field(default_factory=dict)
    common: int = 0


@dataclass(frozen=True, slots=True)
class StoreStats:
    """Counts and size of a store (``bytes`` 0 for one that lives in memory)."""

    documents: int
    band_rows: int
    fingerprint_rows: int
    bytes: int


class Store(Protocol):
    """An index backend. Writes are atomic per call; every method may be called from one thread at a time."""

    def meta(self) -> IndexMeta | None:
        """What the index was built with, or None while nothing has been recorded."""
        ...

    def create(self, meta: IndexMeta) -> IndexMeta:
        """Record ``meta`` unless some is recorded already; return the recorded one."""
        ...

    def add(self, docs: Sequence[StoredDoc]) -> None:
        """Add documents in one transaction, replacing stored ones with the same id."""
        ...

    def remove(self, doc_ids: Collection[str]) -> int:
        """Remove documents by id in one transaction; returns how many were stored."""
        ...

    def lookup(
        self,
        band_keys: U64,
        fingerprints: U64,
        *,
        max_postings: int,
        exclude_sources: Collection[str] = (),
    ) -> Postings:
        """Documents sharing a band key or fingerprints, leaving out ``exclude_sources``.

        ``band_keys[b]`` is the draft's key in band b (empty: no band lookup).
        Sources are matched case-insensitively (``str.casefold``).
        """
        ...

    def get(self, doc_ids: Sequence[str]) -> list[StoredDoc]:
        """The stored documents with these ids, in the given order; unknown ids are left out."""
        ...

    def stats(self) -> StoreStats:
        """How much is stored."""
        ...

    def close(self) -> None:
        """Release the backend; the store is unusable afterwards."""
        ...
