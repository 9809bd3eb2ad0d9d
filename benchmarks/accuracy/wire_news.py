"""2018 wire-news input preparation: one Document per scraped article.

All three CSV files (``helsinki``, ``census``, ``spotify``) are read; the document id
is ``<file stem without _articles>/<id>`` (e.g. ``helsinki/6``), ``source`` the
publisher and ``published`` the scrape time. Paragraphs are separated by `` ### `` in
the files; each separator becomes a blank line (``"\\n\\n"``), and the Document text is
that converted text, so every offset dedup reports indexes exactly what a reader sees.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import dedup

SEPARATOR = " ### "
CREDITS = ("(AP)", "Associated Press", "Reuters")


def to_text(raw: str) -> str:
    """The article text with paragraph separators turned into blank lines."""
    return raw.replace(SEPARATOR, "\n\n")


def parse_time(value: str) -> datetime | None:
    """ISO 8601 scrape time (with offset), or None."""
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def read_articles(folder: Path) -> Iterator[dedup.Document]:
    """Every article of every CSV file, files in name order, rows in file order."""
    for path in sorted(folder.glob("*.csv")):
        stem = path.stem.removesuffix("_articles")
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                yield dedup.Document(
                    id=f"{stem}/{row['id']}",
                    text=to_text(row["text"]),
                    source=row["publisher"] or None,
                    published=parse_time(row["scrape_time"]),
                )


def credited(text: str) -> bool:
    """True when the article credits AP or Reuters."""
    return any(c in text for c in CREDITS)
