"""Texts and token arrays spilled to disk: read back exactly, and a spilled scan gives the same answer."""

import dataclasses
import itertools
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.corpus import generate
from dedup import Document, ScanOptions, scan
from dedup.corpus import Corpus
from dedup.normalize import tokenize_many
from dedup.parallel import can_fork, ordered_map
from dedup.prepare import TokenStore, prepare_chunk
from dedup.spill_file import RecentReads, SpillFile


@settings(max_examples=60, deadline=None)
@given(blobs=st.lists(st.binary(max_size=300), max_size=30), flush_at=st.integers(0, 30))
def test_spill_file_reads_back_every_blob_whether_written_or_pending(
    blobs: list[bytes], flush_at: int
) -> None:
    with SpillFile() as spill:
        offsets = []
        for n, blob in enumerate(blobs):
            if n == flush_at:
                spill.flush()  # what came before is in the file, what comes after is pending
            offsets.append(spill.append(blob))
        assert spill.size == sum(map(len, blobs))
        assert [spill.read(at, len(blob)) for at, blob in zip(offsets, blobs, strict=True)] == blobs
        if len(blobs) >= 2:  # a read across the written/pending boundary and across blobs
            assert spill.read(offsets[0], spill.size) == b"".join(blobs)


def test_spill_file_refuses_a_read_past_its_end() -> None:
    with SpillFile() as spill:
        spill.append(b"abc")
        with pytest.raises(ValueError, match="outside the 3 spilled"):
            spill.read(1, 3)


def test_spill_file_blocks_of_more_than_a_megabyte_are_written_and_read_back() -> None:
    rng = np.random.default_rng(3)
    blobs = [rng.bytes(int(size)) for size in rng.integers(100_000, 900_000, size=6)]
    with SpillFile() as spill:
        offsets = [spill.append(b) for b in blobs]
        assert [spill.read(a, len(b)) for a, b in zip(offsets, blobs, strict=True)] == blobs


def _read_in_worker(spill: SpillFile, at: tuple[int, int]) -> bytes:
    return spill.read(*at)


@pytest.mark.skipif(not can_fork(), reason="worker processes are forked only where fork exists")
def test_forked_workers_read_the_spill_file_of_their_parent() -> None:
    blobs = [f"document {i} ".encode() * (i * 997 % 5000) for i in range(40)]
    with SpillFile() as spill:
        where = [(spill.append(b), len(b)) for b in blobs]  # part written, the rest pending at the fork
        assert list(ordered_map(_read_in_worker, spill, where, jobs=2)) == blobs
        assert spill.read(0, spill.size) == b"".join(blobs)  # the workers wrote nothing


def test_recent_reads_keep_the_last_ones_and_drop_the_oldest() -> None:
    recent: RecentReads[str] = RecentReads(size=2)
    assert recent.keep(1, "one") == "one"
    recent.keep(2, "two")
    recent.keep(3, "three")
    assert (recent.get(1), recent.get(2), recent.get(3)) == (None, "two", "three")


_texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=40) | st.sampled_from(
    ["", "naïve café", "北京市政府宣布", "emoji 😀 and a combining é", "\ud800 lone surrogate"]
)


@settings(max_examples=80, deadline=None)
@given(
    texts=st.lists(_texts, max_size=12),
    memory_chars=st.integers(0, 60),
    order=st.randoms(use_true_random=False),
)
def test_a_corpus_holds_every_document_in_id_order_spilled_or_not(
    texts: list[str], memory_chars: int, order: object
) -> None:
    docs = [Document(f"d{i:02d}", t, source=f"s{i % 3}", title=f"t{i}") for i, t in enumerate(texts)]
    shuffled = list(docs)
    order.shuffle(shuffled)  # type: ignore[attr-defined]
    with Corpus.collect(shuffled, memory_chars=memory_chars) as corpus:
        assert list(corpus) == docs
        assert corpus.chars.tolist() == [len(t) for t in texts]
        assert dict(corpus.texts) == {d.id: d.text for d in docs}
        assert [corpus.meta(i).source for i in range(len(corpus))] == [d.source for d in docs]
        assert corpus.spilled == (sum(map(len, texts)) > memory_chars)
        assert "nope" not in corpus.texts


def test_corpus_texts_with_others_reads_both() -> None:
    with Corpus.collect([Document("a", "alpha"), Document("b", "beta")], memory_chars=0) as corpus:
        both = corpus.texts.with_others({"z": "zeta", "a": "alpha"})
        assert (both["a"], both["b"], both["z"], len(both)) == ("alpha", "beta", "zeta", 3)
        with pytest.raises(KeyError):
            both["c"]


