"""What ``Index.check`` returns: the draft's borrowed passages, near-duplicates and where they come from."""

from __future__ import annotations

from dataclasses import dataclass

from dedup.model import DocumentInfo, Span


@dataclass(frozen=True, slots=True, order=True)
class BorrowedPassage:
    """A passage of the draft that a stored document also holds.

    ``draft`` is its span in the draft, ``document`` its span in the stored document
    (``document.doc_id`` names it); ``similarity`` is ``dedup.passage_similarity`` of
    the two slices. One stretch of the draft found in three documents is three
    BorrowedPassages with (nearly) the same ``draft`` span.
    """

    draft: Span
    document: Span
    similarity: float


@dataclass(frozen=True, slots=True, order=True)
class NearDuplicate:
    """A stored document that is, as a whole, a near-duplicate of the draft (exact shingle-set Jaccard)."""

    doc_id: str
    jaccard: float


@dataclass(frozen=True, slots=True)
class CheckStats:
    """How much work a check did, and whether a cap cut it short.

    ``candidates``: stored documents sharing a band key or passage fingerprint with the
    draft. ``examined``: how many of them were read and verified (at most
    ``max_candidates``, those sharing the most keys first). ``aligned``: how many of
    those shared a passage-window key with the draft, so that ``dedup.compare`` could
    find a passage, and were aligned. ``common_fingerprints``: draft fingerprints held
    by more than ``max_postings`` documents (stock phrases, much-syndicated copy), of
    which only the earliest-added documents were taken.
    """

    candidates: int
    examined: int
    aligned: int
    common_fingerprints: int

    @property
    def capped(self) -> bool:
        """True when some candidates were left unexamined or some fingerprint postings unread."""
        return self.examined < self.candidates or self.common_fingerprints > 0


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What a draft borrows from an index.

    ``borrowed_share`` is the share of the draft's characters inside borrowed passages
    (overlapping passages counted once). ``passages`` are sorted by their span in the
    draft, then by document; ``duplicates`` by Jaccard, highest first; ``documents``
    describes every stored document named in either, sorted by id.
    """

    draft: DocumentInfo
    borrowed_share: float
    passages: tuple[BorrowedPassage, ...]
    duplicates: tuple[NearDuplicate, ...]
    documents: tuple[DocumentInfo, ...]
    stats: CheckStats

    def document(self, doc_id: str) -> DocumentInfo:
        """The description of one stored document named in the result.

        Raises:
            KeyError: the document is not named in this result.
        """
        for info in self.documents:
            if info.id == doc_id:
                return info
        raise KeyError(doc_id)
