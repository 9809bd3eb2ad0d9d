"""dedup: find what was copied between texts.

Near-duplicate documents, reused passages (exact character spans of the original
text, with a similarity) and syndication clusters, from one call: ``dedup.scan``.
``dedup.Index`` keeps an archive on disk and checks new drafts against it.
"""

from dedup.align import passage_similarity
from dedup.errors import (
    DedupError,
    DuplicateIdError,
    IndexFileError,
    IndexMismatchError,
    InputError,
    MissingDependencyError,
    OptionsError,
)
from dedup.index import CheckResult, Index
from dedup.model import (
    Document,
    DocumentCluster,
    DocumentInfo,
    DuplicatePair,
    Match,
    PassageCluster,
    ScanResult,
    ScanStats,
    Span,
)
from dedup.options import ScanOptions
from dedup.readers import FieldMap, InputProblem, read_documents
from dedup.scan import compare, scan
from dedup.word_overlap import similarity

__version__ = "0.1.0"

__all__ = [
    "CheckResult",
    "DedupError",
    "Document",
    "DocumentCluster",
    "DocumentInfo",
    "DuplicateIdError",
    "DuplicatePair",
    "FieldMap",
    "Index",
    "IndexFileError",
    "IndexMismatchError",
    "InputError",
    "InputProblem",
    "Match",
    "MissingDependencyError",
    "OptionsError",
    "PassageCluster",
    "ScanOptions",
    "ScanResult",
    "ScanStats",
    "Span",
    "__version__",
    "compare",
    "passage_similarity",
    "read_documents",
    "scan",
    "similarity",
]
