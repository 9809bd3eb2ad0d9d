"""Chance window collisions: document pairs whose candidate windows share too few shingles are not aligned."""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.corpus import generate
from dedup import Document, ScanOptions
from dedup.hashing import U64, combine_runs
from dedup.normalize import tokenize
from dedup.scan import align_pair, compare, scan
from dedup.windows import matching_positions, shares_shingles
from tests.strategies import FILLER_WORDS, PASSAGE_WORDS

NO_CHECK = ScanOptions(min_shared_shingles=0)
scan_module = importlib.import_module("dedup.scan")  # the module; ``dedup.scan`` is the function


def _shared_by_hashing(a: U64, b: U64, a_range: tuple[int, int], b_range: tuple[int, int], k: int) -> int:
    """The slow reference: distinct shingle hashes of each window (``combine_runs``), intersected."""
    in_a = np.unique(combine_runs(a[a_range[0] : a_range[1]], k))
    in_b = np.unique(combine_runs(b[b_range[0] : b_range[1]], k))
    return len(np.intersect1d(in_a, in_b))


@st.composite
def _window_pairs(draw: st.DrawFn) -> tuple[U64, U64, list[tuple[int, int, int, int]]]:
    """Two token-hash sequences over a tiny vocabulary (many repeats) and a few window pairs."""
    a = np.array(draw(st.lists(st.integers(0, 4), min_size=1, max_size=40)), dtype=np.uint64)
    b = np.array(draw(st.lists(st.integers(0, 4), min_size=1, max_size=40)), dtype=np.uint64)

    def window(n: int) -> st.SearchStrategy[tuple[int, int]]:
        return st.tuples(st.integers(0, n - 1), st.integers(1, 20)).map(lambda s: (s[0], min(n, s[0] + s[1])))

    pairs = draw(st.lists(st.tuples(window(len(a)), window(len(b))), min_size=1, max_size=5))
    return a, b, [(*wa, *wb) for wa, wb in pairs]


@settings(max_examples=200, deadline=None)
@given(case=_window_pairs(), k=st.integers(1, 4), least=st.integers(0, 8))
def test_shared_shingles_equal_the_hashed_reference(
    case: tuple[U64, U64, list[tuple[int, int, int, int]]], k: int, least: int
) -> None:
    a, b, pairs = case
    windows = ([p[0] for p in pairs], [p[1] for p in pairs], [p[2] for p in pairs], [p[3] for p in pairs])
    expected = least == 0 or any(_shared_by_hashing(a, b, p[:2], p[2:], k) >= least for p in pairs)
    assert shares_shingles(a, b, windows, k=k, least=least) == expected


@settings(max_examples=200, deadline=None)
@given(case=_window_pairs(), k=st.integers(1, 4), bits=st.sampled_from([0, 1, 2, 64]))
def test_positions_matched_on_merged_tokens_never_undercount_the_shared_shingles(
    case: tuple[U64, U64, list[tuple[int, int, int, int]]], k: int, bits: int
) -> None:
    # Tags that merge tokens (here: keep only ``bits`` low bits, so values 0-4 collide) may
    # match more positions than the tokens share shingles, never fewer: the prefilter is safe.
    a, b, pairs = case
    width = max(max(p[1] - p[0], p[3] - p[2]) for p in pairs)

    def rows(tokens: U64, ranges: list[tuple[int, int]]) -> U64:
        at = np.minimum(np.array([r[0] for r in ranges])[:, None] + np.arange(width), len(tokens) - 1)
        return tokens[at] & np.uint64((1 << bits) - 1 if bits < 64 else 2**64 - 1)

    counts = matching_positions(
        rows(a, [p[:2] for p in pairs]),
        np.array([p[1] - p[0] for p in pairs], dtype=np.int64),
        rows(b, [p[2:] for p in pairs]),
        np.array([p[3] - p[2] for p in pairs], dtype=np.int64),
        k=k,
    )
    for count, p in zip(counts.tolist(), pairs, strict=True):
        assert count >= _shared_by_hashing(a, b, p[:2], p[2:], k)
        if bits == 64:  # whole tokens: exactly the positions of a whose shingle is in b
            in_b = set(combine_runs(b[p[2] : p[3]], k).tolist())
            assert count == sum(s in in_b for s in combine_runs(a[p[0] : p[1]], k).tolist())


