"""dedup: find what was copied between texts.

Near-duplicate documents, reused passages (exact character spans of the original
text, with a similarity) and syndication clusters, from one call: ``dedup.scan``.
"""

from dedup.errors import (
    DedupError,
    DuplicateIdError,
    InputError,
    MissingDependencyError,
    OptionsError,
)
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

__version__ = "0.1.0"

__all__ = [
    "DedupError",
    "Document",
    "DocumentCluster",
    "DocumentInfo",
    "DuplicateIdError",
    "DuplicatePair",
    "InputError",
    "Match",
    "MissingDependencyError",
    "OptionsError",
    "PassageCluster",
    "ScanOptions",
    "ScanResult",
    "ScanStats",
    "Span",
    "__version__",
]
