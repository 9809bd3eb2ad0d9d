"""Orchestration only: the pipeline from documents to a ScanResult, stage by stage.

read -> tokenize (offsets kept) -> shingle -> MinHash -> LSH candidates -> verify/align
-> cluster -> result. Documents are processed in id order, so the result does not
depend on the order they were given in.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from dedup import boilerplate, cluster
from dedup.align import Alignment, align
from dedup.errors import DuplicateIdError
from dedup.hashing import U64, combine_runs
from dedup.lsh import RECALL_WEIGHTS, band_keys, candidate_pairs, choose_bands
from dedup.minhash import Signer, estimate_jaccard
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
from dedup.normalize import Tokens, tokenize_many, widen
from dedup.options import ScanOptions
from dedup.shingle import jaccard, shingle_sets_many
from dedup.windows import I64, Region, cut, grow, merge_regions, on_diagonal

_TOKENIZE_BATCH = 256  # documents tokenized at once between progress reports
_KEY_BATCH_ROWS = 1 << 16  # windows signed before their band keys are taken and signatures dropped

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while a stage runs."""


def scan(
    documents: Iterable[Document], *, options: ScanOptions | None = None, progress: Progress | None = None
) -> ScanResult:
    """Find near-duplicate documents, reused passages and syndication clusters.

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
    docs = sorted(documents, key=lambda d: d.id)
    _check_unique_ids(docs)
    tokens: list[Tokens] = []
    for first in range(0, len(docs), _TOKENIZE_BATCH):
        tokens.extend(tokenize_many([d.text for d in docs[first : first + _TOKENIZE_BATCH]]))
        report("tokenize", len(tokens), len(docs))

    near = _near_duplicates(docs, tokens, opts)
    found = _passages(docs, tokens, opts, report) if opts.passages else _PassageWork([], 0, 0, 0)
    return _assemble(docs, tokens, near, found, opts)


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


def _check_unique_ids(docs: Sequence[Document]) -> None:
    for first, second in itertools.pairwise(docs):
        if first.id == second.id:
            raise DuplicateIdError(f"two documents have the id {first.id!r}; ids must be unique")


@dataclass(frozen=True, slots=True)
class _NearDuplicates:
    pairs: list[DuplicatePair]
    candidates: int
    shingles: int
    capped: int


def _near_duplicates(
    docs: Sequence[Document], tokens: Sequence[Tokens], opts: ScanOptions
) -> _NearDuplicates:
    """Document level: MinHash + LSH candidates, verified by the exact Jaccard of the shingle sets."""
    sets = shingle_sets_many(tokens, opts.shingle_size)
    signer = Signer(opts.num_perm, opts.seed)
    signatures = signer.sign_many(sets)
    if opts.bands is not None and opts.rows is not None:
        bands, rows = opts.bands, opts.rows
    else:
        bands, rows = choose_bands(opts.threshold, opts.num_perm, **RECALL_WEIGHTS)
    nonempty = np.array([len(s) > 0 for s in sets], dtype=bool)
    found = candidate_pairs(
        band_keys(signatures, bands, rows), max_bucket_size=opts.max_bucket_size, active=nonempty
    )
    pairs = []
    for i, j in found.pairs.tolist():
        similarity = jaccard(sets[i], sets[j])
        if similarity >= opts.threshold:
            estimate = estimate_jaccard(signatures[i], signatures[j])
            pairs.append(DuplicatePair(docs[i].id, docs[j].id, similarity, estimate))
    return _NearDuplicates(sorted(pairs), len(found.pairs), sum(len(s) for s in sets), found.capped_buckets)


@dataclass(frozen=True, slots=True)
class _PassageWork:
    matches: list[Match]
    window_candidates: int
    regions: int
    capped: int


def _passages(
    docs: Sequence[Document], tokens: Sequence[Tokens], opts: ScanOptions, report: Progress
) -> _PassageWork:
    """Passage level: window signatures -> LSH candidates -> regions -> aligned matches."""
    signer = Signer(opts.passage_num_perm, opts.seed)
    bands, rows = choose_bands(opts.passage_threshold, opts.passage_num_perm)
    owners, starts, stops, keys = [], [], [], []
    pending: list[npt.NDArray[np.uint32]] = []
    pending_rows = 0
    smallest = max(opts.min_passage_words, opts.passage_shingle_size)
    for i, t in enumerate(tokens):
        if len(t) < smallest:
            continue
        shingles: U64 = combine_runs(t.hashes, opts.passage_shingle_size)
        w_starts, w_stops = cut(len(t), window=opts.window, step=opts.step)
        keep = _informative(shingles, w_starts, w_stops - opts.passage_shingle_size + 1)
        if not keep.any():
            continue
        w_starts, w_stops = w_starts[keep], w_stops[keep]
        pending.append(signer.sign_ranges(shingles, w_starts, w_stops - opts.passage_shingle_size + 1))
        pending_rows += len(w_starts)
        owners.append(np.full(len(w_starts), i, dtype=np.int64))
        starts.append(w_starts)
        stops.append(w_stops)
        if pending_rows >= _KEY_BATCH_ROWS:
            # Keep band keys, drop signatures: memory grows with bands, not permutations.
            keys.append(band_keys(np.vstack(pending), bands, rows))
            pending, pending_rows = [], 0
    if pending:
        keys.append(band_keys(np.vstack(pending), bands, rows))
    if not keys:
        return _PassageWork([], 0, 0, 0)
    owner, start, stop = np.concatenate(owners), np.concatenate(starts), np.concatenate(stops)
    found = candidate_pairs(np.vstack(keys), max_bucket_size=opts.max_bucket_size)
    left, right = found.pairs[:, 0], found.pairs[:, 1]
    across = owner[left] != owner[right]  # windows are in document order, so owner[left] < owner[right]
    left, right = left[across], right[across]
    order = np.lexsort((start[left], owner[right], owner[left]))
    left, right = left[order], right[order]
    doc_pair = owner[left] * len(docs) + owner[right]
    boundaries = np.flatnonzero(np.diff(doc_pair)) + 1
    groups = np.split(np.arange(len(left)), boundaries) if len(left) else []

    matches: list[Match] = []
    regions_aligned = 0
    for n, group in enumerate(groups):
        i, j = int(owner[left[group[0]]]), int(owner[right[group[0]]])
        cores = merge_regions(
            start[left[group]],
            stop[left[group]],
            start[right[group]],
            stop[right[group]],
            gap=opts.max_gap,
            a_len=len(tokens[i]),
            b_len=len(tokens[j]),
            margin=0,
            diagonal_gap=opts.step + opts.max_gap,  # neighbouring windows of one passage: a step apart
        )
        regions_aligned += len(cores)
        alignments = [
            found_passage
            for core in cores
            for found_passage in _align_region(core, tokens[i], tokens[j], opts)
        ]
        matches.extend(_to_matches(_distinct(alignments), docs[i], tokens[i], docs[j], tokens[j]))
        if n % 64 == 0 or n + 1 == len(groups):
            report("align", n + 1, len(groups))
    return _PassageWork(sorted(matches), int(across.sum()), regions_aligned, found.capped_buckets)


def _align_region(core: Region, ta: Tokens, tb: Tokens, opts: ScanOptions) -> list[Alignment]:
    """Align the windows' region grown by one window, or the windows' region alone if needed.

    The region is grown because windows straddling a passage's edges often do not collide.
    If nothing found in the grown region lies on the windows' diagonal, the windows'
    region alone is aligned too.

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
    if any(on_diagonal(core, al.a_start, al.b_start, tolerance=opts.window) for al in found):
        return found
    return found + align(
        core,
        ta,
        tb,
        min_words=opts.min_passage_words,
        min_similarity=opts.min_similarity,
        max_gap=opts.max_gap,
    )


