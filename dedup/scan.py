"""Orchestration only: the pipeline from documents to a ScanResult, stage by stage.

read -> tokenize (offsets kept) -> shingle -> MinHash -> LSH candidates -> verify/align
-> cluster -> result. Documents are processed in id order, so the result does not
depend on the order they were given in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import cast

import numpy as np
import numpy.typing as npt

from dedup import boilerplate, cluster
from dedup.align import Alignment, align
from dedup.corpus import Corpus
from dedup.errors import DuplicateIdError
from dedup.hashing import U64
from dedup.lsh import SpilledBands, band_keys, candidate_pairs
from dedup.minhash import estimate_jaccard
from dedup.model import (
    Document,
    DocumentInfo,
    DuplicatePair,
    Match,
    PassageCluster,
    ScanResult,
    ScanStats,
    Span,
)
from dedup.normalize import Tokens, widen
from dedup.options import ScanOptions
from dedup.parallel import ordered_map, resolve_jobs
from dedup.prepare import TokenStore, document_bands, passage_bands, prepare_chunk
from dedup.shingle import jaccard, shingle_set
from dedup.windows import (
    I64,
    Region,
    WindowPairs,
    cap_partners,
    grow,
    matching_positions,
    merge_region_lists,
    on_diagonal,
    shares_shingles,
)

_CHUNK_DOCUMENTS = 256  # documents per unit of per-document work (one worker task)
_PARALLEL_FROM = 2 * _CHUNK_DOCUMENTS  # documents from which jobs=None uses every core
_CHARS_PER_WORD = 6  # about, in English news with its spaces: to guess a scan's window count from its text
_CHUNK_GROUPS = 512  # document pairs per unit of alignment work

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while a stage runs."""


def scan(
    documents: Iterable[Document], *, options: ScanOptions | None = None, progress: Progress | None = None
) -> ScanResult:
    """Find near-duplicate documents, reused passages and syndication clusters.

    ``documents`` may be any iterable, such as a reader's stream: it is read once, and
    past ``options.memory_bytes`` the texts wait in a temporary file (see ``Corpus``).

    >>> wire = "Monday's meeting, called for by the USA, came on the eve of a high-stakes summit."
    >>> a = Document("a", "Pompeo spoke. " + wire)
    >>> b = Document("b", wire + " Haley said more.")
    >>> m = scan([a, b]).matches[0]
    >>> a.text[m.a.start:m.a.end] == b.text[m.b.start:m.b.end] == wire
    True
    """
    if isinstance(documents, str | Document):
        raise TypeError("scan() takes an iterable of documents; wrap a single one in a list: scan([doc])")
    opts = options or ScanOptions()
    report = progress or _no_progress
    if isinstance(documents, Corpus):
        return _scan_corpus(documents, opts, report)
    with Corpus.collect(documents, memory_chars=opts.memory_bytes) as corpus:
        return _scan_corpus(corpus, opts, report)


def _scan_corpus(docs: Corpus, opts: ScanOptions, report: Progress) -> ScanResult:
    _check_unique_ids(docs)
    # Forking workers costs more than a small scan (compare() of two texts: 6x slower).
    jobs = resolve_jobs(opts.jobs) if opts.jobs is not None or len(docs) >= _PARALLEL_FROM else 1
    with (
        TokenStore(len(docs), memory_bytes=opts.memory_bytes) as store,
        SpilledBands(passage_bands(opts)[0], memory_bytes=opts.memory_bytes) as spill,
    ):
        signatures, shingles, windows = _prepare(docs, opts, jobs, store, spill, report)
        store.finish()
        near = _near_duplicates(docs, store, signatures, shingles, opts)
        del signatures
        found = _passages(docs, store, windows, spill, opts, jobs, report) if opts.passages else _NO_PASSAGES
        return _assemble(docs, store, near, found, opts)


