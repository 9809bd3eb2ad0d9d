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

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from dedup.hashing import U8, U64, byte_run_hashes, token_hash, token_hashes

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
    """Normalised words of one text with their [start, end) character offsets in it.

    ``hashes[i]`` is ``token_hash`` of word i's normalised form. The forms themselves
    are made only when asked for (``forms``): signatures and alignment need the
    hashes alone, and making a string per word would cost more than hashing them.
    """

    text: str = field(repr=False)
    starts: I64
    ends: I64
    hashes: U64

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def forms(self) -> list[str]:
        """The normalised words (made anew on each call)."""
        return [_form(self.text[a:b]) for a, b in zip(self.starts.tolist(), self.ends.tolist(), strict=True)]

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
    return tokenize_many([text])[0]


def tokenize_many(texts: Sequence[str]) -> list[Tokens]:
    """``tokenize`` of every text, computed on batches of texts at once.

    The texts of a batch (about 64k characters) are joined and handled as one array of
    characters (numpy): one table lookup per character gives its hash byte (0 outside
    words), word boundaries are where that turns zero or non-zero, and ASCII words are
    hashed by ``byte_run_hashes`` without making a string per word. Only words holding
    a non-ASCII letter are sliced out and NFKC-normalised one by one (cached), and each
    letter of a script without spaces is hashed once per distinct letter. ``tokenize_reference`` is
    the plain regex version the tests hold this to.

    >>> [t.forms for t in tokenize_many(["Ma said", "", "港口 ok"])]
    [['ma', 'said'], [], ['港', '口', 'ok']]
    """
    out: list[Tokens] = []
    for batch in _batches(texts):
        out.extend(_tokenize_batch(batch))
    return out


_BATCH_CHARS = 1 << 17  # characters per joined batch: its arrays stay in the CPU caches
_SINGLE_CHAR = 2  # class bit: a letter that is a token of its own


