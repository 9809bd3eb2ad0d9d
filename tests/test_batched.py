"""The batched fast paths against their slow references: tokenizing, token hashes, shingles, signatures."""

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

import dedup.minhash
import dedup.normalize
from dedup.hashing import HASH_SCHEME, byte_run_hashes, token_hash
from dedup.minhash import EMPTY, Signer
from dedup.normalize import Tokens, tokenize, tokenize_many, tokenize_reference
from dedup.shingle import shingle_set, shingle_sets_many, shingles, shingles_many

# Pieces of hostile text: combining marks, emoji with joiners and skin tones, RTL with
# bidi controls, CJK, Thai, NUL, CRLF, a lone surrogate, full-width and ligatures.
PIECES = [
    "Café",
    "e\u0301",
    "naïve",
    "Straße",
    "ＵＮ",
    "ﬁnance",
    "👩\u200d👩\u200d👧",
    "👍🏽",
    "שָׁלוֹם",
    "مرحبا\u200f",
    "\u202eabc\u202c",
    "港口屏障",
    "東京でカメラ",
    "ｶﾞ",
    "ภาษาไทย",
    "서울",
    "𠀀𠀁",
    "𝐀𝐁",
    "\x00",
    "\r\n",
    "\ud800",
    "Kim Jong-un",
    "“quoted,”",
    "2024",
    "x_y",
    " ",
    "\t",
]
texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=30).map("".join)


def same(a: Tokens, b: Tokens) -> bool:
    return (
        a.forms == b.forms
        and a.starts.tolist() == b.starts.tolist()
        and a.ends.tolist() == b.ends.tolist()
        and a.hashes.tolist() == b.hashes.tolist()
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, max_size=8))
def test_tokenize_many_equals_tokenize_equals_the_reference(batch: list[str]) -> None:
    many = tokenize_many(batch)
    assert len(many) == len(batch)
    for text, tokens in zip(batch, many, strict=True):
        assert same(tokens, tokenize(text))
        assert same(tokens, tokenize_reference(text))
        assert all(text[s:e] for s, e in zip(tokens.starts.tolist(), tokens.ends.tolist(), strict=True))


@settings(max_examples=50, deadline=None)
@given(st.lists(texts, min_size=2, max_size=8))
def test_batches_split_anywhere_give_the_same_tokens(batch: list[str]) -> None:
    whole = tokenize_many(batch)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dedup.normalize, "_BATCH_CHARS", 16)  # nearly every text a batch of its own
        for a, b in zip(whole, tokenize_many(batch), strict=True):
            assert same(a, b)


def test_a_text_longer_than_the_power_tables_hashes_like_the_reference() -> None:
    words = [f"w{i % 997}é" if i % 5 == 0 else f"word{i % 1009}" for i in range(60_000)]
    text = " ".join(words)  # about 430,000 characters, past the 2**18 tabled powers
    assert len(text) > 1 << 18
    assert same(tokenize(text), tokenize_reference(text))


@given(st.lists(st.binary(min_size=1, max_size=80).filter(lambda b: b"\0" not in b), max_size=20))
def test_byte_run_hashes_equal_token_hash_of_each_run(words: list[bytes]) -> None:
    ascii_words = [w.decode("latin-1").encode("ascii", "replace") for w in words]  # lengths 1-80 bytes
    data = np.frombuffer(b" ".join(ascii_words) + bytes(8), dtype=np.uint8)
    starts = np.cumsum([0] + [len(w) + 1 for w in ascii_words[:-1]], dtype=np.int64)
    ends = starts + np.array([len(w) for w in ascii_words], dtype=np.int64)
    expected = [token_hash(w.decode("ascii")) for w in ascii_words]
    assert byte_run_hashes(data, starts, ends).tolist() == expected


def test_tokens_of_up_to_eight_bytes_never_collide() -> None:
    words = [f"{a}{b}{c}" for a in "az09" for b in "bcy8" for c in ["", "q", "qq", "qqqqq"]]
    assert len({token_hash(w) for w in words}) == len(words)


def test_token_hashes_are_pinned_for_this_hash_scheme() -> None:
    # A change here changes every signature: bump HASH_SCHEME, which refuses old indexes.
    assert HASH_SCHEME == 3
    assert token_hash("russia") == 418998305839732754
    assert shingles(tokenize("A b c d E"), 5).tolist() == [870075061223109436]


@settings(max_examples=100, deadline=None)
@given(st.lists(texts, max_size=8), st.integers(1, 6))
def test_shingles_many_equal_shingles_of_each_text(batch: list[str], k: int) -> None:
    tokens = tokenize_many(batch)
    for t, many, sets in zip(tokens, shingles_many(tokens, k), shingle_sets_many(tokens, k), strict=True):
        assert many.tolist() == shingles(t, k).tolist()
        assert sets.tolist() == np.unique(shingles(t, k)).tolist() == shingle_set(t, k).tolist()


def datasketch_signature(values: np.ndarray, num_perm: int, seed: int) -> list[int]:
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=lambda v: v & 0xFFFFFFFF)
    for v in values.tolist():
        m.update(v)
    values_out: list[int] = np.asarray(m.hashvalues).tolist()
    return values_out


@settings(max_examples=25, deadline=None)
@given(st.lists(texts, max_size=6), st.sampled_from([8, 64, 128]), st.integers(0, 2**32 - 1))
def test_batched_signatures_equal_per_document_ones_and_datasketch(
    batch: list[str], num_perm: int, seed: int
) -> None:
    signer = Signer(num_perm, seed)
    sets = shingles_many(tokenize_many(batch), 3)
    many = signer.sign_many(sets)
    for row, values in zip(many, sets, strict=True):
        if len(values) == 0:
            assert (row == EMPTY).all()
            continue
        assert row.tolist() == signer.sign(values).tolist()
        assert row.tolist() == datasketch_signature(values, num_perm, seed)


def test_signatures_are_the_same_whatever_the_block_size(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    sets = [rng.integers(0, 2**64 - 1, size=n, dtype=np.uint64) for n in (0, 7, 300, 0, 1, 45, 1000, 2)]
    signer = Signer(40, 9)
    whole = signer.sign_many(sets)
    # 1, 7 and 50 shingles a block (long sets are cut in pieces); 1, 8 or 32 permutations at once
    for shingles_per_block, group in ((1, 32), (7, 8), (50, 1), (8192, 40)):
        monkeypatch.setattr(dedup.minhash, "_BLOCK_SHINGLES", shingles_per_block)
        monkeypatch.setattr(dedup.minhash, "_PERM_GROUP", group)
        assert signer.sign_many(sets).tolist() == whole.tolist()
    for row, values in zip(whole, sets, strict=True):
        if len(values):
            assert row.tolist() == datasketch_signature(values, 40, 9)


def test_sign_ranges_across_blocks_and_out_of_order_equals_signing_each_slice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(0, 2**64 - 1, size=200, dtype=np.uint64)
    starts = np.array([0, 5, 10, 40, 199, 100, 150, 3], dtype=np.int64)
    stops = np.array([20, 25, 11, 58, 200, 118, 200, 30], dtype=np.int64)
    signer = Signer(16, 2)
    for cells in (16 * 8, 16 * 60, 1 << 19):
        monkeypatch.setattr(dedup.minhash, "_RANGE_BLOCK_CELLS", cells)
        ranged = signer.sign_ranges(values, starts, stops)
        for row, start, stop in zip(ranged, starts, stops, strict=True):
            assert row.tolist() == datasketch_signature(values[start:stop], 16, 2)
