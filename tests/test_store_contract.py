"""The Store contract: every backend passes the same tests (a new backend joins the fixture's params)."""

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from dedup.index import MemoryStore, SQLiteStore, Store, sqlite
from dedup.index.store import SCHEMA_VERSION, IndexMeta, StoredDoc
from dedup.model import Document
from dedup.options import ScanOptions


@pytest.fixture(params=["memory", "sqlite", "sqlite-tiny-generations"])
def store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    if request.param == "sqlite-tiny-generations":  # postings spread over many generations of 2 documents
        monkeypatch.setattr(sqlite, "_GENERATION_BITS", 1)
    s: Store = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "i.db")
    yield s
    s.close()


def keys(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.uint64)


def stored(
    doc_id: str, bands: tuple[int, ...] = (), fingerprints: tuple[int, ...] = (), **fields: str
) -> StoredDoc:
    return StoredDoc(Document(doc_id, f"text of {doc_id}", **fields), 3, keys(*bands), keys(*fingerprints))  # type: ignore[arg-type]


BIG = 2**64 - 1  # keys are unsigned 64-bit; SQLite stores signed ones


def test_a_new_store_has_no_meta_and_create_records_the_first_only(store: Store) -> None:
    assert store.meta() is None
    first = IndexMeta(ScanOptions(shingle_size=7), fingerprint_shingle=5, fingerprint_window=6)
    assert store.create(first) == first
    assert store.create(IndexMeta(ScanOptions(), 3, 8)) == first
    assert store.meta() == first
    assert first.schema_version == SCHEMA_VERSION
    assert first.passage_words == 10


def test_get_returns_what_was_added_in_the_asked_order(store: Store) -> None:
    from datetime import UTC, datetime

    doc = StoredDoc(
        Document(
            "a",
            "Ünïcode text ✓\nsecond line",
            source="Coastal Wire",
            published=datetime(2025, 3, 4, 6, 40, tzinfo=UTC),
            title="Title",
            url="https://example.org/a",
            meta={"author": "K. Brennock"},
        ),
        4,
        keys(1, BIG),
        keys(5, 6, BIG - 1),
    )
    store.add([doc, stored("b")])
    got = store.get(["b", "missing", "a"])
    assert [g.document.id for g in got] == ["b", "a"]
    back = got[1]
    assert back.document == doc.document
    assert back.document.meta == {"author": "K. Brennock"}
    assert back.words == 4
    assert back.band_keys.tolist() == [1, BIG]
    assert back.fingerprints.tolist() == [5, 6, BIG - 1]


def test_lookup_matches_band_keys_band_by_band(store: Store) -> None:
    store.add(
        [stored("a", bands=(10, 20, BIG)), stored("b", bands=(10, 99, BIG)), stored("c", bands=(20, 10, 7))]
    )
    found = store.lookup(keys(10, 20, BIG), keys(), max_postings=10)
    assert found.bands == {"a": 3, "b": 2}  # c holds 10 and 20, but in other bands
    assert found.fingerprints == {}


def test_lookup_counts_shared_fingerprints(store: Store) -> None:
    store.add(
        [
            stored("a", fingerprints=(1, 2, 3, BIG)),
            stored("b", fingerprints=(3, 4)),
            stored("c", fingerprints=(9,)),
        ]
    )
    found = store.lookup(keys(), keys(2, 3, 4, BIG), max_postings=10)
    assert found.fingerprints == {"a": 3, "b": 2}
    assert found.common == 0


def test_a_fingerprint_in_many_documents_yields_only_the_earliest_added(store: Store) -> None:
    store.add([stored(f"d{i}", fingerprints=(7, i + 100)) for i in range(5)])
    store.add([stored("late", fingerprints=(7,))])
    found = store.lookup(keys(), keys(7, 102), max_postings=3)
    assert found.common == 1
    assert found.fingerprints == {"d0": 1, "d1": 1, "d2": 2}


