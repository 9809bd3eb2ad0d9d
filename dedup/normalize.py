"""Tokenising with offsets: normalised word forms, each tied to its characters in the original text.

Words are runs of Unicode letters and digits; everything else (punctuation, quotes of
any shape, dashes, whitespace) separates words and is dropped. Each word is NFKC
normalised and case-folded, so "Kim Jong-un" and "kim jong un", or ``’`` and ``'``,
give the same tokens. Offsets always index the ORIGINAL text: a match found on
tokens maps back to exactly the characters a reader sees.

Scripts written without spaces between words (Chinese, Japanese kana, Thai, Lao,
Khmer, Myanmar) have no word boundaries to find, so each of their letters is a token
of its own: word k-gram shingles become character k-grams there, and a passage copied
between two Chinese articles is found like an English one. Korean separates words with
spaces, so Hangul stays in words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dedup.hashing import U64, token_hashes

CHARACTER_TOKEN_RANGES: tuple[tuple[int, int], ...] = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3000, 0x30FF),  # CJK symbols (々 〆 〇), Hiragana, Katakana
    (0x3100, 0x31FF),  # Bopomofo, Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFF66, 0xFF9F),  # Halfwidth Katakana
    (0x1B000, 0x1B16F),  # Kana Supplement and Extended-A
    (0x20000, 0x3FFFF),  # CJK Extensions B and later
)
"""Code point ranges (inclusive) whose letters and digits are each a token of their own."""

_SINGLE = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in CHARACTER_TOKEN_RANGES)
# A run of word characters outside those ranges, or else one word character inside them.
_WORD = re.compile(f"[^\\W_{_SINGLE}]+|[^\\W_]")

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
    single: npt.NDArray[np.bool_] = np.zeros(0, dtype=bool)
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
        single = is_word & _single(points)
    starts, ends = _boundaries(is_word, single)
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
_SINGLE_BOUNDS = np.array([v for a, b in CHARACTER_TOKEN_RANGES for v in (a, b + 1)], dtype=np.uint32)


def _single(points: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    """Which code points lie in ``CHARACTER_TOKEN_RANGES`` (an odd count of bounds at or below them)."""
    inside: npt.NDArray[np.bool_] = np.searchsorted(_SINGLE_BOUNDS, points, side="right") % 2 == 1
    return inside


def _boundaries(is_word: npt.NDArray[np.bool_], single: npt.NDArray[np.bool_]) -> tuple[I64, I64]:
    """Token [start, end) offsets: runs of word characters, each ``single`` character a run of its own."""
    if not single.any():
        edges = np.diff(is_word.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
        return np.flatnonzero(edges == 1).astype(np.int64), np.flatnonzero(edges == -1).astype(np.int64)
    # A break falls between two characters unless both are word characters and neither is single.
    joined = is_word[1:] & is_word[:-1] & ~single[1:] & ~single[:-1]
    first = is_word.copy()
    first[1:] &= ~joined
    last = is_word.copy()
    last[:-1] &= ~joined
    return np.flatnonzero(first).astype(np.int64), np.flatnonzero(last).astype(np.int64) + 1


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
    makes the reported slice read as a whole sentence or quote. The start does not
    take punctuation that closes what comes before (a full stop, a closing bracket):
    in Chinese or Japanese the previous sentence's "。" touches the passage. Likewise
    the end does not take an opening bracket or quote of the next sentence.

    >>> text = 'He said: "Stay united." Then left.'
    >>> widen(text, 10, 21)
    (9, 23)
    >>> widen("前文。港口屏障。「后文", 3, 7)
    (3, 8)
    """
    while start > 0 and _is_punctuation(text[start - 1]) and not _closes(text[start - 1]):
        start -= 1
    while end < len(text) and _is_punctuation(text[end]) and not _opens(text[end]):
        end += 1
    return start, end


_CLOSING_MARKS = frozenset(".,;:!?…。，、；：！？．｡､")


def _is_punctuation(char: str) -> bool:
    return not (char.isspace() or char.isalnum() or char == "_")


def _closes(char: str) -> bool:
    return char in _CLOSING_MARKS or unicodedata.category(char) in ("Pe", "Pf")


def _opens(char: str) -> bool:
    return unicodedata.category(char) in ("Ps", "Pi")
