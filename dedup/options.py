"""ScanOptions: every tuning knob of a scan, declared and checked in one place.

One flat frozen dataclass rather than nested option groups: the command line maps
one flag to one field, and ``ScanOptions(threshold=0.9)`` reads better than three
nested constructors. ``fingerprint()`` names the options that change signatures, so
a persistent index can refuse to mix incompatible ones.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from dedup.errors import OptionsError


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """How a scan shingles, hashes and compares documents.

    Document level (near-duplicate articles):
        shingle_size: words per shingle. Larger is stricter: 5 keeps edited copies of a
            story similar while unrelated stories share almost nothing.
        threshold: exact shingle-set Jaccard at or above which two documents are
            reported as near-duplicates; LSH bands are chosen for it.
        num_perm: MinHash permutations per document (more: better estimates, slower).
        bands, rows: override the LSH split (both or neither; bands * rows <= num_perm).
        seed: seeds the MinHash permutations; same seed, same signatures.

    Passage level (reused paragraphs and quotes inside otherwise different documents):
        passages: find reused passages at all (False: document level only).
        window: words per passage window; step: words between window starts.
        passage_shingle_size: words per shingle inside a window (small, so one edited
            word breaks few shingles).
        passage_num_perm, passage_threshold: MinHash size and LSH target for windows.
        min_passage_words: shortest passage reported, in matched words.
        min_similarity: lowest passage similarity (0-1) reported.
        max_gap: longest run of unmatched words bridged inside one passage.
        min_shared_shingles: a document pair is aligned only when one of its candidate
            window pairs has at least this many passage shingles in common (exactly, not
            estimated); fewer are chance collisions of common phrases. 0: align every pair.

    Clusters:
        boilerplate_min_docs: a passage found in this many documents of one source is
            boilerplate ("Latest News"), kept out of coverage and clusters.
        keep_boilerplate: report boilerplate passages as ordinary passages instead.
        skip_same_source: leave out passage matches between two documents of the same
            source (a paper's own reruns, a poster's quoting of himself): "who copied
            from whom" across outlets. Near-duplicate documents are still reported.

    Limits (a stock phrase shared by thousands of documents must not become all pairs):
        max_bucket_size: LSH buckets with more members than this (stock phrases) link
            each member to the bucket's first one instead of to all others; counted in
            ``ScanStats.capped_buckets``.
        max_document_pairs: a document with passage candidates in more than this many
            other documents is aligned only with the ones sharing the most candidate
            windows (ties: the earlier ids); counted in ``ScanStats.capped_documents``.

    Speed (never changes the result):
        jobs: worker processes for tokenising, signing, LSH and alignment; None: every
            usable core from 512 documents on, one process below (forking costs more
            than a small scan).
        memory_bytes: texts, token arrays and window band keys are each held in memory
            up to about this many bytes, and the rest go to temporary files (in TMPDIR):
            a large input's memory then grows with its number of documents, not its text.
    """

    shingle_size: int = 5
    threshold: float = 0.7
    num_perm: int = 128
    bands: int | None = None
    rows: int | None = None
    seed: int = 1
    passages: bool = True
    window: int = 20
    step: int = 5
    passage_shingle_size: int = 3
    passage_num_perm: int = 64
    passage_threshold: float = 0.3
    min_passage_words: int = 15
    min_similarity: float = 0.75
    max_gap: int = 8
    min_shared_shingles: int = 3
    boilerplate_min_docs: int = 3
    keep_boilerplate: bool = False
    skip_same_source: bool = False
    max_bucket_size: int = 200
    max_document_pairs: int = 2000
    jobs: int | None = None
    memory_bytes: int = 1 << 26

    def __post_init__(self) -> None:
        _check_int("shingle_size", self.shingle_size, 1, 64)
        _check_fraction("threshold", self.threshold)
        _check_int("num_perm", self.num_perm, 2, 4096)
        if (self.bands is None) != (self.rows is None):
            raise OptionsError("give both bands and rows, or neither (then threshold decides)")
        if self.bands is not None and self.rows is not None:
            _check_int("bands", self.bands, 1, self.num_perm)
            _check_int("rows", self.rows, 1, self.num_perm)
            if self.bands * self.rows > self.num_perm:
                raise OptionsError(
                    f"bands * rows = {self.bands * self.rows} exceeds num_perm = {self.num_perm}"
                )
        _check_int("seed", self.seed, 0, 2**32 - 1)
        _check_int("window", self.window, 2, 10_000)
        _check_int("step", self.step, 1, self.window)
        _check_int("passage_shingle_size", self.passage_shingle_size, 1, self.window)
        _check_int("passage_num_perm", self.passage_num_perm, 2, 4096)
        _check_fraction("passage_threshold", self.passage_threshold)
        _check_int("min_passage_words", self.min_passage_words, 1, 1_000_000)
        _check_fraction("min_similarity", self.min_similarity)
        _check_int("max_gap", self.max_gap, 0, 10_000)
        _check_int("min_shared_shingles", self.min_shared_shingles, 0, self.window)
        _check_int("boilerplate_min_docs", self.boilerplate_min_docs, 2, 1_000_000)
        _check_int("max_bucket_size", self.max_bucket_size, 2, 10_000_000)
        _check_int("max_document_pairs", self.max_document_pairs, 1, 100_000_000)
        if self.jobs is not None:
            _check_int("jobs", self.jobs, 1, 1024)
        _check_int("memory_bytes", self.memory_bytes, 0, 2**62)

    def fingerprint(self) -> str:
        """A short stable string naming every option that changes signatures or band keys.

        >>> ScanOptions().fingerprint() == ScanOptions(min_similarity=0.9).fingerprint()
        True
        >>> ScanOptions().fingerprint() == ScanOptions(shingle_size=7).fingerprint()
        False
        """
        relevant = {
            k: v
            for k, v in asdict(self).items()
            if k
            in {
                "shingle_size",
                "num_perm",
                "bands",
                "rows",
                "threshold",
                "seed",
                "window",
                "step",
                "passage_shingle_size",
                "passage_num_perm",
                "passage_threshold",
            }
        }
        digest = hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()
        return digest[:16]


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptionsError(f"{name} must be an integer, got {value!r}")
    if not low <= value <= high:
        raise OptionsError(f"{name} must be between {low} and {high}, got {value}")


def _check_fraction(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OptionsError(f"{name} must be a number, got {value!r}")
    if not 0.0 < value <= 1.0:
        raise OptionsError(f"{name} must be in (0, 1], got {value}")
