"""What the index keeps of each document to find it again: LSH band keys and passage fingerprints.

Band keys are exactly the ones ``dedup.scan`` buckets documents by, so a draft meets
every stored document that scan would have made a near-duplicate candidate.

Passages use winnowing (Schleimer, Wilkerson and Aiken, 2003) instead of window
band keys: of every ``window`` consecutive passage shingles the smallest hash is kept.
Any run of ``window + shingle_size - 1`` words that two texts share exactly holds one
whole window of shingles in both, so both keep that window's minimum: the two texts
share a fingerprint, whatever surrounds the run. About ``2 / (window + 1)`` of the
shingles are kept, a few hundred rows per article instead of thousands of window keys.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from dedup.hashing import U64, combine_runs
from dedup.lsh import RECALL_WEIGHTS, band_keys, choose_bands
from dedup.minhash import Signer
from dedup.normalize import Tokens
from dedup.options import ScanOptions
from dedup.shingle import distinct, shingles_many
from dedup.windows import cut

FINGERPRINT_SHINGLE = 5
"""Words per fingerprinted shingle (capped at ``min_passage_words``).

Measured on generated news (docs/index-and-check.md): three-word shingles ("of the
city") are shared by thousands of unrelated articles, so nearly every stored article
became a candidate of every draft; five-word shingles are specific enough that the
candidates of a draft are mostly the articles it really borrowed from.
"""


def winnow(hashes: U64, window: int) -> U64:
    """The distinct minima of every run of ``window`` consecutive hashes, sorted.

    Of equal minima in one window the rightmost is taken, so a run of equal values
    yields one pick. Fewer hashes than one window give none: such a text is shorter
    than the passages the fingerprints guarantee to find.

    >>> h = np.array([9, 3, 7, 8, 1, 5, 6], dtype=np.uint64)
    >>> winnow(h, 3).tolist()
    [1, 3]
    >>> winnow(h[:2], 3).tolist()
    []
    """
    n = len(hashes) - window + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    if window == 1:
        return np.unique(hashes)
    view = np.lib.stride_tricks.sliding_window_view(hashes, window)
    rightmost = window - 1 - np.argmin(view[:, ::-1], axis=1)
    positions = np.arange(n) + rightmost
    return np.unique(hashes[positions])


def winnow_many(runs: Sequence[U64], window: int) -> list[U64]:
    """``[winnow(r, window) for r in runs]`` in a few array passes over all runs at once.

    Per document, winnowing is a handful of numpy calls on a few hundred hashes, so
    their fixed costs were a fifth of ``index add``; here the windows of every run are
    taken from one concatenation, those straddling two runs are dropped, and the
    (run, hash) picks are made distinct by one sort.
    """
    lengths = np.fromiter((len(r) for r in runs), dtype=np.int64, count=len(runs))
    if window == 1 or not runs or int(lengths.max()) < window:
        return [winnow(r, window) for r in runs]
    hashes = np.concatenate(runs)
    first = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    view = np.lib.stride_tricks.sliding_window_view(hashes, window)
    positions = np.arange(len(view)) + (window - 1 - np.argmin(view[:, ::-1], axis=1))
    owner = np.repeat(np.arange(len(runs)), lengths)[: len(view)]
    inside = np.arange(len(view)) + window <= (first + lengths)[owner]  # the window ends in its own run
    positions, owner = positions[inside], owner[inside]
    fresh = np.ones(len(positions), dtype=bool)  # a minimum stays the pick of many windows in a row
    fresh[1:] = positions[1:] != positions[:-1]
    picks, owner = hashes[positions[fresh]], owner[fresh]
    order = np.lexsort((picks, owner))
    picks, owner = picks[order], owner[order]
    keep = np.ones(len(picks), dtype=bool)
    keep[1:] = (picks[1:] != picks[:-1]) | (owner[1:] != owner[:-1])
    picks, owner = picks[keep], owner[keep]
    bounds = np.searchsorted(owner, np.arange(len(runs) + 1))
    return [picks[bounds[i] : bounds[i + 1]] for i in range(len(runs))]


@dataclass(frozen=True, slots=True)
class Keys:
    """One document's lookup keys and shingle set.

    ``band_keys[b]`` is its key in band b (empty when it has no shingles);
    ``fingerprints`` its winnowed passage fingerprints; ``shingles`` the distinct
    document-level shingles scan verifies near-duplicates with.
    """

    band_keys: U64
    fingerprints: U64
    shingles: U64


@dataclass(frozen=True, slots=True)
class KeyScheme:
    """How keys are made from options: the bands of scan's document LSH and the winnowing window.

    >>> from dedup.normalize import tokenize
    >>> scheme = KeyScheme.for_options(ScanOptions())
    >>> (scheme.bands, scheme.rows, scheme.shingle, scheme.window, scheme.passage_words)
    (20, 6, 5, 11, 15)
    >>> keys = scheme.keys([tokenize("word " * 3)])[0]
    >>> (len(keys.band_keys), len(keys.fingerprints))
    (20, 0)
    """

    options: ScanOptions
    bands: int
    rows: int
    shingle: int
    window: int
    _signer: Signer = field(init=False, repr=False, compare=False)
    _window_signer: Signer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_signer", Signer(self.options.num_perm, self.options.seed))
        object.__setattr__(self, "_window_signer", Signer(self.options.passage_num_perm, self.options.seed))

    @classmethod
    def for_options(cls, options: ScanOptions, *, shingle: int = FINGERPRINT_SHINGLE) -> KeyScheme:
        """The scheme scan's options imply: scan's band split; runs of ``min_passage_words`` guaranteed."""
        if options.bands is not None and options.rows is not None:
            bands, rows = options.bands, options.rows
        else:
            bands, rows = choose_bands(options.threshold, options.num_perm, **RECALL_WEIGHTS)
        k = min(shingle, options.min_passage_words)
        return cls(options, bands, rows, k, options.min_passage_words - k + 1)

    @property
    def passage_words(self) -> int:
        """Length of the shortest exact common run of words that always shares a fingerprint."""
        return self.window + self.shingle - 1

    def keys(self, tokens: Sequence[Tokens]) -> list[Keys]:
        """Keys of many documents at once (signatures are batched)."""
        k = self.options.shingle_size
        runs = shingles_many(tokens, k)
        sets = [distinct(r) for r in runs]
        all_keys = band_keys(self._signer.sign_many(sets), self.bands, self.rows)
        empty = np.empty(0, dtype=np.uint64)
        # With fingerprint shingles as long as document shingles, the runs are the same hashes.
        passages = [
            runs[i] if self.shingle == k <= len(t) else combine_runs(t.hashes, self.shingle)
            for i, t in enumerate(tokens)
        ]
        fingerprints = winnow_many(passages, self.window)
        return [
            Keys(
                band_keys=all_keys[i] if len(sets[i]) else empty,
                fingerprints=fingerprints[i],
                shingles=sets[i],
            )
            for i in range(len(tokens))
        ]

    def window_keys(self, texts: Sequence[Tokens]) -> list[U64]:
        """Every band key of every passage window of each text, as scan's passage LSH makes them, sorted.

        Scan aligns two documents only where some window of one shares a band key with
        a window of the other. So when two texts have no window key in common,
        ``dedup.compare`` finds no passage between them: a check skips the alignment.
        All windows are keyed (scan drops repetitive ones), so this errs towards
        comparing. Keys of different bands are seeded apart, so one flat array serves;
        repeats are kept, so counting a key counts the windows in its LSH bucket.
        Band keys of all texts are made in one call: its cost is mostly per band.
        """
        opts = self.options
        k = opts.passage_shingle_size
        signatures = []
        counts = []
        for tokens in texts:
            if len(tokens) < max(opts.min_passage_words, k):
                counts.append(0)  # scan looks for no passage in such a text
                continue
            starts, stops = cut(len(tokens), window=opts.window, step=opts.step)
            shingles = combine_runs(tokens.hashes, k)
            signatures.append(self._window_signer.sign_ranges(shingles, starts, stops - k + 1))
            counts.append(len(starts))
        if not signatures:
            return [np.empty(0, dtype=np.uint64) for _ in texts]
        bands, rows = choose_bands(opts.passage_threshold, opts.passage_num_perm)
        keys = band_keys(np.vstack(signatures), bands, rows)
        bounds = np.cumsum([0, *counts])
        return [np.sort(keys[a:b], axis=None) for a, b in itertools.pairwise(bounds.tolist())]