def test_readding_an_id_replaces_it_and_its_keys(store: Store) -> None:
    store.add([stored("a", bands=(1,), fingerprints=(5,), source="Old"), stored("b", fingerprints=(5,))])
    store.add([stored("a", bands=(2,), fingerprints=(6,), source="New")])
    assert store.stats().documents == 2
    assert store.get(["a"])[0].document.source == "New"
    assert store.lookup(keys(1), keys(5), max_postings=10).bands == {}
    assert store.lookup(keys(1), keys(5), max_postings=10).fingerprints == {"b": 1}
    assert store.lookup(keys(2), keys(6), max_postings=10).bands == {"a": 1}
    # a replaced document counts as added last
    assert store.lookup(keys(), keys(5, 6), max_postings=1).fingerprints == {"b": 1, "a": 1}


def test_remove_drops_documents_and_postings_and_counts_only_stored_ids(store: Store) -> None:
    store.add([stored("a", bands=(1, 2), fingerprints=(5, 6)), stored("b", bands=(1, 3), fingerprints=(6,))])
    assert store.remove(["a", "nope"]) == 1
    assert store.get(["a"]) == []
    found = store.lookup(keys(1, 2), keys(5, 6), max_postings=10)
    assert found.bands == {"b": 1}
    assert found.fingerprints == {"b": 1}
    stats = store.stats()
    assert (stats.documents, stats.band_rows, stats.fingerprint_rows) == (1, 2, 1)


def test_excluded_sources_are_left_out_case_insensitively_before_the_cap(store: Store) -> None:
    store.add(
        [
            stored("own-1", bands=(1,), fingerprints=(7,), source="Harbour Ledger"),
            stored("own-2", fingerprints=(7,), source="harbour ledger"),
            stored("wire", bands=(1,), fingerprints=(7,), source="Coastal Wire"),
            stored("anon", fingerprints=(7,)),
        ]
    )
    found = store.lookup(keys(1), keys(7), max_postings=2, exclude_sources=["HARBOUR LEDGER"])
    assert found.bands == {"wire": 1}
    assert found.fingerprints == {"wire": 1, "anon": 1}
    assert found.common == 0


def test_stats_count_documents_and_postings(store: Store) -> None:
    store.add([stored("a", bands=(1, 2), fingerprints=(5, 6, 7)), stored("b")])
    stats = store.stats()
    assert (stats.documents, stats.band_rows, stats.fingerprint_rows) == (2, 2, 3)
    assert stats.bytes >= 0


def test_empty_lookups_and_batches_are_fine(store: Store) -> None:
    store.add([])
    assert store.remove([]) == 0
    found = store.lookup(keys(), keys(), max_postings=1)
    assert (dict(found.bands), dict(found.fingerprints), found.common) == ({}, {}, 0)
    assert store.get([]) == []


def test_a_batch_with_one_id_twice_keeps_the_last(store: Store) -> None:
    store.add([stored("a", source="first"), stored("a", source="second")])
    assert store.stats().documents == 1
    assert store.get(["a"])[0].document.source == "second"


def test_a_closed_store_refuses_work(store: Store) -> None:
    store.close()
    with pytest.raises(ValueError, match="closed"):
        store.stats()


def test_a_batch_of_many_postings_is_stored_whole(store: Store) -> None:
    rng = np.random.default_rng(5)
    docs = [
        StoredDoc(
            Document(f"d{i}", "text"),
            1,
            rng.integers(0, 2**63, 20, dtype=np.uint64) * np.uint64(2),
            np.unique(rng.integers(0, 2**63, 101, dtype=np.uint64)) * np.uint64(2),
        )
        for i in range(7)
    ]
    store.add(docs)
    stats = store.stats()
    assert (stats.band_rows, stats.fingerprint_rows) == (140, sum(len(d.fingerprints) for d in docs))
    for doc in docs:
        found = store.lookup(doc.band_keys, doc.fingerprints, max_postings=10)
        assert found.bands == {doc.document.id: 20}
        assert found.fingerprints == {doc.document.id: len(doc.fingerprints)}
