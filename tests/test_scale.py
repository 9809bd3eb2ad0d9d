"""Fast paths of a large scan against slow references: spilled LSH bands, worker processes, limits."""

from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.corpus import generate
from dedup import Document, ScanOptions, scan
from dedup import windows as windows_module
from dedup.cluster import document_clusters
from dedup.lsh import SpilledBands, candidate_pairs, write_block
from dedup.model import PassageCluster, Span
from dedup.parallel import ordered_map
from dedup.windows import Region, cap_partners, merge_regions


def _square_minus(shared: int, item: int) -> int:
    return item * item - shared


def test_ordered_map_on_two_processes_keeps_item_order() -> None:
    assert list(ordered_map(_square_minus, 1, list(range(40)), jobs=2)) == [i * i - 1 for i in range(40)]


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(st.lists(st.integers(0, 5), min_size=3, max_size=3), min_size=0, max_size=60),
    max_bucket_size=st.integers(2, 8),
    batch=st.integers(1, 20),
)
def test_spilled_bands_give_the_same_candidates_as_all_keys_in_memory(
    rows: list[list[int]], max_bucket_size: int, batch: int
) -> None:
    keys = np.array(rows, dtype=np.uint64).reshape(-1, 3)
    expected = candidate_pairs(keys, max_bucket_size=max_bucket_size)
    with SpilledBands(3, memory_bytes=8 * 3 * 7) as spill:  # the first seven rows stay in memory
        for start in range(0, len(keys), batch):
            spill.append(keys[start : start + batch])
        found = spill.candidate_pairs(max_bucket_size=max_bucket_size)
        assert spill.spilled == (len(keys) > 7)
    assert found.pairs.tolist() == expected.pairs.tolist()
    assert found.capped_buckets == expected.capped_buckets


def test_blocks_written_elsewhere_read_back_in_row_order_with_held_keys() -> None:
    # What a scan's workers do: write blocks of window keys and hand in only the paths.
    rng = np.random.default_rng(9)
    keys = rng.integers(0, 12, size=(300, 3), dtype=np.uint64)
    with SpilledBands(3, memory_bytes=8 * 3 * 50) as spill:
        spill.append(keys[:40])  # held
        directory = spill.block_directory()
        for n, (lo, hi) in enumerate([(40, 41), (41, 200), (200, 200), (200, 300)]):
            path = f"{directory}/worker-{n}.u64"
            write_block(path, keys[lo:hi])
            spill.append_block(path, hi - lo)
        assert spill.rows == 300
        assert spill.spilled
        assert [spill.band(b).tolist() for b in range(3)] == keys.T.tolist()
        found = spill.candidate_pairs(max_bucket_size=40, jobs=2)
    assert found.pairs.tolist() == candidate_pairs(keys, max_bucket_size=40).pairs.tolist()


def test_spilled_bands_with_groups_keep_exactly_the_pairs_across_groups() -> None:
    rng = np.random.default_rng(5)
    keys = rng.integers(0, 30, size=(500, 3), dtype=np.uint64)
    groups = np.repeat(np.arange(50, dtype=np.int64), 10)
    every = candidate_pairs(keys, max_bucket_size=25)
    expected = [[i, j] for i, j in every.pairs.tolist() if groups[i] != groups[j]]
    with SpilledBands(3) as spill:
        spill.append(keys)
        found = spill.candidate_pairs(max_bucket_size=25, groups=groups)
    assert found.pairs.tolist() == expected
    assert found.capped_buckets == every.capped_buckets


def test_spilled_bands_on_two_processes_equal_one() -> None:
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 40, size=(2_000, 4), dtype=np.uint64)
    with SpilledBands(4, memory_bytes=0) as spill:
        spill.append(keys)
        assert spill.spilled
        one = spill.candidate_pairs(max_bucket_size=60, jobs=1)
        two = spill.candidate_pairs(max_bucket_size=60, jobs=2)
    assert (
        one.pairs.tolist() == two.pairs.tolist() == candidate_pairs(keys, max_bucket_size=60).pairs.tolist()
    )
    assert one.capped_buckets == two.capped_buckets > 0


def _cap_partners_reference(
    window_pairs: list[tuple[int, int]], limit: int
) -> tuple[set[tuple[int, int]], int]:
    """Kept document pairs and capped documents, by ranking each document's partners in Python."""
    weight = Counter(window_pairs)
    partners: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (a, b), count in weight.items():
        partners[a].append((-count, b))
        partners[b].append((-count, a))
    allowed = {d: {other for _, other in sorted(p)[:limit]} for d, p in partners.items()}
    kept = {(a, b) for a, b in weight if b in allowed[a] and a in allowed[b]}
    return kept, sum(1 for p in partners.values() if len(p) > limit)


