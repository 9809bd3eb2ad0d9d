"""The persistent index: keep an archive, ask what a new draft borrows from it.

``Index.add`` stores documents with two kinds of lookup keys (see
``dedup.index.fingerprints``): the LSH band keys scan uses for near-duplicate
candidates, and winnowed passage fingerprints. ``Index.check`` looks a draft's keys
up to find *candidate* documents only; what it reports comes from ``dedup.compare``
run on the draft and each candidate (scan's own pair-level pipeline; several
candidates share one scan where that provably changes nothing, see
``dedup.index.verify``) and from the exact Jaccard of shingle sets, so a check
reports what ``dedup.scan`` would report for the same draft and documents.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from dedup import cluster
from dedup.errors import DuplicateIdError, IndexMismatchError, OptionsError
from dedup.hashing import HASH_SCHEME
from dedup.index import verify
from dedup.index.check import BorrowedPassage, CheckResult, CheckStats, NearDuplicate
from dedup.index.fingerprints import Keys, KeyScheme
from dedup.index.memory import MemoryStore
from dedup.index.sqlite import SQLiteStore
from dedup.index.store import IndexMeta, Postings, Store, StoredDoc
from dedup.index.verify import Candidate
from dedup.model import Document, DocumentInfo, ScanResult
from dedup.normalize import tokenize, tokenize_many
from dedup.options import ScanOptions
from dedup.scan import scan as scan_documents
from dedup.shingle import jaccard, shingle_set

__all__ = [
    "BorrowedPassage",
    "CheckResult",
    "CheckStats",
    "Index",
    "IndexMeta",
    "IndexStats",
    "MemoryStore",
    "NearDuplicate",
    "SQLiteStore",
    "Store",
    "StoredDoc",
]

log = logging.getLogger(__name__)

MAX_CANDIDATES = 30
"""Documents examined per draft at most, those sharing the most keys first."""

MAX_POSTINGS = 10
"""Documents read per band key or fingerprint at most (the earliest added): a stock phrase
in 50,000 articles costs 10 rows and at most 10 alignments, not 50,000."""

_BATCH = 1000  # documents tokenised and signed together while adding
_NO_KEYS = np.empty(0, dtype=np.uint64)
DRAFT_ID = "draft"
"""The id a draft given as a string gets."""


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What an index holds and how it was built (``bytes``: file plus write-ahead log; 0 in memory)."""

    documents: int
    band_rows: int
    fingerprint_rows: int
    bytes: int
    options: ScanOptions
    passage_words: int


