"""Reuters-21578 input preparation: one Document per story with a BODY.

The SGML is read as Latin-1 with regular expressions (no SGML library): each
``<REUTERS ... NEWID="n">`` element gives id ``n``, ``<DATE>`` becomes ``published``
(``26-FEB-1987 15:01:01.79``, taken as UTC), ``<TITLE>`` the title, and ``<BODY>`` the
text with the entities ``&lt;`` ``&gt;`` ``&amp;`` decoded and control-character
references (``&#3;`` ...) removed. Stories without a BODY are skipped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import dedup

_STORY = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_NEWID = re.compile(r'NEWID="(\d+)"')
_DATE = re.compile(r"<DATE>\s*(.*?)\s*</DATE>", re.S)
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_CONTROL = re.compile(r"&#\d+;")


def clean(text: str) -> str:
    """SGML text to plain text: control-character references dropped, entities decoded."""
    return html.unescape(_CONTROL.sub("", text))


def parse_date(value: str) -> datetime | None:
    """``26-FEB-1987 15:01:01.79`` as UTC, or None when it does not parse."""
    head = value.strip().split(".")[0]
    for fmt in ("%d-%b-%Y %H:%M:%S", "%d-%b-%Y"):
        try:
            return datetime.strptime(head, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def read_stories(folder: Path) -> Iterator[dedup.Document]:
    """Every story with a BODY, in file order (reut2-000 ... reut2-021)."""
    for path in sorted(folder.glob("reut2-*.sgm")):
        text = path.read_bytes().decode("latin-1")
        for m in _STORY.finditer(text):
            body = _BODY.search(m.group(2))
            newid = _NEWID.search(m.group(1))
            if body is None or newid is None:
                continue
            date = _DATE.search(m.group(2))
            title = _TITLE.search(m.group(2))
            yield dedup.Document(
                id=newid.group(1),
                text=clean(body.group(1)),
                published=parse_date(date.group(1)) if date else None,
                title=clean(title.group(1)).strip() if title else None,
            )
