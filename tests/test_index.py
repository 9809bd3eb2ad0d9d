"""Index.add / check / remove: a check reports what scan reports for the same draft and documents."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedup
from dedup import Document, ScanOptions
from dedup.errors import DuplicateIdError, IndexMismatchError
from dedup.hashing import combine_runs
from dedup.index import BorrowedPassage, Index, MemoryStore, NearDuplicate
from dedup.index.fingerprints import KeyScheme, winnow, winnow_many
from dedup.normalize import tokenize
from dedup.scan import compare, scan
from tests.conftest import EXAMPLES
from tests.strategies import FILLER_WORDS, article, article_pairs_with_shared_passage

WIRE = "harbour-ledger-tidal-barrier.md"


def example_documents() -> list[Document]:
    return sorted(dedup.read_documents(EXAMPLES), key=lambda d: d.id)


def scan_view(result: dedup.ScanResult, draft_id: str) -> tuple[set[BorrowedPassage], set[str], float]:
    """What a scan says about one document: its matches (draft side first), near-duplicates, coverage."""
    passages = set()
    for m in result.matches:
        if draft_id in (m.a.doc_id, m.b.doc_id):
            mine, theirs = (m.a, m.b) if m.a.doc_id == draft_id else (m.b, m.a)
            passages.add(BorrowedPassage(mine, theirs, m.similarity))
    near = {p.b if p.a == draft_id else p.a for p in result.duplicates if draft_id in (p.a, p.b)}
    coverage = next((c.coverage[draft_id] for c in result.clusters if draft_id in c.doc_ids), 0.0)
    return passages, near, coverage


def test_check_of_every_example_equals_scan_of_the_examples_span_for_span() -> None:
    docs = example_documents()
    options = ScanOptions(keep_boilerplate=True)  # check does not set boilerplate apart
    result = scan(docs, options=options)
    with Index(MemoryStore(), options=options) as index:
        index.add(docs)
        seen_passages = 0
        for doc in docs:  # each checked against the other nine: its own stored copy is itself
            checked = index.check(doc)
            passages, near, coverage = scan_view(result, doc.id)
            assert set(checked.passages) == passages, doc.id
            assert {d.doc_id for d in checked.duplicates} == near, doc.id
            assert checked.borrowed_share == pytest.approx(coverage), doc.id
            assert checked.stats.examined == checked.stats.candidates  # no cap was hit
            seen_passages += len(passages)
    assert seen_passages > 20  # the examples really exercise the comparison


def test_a_new_draft_reports_the_wire_paragraphs_it_copies_with_their_metadata() -> None:
    docs = {d.id: d for d in example_documents()}
    wire = docs["coastal-wire-tidal-barrier.md"].text.split("\n\n")
    draft_text = "\n\n".join(
        [
            "Residents of the Lower Quay met on Thursday to plan how to keep their street open during works.",
            wire[1],
            "Several said they would ask for a second ferry at the busiest hours of the morning.",
            wire[7],
        ]
    )
    with Index(MemoryStore()) as index:
        index.add(docs.values())
        result = index.check(draft_text)
        expected: set[BorrowedPassage] = set()
        for doc in docs.values():
            for m in compare(Document("draft", draft_text), doc):
                mine, theirs = (m.a, m.b) if m.a.doc_id == "draft" else (m.b, m.a)
                expected.add(BorrowedPassage(mine, theirs, m.similarity))
    assert set(result.passages) == expected
    assert result.draft.id == "draft"
    found = {draft_text[p.draft.start : p.draft.end] for p in result.passages if p.similarity == 1.0}
    assert {wire[1], wire[7]} <= {s.strip() for s in found}
    wire_info = result.document("coastal-wire-tidal-barrier.md")
    assert wire_info.source == "Coastal Wire"
    assert wire_info.published is not None
    assert wire_info.published.isoformat().startswith("2025-03-04")
    assert wire_info.url == "https://example.org/coastal-wire/port-averley-tidal-barrier"
    share = sum(len(w) for w in (wire[1], wire[7])) / len(draft_text)
    assert share <= result.borrowed_share <= share + 0.02  # passages may take in a neighbouring word
    assert [d.id for d in result.documents] == sorted({p.document.doc_id for p in result.passages})


def test_a_text_sharing_nothing_borrows_nothing() -> None:
    with Index(MemoryStore()) as index:
        index.add(example_documents())
        result = index.check(
            "A quiet week in the orchards: the frost held off and the cider presses ran late."
        )
    assert (result.passages, result.duplicates, result.borrowed_share) == ((), (), 0.0)


def test_near_duplicates_are_verified_by_exact_jaccard() -> None:
    docs = {d.id: d for d in example_documents()}
    first = docs["harbour-ledger-lifeboat-station.md"]
    with Index(MemoryStore()) as index:
        index.add(
            [docs["harbour-ledger-lifeboat-station-corrected.md"], docs["inland-post-orchard-frost.md"]]
        )
        result = index.check(replace(first, id="lifeboat-draft"))
    [near] = result.duplicates
    assert near.doc_id == "harbour-ledger-lifeboat-station-corrected.md"
    assert near.jaccard >= ScanOptions().threshold
    assert isinstance(near, NearDuplicate)


def test_exclude_sources_ignores_the_papers_own_copies() -> None:
    docs = example_documents()
    column = next(d for d in docs if d.id == "averley-courier-column-barrier.md")
    with Index(MemoryStore()) as index:
        index.add(d for d in docs if d.id != column.id)
        everyone = {p.document.doc_id for p in index.check(column).passages}
        without = {p.document.doc_id for p in index.check(column, exclude_sources=["coastal wire"]).passages}
    assert "coastal-wire-tidal-barrier.md" in everyone
    assert without == everyone - {"coastal-wire-tidal-barrier.md"}


def test_readding_replaces_and_remove_forgets() -> None:
    docs = {d.id: d for d in example_documents()}
    column = docs["averley-courier-column-barrier.md"]
    with Index(MemoryStore()) as index:
        index.add([docs["coastal-wire-tidal-barrier.md"]])
        assert index.check(column).passages
        index.add([replace(docs["coastal-wire-tidal-barrier.md"], text="Withdrawn.")])  # same id, new text
        assert index.stats().documents == 1
        assert index.check(column).passages == ()
        index.add([docs["estuary-times-barrier-vote.md"]])
        assert {p.document.doc_id for p in index.check(column).passages} == {"estuary-times-barrier-vote.md"}
        assert index.remove(["estuary-times-barrier-vote.md", "never-added"]) == 1
        assert index.check(column).passages == ()


def test_incremental_adds_find_the_same_as_one_add() -> None:
    docs = example_documents()
    draft = next(d for d in docs if d.id == WIRE)
    with Index(MemoryStore()) as whole, Index(MemoryStore()) as parts:
        whole.add(docs)
        for doc in docs:
            parts.add([doc])
        assert whole.check(draft) == parts.check(draft)


def touching(result: dedup.ScanResult, ids: set[str]) -> tuple[set[dedup.Match], set[dedup.DuplicatePair]]:
    """The matches and near-duplicate pairs of a scan that involve one of ``ids``."""
    matches = {m for m in result.matches if {m.a.doc_id, m.b.doc_id} & ids}
    pairs = {p for p in result.duplicates if {p.a, p.b} & ids}
    return matches, pairs


@pytest.mark.parametrize("batch_size", [1, 3, 6])
def test_scan_with_an_index_finds_what_one_scan_of_everything_finds_for_the_batch(batch_size: int) -> None:
    docs = example_documents()
    options = ScanOptions(keep_boilerplate=True)  # boilerplate depends on which documents take part
    everything = scan(docs, options=options)
    batch, archived = docs[:batch_size], docs[batch_size:]
    ids = {d.id for d in batch}
    with Index(MemoryStore(), options=options) as index:
        index.add(archived)
        result = index.scan(batch)
    assert touching(result, ids) == touching(everything, ids)
    assert touching(result, ids)[0]  # the batch really borrows from the archive
    in_result = {d.id for d in result.documents}
    assert ids <= in_result
    assert in_result - ids <= {d.id for d in archived}
    assert len(in_result) < len(docs) or batch_size == 6  # unrelated archive documents stay out


def test_related_documents_leave_out_the_batchs_own_ids() -> None:
    docs = {d.id: d for d in example_documents()}
    wire = docs["coastal-wire-tidal-barrier.md"]
    with Index(MemoryStore()) as index:
        index.add(docs.values())
        related = {d.id for d in index.related([wire])}
        assert wire.id not in related
        assert "harbour-ledger-tidal-barrier.md" in related
        assert "inland-post-orchard-frost.md" not in related  # shares nothing with the wire story
        assert index.related([]) == []
        with pytest.raises(TypeError, match="wrap a single one"):
            index.related(wire)  # type: ignore[arg-type]


def test_options_that_change_signatures_must_match(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    with Index.open(path, options=ScanOptions(shingle_size=5)) as index:
        index.add(example_documents()[:2])
    with pytest.raises(
        IndexMismatchError, match=r"archive.db was built with shingle_size=5, you asked for shingle_size=7"
    ):
        Index.open(path, options=ScanOptions(shingle_size=7))
    with pytest.raises(
        IndexMismatchError, match=f"passages of {ScanOptions().min_passage_words} or more words"
    ):
        Index.open(path, options=ScanOptions(min_passage_words=6))
    # options that only filter results may differ; no options means the index's own
    with Index.open(
        path, options=ScanOptions(min_similarity=0.9, min_passage_words=ScanOptions().min_passage_words + 2)
    ) as index:
        assert index.options.min_similarity == 0.9
    with Index.open(path) as index:
        assert index.options == ScanOptions()


def test_an_index_built_with_other_options_uses_them_when_opened_without() -> None:
    store = MemoryStore()
    built = ScanOptions(shingle_size=4, threshold=0.8, min_passage_words=12)
    Index(store, options=built).add(example_documents())
    reopened = Index(store)
    assert reopened.options == built
    assert reopened.stats().passage_words == 12


def test_misuse_is_a_clear_type_error() -> None:
    with Index(MemoryStore()) as index:
        with pytest.raises(TypeError, match=r"add\(\[doc\]\)"):
            index.add(Document("a", "text"))  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="once per draft"):
            index.check(["one", "two"])  # type: ignore[arg-type]
        with pytest.raises(DuplicateIdError):
            index.add([Document("a", "x"), Document("a", "y")])


def test_caps_are_reported() -> None:
    docs = example_documents()
    draft = next(d for d in docs if d.id == WIRE)
    with Index(MemoryStore()) as index:
        index.add(docs)
        result = index.check(draft, max_candidates=1, max_postings=1)
    assert result.stats.examined == 1 < result.stats.candidates
    assert result.stats.common_fingerprints > 0
    assert result.stats.capped


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=article_pairs_with_shared_passage(), noise=article(1, 3, FILLER_WORDS))
def test_check_finds_what_compare_finds(pair: tuple[Document, Document, str], noise: str) -> None:
    a, b, _ = pair
    with Index(MemoryStore()) as index:
        index.add([b, Document("noise", noise)])
        checked = index.check(a)
    expected = {
        BorrowedPassage(*((m.a, m.b) if m.a.doc_id == "a" else (m.b, m.a)), m.similarity)
        for other in (b, Document("noise", noise))
        for m in compare(a, other)
    }
    assert set(checked.passages) == expected
    assert expected  # the shared passage is there


@settings(max_examples=200, deadline=None)
@given(
    left=st.lists(st.integers(0, 2**64 - 1), max_size=40),
    shared=st.lists(st.integers(0, 2**64 - 1), min_size=10, max_size=30),
    right=st.lists(st.integers(0, 2**64 - 1), max_size=40),
    other=st.lists(st.integers(0, 2**64 - 1), max_size=40),
)
def test_any_exact_run_of_the_guaranteed_length_shares_a_fingerprint(
    left: list[int], shared: list[int], right: list[int], other: list[int]
) -> None:
    scheme = KeyScheme.for_options(ScanOptions(min_passage_words=10))
    assert scheme.passage_words == 10

    def fingerprints(tokens: list[int]) -> set[int]:
        hashes = combine_runs(np.array(tokens, dtype=np.uint64), scheme.shingle)
        return set(winnow(hashes, scheme.window).tolist())

    assert fingerprints(left + shared + right) & fingerprints(other + shared)


@settings(max_examples=150, deadline=None)
@given(
    runs=st.lists(st.lists(st.integers(0, 12), max_size=30), max_size=8),
    window=st.integers(1, 6),
)
def test_batched_winnowing_equals_winnowing_each_run(runs: list[list[int]], window: int) -> None:
    arrays = [np.array(r, dtype=np.uint64) for r in runs]  # few distinct values: many ties and repeats
    expected = [winnow(a, window).tolist() for a in arrays]
    assert [w.tolist() for w in winnow_many(arrays, window)] == expected


@settings(max_examples=40, deadline=None)
@given(a=article(2, 4), b=article(2, 4))
def test_window_keys_never_hide_a_pair_compare_would_align(a: str, b: str) -> None:
    scheme = KeyScheme.for_options(ScanOptions())
    if compare(a, b):
        keys_a, keys_b = scheme.window_keys([tokenize(a), tokenize(b)])
        assert len(np.intersect1d(keys_a, keys_b))