def _window(words: list[str], phrase: list[str]) -> str:
    return " ".join(words[:8] + phrase + words[8:17])


def test_windows_sharing_one_common_phrase_are_not_aligned() -> None:
    # One 20-word window each, sharing "said on tuesday" (one shingle) and nothing else.
    common = ["said", "on", "tuesday"]
    a = Document("a", _window(PASSAGE_WORDS, common))
    b = Document("b", _window(FILLER_WORDS, common))
    ta, tb = tokenize(a.text), tokenize(b.text)
    windows = ([0], [len(ta)], [0], [len(tb)])
    assert align_pair(a, ta, b, tb, windows, ScanOptions()) == ([], 0)
    assert align_pair(a, ta, b, tb, windows, NO_CHECK) == ([], 1)  # aligned, in vain


def test_a_short_quote_between_two_short_texts_is_still_found() -> None:
    # Two texts of one window each sharing a 16-word quote with one word changed: 11 shared shingles.
    quote = PASSAGE_WORDS[:16]
    edited = [*quote[:8], FILLER_WORDS[-1], *quote[9:]]
    a = "Minister: " + " ".join(quote) + "."
    b = "Officials " + " ".join(edited) + ", she said."
    [match] = compare(a, b)
    assert match.similarity >= 0.9
    assert compare(a, b) == compare(a, b, options=NO_CHECK)


@st.composite
def _short_texts_sharing_a_passage(draw: st.DrawFn) -> tuple[str, str]:
    """Two texts of at most 20 words (one window each) sharing a passage of 15-18 words, lightly edited."""
    passage = draw(st.lists(st.sampled_from(PASSAGE_WORDS), min_size=15, max_size=18, unique=True))
    edited = list(passage)
    for at in draw(st.lists(st.integers(0, len(passage) - 1), max_size=3, unique=True)):
        edited[at] = draw(st.sampled_from(FILLER_WORDS))
    room = 20 - len(passage)
    before_a = draw(st.lists(st.sampled_from(FILLER_WORDS), max_size=room))
    before_b = draw(st.lists(st.sampled_from(FILLER_WORDS), max_size=room))
    return " ".join(before_a + passage), " ".join(before_b + edited)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=_short_texts_sharing_a_passage())
def test_the_check_never_drops_a_match_between_two_one_window_texts(texts: tuple[str, str]) -> None:
    # A match of >= 15 matched words in anchors of >= 3 words inside one window of each text
    # shares at least 15 - 2 * 5 = 5 shingles with it, more than the default 3.
    a, b = texts
    assert compare(a, b) == compare(a, b, options=NO_CHECK)


def _check_pair_by_pair(
    work: Any,
    left: np.ndarray,
    right: np.ndarray,
    firsts: list[int],
    sizes: list[int],
) -> list[bool]:
    """The reference for the local engine's piece-at-once check: ``shares_shingles`` per document pair."""
    w, opts = work.windows, work.opts
    decided = []
    for first, size in zip(firsts, sizes, strict=True):
        a, b = left[first : first + size], right[first : first + size]
        ta, tb = work.store.tokens(int(w.owner[a[0]])), work.store.tokens(int(w.owner[b[0]]))
        windows = (w.start[a].tolist(), w.stop[a].tolist(), w.start[b].tolist(), w.stop[b].tolist())
        k, least = opts.passage_shingle_size, opts.min_shared_shingles
        decided.append(shares_shingles(ta.hashes, tb.hashes, windows, k=k, least=least))
    return decided


def test_generated_news_gives_the_same_result_with_fewer_regions_aligned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    docs = generate(1500, seed=11)
    checked = scan(docs, options=ScanOptions(jobs=1))
    unchecked = scan(docs, options=dataclasses.replace(NO_CHECK, jobs=1))
    assert checked.matches
    assert checked.duplicates
    assert dataclasses.replace(checked, stats=unchecked.stats) == unchecked
    assert checked.stats.window_candidates == unchecked.stats.window_candidates
    assert checked.stats.regions_aligned < 0.5 * unchecked.stats.regions_aligned
    monkeypatch.setattr(scan_module, "_may_share_shingles_many", _check_pair_by_pair)
    assert scan(docs, options=ScanOptions(jobs=1)) == checked  # the same pairs skipped, stats included