@settings(max_examples=200, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(st.integers(0, 8), st.integers(0, 8)).filter(lambda p: p[0] < p[1]), max_size=60
    ),
    limit=st.integers(1, 5),
)
def test_cap_partners_equals_ranking_each_documents_partners(
    pairs: list[tuple[int, int]], limit: int
) -> None:
    weights = Counter(pairs)
    distinct = sorted(weights)
    keep, capped = cap_partners(
        np.array([a for a, _ in distinct], dtype=np.int64),
        np.array([b for _, b in distinct], dtype=np.int64),
        np.array([weights[p] for p in distinct], dtype=np.int64),
        9,
        limit,
    )
    expected, expected_capped = _cap_partners_reference(pairs, limit)
    assert {p for p, kept in zip(distinct, keep.tolist(), strict=True) if kept} == expected
    assert capped == expected_capped


def test_document_clusters_list_each_passage_under_its_first_documents_cluster() -> None:
    def passage(*doc_ids: str) -> PassageCluster:
        return PassageCluster(tuple(Span(d, 0, 5) for d in doc_ids), "words")

    passages = [passage("a", "b"), passage("c", "d"), passage("b", "e"), passage("d", "f")]
    links = [("a", "b"), ("c", "d"), ("b", "e"), ("d", "f")]
    clusters = document_clusters(links, passages, {}, {})
    for c in clusters:  # the quadratic reference: every passage tested against every cluster
        members = set(c.doc_ids)
        assert c.passages == tuple(i for i, p in enumerate(passages) if p.spans[0].doc_id in members)
    assert [c.passages for c in clusters] == [(0, 2), (1, 3)]


STOCK = (
    "The council said the tidal barrier would protect the harbour district from the winter storms "
    "that flooded forty homes last year, and that work would begin in the spring."
)


def _stock_phrase_corpus(n: int) -> list[Document]:
    filler = generate(n, seed=3)
    return [Document(f"s{i:03d}", f"{d.text}\n\n{STOCK}") for i, d in enumerate(filler)]


def test_a_stock_phrase_in_every_document_is_capped_per_document_and_counted() -> None:
    docs = _stock_phrase_corpus(30)
    free = scan(docs, options=ScanOptions(keep_boilerplate=True))
    assert free.stats.capped_documents == 0
    pairs_free = {(m.a.doc_id, m.b.doc_id) for m in free.matches}
    assert len(pairs_free) >= 30 * 29 // 2  # the phrase links every pair
    capped = scan(docs, options=ScanOptions(keep_boilerplate=True, max_document_pairs=4))
    assert capped.stats.capped_documents == 30
    pairs_capped = {(m.a.doc_id, m.b.doc_id) for m in capped.matches}
    per_doc = Counter(d for pair in pairs_capped for d in pair)
    assert max(per_doc.values()) <= 4
    assert pairs_capped <= pairs_free  # capping drops work, never invents a match


def test_scan_with_chunks_on_two_processes_equals_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    docs = generate(300, seed=9)
    one = scan(docs, options=ScanOptions(jobs=1))
    module = sys.modules["dedup.scan"]
    monkeypatch.setattr(module, "_CHUNK_DOCUMENTS", 37)
    monkeypatch.setattr(module, "_CHUNK_GROUPS", 5)
    two = scan(docs, options=ScanOptions(jobs=2))
    assert two == one
    assert one.matches
    assert one.duplicates


