import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.align import align, passage_similarity
from dedup.normalize import tokenize
from dedup.windows import Region, cut, merge_regions
from tests.strategies import FILLER_WORDS, PASSAGE_WORDS, WORDS, sentence


def align_whole(a: str, b: str, **overrides: float) -> list[tuple[str, str, float]]:
    ta, tb = tokenize(a), tokenize(b)
    params = {"min_words": 8, "min_similarity": 0.75, "max_gap": 8} | overrides
    found = align(Region(0, len(ta), 0, len(tb)), ta, tb, **params)  # type: ignore[arg-type]
    return [
        (
            a[ta.char_span(x.a_start, x.a_stop)[0] : ta.char_span(x.a_start, x.a_stop)[1]],
            b[tb.char_span(x.b_start, x.b_stop)[0] : tb.char_span(x.b_start, x.b_stop)[1]],
            x.similarity,
        )
        for x in found
    ]


PASSAGE = (
    "Haley called the Security Council meeting on Monday morning to allege Russia and China "
    "are evading sanctions aimed at pressuring the regime to abandon its missile programs"
)


@pytest.mark.parametrize(
    ("edited", "min_similarity"),
    [
        pytest.param(
            PASSAGE.replace("Russia", "Russian Federation"), 0.93, id="country-name-expansion-still-aligns"
        ),
        pytest.param(PASSAGE.replace("Monday morning", "Monday"), 0.96, id="dropped-word-still-aligns"),
        pytest.param(
            PASSAGE.replace("allege", "claim, without evidence,"), 0.88, id="changed-clause-still-aligns"
        ),
    ],
)
def test_small_edits_do_not_split_a_passage(edited: str, min_similarity: float) -> None:
    a = "Unrelated opening words about the weather and tides. " + PASSAGE + ". Closing words on budgets."
    b = "Different start about schools and teachers today. " + edited + ". Another ending entirely."
    found = align_whole(a, b)
    assert len(found) == 1
    slice_a, slice_b, similarity = found[0]
    assert slice_a == PASSAGE
    assert slice_b == edited
    assert similarity >= min_similarity


def test_two_passages_far_apart_are_two_matches() -> None:
    first = "The harbour council approved the tidal barrier after a nine hour debate on Tuesday night"
    second = "Residents along the river said the flood warning came too late for most of the street"
    filler_a = " ".join(WORDS[:40])
    filler_b = " ".join(WORDS[60:100])
    found = align_whole(f"{first}. {filler_a}. {second}.", f"{first}. {filler_b}. {second}.")
    assert [(x[0], x[1]) for x in found] == [(first, first), (second, second)]


@settings(max_examples=40, deadline=None)
@given(
    shared=st.lists(sentence(10, 16, PASSAGE_WORDS), min_size=1, max_size=2).map(" ".join),
    left=st.lists(st.sampled_from(FILLER_WORDS[::2]), max_size=20, unique=True).map(" ".join),
    right=st.lists(st.sampled_from(FILLER_WORDS[1::2]), max_size=20, unique=True).map(" ".join),
)
def test_exact_copy_agrees_with_difflib_longest_block(shared: str, left: str, right: str) -> None:
    """Without edits, the aligned passage contains difflib's longest common block of words.

    The surroundings use other words than the passage, and left and right share none, so
    no other common subsequence competes with the passage and its place is unambiguous.
    """
    a = f"{left} {shared}".strip()
    b = f"{shared} {right}".strip()
    ta, tb = tokenize(a), tokenize(b)
    block = difflib.SequenceMatcher(None, ta.forms, tb.forms, autojunk=False).find_longest_match()
    found = align(Region(0, len(ta), 0, len(tb)), ta, tb, min_words=8, min_similarity=0.75, max_gap=8)
    assert any(
        x.a_start <= block.a
        and block.a + block.size <= x.a_stop
        and x.b_start <= block.b
        and block.b + block.size <= x.b_stop
        for x in found
    )


def test_passage_similarity_is_symmetric_and_one_for_equal_words() -> None:
    assert passage_similarity("A b c", "a, B. c!") == 1.0
    assert passage_similarity("one two three", "one two four") == passage_similarity(
        "one two four", "one two three"
    )
    assert passage_similarity("", "") == 0.0


def test_windows_cover_every_token() -> None:
    for n in (1, 19, 20, 21, 57, 100):
        starts, stops = cut(n, window=20, step=5)
        covered: set[int] = set()
        for s, e in zip(starts.tolist(), stops.tolist(), strict=True):
            covered.update(range(s, e))
        assert covered == set(range(n))


def test_merge_regions_separates_a_paragraph_repeated_in_b() -> None:
    import numpy as np

    a_starts = np.array([10, 15, 10, 15])
    b_starts = np.array([100, 105, 300, 305])
    regions = merge_regions(
        a_starts, a_starts + 20, b_starts, b_starts + 20, gap=5, a_len=500, b_len=500, margin=0
    )
    assert regions == [Region(10, 35, 100, 125), Region(10, 35, 300, 325)]


def test_merge_regions_separates_two_paragraphs_that_b_prints_in_the_opposite_order() -> None:
    import numpy as np

    # a: P at 0-25 then Q at 25-50; b: Q at 0-25 then P at 25-50. All windows overlap in
    # both texts, so only their diagonals (+25 for P, -25 for Q) tell the passages apart.
    a_starts = np.array([0, 5, 25, 30])
    b_starts = np.array([25, 30, 0, 5])
    regions = merge_regions(
        a_starts, a_starts + 20, b_starts, b_starts + 20, gap=8, a_len=50, b_len=50, margin=0, diagonal_gap=13
    )
    assert sorted(regions, key=lambda r: r.a_start) == [Region(0, 25, 25, 50), Region(25, 50, 0, 25)]
