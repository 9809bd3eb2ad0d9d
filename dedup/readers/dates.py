"""Publication dates from the two spellings news data uses: ISO 8601 and RFC 2822."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime


def parse_date(value: str) -> datetime | None:
    """Parse an ISO 8601 or RFC 2822 date; None when it is neither.

    ISO 8601 covers feeds, sitemaps and most JSON (``2018-07-16``,
    ``2018-07-16 10:30:00``, ``2018-07-16T10:30:00Z``, ``...+02:00``); RFC 2822 covers
    email and Usenet ``Date:`` headers and RSS. Only the standard library parses, so
    ``yesterday`` is None rather than a guess. A datetime without a zone is returned
    naive; ``Document`` takes it to be UTC.

    >>> parse_date("2018-07-16T10:30:00Z")
    datetime.datetime(2018, 7, 16, 10, 30, tzinfo=datetime.timezone.utc)
    >>> parse_date("Mon, 16 Jul 2018 10:30:00 +0000")
    datetime.datetime(2018, 7, 16, 10, 30, tzinfo=datetime.timezone.utc)
    >>> parse_date("yesterday") is None
    True
    """
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
