"""MemoryStore: the Store protocol on dictionaries, the reference backend and the test double.

Small enough to read in one sitting, so it defines what the SQLite store must do:
``tests/test_store_contract.py`` runs the same tests on both. Postings keep documents
in the order they were added (a replaced document moves to the end), which is the
order SQLite's rowids give.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence

from dedup.hashing import U64
from dedup.index.store import IndexMeta, Postings, StoredDoc, StoreStats


class MemoryStore:
    """Documents, band postings and fingerprint postings in dictionaries.

    >>> store = MemoryStore()
    >>> store.stats().documents
    0
    """

    def __init__(self) -> None:
        self._meta: IndexMeta | None = None
        self._docs: dict[str, StoredDoc] = {}
        self._bands: dict[tuple[int, int], dict[str, None]] = {}
        self._fingerprints: dict[int, dict[str, None]] = {}
        self._closed = False

    def meta(self) -> IndexMeta | None:
        """What the index was built with, or None while nothing has been recorded."""
        self._check_open()
        return self._meta

    def create(self, meta: IndexMeta) -> IndexMeta:
        """Record ``meta`` unless some is recorded already; return the recorded one."""
        self._check_open()
        if self._meta is None:
            self._meta = meta
        return self._meta

    def add(self, docs: Sequence[StoredDoc]) -> None:
        """Add documents, replacing stored ones with the same id."""
        self._check_open()
        for stored in docs:
            self._drop(stored.document.id)
            doc_id = stored.document.id
            self._docs[doc_id] = stored
            for band, key in enumerate(stored.band_keys.tolist()):
                self._bands.setdefault((band, key), {})[doc_id] = None
            for fingerprint in stored.fingerprints.tolist():
                self._fingerprints.setdefault(fingerprint, {})[doc_id] = None

    def remove(self, doc_ids: Collection[str]) -> int:
        """Remove documents by id; returns how many were stored."""
        self._check_open()
        return sum(self._drop(doc_id) for doc_id in set(doc_ids))

    def lookup(
        self,
        band_keys: U64,
        fingerprints: U64,
        *,
        max_postings: int,
        exclude_sources: Collection[str] = (),
    ) -> Postings:
        """Documents sharing a band key or fingerprints, leaving out ``exclude_sources``."""
        self._check_open()
        excluded = {s.casefold() for s in exclude_sources}

        def kept(doc_id: str) -> bool:
            source = self._docs[doc_id].document.source
            return source is None or source.casefold() not in excluded

        bands: Counter[str] = Counter()
        for band, key in enumerate(band_keys.tolist()):
            bands.update(d for d in self._bands.get((band, key), {}) if kept(d))
        shared: Counter[str] = Counter()
        common = 0
        for fingerprint in fingerprints.tolist():
            holders = [d for d in self._fingerprints.get(fingerprint, {}) if kept(d)]
            if len(holders) > max_postings:
                common += 1
            shared.update(holders[:max_postings])
        return Postings(bands=dict(bands), fingerprints=dict(shared), common=common)

    def get(self, doc_ids: Sequence[str]) -> list[StoredDoc]:
        """The stored documents with these ids, in the given order; unknown ids are left out."""
        self._check_open()
        return [self._docs[d] for d in doc_ids if d in self._docs]

    def stats(self) -> StoreStats:
        """How much is stored (no file, so ``bytes`` is 0)."""
        self._check_open()
        return StoreStats(
            documents=len(self._docs),
            band_rows=sum(len(v) for v in self._bands.values()),
            fingerprint_rows=sum(len(v) for v in self._fingerprints.values()),
            bytes=0,
        )

    def close(self) -> None:
        """Forget everything."""
        self._docs.clear()
        self._bands.clear()
        self._fingerprints.clear()
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("the store is closed")

    def _drop(self, doc_id: str) -> bool:
        stored = self._docs.pop(doc_id, None)
        if stored is None:
            return False
        for band, key in enumerate(stored.band_keys.tolist()):
            holders = self._bands[(band, key)]
            del holders[doc_id]
            if not holders:
                del self._bands[(band, key)]
        for fingerprint in stored.fingerprints.tolist():
            holders = self._fingerprints[fingerprint]
            del holders[doc_id]
            if not holders:
                del self._fingerprints[fingerprint]
        return True