def _informative(shingles: U64, starts: I64, stops: I64) -> npt.NDArray[np.bool_]:
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
    tokens: Sequence[Tokens],
    near: _NearDuplicates,
    found: _PassageWork,
    opts: ScanOptions,
) -> ScanResult:
    """Clusters, boilerplate, coverage and stats around the verified pairs and matches."""
    texts = {d.id: d.text for d in docs}
    published = {d.id: d.published for d in docs}
    sources = {d.id: d.source for d in docs}
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
        {d.id: len(d.text) for d in docs},
    )
    links = [(m.a.doc_id, m.b.doc_id) for m in matches] + [(p.a, p.b) for p in near.pairs]
    clusters = cluster.document_clusters(links, passages, doc_coverage, published, sources)
    infos = tuple(
        DocumentInfo(
            id=d.id,
            chars=len(d.text),
            words=len(t),
            source=d.source,
            published=d.published,
            title=d.title,
            url=d.url,
        )
        for d, t in zip(docs, tokens, strict=True)
    )
    stats = ScanStats(
        documents=len(docs),
        empty_documents=sum(1 for t in tokens if len(t) == 0),
        shingles=near.shingles,
        duplicate_candidates=near.candidates,
        window_candidates=found.window_candidates,
        regions_aligned=found.regions,
        capped_buckets=near.capped + found.capped,
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