def test_collect_reads_the_documents_once_as_they_come() -> None:
    pulled = []

    def stream() -> Iterator[Document]:
        for i in range(5):
            pulled.append(i)
            yield Document(f"d{i}", "word " * 10)

    calls: list[tuple[str, int, int]] = []
    with Corpus.collect(stream(), memory_chars=20, progress=lambda *a: calls.append(a)) as corpus:
        assert pulled == [0, 1, 2, 3, 4]
        assert calls == [("read", 0, 0), ("read", 5, 5)]
        assert corpus.spilled
        assert corpus.text(4) == "word " * 10


@settings(max_examples=30, deadline=None)
@given(texts=st.lists(_texts, min_size=1, max_size=10), memory_bytes=st.integers(0, 400))
def test_spilled_token_arrays_read_back_as_the_tokens(texts: list[str], memory_bytes: int) -> None:
    docs = [Document(f"d{i}", t) for i, t in enumerate(texts)]
    opts = ScanOptions()
    with TokenStore(len(docs), memory_bytes=memory_bytes) as store:
        for first in range(0, len(docs), 3):  # chunks of three: some held, then the rest spilled
            store.add(prepare_chunk((docs, opts, None), (first, min(first + 3, len(docs)))))
        for i, expected in enumerate(tokenize_many(texts)):
            got = store.tokens(i)
            assert got.hashes.tolist() == expected.hashes.tolist()
            assert got.starts.tolist() == expected.starts.tolist()
            assert got.ends.tolist() == expected.ends.tolist()
            assert store.words[i] == len(expected)


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(_texts, min_size=1, max_size=10),
    memory_bytes=st.integers(0, 400),
    windows=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 30)), min_size=1, max_size=12),
    width=st.integers(1, 25),
)
def test_window_tags_are_the_low_bits_of_the_tokens_hashes_held_or_spilled(
    texts: list[str], memory_bytes: int, windows: list[tuple[int, int]], width: int
) -> None:
    docs = [Document(f"d{i}", t) for i, t in enumerate(texts)]
    expected = tokenize_many(texts)
    asked = [(d % len(docs), start) for d, start in windows if len(expected[d % len(docs)])]
    with TokenStore(len(docs), memory_bytes=memory_bytes) as store:
        for first in range(0, len(docs), 3):  # chunks of three: some held, then the rest spilled
            store.add(prepare_chunk((docs, ScanOptions(), None), (first, min(first + 3, len(docs)))))
        got = store.window_tags(
            np.array([d for d, _ in asked], dtype=np.int64),
            np.array([s for _, s in asked], dtype=np.int64),
            width,
        )
    assert got.shape == (len(asked), width)
    for row, (d, start) in zip(got.tolist(), asked, strict=True):
        hashes = [h & 0xFFFF for h in expected[d].hashes.tolist()]
        # past the document's end, columns repeat its last token
        assert row == [hashes[min(start + c, len(hashes) - 1)] for c in range(width)]


def test_a_scan_with_everything_spilled_gives_the_same_result_as_in_memory() -> None:
    docs = generate(400, seed=11)
    held = scan(docs, options=ScanOptions(jobs=1))
    assert held.matches  # the corpus has reprints to find
    assert held.duplicates
    assert held.clusters
    for jobs in (1, 2):
        spilled = scan(reversed(docs), options=ScanOptions(memory_bytes=0, jobs=jobs))
        assert spilled == held, f"jobs={jobs}"


def test_a_scan_of_a_given_spilled_corpus_leaves_it_readable() -> None:
    shared = (
        "The council met on Monday to discuss the missile tests in the region, its third meeting this year."
    )
    docs = [Document("a", "Intro. " + shared), Document("b", shared + " Outro.")]
    with Corpus.collect(docs, memory_chars=0) as corpus:
        result = scan(corpus, options=ScanOptions(memory_bytes=0))
        (match,) = result.matches
        assert (
            corpus.texts["a"][match.a.start : match.a.end] == corpus.texts["b"][match.b.start : match.b.end]
        )
    assert result == scan(docs)


def test_scan_still_refuses_duplicate_ids_from_a_stream() -> None:
    docs = (Document(i, "some text here") for i in ("x", "y", "x"))
    with pytest.raises(ValueError, match="two documents have the id 'x'"):
        scan(docs, options=ScanOptions(memory_bytes=0))


def test_metadata_is_kept_for_spilled_documents() -> None:
    docs = [dataclasses.replace(d, meta={"k": "v"}) for d in itertools.islice(generate(30, seed=2), 30)]
    held = scan(docs)
    spilled = scan(docs, options=ScanOptions(memory_bytes=0))
    assert spilled.documents == held.documents
    assert {d.title for d in spilled.documents} == {d.title for d in docs}
