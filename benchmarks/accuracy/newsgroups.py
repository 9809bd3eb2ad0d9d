"""20 Newsgroups input preparation: one Document per message, headers stripped.

Each file is decoded as Latin-1. The RFC-822 header block runs up to and including
the first blank line; the Document text is everything after it (the body), so
``body_offset = file_offset - header_length``, which is how the scorer maps the
ground-truth quote spans (offsets in the whole decoded file) onto matches. ``Date:``
becomes ``published`` (``email.utils.parsedate_to_datetime``; unparseable dates give
None), the poster's ``From:`` address is kept as ``author``, and the document id is the
path relative to ``20_newsgroup/``, e.g. ``alt.atheism/51060``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

import dedup

FOLDER = "20_newsgroup"
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$")


@dataclass(frozen=True, slots=True)
class Message:
    """One message: its body as a Document and what the scorers need to map offsets back."""

    doc: dedup.Document
    header_length: int
    author: str


def header_length(text: str) -> int:
    """Characters of the header block including the first blank line (the whole text if none)."""
    blank = text.find("\n\n")
    return len(text) if blank < 0 else blank + 2


def headers(block: str) -> dict[str, str]:
    """The header fields of a header block (first occurrence wins; continuation lines joined)."""
    fields: dict[str, str] = {}
    last = ""
    for line in block.splitlines():
        if line[:1] in (" ", "\t") and last:
            fields[last] += " " + line.strip()
            continue
        m = _HEADER_LINE.match(line)
        if m:
            last = m.group(1).lower()
            fields.setdefault(last, m.group(2).strip())
    return fields


def parse_date(value: str | None) -> datetime | None:
    """``Date:`` as an aware datetime, or None when missing or unparseable."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def read_message(root: Path, relative: str) -> Message:
    """Read ``<root>/20_newsgroup/<relative>`` into a Message."""
    text = (root / FOLDER / relative).read_bytes().decode("latin-1")
    cut = header_length(text)
    fields = headers(text[:cut])
    author = parseaddr(fields.get("from", ""))[1].lower() or fields.get("from", "")
    doc = dedup.Document(
        id=relative,
        text=text[cut:],
        published=parse_date(fields.get("date")),
        title=fields.get("subject"),
        meta={"newsgroups": fields.get("newsgroups", "")},
    )
    return Message(doc=doc, header_length=cut, author=author)


def all_ids(root: Path) -> list[str]:
    """Every message id (``group/number``), sorted by group, then number."""
    base = root / FOLDER
    return sorted(
        (f"{p.parent.name}/{p.name}" for p in base.glob("*/*") if p.is_file()),
        key=lambda rel: (rel.split("/")[0], int(rel.split("/")[1]) if rel.split("/")[1].isdigit() else 0),
    )


def read_messages(root: Path, ids: Iterable[str]) -> Iterator[Message]:
    """The messages with the given ids, in that order."""
    for relative in ids:
        yield read_message(root, relative)
