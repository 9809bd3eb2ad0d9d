"""A scan's per-document work: tokens, document signatures, passage windows and their band keys.

Each document is read once, in chunks of documents that can run in worker processes,
and only arrays come back: token hashes and offsets (not the token strings, which
take about four times the memory), one signature per document, and the windows'
band keys. The documents' shingle sets are not kept either: the few candidate pairs
rebuild theirs from the token hashes to verify them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from dedup.hashing import U32, U64, combine_runs
from dedup.lsh import RECALL_WEIGHTS, band_keys, choose_bands, write_block
from dedup.minhash import Signer
from dedup.model import Document
from dedup.normalize import Tokens, tokenize_many
from dedup.options import ScanOptions
from dedup.shingle import shingle_sets_many
from dedup.spill_file import RecentReads, SpillFile
from dedup.windows import I64, cut

Offsets = npt.NDArray[np.int32] | npt.NDArray[np.int64]


def document_bands(opts: ScanOptions) -> tuple[int, int]:
    """(bands, rows) of the document-level LSH: the options' own, or chosen for the threshold."""
    if opts.bands is not None and opts.rows is not None:
        return opts.bands, opts.rows
    return choose_bands(opts.threshold, opts.num_perm, **RECALL_WEIGHTS)


def passage_bands(opts: ScanOptions) -> tuple[int, int]:
    """(bands, rows) of the passage-window LSH."""
    return choose_bands(opts.passage_threshold, opts.passage_num_perm)


@dataclass(frozen=True, slots=True)
class Chunk:
    """What a run of consecutive documents leaves behind; token arrays are concatenated.

    ``bounds[i]:bounds[i + 1]`` are document i's tokens in ``hashes``, ``starts`` and
    ``ends``; window arrays hold every kept window of every document, in document order,
    with ``owner`` the document's index in the whole scan.
    """

    first: int
    bounds: I64
    hashes: U64
    starts: Offsets
    ends: Offsets
    shingles: I64
    signatures: U32
    owner: I64
    window_start: I64
    window_stop: I64
    window_keys: U64
    keys_file: str | None = None


ChunkWork = tuple[Sequence[Document], ScanOptions, str | None]
"""What ``prepare_chunk`` reads: the documents, the options, and a directory for window key blocks."""


def prepare_chunk(work: ChunkWork, span: tuple[int, int]) -> Chunk:
    """Tokenise, sign and window documents ``span[0]`` .. ``span[1] - 1`` of ``work``'s documents.

    With a key directory, the windows' band keys are written there as a ``SpilledBands``
    block (``keys_file``) instead of coming back in ``window_keys`` (then empty).
    """
    docs, opts, key_directory = work
    first, stop = span
    tokens = tokenize_many([docs[i].text for i in range(first, stop)])
    sets = shingle_sets_many(tokens, opts.shingle_size)
    signatures = Signer(opts.num_perm, opts.seed).sign_many(sets)
    owner, w_start, w_stop, keys = (
        passage_windows(tokens, first, opts) if opts.passages else _no_windows(opts)
    )
    lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
    bounds = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    starts: Offsets = _concat([t.starts for t in tokens])
    ends: Offsets = _concat([t.ends for t in tokens])
    if len(ends) == 0 or int(ends.max()) < 2**31:
        starts, ends = starts.astype(np.int32), ends.astype(np.int32)
    keys_file = None
    if key_directory is not None:
        keys_file = str(Path(key_directory) / f"chunk-{first}.u64")
        write_block(keys_file, keys)
        keys = keys[:0]
    return Chunk(
        first=first,
        bounds=bounds,
        hashes=np.concatenate([t.hashes for t in tokens]) if tokens else np.empty(0, dtype=np.uint64),
        starts=starts,
        ends=ends,
        shingles=np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets)),
        signatures=signatures,
        owner=owner,
        window_start=w_start,
        window_stop=w_stop,
        window_keys=keys,
        keys_file=keys_file,
    )


def _concat(arrays: list[I64]) -> I64:
    return np.concatenate(arrays) if arrays else np.empty(0, dtype=np.int64)


def _no_windows(opts: ScanOptions) -> tuple[I64, I64, I64, U64]:
    empty = np.empty(0, dtype=np.int64)
    return empty, empty, empty, np.empty((0, passage_bands(opts)[0]), dtype=np.uint64)