def compare(a: Document | str, b: Document | str, *, options: ScanOptions | None = None) -> list[Match]:
    """The passages two texts share, as matches sorted by their span in ``a``.

    Strings are wrapped as documents with ids "a" and "b". Boilerplate detection
    needs many documents of one source, so it does not apply here.

    >>> quote = "This council should stay united and push for lasting peace in northeast Asia, Ma said."
    >>> [round(m.similarity, 2) for m in compare("Intro. " + quote, quote + " Outro.")]
    [1.0]
    """
    doc_a = a if isinstance(a, Document) else Document("a", a)
    doc_b = b if isinstance(b, Document) else Document("b", b)
    opts = replace(options or ScanOptions(), keep_boilerplate=True)
    result = scan([doc_a, doc_b], options=opts)
    return sorted(result.matches, key=lambda m: (m.a.doc_id != doc_a.id, m.a.start))


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def _check_unique_ids(docs: Corpus) -> None:
    for i in range(1, len(docs)):
        if docs.id(i - 1) == docs.id(i):
            raise DuplicateIdError(f"two documents have the id {docs.id(i)!r}; ids must be unique")


def _prepare(
    docs: Corpus,
    opts: ScanOptions,
    jobs: int,
    store: TokenStore,
    spill: SpilledBands,
    report: Progress,
) -> tuple[npt.NDArray[np.uint32], I64, _Windows]:
    """Tokenise, sign and window every document (in chunks, on ``jobs`` processes).

    Token arrays go to ``store`` and window band keys to ``spill``; the document
    signatures, shingle counts and window ranges are returned.
    """
    spans = [(i, min(i + _CHUNK_DOCUMENTS, len(docs))) for i in range(0, len(docs), _CHUNK_DOCUMENTS)]
    signatures = np.empty((len(docs), opts.num_perm), dtype=np.uint32)
    shingles = np.zeros(len(docs), dtype=np.int64)
    owners, starts, stops = [], [], []
    report("tokenize", 0, len(docs))
    jobs = jobs if len(spans) > 1 else 1
    # Workers write their window keys to disk themselves when the keys will not be held anyway.
    expected_key_bytes = int(docs.chars.sum()) / (_CHARS_PER_WORD * opts.step) * 8 * spill.bands
    writes_keys = jobs > 1 and opts.passages and expected_key_bytes > opts.memory_bytes
    key_directory = spill.block_directory() if writes_keys else None
    for chunk in ordered_map(prepare_chunk, (docs, opts, key_directory), spans, jobs=jobs):
        n = len(chunk.shingles)
        signatures[chunk.first : chunk.first + n] = chunk.signatures
        shingles[chunk.first : chunk.first + n] = chunk.shingles
        if chunk.keys_file is not None:
            spill.append_block(chunk.keys_file, len(chunk.owner))
        else:
            spill.append(chunk.window_keys)
        owners.append(_narrow(chunk.owner))
        starts.append(_narrow(chunk.window_start))
        stops.append(_narrow(chunk.window_stop))
        store.add(chunk)
        report("tokenize", chunk.first + n, len(docs))
    return signatures, shingles, _Windows(_join(owners), _join(starts), _join(stops))


I32 = npt.NDArray[np.int32]


@dataclass(frozen=True, slots=True)
class _Windows:
    """Every kept passage window: its document, and its token range ``[start, stop)`` there.

    int32: 12 bytes a window instead of 24 (13 million windows at 100k articles).
    """

    owner: I32
    start: I32
    stop: I32


def _narrow(values: I64) -> I32:
    if len(values) and int(values.max()) >= 2**31:
        raise OverflowError("a window position does not fit in 32 bits")
    return values.astype(np.int32)


def _join(arrays: list[I32]) -> I32:
    return np.concatenate(arrays) if arrays else np.empty(0, dtype=np.int32)


@dataclass(frozen=True, slots=True)
class _NearDuplicates:
    pairs: list[DuplicatePair]
    candidates: int
    shingles: int
    capped: int


