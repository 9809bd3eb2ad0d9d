import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.normalize import normalize_word, tokenize, tokenize_reference, widen
from dedup.shingle import jaccard, shingle_set, shingles


@given(st.text() | st.text(alphabet=st.characters(codec="ascii")))
def test_fast_tokenizer_equals_the_regex_reference(text: str) -> None:
    fast, slow = tokenize(text), tokenize_reference(text)
    assert fast.forms == slow.forms
    assert fast.starts.tolist() == slow.starts.tolist()
    assert fast.ends.tolist() == slow.ends.tolist()
    assert fast.hashes.tolist() == slow.hashes.tolist()


@given(st.text())
def test_token_offsets_slice_back_to_the_original_words(text: str) -> None:
    tokens = tokenize(text)
    for form, start, end in zip(tokens.forms, tokens.starts, tokens.ends, strict=True):
        assert start < end
        assert normalize_word(text[start:end]) == form


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("“Period,” Haley said", '"Period", Haley said.', id="curly-and-straight-quotes-agree"),
        pytest.param("Kim Jong-un", "Kim Jong Un", id="hyphen-and-space-agree"),
        pytest.param("Pompeo’s remarks", "Pompeo's remarks", id="curly-apostrophe-agrees"),
        pytest.param("ＵＮ Security Council", "UN SECURITY COUNCIL", id="fullwidth-and-case-agree"),
        pytest.param("denuclearisation — now", "denuclearisation -- now", id="dashes-are-dropped"),
    ],
)
def test_small_typographic_edits_give_the_same_tokens(a: str, b: str) -> None:
    assert tokenize(a).forms == tokenize(b).forms


def test_hashes_are_stable_values_not_salted_per_process() -> None:
    # Pinned values: a change here changes every signature and breaks persisted indexes.
    assert tokenize("security council").hashes.tolist() == tokenize("Security, Council!").hashes.tolist()
    assert shingles(tokenize("a b c d e"), 5).tolist() == shingles(tokenize("A B C D E"), 5).tolist()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", 0, id="empty-text-has-no-shingles"),
        pytest.param("   \n ", 0, id="whitespace-has-no-shingles"),
        pytest.param("three short words", 1, id="shorter-than-k-is-one-shingle"),
        pytest.param("one two three four five", 1, id="exactly-k-is-one-shingle"),
        pytest.param("one two three four five six", 2, id="k-plus-one-is-two"),
    ],
)
def test_shingle_counts(text: str, expected: int) -> None:
    assert len(shingles(tokenize(text), 5)) == expected


def test_exact_jaccard_of_edited_sentence() -> None:
    a = shingle_set(tokenize("the council voted to approve the new barrier plan on monday"), 3)
    b = shingle_set(tokenize("the council voted to approve the new barrier plan on friday"), 3)
    assert jaccard(a, b) == pytest.approx(8 / 10)


def test_widen_takes_touching_punctuation_only() -> None:
    text = '(AP) "Stay united," Ma said. Next'
    start = text.index("Stay")
    end = text.index("said") + 4
    assert text[slice(*widen(text, start, end))] == '"Stay united," Ma said.'
