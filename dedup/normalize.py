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

    Word boundaries are found on the array of code points at once (numpy), not word
    by word; ``tokenize_reference`` is the plain regex version the tests hold it to.

    >>> t = tokenize("“Russia,” she said.")
    >>> t.forms
    ['russia', 'she', 'said']
    >>> [(int(s), int(e)) for s, e in zip(t.starts, t.ends)]
    [(1, 7), (10, 13), (14, 18)]
    """
    ascii_points: npt.NDArray[np.bool_] = np.ones(0, dtype=bool)
    if text.isascii():
        is_word = _ASCII_WORD[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]
    else:
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        is_word = np.zeros(len(points), dtype=bool)
        ascii_points = points < 128
        is_word[ascii_points] = _ASCII_WORD[points[ascii_points]]
        others = np.flatnonzero(~ascii_points)
        if len(others):
            distinct, inverse = np.unique(points[others], return_inverse=True)
            word_chars = np.fromiter(
                (chr(c).isalnum() for c in distinct.tolist()), dtype=bool, count=len(distinct)
            )
            is_word[others] = word_chars[inverse]
    edges = np.diff(is_word.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1).astype(np.int64)
    ends = np.flatnonzero(edges == -1).astype(np.int64)
    lowered = text.lower()
    bounds = zip(starts.tolist(), ends.tolist(), strict=True)
    if text.isascii():
        forms = [lowered[a:b] for a, b in bounds]
    else:
        # Only words holding a non-ASCII character need NFKC + case-folding; the rest
        # are sliced from the lower-cased text, whose offsets match while lengths agree.
        special = np.add.reduceat(~ascii_points, starts) > 0 if len(starts) else np.zeros(0, dtype=bool)
        same_length = len(lowered) == len(text)
        forms = [
            normalize_word(text[a:b]) if odd or not same_length else lowered[a:b]
            for (a, b), odd in zip(bounds, special.tolist(), strict=True)
        ]
    return Tokens(forms=forms, starts=starts, ends=ends, hashes=token_hashes(forms))


_ASCII_WORD = np.array([chr(c).isalnum() for c in range(128)], dtype=bool)


def _form(word: str) -> str:
    return word.lower() if word.isascii() else normalize_word(word)


def tokenize_reference(text: str) -> Tokens:
    """The slow, obviously correct tokenizer: one regex match per word. Tests compare ``tokenize`` to it."""
    forms: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _WORD.finditer(text):
        forms.append(_form(m.group()))
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