def _near_duplicates(
    docs: Corpus,
    store: TokenStore,
    signatures: npt.NDArray[np.uint32],
    shingles: npt.NDArray[np.int64],
    opts: ScanOptions,
) -> _NearDuplicates:
    """Document level: MinHash + LSH candidates, verified by the exact Jaccard of the shingle sets."""
    bands, rows = document_bands(opts)
    found = candidate_pairs(
        band_keys(signatures, bands, rows), max_bucket_size=opts.max_bucket_size, active=shingles > 0
    )
    sets: dict[int, U64] = {}

    def shingle_set_of(i: int) -> U64:
        if i not in sets:
            sets[i] = shingle_set(store.tokens(i), opts.shingle_size)
        return sets[i]

    pairs = []
    for i, j in found.pairs.tolist():
        similarity = jaccard(shingle_set_of(i), shingle_set_of(j))
        if similarity >= opts.threshold:
            estimate = estimate_jaccard(signatures[i], signatures[j])
            pairs.append(DuplicatePair(docs.id(i), docs.id(j), similarity, estimate))
    return _NearDuplicates(sorted(pairs), len(found.pairs), int(shingles.sum()), found.capped_buckets)


@dataclass(frozen=True, slots=True)
class _PassageWork:
    matches: list[Match]
    window_candidates: int
    regions: int
    capped: int
    capped_documents: int


_NO_PASSAGES = _PassageWork([], 0, 0, 0, 0)


