from collections import Counter

import numpy as np
import pytest

import dedup
from benchmarks.corpus import Corpus, build, generate


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return build(600, seed=11)


def test_same_seed_gives_the_same_corpus_and_another_seed_does_not() -> None:
    first, again, other = build(80, seed=3), build(80, seed=3), build(80, seed=4)
    assert first.documents == again.documents
    assert first.reuses == again.reuses
    assert [d.text for d in first.documents] != [d.text for d in other.documents]
    assert generate(80, seed=3) == first.documents


def test_every_reprinted_paragraph_is_present_in_both_articles(corpus: Corpus) -> None:
    texts = {d.id: d.text for d in corpus.documents}
    assert corpus.reuses
    for reuse in corpus.reuses:
        original = texts[reuse.original][slice(*reuse.original_span)]
        copy = texts[reuse.copy][slice(*reuse.copy_span)]
        if reuse.edits == 0:
            assert copy == original
        else:
            assert dedup.passage_similarity(original, copy) >= 0.75, (reuse, original, copy)


def test_copies_come_from_earlier_originals_of_other_outlets(corpus: Corpus) -> None:
    docs = {d.id: d for d in corpus.documents}
    kinds = corpus.kinds()
    for reuse in corpus.reuses:
        original, copy = docs[reuse.original], docs[reuse.copy]
        assert original.published is not None
        assert copy.published is not None
        assert original.published < copy.published
        assert kinds[reuse.original] == "original"
        if reuse.kind == "reprint":
            assert original.source != copy.source


def test_shares_and_lengths_are_those_documented(corpus: Corpus) -> None:
    counts = Counter(corpus.kinds().values())
    n = len(corpus.documents)
    assert 0.15 < counts["reprint"] / n < 0.25
    assert 0.01 < counts["near_duplicate"] / n < 0.06
    reprinted = Counter(r.copy for r in corpus.reuses if r.kind == "reprint")
    assert set(reprinted.values()) <= {1, 2, 3, 4, 5}
    words = np.array([len(d.text.split()) for d in corpus.documents if d.meta["kind"] == "original"])
    assert 550 < words.mean() < 750
    assert words.min() >= 200
    assert words.max() <= 1600
