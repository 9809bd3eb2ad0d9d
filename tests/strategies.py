"""Hypothesis strategies: article-like texts built from a small vocabulary, with known shared passages."""

from __future__ import annotations

from hypothesis import strategies as st

from dedup.model import Document

WORDS = [
    "council",
    "sanctions",
    "meeting",
    "envoy",
    "minister",
    "harbour",
    "tide",
    "barrier",
    "vote",
    "budget",
    "city",
    "river",
    "bridge",
    "school",
    "teachers",
    "union",
    "strike",
    "court",
    "judge",
    "ruling",
    "police",
    "report",
    "inquiry",
    "hospital",
    "doctors",
    "patients",
    "funding",
    "election",
    "candidate",
    "campaign",
    "poll",
    "voters",
    "turnout",
    "market",
    "shares",
    "bank",
    "rates",
    "inflation",
    "growth",
    "farmers",
    "drought",
    "harvest",
    "storm",
    "coast",
    "flood",
    "warning",
    "residents",
    "mayor",
    "governor",
    "agency",
    "official",
    "spokesperson",
    "said",
    "told",
    "reporters",
    "on",
    "monday",
    "tuesday",
    "friday",
    "after",
    "before",
    "during",
    "while",
    "because",
    "although",
    "however",
    "new",
    "old",
    "local",
    "national",
    "regional",
    "federal",
    "public",
    "private",
    "early",
    "late",
    "major",
    "minor",
    "final",
    "first",
    "second",
    "plan",
    "deal",
    "talks",
    "proposal",
    "decision",
    "statement",
    "letter",
    "review",
    "audit",
    "figures",
    "data",
    "survey",
    "study",
    "results",
    "will",
    "would",
    "could",
    "should",
    "must",
    "may",
    "might",
    "has",
    "have",
    "had",
    "was",
    "were",
    "is",
    "are",
    "be",
    "been",
    "being",
    "not",
    "also",
    "only",
]

# A shared passage drawn from one half of the vocabulary inside surroundings drawn from the
# other half has exactly one right position; with one vocabulary, "council council council"
# could align anywhere and no answer is known.
PASSAGE_WORDS = WORDS[: len(WORDS) // 2]
FILLER_WORDS = WORDS[len(WORDS) // 2 :]


def sentence(min_words: int = 6, max_words: int = 18, words: list[str] = WORDS) -> st.SearchStrategy[str]:
    """One sentence of distinct words (so it has one right alignment): capitalised, a full stop."""
    return st.lists(st.sampled_from(words), min_size=min_words, max_size=max_words, unique=True).map(
        lambda ws: " ".join(ws).capitalize() + "."
    )


def paragraph(
    min_sentences: int = 1, max_sentences: int = 4, words: list[str] = WORDS
) -> st.SearchStrategy[str]:
    """A few sentences joined by spaces."""
    return st.lists(sentence(words=words), min_size=min_sentences, max_size=max_sentences).map(" ".join)


def article(
    min_paragraphs: int = 1, max_paragraphs: int = 4, words: list[str] = WORDS
) -> st.SearchStrategy[str]:
    """Paragraphs separated by blank lines."""
    return st.lists(paragraph(words=words), min_size=min_paragraphs, max_size=max_paragraphs).map("\n\n".join)


@st.composite
def article_pairs_with_shared_passage(draw: st.DrawFn) -> tuple[Document, Document, str]:
    """Two documents with different surroundings around one shared passage of >= 25 words."""
    words = draw(st.lists(st.sampled_from(PASSAGE_WORDS), min_size=25, max_size=45, unique=True))
    passage = " ".join(" ".join(words[i : i + 12]).capitalize() + "." for i in range(0, len(words), 12))
    # a's and b's surroundings come from disjoint halves of the filler words: otherwise they
    # shrink to the same filler paragraphs, which are then shared passages too (the
    # transposed-paragraph cases have their own tests in test_scan.py).
    a_words, b_words = FILLER_WORDS[::2], FILLER_WORDS[1::2]
    before_a, after_a = draw(article(0, 2, a_words)), draw(article(0, 2, a_words))
    before_b, after_b = draw(article(0, 2, b_words)), draw(article(0, 2, b_words))
    a = "\n\n".join(p for p in (before_a, passage, after_a) if p)
    b = "\n\n".join(p for p in (before_b, passage, after_b) if p)
    return Document("a", a), Document("b", b), passage
