import itertools
from collections import defaultdict

import numpy as np
import pytest
from datasketch import MinHashLSH
from datasketch.lsh import _optimal_param
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.hashing import fmix64
from dedup.lsh import RECALL_WEIGHTS, _DistinctCodes, band_keys, candidate_pairs, choose_bands
from dedup.minhash import Signer


@pytest.mark.parametrize("threshold", [0.1, 0.3, 0.5, 0.7, 0.8, 0.9])
@pytest.mark.parametrize("num_perm", [16, 64, 128])
@pytest.mark.parametrize("weights", [(0.5, 0.5), (0.1, 0.9)], ids=["equal-weights", "recall-weights"])
def test_choose_bands_agrees_with_datasketch(
    threshold: float, num_perm: int, weights: tuple[float, float]
) -> None:
    fp, fn = weights
    chosen = choose_bands(threshold, num_perm, false_positive_weight=fp, false_negative_weight=fn)
    assert chosen == _optimal_param(threshold, num_perm, fp, fn)


def brute_force_pairs(signatures: np.ndarray, bands: int, rows: int) -> set[tuple[int, int]]:
    pairs = set()
    for i, j in itertools.combinations(range(len(signatures)), 2):
        for band in range(bands):
            cols = slice(band * rows, (band + 1) * rows)
            if (signatures[i, cols] == signatures[j, cols]).all():
                pairs.add((i, j))
                break
    return pairs


def clustered_signatures(seed: int) -> np.ndarray:
    """Signatures of 60 random sets, many of them sharing most members with another."""
    rng = np.random.default_rng(seed)
    base = [rng.integers(0, 2**63, size=40, dtype=np.uint64) for _ in range(15)]
    sets = []
    for _ in range(60):
        parent = base[int(rng.integers(0, len(base)))]
        keep = parent[rng.random(len(parent)) < 0.8]
        sets.append(np.concatenate([keep, rng.integers(0, 2**63, size=5, dtype=np.uint64)]))
    return Signer(32, 1).sign_many(sets)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_candidate_pairs_equal_brute_force_band_comparison(seed: int) -> None:
    signatures = clustered_signatures(seed)
    found = candidate_pairs(band_keys(signatures, 8, 4), max_bucket_size=1000)
    assert {tuple(p) for p in found.pairs.tolist()} == brute_force_pairs(signatures, 8, 4)
    assert found.capped_buckets == 0


def test_candidate_pairs_equal_datasketch_minhashlsh_for_the_same_bands() -> None:
    signer = Signer(32, 1)
    signatures = clustered_signatures(4)
    lsh = MinHashLSH(num_perm=32, params=(8, 4))
    for i, sig in enumerate(signatures):
        lsh.insert(i, signer.to_datasketch(sig))
    expected = {
        (min(i, j), max(i, j))
        for i, sig in enumerate(signatures)
        for j in lsh.query(signer.to_datasketch(sig))
        if i != j
    }
    found = candidate_pairs(band_keys(signatures, 8, 4))
    assert {tuple(p) for p in found.pairs.tolist()} == expected


def test_oversized_bucket_links_members_to_its_first_member_and_is_counted() -> None:
    keys = np.zeros((6, 1), dtype=np.uint64)
    found = candidate_pairs(keys, max_bucket_size=3)
    assert found.pairs.tolist() == [[0, 1], [0, 2], [0, 3], [0, 4], [0, 5]]
    assert found.capped_buckets == 1


def test_inactive_rows_never_become_candidates() -> None:
    keys = np.zeros((3, 2), dtype=np.uint64)
    found = candidate_pairs(keys, active=np.array([True, False, True]))
    assert found.pairs.tolist() == [[0, 2]]