class Index:
    """A persistent archive to check drafts against.

    Open one with ``Index.open("archive.db")`` (SQLite), or wrap any ``Store``:
    ``Index(MemoryStore())``. ``options`` default to the ones the index was built
    with; options that change signatures must match them (``IndexMismatchError``).

    >>> wire = "The harbour council voted seven to two on Tuesday night to build a tidal barrier."
    >>> with Index(MemoryStore()) as index:
    ...     index.add([Document("wire-1", wire + " Work starts in May.")])
    ...     result = index.check("Big news. " + wire)
    1
    >>> [(p.document.doc_id, round(p.similarity, 2)) for p in result.passages]
    [('wire-1', 1.0)]
    >>> round(result.borrowed_share, 2)
    0.89
    """

    def __init__(self, store: Store, *, options: ScanOptions | None = None, name: str = "the index") -> None:
        self.store = store
        self.name = name
        meta = store.meta()
        if meta is None:
            self.options = options or ScanOptions()
            self._scheme = KeyScheme.for_options(self.options)
        else:
            self._use(meta, options)

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        options: ScanOptions | None = None,
        create: bool = True,
        timeout: float = 600.0,
    ) -> Index:
        """Open (or, with ``create``, make) the SQLite index at ``path``.

        ``timeout``: seconds a writer waits for another one to finish its batch.

        Raises:
            IndexFileError: the file is missing (``create=False``), not a dedup index,
                truncated or damaged, or of another schema version.
            IndexMismatchError: ``options`` differ from the index's in what changes signatures.
        """
        store = SQLiteStore(path, create=create, timeout=timeout)
        try:
            return cls(store, options=options, name=Path(path).name)
        except BaseException:
            store.close()
            raise

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def add(
        self, documents: Iterable[Document], *, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Add documents in one transaction (all or none); a stored id is replaced. Returns how many.

        Tokens, signatures and keys are computed before the write lock is taken, so
        other writers wait only for the rows to be written.
        """
        if isinstance(documents, str | Document):
            raise TypeError("add() takes an iterable of documents; wrap a single one in a list: add([doc])")
        docs = list(documents)
        seen: set[str] = set()
        for doc in docs:
            if doc.id in seen:
                raise DuplicateIdError(f"two documents have the id {doc.id!r}; ids must be unique in one add")
            seen.add(doc.id)
        if not docs:
            return 0
        if self.store.meta() is None:
            scheme = self._scheme
            recorded = self.store.create(IndexMeta(self.options, scheme.shingle, scheme.window))
            self._use(recorded, self.options)  # another writer may have recorded first
        rows: list[StoredDoc] = []
        for start in range(0, len(docs), _BATCH):
            part = docs[start : start + _BATCH]
            tokens = tokenize_many([d.text for d in part])
            keys = self._scheme.keys(tokens)
            rows.extend(
                StoredDoc(d, len(t), k.band_keys, k.fingerprints)
                for d, t, k in zip(part, tokens, keys, strict=True)
            )
            if progress is not None:
                progress(len(rows), len(docs))
        self.store.add(rows)
        log.info("added %d documents to %s", len(rows), self.name)
        return len(rows)

    def remove(self, doc_ids: Iterable[str]) -> int:
        """Remove documents by id in one transaction; returns how many were stored."""
        if isinstance(doc_ids, str):
            raise TypeError(
                "remove() takes an iterable of ids; wrap a single one in a list: remove([doc_id])"
            )
        return self.store.remove(set(doc_ids))

    def stats(self) -> IndexStats:
        """Counts, size and the options the index was built with."""
        counts = self.store.stats()
        return IndexStats(
            documents=counts.documents,
            band_rows=counts.band_rows,
            fingerprint_rows=counts.fingerprint_rows,
            bytes=counts.bytes,
            options=self.options,
            passage_words=self._scheme.passage_words,
        )

    def check(
        self,
        draft: str | Document,
        *,
        exclude_sources: Collection[str] = (),
        max_candidates: int = MAX_CANDIDATES,
        max_postings: int = MAX_POSTINGS,
    ) -> CheckResult:
        """The passages of ``draft`` found in the index, its borrowed share and its near-duplicates.

        A string is checked as a document with the id ``"draft"``. A stored document
        with the draft's own id is the draft itself and is skipped. Documents whose
        source is in ``exclude_sources`` (case-insensitive) are ignored: a paper's own
        earlier copy of a story is not borrowing.
        """
        if isinstance(draft, list | tuple):
            raise TypeError("check() takes one draft (a string or a Document); call it once per draft")
        if max_candidates < 1 or max_postings < 1:
            raise OptionsError("max_candidates and max_postings must be at least 1")
        doc = draft if isinstance(draft, Document) else Document(DRAFT_ID, draft)
        tokens = tokenize(doc.text)
        keys = self._scheme.keys([tokens])[0]
        ranked, postings = self._ranked(doc.id, keys, max_postings, exclude_sources)
        duplicates: list[NearDuplicate] = []
        infos: dict[str, DocumentInfo] = {}
        stored = self.store.get(ranked[:max_candidates])
        texts = tokenize_many([s.document.text for s in stored])
        windows = _NO_KEYS
        others = [_NO_KEYS] * len(stored)
        if self.options.passages:
            windows, *others = self._scheme.window_keys([tokens, *texts])
        draft_windows = set(windows.tolist())
        to_align: list[Candidate] = []
        words = {s.document.id: s.words for s in stored}
        for row, other_tokens, other_windows in zip(stored, texts, others, strict=True):
            other = row.document
            similarity = jaccard(keys.shingles, shingle_set(other_tokens, self.options.shingle_size))
            if similarity >= self.options.threshold:
                duplicates.append(NearDuplicate(other.id, similarity))
                infos[other.id] = _info(other, row.words)
            if not draft_windows.isdisjoint(other_windows.tolist()):  # else compare would find nothing
                to_align.append(Candidate(other, other_windows))
        passages = verify.passages(doc, windows, to_align, self.options)
        for candidate in to_align:
            if any(p.document.doc_id == candidate.document.id for p in passages):
                infos[candidate.document.id] = _info(candidate.document, words[candidate.document.id])
        borrowed = cluster.coverage((p.draft for p in passages), (), {doc.id: len(doc.text)})
        return CheckResult(
            draft=_info(doc, len(tokens)),
            borrowed_share=borrowed.get(doc.id, 0.0),
            passages=tuple(sorted(passages)),
            duplicates=tuple(sorted(duplicates, key=lambda d: (-d.jaccard, d.doc_id))),
            documents=tuple(infos[d] for d in sorted(infos)),
            stats=CheckStats(
                candidates=len(ranked),
                examined=min(len(ranked), max_candidates),
                aligned=len(to_align),
                common_fingerprints=postings.common,
            ),
        )

    def related(
        self,
        documents: Iterable[Document],
        *,
        exclude_sources: Collection[str] = (),
        max_candidates: int = MAX_CANDIDATES,
        max_postings: int = MAX_POSTINGS,
    ) -> list[Document]:
        """The stored documents that ``check`` would examine for any of ``documents``, in id order.

        Stored documents with the id of one of ``documents`` are left out: the given
        document is the newer copy of it.
        """
        if isinstance(documents, str | Document):
            raise TypeError("related() takes an iterable of documents; wrap a single one in a list")
        if max_candidates < 1 or max_postings < 1:
            raise OptionsError("max_candidates and max_postings must be at least 1")
        batch = list(documents)
        own = {d.id for d in batch}
        wanted: set[str] = set()
        for start in range(0, len(batch), _BATCH):
            part = batch[start : start + _BATCH]
            for doc, keys in zip(part, self._scheme.keys(tokenize_many([d.text for d in part])), strict=True):
                ranked, _ = self._ranked(doc.id, keys, max_postings, exclude_sources)
                wanted.update(d for d in ranked[:max_candidates] if d not in own)
        return sorted((s.document for s in self.store.get(sorted(wanted))), key=lambda d: d.id)

    def scan(
        self,
        documents: Iterable[Document],
        *,
        exclude_sources: Collection[str] = (),
        max_candidates: int = MAX_CANDIDATES,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> ScanResult:
        """``dedup.scan`` of ``documents`` together with the stored documents related to them.

        The batch is compared within itself and with every stored document that ``check``
        would examine for one of its documents; those stored documents take part as
        ordinary documents of the scan (so pairs between two of them are reported too:
        they belong to the same stories). The index is not changed.
        """
        batch = list(documents)
        archive = self.related(batch, exclude_sources=exclude_sources, max_candidates=max_candidates)
        return scan_documents([*batch, *archive], options=self.options, progress=progress)

    def _ranked(
        self, doc_id: str, keys: Keys, max_postings: int, exclude_sources: Collection[str]
    ) -> tuple[list[str], Postings]:
        """Stored ids sharing keys with a document, most shared band keys first, then fingerprints."""
        postings = self.store.lookup(
            keys.band_keys,
            keys.fingerprints,
            max_postings=max_postings,
            exclude_sources=exclude_sources,
        )
        shared = {
            other: (postings.bands.get(other, 0), postings.fingerprints.get(other, 0))
            for other in itertools.chain(postings.bands, postings.fingerprints)
            if other != doc_id
        }
        return sorted(shared, key=lambda d: (-shared[d][0], -shared[d][1], d)), postings

    def _use(self, meta: IndexMeta, options: ScanOptions | None) -> None:
        """Adopt a recorded meta: check ``options`` against it and key drafts the way it was built."""
        if meta.hash_scheme != HASH_SCHEME:
            raise IndexMismatchError(
                f"{self.name} was built with hash scheme {meta.hash_scheme}, this dedup hashes text with "
                f"scheme {HASH_SCHEME}; build a new index from the same documents"
            )
        if options is not None:
            _check_compatible(self.name, meta, options)
        self.options = options or meta.options
        base = KeyScheme.for_options(meta.options)
        self._scheme = dataclasses.replace(
            base, options=self.options, shingle=meta.fingerprint_shingle, window=meta.fingerprint_window
        )


def _info(doc: Document, words: int) -> DocumentInfo:
    return DocumentInfo(
        id=doc.id,
        chars=len(doc.text),
        words=words,
        source=doc.source,
        published=doc.published,
        title=doc.title,
        url=doc.url,
    )


def _check_compatible(name: str, meta: IndexMeta, asked: ScanOptions) -> None:
    """Raise IndexMismatchError naming the options that differ from the ones the index was built with."""
    built = meta.options
    if built.fingerprint() != asked.fingerprint():
        differing = [
            f.name
            for f in dataclasses.fields(ScanOptions)
            if getattr(built, f.name) != getattr(asked, f.name)
        ]
        relevant = [f for f in differing if _changes_signatures(built, f, getattr(asked, f))] or differing
        had = ", ".join(f"{f}={getattr(built, f)}" for f in relevant)
        wanted = ", ".join(f"{f}={getattr(asked, f)}" for f in relevant)
        raise IndexMismatchError(
            f"{name} was built with {had}, you asked for {wanted}; use the index's own options "
            "or build a new index"
        )
    if asked.min_passage_words < meta.passage_words:
        raise IndexMismatchError(
            f"{name} was built to find passages of {meta.passage_words} or more words, you asked for "
            f"min_passage_words={asked.min_passage_words}; build a new index with the shorter minimum"
        )


def _changes_signatures(built: ScanOptions, field: str, value: Any) -> bool:
    try:
        return dataclasses.replace(built, **{field: value}).fingerprint() != built.fingerprint()
    except OptionsError:
        return True
