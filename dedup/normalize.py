"""Tokenising with offsets: normalised word forms, each tied to its characters in the original text.

Words are runs of Unicode letters and digits; everything else (punctuation, quotes of
any shape, dashes, whitespace) separates words and is dropped. Each word is NFKC
normalised and case-folded, so "Kim Jong-un" and "kim jong un", or ``’`` and ``'``,
give the same tokens. Offsets always index the ORIGINAL text: a match found on
tokens maps back to exactly the characters a reader sees.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dedup.hashing import U64, token_hashes

_WORD = re.compile(r"[^\W_]+")

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Tokens:
    """Normalised words of one text with their [start, end) character offsets in it."""

    forms: list[str]
    starts: I64
    ends: I64
    hashes: U64

    def __len__(self) -> int:
        return len(self.forms)

    def char_span(self, first: int, last: int) -> tuple[int, int]:
        """Character range covering tokens ``first`` .. ``last - 1`` (half-open token range)."""
        return int(self.starts[first]), int(self.ends[last - 1])


def normalize_word(word: str) -> str:
    """NFKC + case-fold one word, the form used for hashing and alignment.

    >>> normalize_word("Straße")
    'strasse'
    >>> normalize_word("ＵＮ")
    'un'
    """
    return unicodedata.normalize("NFKC", word).casefold()


def tokenize(text: str) -> Tokens:
    """Split text into normalised words, keeping each word's offsets in ``text``.

    >>> t = tokenize("“Russia,” she said.")
    >>> t.forms
    ['russia', 'she', 'said']
    >>> [(int(s), int(e)) for s, e in zip(t.starts, t.ends)]
    [(1, 7), (10, 13), (14, 18)]
    """
    forms: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _WORD.finditer(text):
        word = m.group()
        forms.append(word.lower() if word.isascii() else normalize_word(word))
        starts.append(m.start())
        ends.append(m.end())
    return Tokens(
        forms=forms,
        starts=np.array(starts, dtype=np.int64),
        ends=np.array(ends, dtype=np.int64),
        hashes=token_hashes(forms),
    )


def widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend a word-aligned range over the punctuation touching it (quotes, final full stop).

    Punctuation carries no tokens, so this never changes what a passage matches; it
    makes the reported slice read as a whole sentence or quote.

    >>> text = 'He said: "Stay united." Then left.'
    >>> widen(text, 10, 21)
    (9, 23)
    """
    while start > 0 and _is_punctuation(text[start - 1]):
        start -= 1
    while end < len(text) and _is_punctuation(text[end]):
        end += 1
    return start, end


def _is_punctuation(char: str) -> bool:
    return not (char.isspace() or char.isalnum() or char == "_")