def test_ctrl_c_during_a_scan_on_two_workers_says_one_line_and_leaves_no_file(tmp_path: Path) -> None:
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    source = tmp_path / "big.jsonl"
    source.write_text(
        "".join(json.dumps({"id": d.id, "text": d.text}) + "\n" for d in generate(8_000, seed=2)),
        encoding="utf-8",
    )
    target = tmp_path / "out.json"
    # As in a terminal: Ctrl-C is not ignored (a background shell job ignores it) and
    # reaches the scan's whole process group, workers included.
    restore_ctrl_c = "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler)"
    command = [*("scan", str(source), "--jobs", "2", "-q", "--format", "json", "-o", str(target))]
    scan_process = subprocess.Popen(
        [sys.executable, "-c", f"{restore_ctrl_c}; from dedup.cli import main; sys.exit(main())", *command],
        cwd=Path(__file__).resolve().parents[1],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(2.5)  # reading and the first chunks: the whole scan takes over ten seconds
    os.killpg(scan_process.pid, signal.SIGINT)  # what Ctrl-C sends: the whole foreground group
    _, err = scan_process.communicate(timeout=60)
    assert scan_process.returncode == 130
    assert len(err.strip().splitlines()) == 1  # one line, no traceback from a worker
    assert err.strip().startswith("dedup: interrupted;")
    assert not target.exists()


def _merge_regions_reference(
    a_starts: np.ndarray,
    a_stops: np.ndarray,
    b_starts: np.ndarray,
    b_stops: np.ndarray,
    gap: int,
    margin: int,
    diagonal_gap: int,
) -> list[Region]:
    """The earlier numpy merge: stable argsort per grouping, groups as index arrays."""

    def groups(starts: np.ndarray, stops: np.ndarray, gap: int) -> list[np.ndarray]:
        found: list[np.ndarray] = []
        current: list[int] = []
        reach = 0
        for i in np.argsort(starts, kind="stable").tolist():
            if current and starts[i] > reach + gap:
                found.append(np.array(current))
                current = []
            reach = max(reach, int(stops[i])) if current else int(stops[i])
            current.append(i)
        return [*found, np.array(current)] if current else found

    diagonals = b_starts - a_starts
    regions = []
    for a_group in groups(a_starts, a_stops, gap):
        for b_group in groups(b_starts[a_group], b_stops[a_group], gap):
            in_b = a_group[b_group]
            for d_group in groups(diagonals[in_b], diagonals[in_b], diagonal_gap):
                members = in_b[d_group]
                regions.append(
                    Region(
                        max(0, int(a_starts[members].min()) - margin),
                        min(100, int(a_stops[members].max()) + margin),
                        max(0, int(b_starts[members].min()) - margin),
                        min(100, int(b_stops[members].max()) + margin),
                    )
                )
    return regions


@settings(max_examples=300, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80)), min_size=1, max_size=100),
    gap=st.integers(0, 10),
    margin=st.integers(0, 20),
    diagonal_gap=st.integers(0, 10),
)
def test_merge_regions_on_lists_equals_the_numpy_reference(
    pairs: list[tuple[int, int]], gap: int, margin: int, diagonal_gap: int
) -> None:
    a_starts = np.array([a for a, _ in pairs], dtype=np.int64)
    b_starts = np.array([b for _, b in pairs], dtype=np.int64)
    a_stops, b_stops = a_starts + 20, b_starts + 20
    expected = _merge_regions_reference(a_starts, a_stops, b_starts, b_stops, gap, margin, diagonal_gap)
    found = merge_regions(
        a_starts,
        a_stops,
        b_starts,
        b_stops,
        gap=gap,
        a_len=100,
        b_len=100,
        margin=margin,
        diagonal_gap=diagonal_gap,
    )
    assert found == expected


@settings(max_examples=300, deadline=None)
@given(
    windows=st.lists(
        st.tuples(st.integers(-5, 300), st.integers(1, 30), st.integers(-5, 300), st.integers(1, 30)),
        min_size=1,
        max_size=150,
    ),
    gap=st.integers(0, 10),
    margin=st.integers(0, 20),
    diagonal_gap=st.integers(0, 10),
)
def test_merging_in_numpy_gives_the_regions_of_merging_one_by_one(
    windows: list[tuple[int, int, int, int]], gap: int, margin: int, diagonal_gap: int
) -> None:
    # Window ranges of any lengths, repeated starts and negative diagonals; the numpy path
    # takes over from 128 window pairs on, so both must give the same regions in the same order.
    a_starts = [w[0] for w in windows]
    a_stops = [w[0] + w[1] for w in windows]
    b_starts = [w[2] for w in windows]
    b_stops = [w[2] + w[3] for w in windows]
    one_by_one = windows_module._merge_in_python(
        a_starts,
        a_stops,
        b_starts,
        b_stops,
        gap=gap,
        a_len=320,
        b_len=320,
        margin=margin,
        diagonal_gap=diagonal_gap,
    )
    a0, a1, b0, b1 = (np.array(v, dtype=np.int64) for v in (a_starts, a_stops, b_starts, b_stops))
    in_numpy = windows_module._merge_in_numpy(
        a0, a1, b0, b1, gap=gap, a_len=320, b_len=320, margin=margin, diagonal_gap=diagonal_gap
    )
    assert in_numpy == one_by_one