def _passages(
    docs: Corpus,
    store: TokenStore,
    windows: _Windows,
    spill: SpilledBands,
    opts: ScanOptions,
    jobs: int,
    report: Progress,
) -> _PassageWork:
    """Passage level: window band keys -> LSH candidates -> regions -> aligned matches."""
    if spill.rows == 0:
        return _NO_PASSAGES
    report("lsh", 0, spill.bands)
    owner = windows.owner
    # Pairs across documents only; windows are in document order, so owner[left] < owner[right].
    # As codes, then int32 window numbers: at 1 GiB of news there are tens of millions.
    codes, capped_buckets = spill.candidate_codes(
        max_bucket_size=opts.max_bucket_size, jobs=jobs, groups=owner
    )
    report("lsh", spill.bands, spill.bands)
    left, right = _narrow(codes // spill.rows), _narrow(codes % spill.rows)
    del codes
    window_candidates = len(left)
    if window_candidates == 0:
        return _PassageWork([], 0, 0, capped_buckets, 0)
    doc_pair = owner[left].astype(np.int64)
    doc_pair *= len(docs)
    doc_pair += owner[right]
    # By document pair, then by window start in a: the pairs come sorted by (left, right) and
    # a document's windows in start order, so a stable sort by document pair is enough
    # (lexsort by both: 5x slower on 8.5 million pairs).
    order = np.argsort(doc_pair, kind="stable")
    left, right, doc_pair = left[order], right[order], doc_pair[order]
    del order
    bounds = np.concatenate(([0], np.flatnonzero(doc_pair[1:] != doc_pair[:-1]) + 1, [len(left)]))
    pair_codes, weights = doc_pair[bounds[:-1]], np.diff(bounds)
    del doc_pair
    keep, capped_documents = cap_partners(
        pair_codes // len(docs), pair_codes % len(docs), weights, len(docs), opts.max_document_pairs
    )
    del pair_codes, weights
    # Kept document pairs as arrays of window-pair ranges (Python tuples: ~100 bytes a pair).
    group_first, group_last = bounds[:-1][keep], bounds[1:][keep]
    del bounds, keep
    groups = len(group_first)
    pieces = [(g, min(g + _CHUNK_GROUPS, groups)) for g in range(0, groups, _CHUNK_GROUPS)]
    matches: list[Match] = []
    regions_aligned = 0
    report("align", 0, groups)
    work = _AlignWork(docs, store, windows, left, right, group_first, group_last, opts)
    for (_, last), (piece_matches, piece_regions) in zip(
        pieces, ordered_map(_align_groups, work, pieces, jobs=jobs), strict=True
    ):
        matches.extend(piece_matches)
        regions_aligned += piece_regions
        report("align", last, groups)
    return _PassageWork(sorted(matches), window_candidates, regions_aligned, capped_buckets, capped_documents)


@dataclass(frozen=True, slots=True)
class _AlignWork:
    """What alignment workers read: candidate window pairs sorted by document pair, and the tokens."""

    docs: Corpus
    store: TokenStore
    windows: _Windows
    left: I32
    right: I32
    group_first: I64
    group_last: I64
    opts: ScanOptions


def _align_groups(work: _AlignWork, piece: tuple[int, int]) -> tuple[list[Match], int]:
    """Matches and regions of document pairs ``piece[0]`` .. ``piece[1] - 1``.

    Document pair g is window pairs ``group_first[g]:group_last[g]`` of ``work.left``/``right``.
    """
    opts = work.opts
    g0, g1 = piece
    groups = list(zip(work.group_first[g0:g1].tolist(), work.group_last[g0:g1].tolist(), strict=True))
    first_row, last_row = groups[0][0], groups[-1][1]
    left, right = work.left[first_row:last_row], work.right[first_row:last_row]
    # Python lists once per piece: per document pair, numpy calls on a few values cost more.
    a_starts, a_stops = work.windows.start[left].tolist(), work.windows.stop[left].tolist()
    b_starts, b_stops = work.windows.start[right].tolist(), work.windows.stop[right].tolist()
    a_docs, b_docs = work.windows.owner[left].tolist(), work.windows.owner[right].tolist()
    firsts = [first - first_row for first, _ in groups]
    # The tag check reads no document; the few pairs that pass it are read whole, checked
    # exactly and aligned.
    checked = _may_share_shingles_many(work, left, right, firsts, [last - first for first, last in groups])
    matches: list[Match] = []
    regions_aligned = 0
    for (first, last), passed in zip(groups, checked, strict=True):
        if not passed:
            continue
        lo, hi = first - first_row, last - first_row
        i, j = a_docs[lo], b_docs[lo]
        windows = (a_starts[lo:hi], a_stops[lo:hi], b_starts[lo:hi], b_stops[lo:hi])
        pair_matches, regions = align_pair(
            work.docs[i], work.store.tokens(i), work.docs[j], work.store.tokens(j), windows, opts
        )
        matches.extend(pair_matches)
        regions_aligned += regions
    return matches, regions_aligned


_FIRST_CHECKED = 8  # window pairs of each document pair checked first; the rest only if those fail


def _may_share_shingles_many(
    work: _AlignWork, left: I32, right: I32, firsts: list[int], sizes: list[int]
) -> list[bool]:
    """Document pairs of a piece that may pass ``windows.shares_shingles``, decided on token tags.

    Document pair g holds window pairs ``firsts[g] : firsts[g] + sizes[g]`` of ``left`` and
    ``right``. Most pairs are chance collisions; telling them apart on the checked windows'
    tags (``TokenStore.window_tags``, in memory) reads no document. A pair ruled out here
    would fail the exact check too; the pairs kept are checked exactly by ``align_pair``.
    A copied passage shows in its first window pairs, so only their first few are checked
    at first.
    """
    opts = work.opts
    if opts.min_shared_shingles <= 0:
        return [True] * len(firsts)
    k = opts.passage_shingle_size
    owner, start, stop = work.windows.owner, work.windows.start, work.windows.stop
    first, size = np.array(firsts, dtype=np.int64), np.array(sizes, dtype=np.int64)
    passed = np.zeros(len(firsts), dtype=bool)
    for lo, hi in ((0, _FIRST_CHECKED), (_FIRST_CHECKED, int(size.max()))):
        todo = np.flatnonzero(~passed & (size > lo))
        if len(todo) == 0:
            break
        counts = np.minimum(size[todo], hi) - lo
        ends = np.cumsum(counts)
        rows = np.repeat(first[todo] + lo - (ends - counts), counts) + np.arange(int(ends[-1]))
        a, b = left[rows], right[rows]
        a_len, b_len = (stop[a] - start[a]).astype(np.int64), (stop[b] - start[b]).astype(np.int64)
        width = int(max(a_len.max(), b_len.max()))
        a_tags = work.store.window_tags(owner[a].astype(np.int64), start[a].astype(np.int64), width)
        b_tags = work.store.window_tags(owner[b].astype(np.int64), start[b].astype(np.int64), width)
        shared = matching_positions(a_tags, a_len, b_tags, b_len, k=k)
        passed[np.repeat(todo, counts)[shared >= opts.min_shared_shingles]] = True
    return cast(list[bool], passed.tolist())


def align_pair(
    a: Document,
    ta: Tokens,
    b: Document,
    tb: Tokens,
    windows: WindowPairs,
    opts: ScanOptions,
) -> tuple[list[Match], int]:
    """(matches, regions aligned) of one document pair from its candidate window pairs.

    ``windows`` are the pairs' token ranges: a's starts and stops, then b's. A pair none
    of whose window pairs shares ``min_shared_shingles`` shingles is a chance collision
    and is not aligned (0 regions). The Spark engine calls this too, so both engines
    align a pair the same way (the local engine checks a piece of pairs at once first).
    """
    k, least = opts.passage_shingle_size, opts.min_shared_shingles
    if not shares_shingles(ta.hashes, tb.hashes, windows, k=k, least=least):
        return [], 0
    return _align_windows(a, ta, b, tb, windows, opts)


def _align_windows(
    a: Document, ta: Tokens, b: Document, tb: Tokens, windows: WindowPairs, opts: ScanOptions
) -> tuple[list[Match], int]:
    """``align_pair`` once the window pairs passed the shingle check."""
    cores = merge_region_lists(
        *windows,
        gap=opts.max_gap,
        a_len=len(ta),
        b_len=len(tb),
        margin=0,
        diagonal_gap=opts.step,  # the windows of one passage: diagonals a step apart
    )
    alignments = [found_passage for core in cores for found_passage in _align_region(core, ta, tb, opts)]
    if not alignments:
        return [], len(cores)
    return _to_matches(_distinct(alignments), a, ta, b, tb), len(cores)


def _align_region(core: Region, ta: Tokens, tb: Tokens, opts: ScanOptions) -> list[Alignment]:
    """Align the windows' region grown by one window, or the windows' region alone if needed.

    The region is grown because windows straddling a passage's edges often do not collide.
    If what is found in the grown region along the windows' diagonal covers less than half
    of the windows' region, the windows' region alone is aligned too.

    The aligner follows one in-order chain of equal words: when the widened region takes in
    a second passage that the other text prints in the opposite order, the chain may follow
    that one and lose the passage the windows found.
    """
    found = align(
        grow(core, opts.window, a_len=len(ta), b_len=len(tb)),
        ta,
        tb,
        min_words=opts.min_passage_words,
        min_similarity=opts.min_similarity,
        max_gap=opts.max_gap,
    )
    along = [al for al in found if on_diagonal(core, al.a_start, al.b_start, tolerance=opts.window)]
    covered = sum(max(0, min(al.a_stop, core.a_stop) - max(al.a_start, core.a_start)) for al in along)
    if 2 * covered >= core.a_stop - core.a_start:
        return found
    return found + align(
        core,
        ta,
        tb,
        min_words=opts.min_passage_words,
        min_similarity=opts.min_similarity,
        max_gap=opts.max_gap,
    )


def _distinct(alignments: list[Alignment]) -> list[Alignment]:
    """Drop alignments overlapping a longer one in both documents (found again from a neighbouring region)."""
    kept: list[Alignment] = []
    for al in sorted(alignments, key=lambda x: (-x.matched_words, x.a_start, x.b_start)):
        if not any(
            al.a_start < k.a_stop
            and k.a_start < al.a_stop
            and al.b_start < k.b_stop
            and k.b_start < al.b_stop
            for k in kept
        ):
            kept.append(al)
    return kept


def _to_matches(alignments: list[Alignment], a: Document, ta: Tokens, b: Document, tb: Tokens) -> list[Match]:
    """Token ranges -> character spans of the original texts, widened over touching punctuation."""
    matches = []
    for al in alignments:
        a_start, a_end = widen(a.text, *ta.char_span(al.a_start, al.a_stop))
        b_start, b_end = widen(b.text, *tb.char_span(al.b_start, al.b_stop))
        matches.append(Match(Span(a.id, a_start, a_end), Span(b.id, b_start, b_end), al.similarity))
    return matches


def _same_source(match: Match, sources: Mapping[str, str | None]) -> bool:
    source = sources[match.a.doc_id]
    return source is not None and source == sources[match.b.doc_id]


def _assemble(
    docs: Sequence[Document],
    store: TokenStore,
    near: _NearDuplicates,
    found: _PassageWork,
    opts: ScanOptions,
) -> ScanResult:
    """Clusters, boilerplate, coverage and stats around the verified pairs and matches.

    ``docs`` are in id order; the Spark engine passes lists of a few documents.
    """
    corpus = docs if isinstance(docs, Corpus) else Corpus.in_memory(docs)
    metas = [corpus.meta(i) for i in range(len(corpus))]
    texts = corpus.texts
    published = {d.id: d.published for d in metas}
    sources = {d.id: d.source for d in metas}
    every_passage = cluster.passage_clusters(found.matches, texts, published, sources)
    boiler: list[PassageCluster] = []
    if opts.keep_boilerplate:
        passages = every_passage
    else:
        passages, boiler = boilerplate.split(every_passage, sources, opts.boilerplate_min_docs)
    boiler_spans: dict[str, list[Span]] = defaultdict(list)
    for p in boiler:
        for s in p.spans:
            boiler_spans[s.doc_id].append(s)

    def in_boilerplate(span: Span) -> bool:
        return any(b.start <= span.start and span.end <= b.end for b in boiler_spans.get(span.doc_id, ()))

    matches = [m for m in found.matches if not in_boilerplate(m.a)]
    if opts.skip_same_source:
        matches = [m for m in matches if not _same_source(m, sources)]
        passages = cluster.passage_clusters(matches, texts, published, sources)
    doc_coverage = cluster.coverage(
        (s for m in matches for s in (m.a, m.b)),
        (s for spans in boiler_spans.values() for s in spans),
        {d.id: chars for d, chars in zip(metas, corpus.chars.tolist(), strict=True)},
    )
    links = [(m.a.doc_id, m.b.doc_id) for m in matches] + [(p.a, p.b) for p in near.pairs]
    clusters = cluster.document_clusters(links, passages, doc_coverage, published, sources)
    infos = tuple(
        DocumentInfo(
            id=d.id,
            chars=chars,
            words=words,
            source=d.source,
            published=d.published,
            title=d.title,
            url=d.url,
        )
        for d, chars, words in zip(metas, corpus.chars.tolist(), store.words.tolist(), strict=True)
    )
    stats = ScanStats(
        documents=len(corpus),
        empty_documents=int((store.words == 0).sum()),
        shingles=near.shingles,
        duplicate_candidates=near.candidates,
        window_candidates=found.window_candidates,
        regions_aligned=found.regions,
        capped_buckets=near.capped + found.capped,
        capped_documents=found.capped_documents,
    )
    return ScanResult(
        documents=infos,
        duplicates=tuple(near.pairs),
        matches=tuple(matches),
        passages=tuple(passages),
        clusters=tuple(clusters),
        boilerplate=tuple(boiler),
        stats=stats,
    )