def test_pairs_above_threshold_are_found_by_lsh() -> None:
    """Pairs with Jaccard 0.75, just above threshold 0.7, become candidates 98% of the time (S-curve).

    Equal weights (14 bands x 9 rows) would find only 67% of them.
    """
    rng = np.random.default_rng(9)
    signer = Signer(128, 1)
    bands, rows = choose_bands(0.7, 128, **RECALL_WEIGHTS)
    hits = 0
    trials = 300
    for _ in range(trials):
        shared = rng.integers(0, 2**63, size=60, dtype=np.uint64)
        a = np.concatenate([shared, rng.integers(0, 2**63, size=10, dtype=np.uint64)])
        b = np.concatenate([shared, rng.integers(0, 2**63, size=10, dtype=np.uint64)])
        keys = band_keys(signer.sign_many([a, b]), bands, rows)
        hits += len(candidate_pairs(keys).pairs)
    assert hits >= 0.94 * trials


@settings(max_examples=60, deadline=None)
@given(
    bands=st.lists(st.lists(st.integers(0, 40), max_size=30, unique=True), max_size=12),
    min_merge=st.integers(0, 20),
)
def test_pair_codes_merged_band_by_band_are_every_code_once_sorted(
    bands: list[list[int]], min_merge: int
) -> None:
    codes = _DistinctCodes(min_merge=min_merge)  # small: merges happen between bands
    for band in bands:
        codes.add(np.array(band, dtype=np.int64))
    assert codes.result().tolist() == sorted({c for band in bands for c in band})


def bucket_by_bucket(keys: np.ndarray, max_bucket_size: int) -> tuple[list[list[int]], int]:
    """The slow reference: a dict of row lists per band, pairs per bucket, the cap applied."""
    pairs: set[tuple[int, int]] = set()
    capped = 0
    for band in range(keys.shape[1]):
        buckets: dict[int, list[int]] = defaultdict(list)
        for row, key in enumerate(keys[:, band].tolist()):
            buckets[key].append(row)
        for members in buckets.values():
            if len(members) > max_bucket_size:
                capped += 1
                pairs.update((members[0], m) for m in members[1:])
            else:
                pairs.update(itertools.combinations(members, 2))
    return sorted(map(list, pairs)), capped


@settings(max_examples=150, deadline=None)
@given(
    rows=st.integers(0, 70),
    key_range=st.sampled_from([3, 40, 300, 2**64 - 1]),  # small ranges: keys differing only in low bits
    bands=st.integers(1, 3),
    max_bucket_size=st.integers(2, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_candidate_pairs_by_packed_sort_equal_buckets_of_a_dict(
    rows: int, key_range: int, bands: int, max_bucket_size: int, seed: int
) -> None:
    # Rows' numbers are packed into the keys' low bits for sorting: keys that differ only
    # there share a sorted run and must still be told apart.
    rng = np.random.default_rng(seed)
    keys = rng.integers(0, key_range, size=(rows, bands), dtype=np.uint64, endpoint=True)
    found = candidate_pairs(keys, max_bucket_size=max_bucket_size)
    expected, capped = bucket_by_bucket(keys, max_bucket_size)
    assert found.pairs.tolist() == expected
    assert found.capped_buckets == capped


def band_by_band(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """The reference: each band's rows hashed column by column (FNV-style), then fmix64."""
    keys = np.empty((len(signatures), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            h = np.full(len(signatures), np.uint64(0xCBF29CE484222325) ^ np.uint64(band), dtype=np.uint64)
            for row in range(band * rows, (band + 1) * rows):
                h = (h ^ signatures[:, row].astype(np.uint64)) * np.uint64(0x100000001B3)
            keys[:, band] = fmix64(h)
    return keys


@pytest.mark.parametrize(
    ("documents", "num_perm", "bands", "rows"), [(0, 8, 2, 4), (1, 64, 21, 3), (300, 128, 20, 6)]
)
def test_band_keys_of_all_bands_at_once_equal_band_by_band(
    documents: int, num_perm: int, bands: int, rows: int
) -> None:
    # Stored indexes hold these keys: they must not change.
    signatures = np.random.default_rng(documents).integers(
        0, 2**32, size=(documents, num_perm), dtype=np.uint32
    )
    assert band_keys(signatures, bands, rows).tolist() == band_by_band(signatures, bands, rows).tolist()
