"""The Spark engine's numpy stages without Spark: (band, key) blocks give ``lsh.candidate_pairs``.

Spark only moves the blocks; these tests play the shuffle by hand (blocks grouped by
their target partition) and hold the result, the cap included, to the local function.
Also: the one-line messages when PySpark or Java is missing.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.cli import main
from dedup.errors import MissingDependencyError
from dedup.lsh import candidate_pairs
from dedup.spark import session
from dedup.spark.stages import WINDOW_BITS, _blocks, _document_pairs, _pairs_in_partition
from tests.conftest import EXAMPLES


def shuffled_pairs(
    keys: np.ndarray, rows: np.ndarray, partitions: int, cap: int, mappers: int, owner_bits: int | None = None
) -> tuple[set[tuple[int, int]], int]:
    """Pairs and capped buckets as the Spark stage finds them: rows split over mappers, blocks by target."""
    by_target: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    for chunk in np.array_split(np.arange(len(rows)), mappers):
        if len(chunk):
            for target, block in _blocks(rows[chunk], keys[chunk], partitions):
                by_target[target].append((target, block))
    found: set[tuple[int, int]] = set()
    capped = 0
    for blocks in by_target.values():
        for kind, value in _pairs_in_partition(blocks, cap, owner_bits):
            if kind == "capped":
                capped += value
            else:
                found |= {(int(a), int(b)) for a, b in value}
    return found, capped


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 60),
    bands=st.integers(1, 5),
    alphabet=st.integers(1, 6),
    partitions=st.integers(1, 5),
    mappers=st.integers(1, 4),
    cap=st.integers(2, 8),
    seed=st.integers(0, 2**32 - 1),
)
def test_blocks_by_band_and_key_give_the_local_candidate_pairs_and_caps(
    n: int, bands: int, alphabet: int, partitions: int, mappers: int, cap: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    keys = rng.integers(0, alphabet, size=(n, bands)).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    rows = np.arange(n, dtype=np.int64)
    expected = candidate_pairs(keys, max_bucket_size=cap)
    order = rng.permutation(n)  # mappers see rows in any order; buckets are sorted by row again
    found, capped = shuffled_pairs(keys[order], rows[order], partitions, cap, mappers)
    assert found == {(int(a), int(b)) for a, b in expected.pairs}
    assert capped == expected.capped_buckets
    # Rows as windows of documents (row >> 2): pairs inside one document are left out early.
    across, capped = shuffled_pairs(keys[order], rows[order], partitions, cap, mappers, owner_bits=2)
    assert across == {(int(a), int(b)) for a, b in expected.pairs if a >> 2 != b >> 2}
    assert capped == expected.capped_buckets


def test_window_pairs_are_grouped_per_document_pair_with_their_starts() -> None:
    def row(doc: int, start: int) -> int:
        return (doc << WINDOW_BITS) | start

    pairs = np.array(
        [[row(0, 5), row(2, 10)], [row(0, 0), row(2, 10)], [row(1, 0), row(2, 0)], [row(0, 0), row(2, 10)]],
        dtype=np.int64,
    )
    grouped = dict(_document_pairs([(0, pairs)]))
    assert sorted(grouped) == [(0, 2), (1, 2)]
    assert grouped[(0, 2)].tolist() == [[0, 10], [5, 10]]  # the repeated pair counted once
    assert grouped[(1, 2)].tolist() == [[0, 0]]


def test_without_pyspark_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark now raises ImportError
    with pytest.raises(MissingDependencyError, match=r"pip install 'dedup\[spark\]'"):
        session.require_pyspark()


def test_without_pyspark_the_command_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    code = main(["scan", "--engine", "spark", str(EXAMPLES)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "pip install 'dedup[spark]'" in err


def test_without_java_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(session, "require_pyspark", lambda: None)  # Java is checked with or without PySpark
    assert "openjdk-17-jre-headless" in str(session.java_missing())
    with pytest.raises(MissingDependencyError, match="Java 17"):
        session.local_session(1)
