from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

import dedup
from dedup import word_overlap
from dedup.normalize import tokenize
from dedup.word_overlap import FUZZY_CUTOFF, light_stem, similarity
from tests.strategies import WORDS

# Words that inflect and misspell, so the leftover pairing has real work to do.
VARIANTS = [*WORDS[:12], "reported", "reports", "organise", "organize", "colour", "color", "councils"]


def reference_similarity(a: str, b: str) -> float:
    """Word by word, in plain Python: the fast path groups equal words and uses cdist."""
    words_a = [light_stem(w) for w in tokenize(a).forms]
    words_b = [light_stem(w) for w in tokenize(b).forms]
    if not words_a and not words_b:
        return 0.0
    left_b = list(words_b)
    paired = 0.0
    left_a = []
    for w in words_a:
        if w in left_b:
            left_b.remove(w)
            paired += 1
        else:
            left_a.append(w)
    candidates = sorted(
        (-fuzz.ratio(x, y), min(x, y), max(x, y), i, j)
        for i, x in enumerate(left_a)
        for j, y in enumerate(left_b)
        if x[0] == y[0] and fuzz.ratio(x, y) >= FUZZY_CUTOFF
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    for negative_ratio, _, _, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            paired += -negative_ratio / 100
    return 2 * paired / (len(words_a) + len(words_b))


texts = st.lists(st.sampled_from(VARIANTS), max_size=25).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_equals_the_word_by_word_reference(a: str, b: str) -> None:
    assert similarity(a, b) == pytest.approx(reference_similarity(a, b), abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(texts, texts)
def test_long_text_path_gives_the_same_score(a: str, b: str) -> None:
    """Per-initial chunks of two rows (the path for long texts) against one call for all."""
    one_call = similarity(a, b)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(word_overlap, "ONE_CALL_CELLS", 0)
        patch.setattr(word_overlap, "CHUNK_ROWS", 2)
        assert similarity(a, b) == one_call


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_symmetric_and_in_range(a: str, b: str) -> None:
    assert similarity(a, b) == similarity(b, a)
    assert 0.0 <= similarity(a, b) <= 1.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(VARIANTS), min_size=1, max_size=25), st.randoms(use_true_random=False))
def test_word_order_does_not_matter(words: list[str], rng: object) -> None:
    shuffled = list(words)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert similarity(" ".join(words), " ".join(shuffled)) == 1.0


def test_moved_clause_scores_whole_while_passage_similarity_does_not() -> None:
    a = "The council approved the budget on Tuesday, the mayor said."
    b = "The mayor said the council approved the budget on Tuesday."
    assert similarity(a, b) == 1.0
    assert dedup.passage_similarity(a, b) < 0.9


def test_inflections_and_spellings_pair_up() -> None:
    assert similarity("Police reported two arrests", "police reports two arrest") == 1.0
    # "organise"/"organize": ratio 87.5, the one unequal word of four per side.
    assert similarity("they organise the vote", "they organize the vote") == pytest.approx(
        2 * (3 + 0.875) / 8
    )
    # Unrelated words never pair, however many are left over; nor do words with other initials.
    assert similarity("harbour tide barrier", "school court hospital") == 0.0
    assert similarity("it arose", "it rose") == 0.5


def test_edge_cases() -> None:
    assert similarity("", "") == 0.0
    assert similarity("Only here.", "") == 0.0
    assert similarity("...", "!!!") == 0.0
    assert similarity("“Period,” Haley said", '"Period", haley said.') == 1.0


def test_light_stem_keeps_short_words() -> None:
    assert [light_stem(w) for w in ("is", "was", "uses", "bus", "sing")] == [
        "is",
        "was",
        "uses",
        "bus",
        "sing",
    ]
    assert light_stem("councils") == "council"
    assert Counter(light_stem(w) for w in ("reported", "reports", "reporting")) == Counter({"report": 3})