def _batches(texts: Sequence[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and size + len(text) > _BATCH_CHARS:
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text) + 1
    if batch:
        yield batch


def _tokenize_batch(texts: list[str]) -> list[Tokens]:
    # Separators before, between and after the texts: every token starts and ends inside one text.
    joined = "\n".join(["", *texts, ""])
    bases = np.ones(len(texts), dtype=np.int64)
    np.cumsum([len(t) + 1 for t in texts[:-1]], out=bases[1:])
    bases[1:] += 1
    points, data, odd = _code_points(joined)  # odd: non-ASCII word characters, hashed apart below
    starts, ends = _boundaries(data[: len(points)] != 0)
    single = np.empty(0, dtype=np.int64)
    if len(odd):
        kinds = _CLASS[np.minimum(points[odd], 0xFFFF)]
        astral = np.flatnonzero(points[odd] > 0xFFFF)
        kinds[astral] = [_class_of(c) for c in points[odd[astral]].tolist()]
        single = odd[(kinds & _SINGLE_CHAR) != 0]
        if len(single):
            starts, ends = _split_singles(starts, ends, single)
    hashes = byte_run_hashes(data, starts, ends)
    if len(odd):
        _rehash_odd(joined, points, starts, ends, hashes, odd[(kinds & _SINGLE_CHAR) == 0], single)
    first = np.searchsorted(starts, bases)
    counts = np.diff(first, append=len(starts))
    shift = np.repeat(bases, counts)
    local_starts, local_ends = starts - shift, ends - shift
    bounds = np.append(first, len(starts)).tolist()
    return [
        Tokens(text, local_starts[a:b], local_ends[a:b], hashes[a:b])
        for text, a, b in zip(texts, bounds[:-1], bounds[1:], strict=True)
    ]


def _code_points(joined: str) -> tuple[npt.NDArray[np.uint32], U8, I64]:
    """The text's code points; one byte per character for the token hashes, 8 zero bytes after; odd places.

    The byte is the lower-case letter or digit for ASCII word characters (so an ASCII
    word's bytes are its form's UTF-8), ``_ODD`` for other word characters (their
    tokens are rehashed), 0 outside words; the odd places are where it is ``_ODD``.
    numpy copies a str to UCS-4 code points in C, twice as fast as encoding it.
    """
    points: npt.NDArray[np.uint32] = np.array([joined]).view(np.uint32)
    data = np.empty(len(points) + 8, dtype=np.uint8)
    data[-8:] = 0
    np.take(_BYTES, points, out=data[: len(points)], mode="clip")  # beyond the BMP: _ASTRAL, fixed below
    odd = np.flatnonzero(data[: len(points)] >= _ODD)
    astral = odd[data[odd] == _ASTRAL]
    if len(astral):
        data[astral] = [_ODD if chr(c).isalnum() else 0 for c in points[astral].tolist()]
        odd = odd[data[odd] != 0]
    return points, data, odd


def _boundaries(is_word: npt.NDArray[np.bool_]) -> tuple[I64, I64]:
    """[start, end) offsets of the runs of word characters (the first and last characters are not)."""
    changes = np.flatnonzero(is_word[1:] != is_word[:-1]).astype(np.int64, copy=False) + 1
    return changes[0::2], changes[1::2]


def _split_singles(starts: I64, ends: I64, single: I64) -> tuple[I64, I64]:
    """Cut the runs so that every ``single`` position is a token of its own."""
    cuts = np.unique(np.concatenate([single, single + 1]))
    run = np.searchsorted(starts, cuts, side="right") - 1  # the run each cut falls in (or after)
    inside = (run >= 0) & (cuts > starts[np.maximum(run, 0)]) & (cuts < ends[np.maximum(run, 0)])
    cuts = cuts[inside]
    new_starts = np.sort(np.concatenate([starts, cuts]))
    new_ends = np.sort(np.concatenate([ends, cuts]))
    return new_starts, new_ends


def _rehash_odd(
    joined: str,
    points: npt.NDArray[np.uint32],
    starts: I64,
    ends: I64,
    hashes: U64,
    odd: I64,
    single: I64,
) -> None:
    """Hashes of the tokens ``byte_run_hashes`` got wrong: words holding non-ASCII letters, single letters."""
    if len(single):
        at = np.searchsorted(starts, single)
        letters, inverse = np.unique(points[single], return_inverse=True)
        values = np.fromiter((_letter_hash(c) for c in letters.tolist()), dtype=np.uint64, count=len(letters))
        hashes[at] = values[inverse]
    if len(odd):
        words = np.searchsorted(starts, odd, side="right") - 1  # sorted: np.unique's work is not needed
        words = words[np.append(True, words[1:] != words[:-1])]
        spans = zip(starts[words].tolist(), ends[words].tolist(), strict=True)
        hashes[words] = np.fromiter(
            (_word_hash(joined[a:b]) for a, b in spans), dtype=np.uint64, count=len(words)
        )


@functools.lru_cache(maxsize=1 << 16)
def _letter_hash(point: int) -> int:
    return token_hash(normalize_word(chr(point)))


@functools.lru_cache(maxsize=1 << 18)
def _word_hash(word: str) -> int:
    return token_hash(normalize_word(word))


def _in_single_ranges(point: int) -> bool:
    return any(a <= point <= b for a, b in CHARACTER_TOKEN_RANGES)


def _class_of(point: int) -> int:
    """1 for a word character, plus ``_SINGLE_CHAR`` for one that is a token of its own; 0 otherwise."""
    if not chr(point).isalnum():
        return 0
    return 1 | _SINGLE_CHAR if _in_single_ranges(point) else 1


def _byte_of(point: int) -> int:
    if not chr(point).isalnum():
        return 0
    return ord(chr(point).lower()) if point < 128 else _ODD


_ODD = 0x80  # not an ASCII byte: marks a non-ASCII word character
_ASTRAL = 0x81  # a character beyond the BMP, before it is looked at
_CLASS = np.array([_class_of(c) for c in range(0x10000)], dtype=np.uint8)
_BYTES = np.array([*(_byte_of(c) for c in range(0x10000)), _ASTRAL], dtype=np.uint8)


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
        text=text,
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
