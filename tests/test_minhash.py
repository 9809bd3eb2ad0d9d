import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

import dedup.minhash
from dedup.hashing import fmix32, fmix32_inplace
from dedup.minhash import EMPTY, Signer, estimate_jaccard
from dedup.normalize import tokenize
from dedup.shingle import jaccard, shingle_set

hash_arrays = st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=60).map(
    lambda xs: np.array(xs, dtype=np.uint64)
)


def datasketch_signature(values: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """The oracle: datasketch's MinHash fed one value at a time, low 32 bits as its hash."""
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=lambda v: v & 0xFFFFFFFF)
    for v in values.tolist():
        m.update(v)
    return np.asarray(m.hashvalues)


@settings(max_examples=50, deadline=None)
@given(values=hash_arrays, seed=st.integers(0, 2**32 - 1), num_perm=st.sampled_from([8, 64, 128]))
def test_signature_equals_datasketch_minhash(values: np.ndarray, seed: int, num_perm: int) -> None:
    ours = Signer(num_perm, seed).sign(values)
    assert ours.tolist() == datasketch_signature(values, num_perm, seed).tolist()


def test_sign_many_equals_signing_one_by_one_including_empty_sets() -> None:
    rng = np.random.default_rng(7)
    sets = [rng.integers(0, 2**63, size=n, dtype=np.uint64) for n in (5, 0, 300, 1, 0, 42)]
    signer = Signer(32, 3)
    many = signer.sign_many(sets)
    for row, values in zip(many, sets, strict=True):
        expected = signer.sign(values) if len(values) else np.full(32, EMPTY, dtype=np.uint32)
        assert row.tolist() == expected.tolist()
    assert (many[1] == EMPTY).all()


def test_sign_ranges_equals_signing_each_slice() -> None:
    rng = np.random.default_rng(11)
    values = rng.integers(0, 2**63, size=50, dtype=np.uint64)
    starts = np.array([0, 5, 10, 40, 49])
    stops = np.array([20, 25, 11, 50, 50])
    signer = Signer(16, 1)
    ranged = signer.sign_ranges(values, starts, stops)
    for row, start, stop in zip(ranged, starts, stops, strict=True):
        assert row.tolist() == signer.sign(values[start:stop]).tolist()


def test_round_trip_through_datasketch_keeps_the_signature_and_estimate() -> None:
    signer = Signer(128, 1)
    a = signer.sign(
        shingle_set(tokenize("the council voted on monday to approve the new harbour barrier plan"))
    )
    b = signer.sign(
        shingle_set(tokenize("the council voted on tuesday to approve the new harbour barrier plan"))
    )
    ma, mb = signer.to_datasketch(a), signer.to_datasketch(b)
    assert signer.from_datasketch(ma).tolist() == a.tolist()
    assert ma.jaccard(mb) == pytest.approx(estimate_jaccard(a, b))


def test_estimate_stays_close_to_exact_jaccard() -> None:
    rng = np.random.default_rng(5)
    signer = Signer(256, 1)
    errors = []
    for _ in range(40):
        shared = rng.integers(0, 2**63, size=int(rng.integers(50, 200)), dtype=np.uint64)
        a = np.unique(np.concatenate([shared, rng.integers(0, 2**63, size=80, dtype=np.uint64)]))
        b = np.unique(np.concatenate([shared, rng.integers(0, 2**63, size=60, dtype=np.uint64)]))
        errors.append(abs(estimate_jaccard(signer.sign(a), signer.sign(b)) - jaccard(a, b)))
    # Standard error with 256 permutations is at most 0.5 / 16 = 0.031; allow 4 sigma per pair.
    assert max(errors) < 0.125
    assert float(np.mean(errors)) < 0.04


def fmix32_reference(value: int) -> int:
    """MurmurHash3's fmix32 on one Python int, step by step."""
    value ^= value >> 16
    value = (value * 0x85EBCA6B) & 0xFFFFFFFF
    value ^= value >> 13
    value = (value * 0xC2B2AE35) & 0xFFFFFFFF
    return value ^ (value >> 16)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 2**32 - 1), max_size=40))
def test_fmix32_in_place_equals_the_scalar_reference(values: list[int]) -> None:
    array = np.array(values, dtype=np.uint32)
    expected = [fmix32_reference(v) for v in values]
    assert fmix32(array).tolist() == expected
    assert array.tolist() == values  # fmix32 leaves its input alone
    assert fmix32_inplace(array, np.empty_like(array)).tolist() == expected
    assert array.tolist() == expected


def test_sign_runs_equals_datasketch_per_run_with_empty_and_split_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(13)
    lengths = np.array([3, 0, 40, 1, 0, 0, 17, 9], dtype=np.int64)
    values = rng.integers(0, 2**64 - 1, size=int(lengths.sum()), dtype=np.uint64)
    signer = Signer(24, 5)
    bounds = np.concatenate([[0], np.cumsum(lengths)]).tolist()
    for block in (8, 20, 8192):  # runs longer than a block are signed in pieces
        monkeypatch.setattr(dedup.minhash, "_BLOCK_SHINGLES", block)
        signed = signer.sign_runs(values, lengths)
        for row, lo, hi in zip(signed, bounds[:-1], bounds[1:], strict=True):
            if hi == lo:
                assert (row == EMPTY).all()
            else:
                assert row.tolist() == datasketch_signature(values[lo:hi], 24, 5).tolist()
