"""Where the shared corpora live, and what happens when they are not there.

The corpora sit beside the repository (``<repo>/../shared/corpora``); the environment
variable ``DEDUP_CORPORA`` points elsewhere. Every loader reads text and metadata only:
ground-truth files are opened by the scorers, never handed to the detector.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT = REPO / ".." / "shared" / "corpora"

NEWSGROUPS = "20newsgroups_19997"
CLOUGH = "clough_stevenson_short_answers"
MSRP = "msrp"
REUTERS = "reuters21578"
WIRE_NEWS = "provenance_wire_news_2018"
ALL = (NEWSGROUPS, CLOUGH, MSRP, REUTERS, WIRE_NEWS)


class CorporaMissingError(Exception):
    """The corpora folder (or one corpus in it) is not present."""


def corpora_dir() -> Path:
    """The corpora folder: ``$DEDUP_CORPORA`` when set, else ``<repo>/../shared/corpora``."""
    configured = os.environ.get("DEDUP_CORPORA")
    return Path(configured) if configured else DEFAULT


def corpus(name: str, root: Path | None = None) -> Path:
    """The folder of one corpus, or CorporaMissingError saying where it was looked for."""
    base = root if root is not None else corpora_dir()
    folder = base / name
    if not folder.is_dir():
        raise CorporaMissingError(
            f"{folder.resolve()} not present (set DEDUP_CORPORA to the folder holding {name}/)"
        )
    return folder