def passage_windows(tokens: Sequence[Tokens], first: int, opts: ScanOptions) -> tuple[I64, I64, I64, U64]:
    """Owner, start, stop and band keys of every informative window of these documents.

    Owners count from ``first``. The Spark engine calls this per document too.
    """
    signer = Signer(opts.passage_num_perm, opts.seed)
    bands, rows = passage_bands(opts)
    k = opts.passage_shingle_size
    smallest = max(opts.min_passage_words, k)
    owners, starts, stops, signatures = [], [], [], []
    for offset, t in enumerate(tokens):
        if len(t) < smallest:
            continue
        shingles: U64 = combine_runs(t.hashes, k)
        w_starts, w_stops = cut(len(t), window=opts.window, step=opts.step)
        keep = informative(shingles, w_starts, w_stops - k + 1)
        if not keep.any():
            continue
        w_starts, w_stops = w_starts[keep], w_stops[keep]
        signatures.append(signer.sign_ranges(shingles, w_starts, w_stops - k + 1))
        owners.append(np.full(len(w_starts), first + offset, dtype=np.int64))
        starts.append(w_starts)
        stops.append(w_stops)
    if not signatures:
        return _no_windows(opts)
    keys = band_keys(np.vstack(signatures), bands, rows)
    return np.concatenate(owners), np.concatenate(starts), np.concatenate(stops), keys


def informative(shingles: U64, starts: I64, stops: I64) -> npt.NDArray[np.bool_]:
    """Windows that are not repetitive (see ``shingle.is_repetitive``), for all windows at once.

    A window's repeats are the shingles in it whose previous occurrence is also in it;
    the window is repetitive when repeats exceed half its shingles. Prose repeats few
    shingles, so the repeats are counted per window only over the few positions that
    repeat at all.
    """
    order = np.argsort(shingles, kind="stable")
    ordered = shingles[order]
    previous = np.full(len(shingles), -1, dtype=np.int64)
    same = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    previous[order[same]] = order[same - 1]
    repeated = np.flatnonzero(previous >= 0)
    if len(repeated) == 0:
        return np.ones(len(starts), dtype=bool)
    repeats = np.zeros(len(starts), dtype=np.int64)
    for block in range(0, len(repeated), 4096):  # bounds the window x position matrix
        at = repeated[block : block + 4096]
        inside = (at[None, :] >= starts[:, None]) & (at[None, :] < stops[:, None])
        repeats += (inside & (previous[at][None, :] >= starts[:, None])).sum(axis=1)
    distinct = (stops - starts) - repeats
    keep: npt.NDArray[np.bool_] = 2 * distinct >= stops - starts
    return keep


@dataclass(frozen=True, slots=True)
class _Kept:
    """One chunk's token arrays: in memory, or at byte offsets of the store's spill file."""

    first: int
    bounds: I64
    offsets: np.dtype[np.int32] | np.dtype[np.int64]
    hashes: U64 | None
    starts: Offsets | None
    ends: Offsets | None
    at: tuple[int, int, int]  # where hashes, starts and ends begin in the spill file


class TokenStore:
    """Every document's token hashes and offsets, kept as the chunks' arrays (never one big copy).

    Token arrays take about 16 bytes a word, more than the text. Past ``memory_bytes``
    in all they go to a spill file, from which ``tokens(i)`` reads one document's
    slices (forked workers too); the last documents read are cached, since alignment
    reads the pairs of one document in a row.
    """

    def __init__(
        self, n_documents: int, *, memory_bytes: int = 1 << 26, directory: str | None = None
    ) -> None:
        self._chunk_of = np.zeros(n_documents, dtype=np.int64)
        self._chunks: list[_Kept] = []
        # Every token's tag (the low 16 bits of its hash), always in memory: 2 bytes a word,
        # which let chance collisions be told apart without reading the tokens.
        self._tag_parts: list[npt.NDArray[np.uint16]] = []
        self._tags: npt.NDArray[np.uint16] | None = None
        self._first_tag = np.zeros(n_documents, dtype=np.int64)
        self._tag_count = 0
        self.words = np.zeros(n_documents, dtype=np.int64)
        self._memory_bytes = memory_bytes
        self._held = 0
        self._directory = directory
        self._spill: SpillFile | None = None
        self._recent: RecentReads[Tokens] = RecentReads()

    def __enter__(self) -> TokenStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the spill file, if there is one."""
        if self._spill is not None:
            self._spill.close()

    @property
    def spilled(self) -> bool:
        """True once token arrays went to disk."""
        return self._spill is not None

    def add(self, chunk: Chunk) -> None:
        """Keep a chunk's token arrays (its window keys are the caller's to keep or drop)."""
        n = len(chunk.bounds) - 1
        self._chunk_of[chunk.first : chunk.first + n] = len(self._chunks)
        self.words[chunk.first : chunk.first + n] = np.diff(chunk.bounds)
        size = chunk.hashes.nbytes + chunk.starts.nbytes + chunk.ends.nbytes
        if self._spill is None and self._held + size > self._memory_bytes:
            self._spill = SpillFile(self._directory)
        if self._spill is None:
            self._held += size
            kept = _Kept(
                chunk.first,
                chunk.bounds,
                chunk.starts.dtype,
                chunk.hashes,
                chunk.starts,
                chunk.ends,
                (0, 0, 0),
            )
        else:
            at = (
                self._spill.append(chunk.hashes.tobytes()),
                self._spill.append(chunk.starts.tobytes()),
                self._spill.append(chunk.ends.tobytes()),
            )
            kept = _Kept(chunk.first, chunk.bounds, chunk.starts.dtype, None, None, None, at)
        self._chunks.append(kept)
        self._tag_parts.append(chunk.hashes.astype(np.uint16))  # the cast keeps the low 16 bits
        self._first_tag[chunk.first : chunk.first + n] = self._tag_count + chunk.bounds[:-1]
        self._tag_count += len(chunk.hashes)
        self._tags = None

    def tokens(self, i: int) -> Tokens:
        """Document i's token offsets and hashes: what alignment and shingling read.

        The text is not kept here (the documents hold it), so ``forms`` of these tokens are
        empty strings; nothing in a scan reads them.
        """
        cached = self._recent.get(i)
        if cached is not None:
            return cached
        chunk, a, b = self._locate(i)
        if chunk.hashes is not None and chunk.starts is not None and chunk.ends is not None:
            hashes, starts, ends = chunk.hashes[a:b], chunk.starts[a:b], chunk.ends[a:b]
        else:
            hashes = self._read(chunk.at[0], a, b, np.dtype(np.uint64))
            starts = self._read(chunk.at[1], a, b, chunk.offsets)
            ends = self._read(chunk.at[2], a, b, chunk.offsets)
        # int32 offsets read alike
        found = Tokens(text="", starts=cast(I64, starts), ends=cast(I64, ends), hashes=hashes)
        return found if chunk.hashes is not None else self._recent.keep(i, found)

    def finish(self) -> None:
        """Join the tags of every chunk added (call before forking workers that read them)."""
        if self._tags is None:
            self._tags = np.concatenate(self._tag_parts) if self._tag_parts else np.empty(0, np.uint16)
            self._tag_parts = [self._tags]

    def window_tags(self, docs: I64, starts: I64, width: int) -> npt.NDArray[np.uint16]:
        """Token tags of many windows at once, one row each: shape ``(len(docs), width)``.

        Row p holds the tags of document ``docs[p]``'s tokens ``starts[p]`` on; columns
        past the document's last token repeat it (callers mask them). Equal tokens have
        equal tags, so a count of equal tag shingles never falls below the count of equal
        shingles: tags can rule a window pair out, never in.
        """
        self.finish()
        tags = cast(npt.NDArray[np.uint16], self._tags)
        last = np.maximum(self.words[docs], 1) - 1
        at = self._first_tag[docs][:, None] + np.minimum(starts[:, None] + np.arange(width), last[:, None])
        found: npt.NDArray[np.uint16] = tags[at]
        return found

    def _locate(self, i: int) -> tuple[_Kept, int, int]:
        """Document i's chunk and its token range there."""
        chunk = self._chunks[int(self._chunk_of[i])]
        local = i - chunk.first
        return chunk, int(chunk.bounds[local]), int(chunk.bounds[local + 1])

    def _read(self, at: int, a: int, b: int, dtype: np.dtype[Any]) -> npt.NDArray[Any]:
        if self._spill is None:
            raise RuntimeError("spilled tokens without a spill file")
        width = dtype.itemsize
        return np.frombuffer(self._spill.read(at + a * width, (b - a) * width), dtype=dtype)
