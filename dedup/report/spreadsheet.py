"""CSV output: one row per match, for spreadsheets and pandas."""

from __future__ import annotations

import csv
from collections import defaultdict
from typing import TextIO

from dedup.model import Match, PassageCluster, ScanResult

COLUMNS = (
    "a_id",
    "a_source",
    "a_start",
    "a_end",
    "b_id",
    "b_source",
    "b_start",
    "b_end",
    "similarity",
    "words",
    "excerpt",
)
EXCERPT_CHARS = 200

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is read as a formula by Excel, LibreOffice and
Google Sheets (CSV injection: ``=HYPERLINK(...)`` in a scraped article would run on open)."""


class _PassageFinder:
    """Finds the passage cluster holding a span, looking only at that span's document.

    Scanning every cluster for every match is quadratic, and a large scan has tens of
    thousands of both. Reused passages win over boilerplate, then the lower index.
    """

    def __init__(self, result: ScanResult) -> None:
        self._by_doc: dict[str, list[tuple[int, int, PassageCluster]]] = defaultdict(list)
        for passage in result.passages + result.boilerplate:
            for span in passage.spans:
                self._by_doc[span.doc_id].append((span.start, span.end, passage))

    def containing(self, match: Match) -> PassageCluster | None:
        a = match.a
        for start, end, passage in self._by_doc.get(a.doc_id, ()):
            if a.start < end and start < a.end:
                return passage
        return None


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def neutralise(cell: str) -> str:
    """Prefix ``'`` to a text cell a spreadsheet would run as a formula; other text is unchanged.

    Spreadsheets hide the apostrophe and show the text as typed, so a reader sees the
    original; a program reading the CSV sees one extra leading ``'`` on such cells only.

    >>> neutralise("=SUM(A1:A9)")
    "'=SUM(A1:A9)"
    >>> neutralise("Council votes")
    'Council votes'
    """
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def dump_csv(result: ScanResult, out: TextIO) -> None:
    r"""Write one row per match: both spans, their sources, the similarity and the passage text.

    ``excerpt`` is the text of the passage cluster that span ``a`` falls in, cut to 200
    characters; ``words`` counts the words of the whole passage. Both are empty when no
    cluster holds the span. Rows end in ``CRLF`` as RFC 4180 asks: with a bare newline
    the csv module would leave a lone carriage return in article text unquoted, and
    readers would split the row there. Open files for it with ``newline=""``. Text cells
    that a spreadsheet would run as a formula get a leading ``'`` (see ``neutralise``).

    >>> import io
    >>> from dedup.model import ScanStats
    >>> buffer = io.StringIO()
    >>> dump_csv(ScanResult((), (), (), (), (), (), ScanStats(0, 0, 0, 0, 0, 0, 0)), buffer)
    >>> buffer.getvalue()
    'a_id,a_source,a_start,a_end,b_id,b_source,b_start,b_end,similarity,words,excerpt\r\n'
    """
    sources = {d.id: d.source or "" for d in result.documents}
    finder = _PassageFinder(result)
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for m in result.matches:
        passage = finder.containing(m)
        writer.writerow(
            [
                neutralise(m.a.doc_id),
                neutralise(sources.get(m.a.doc_id, "")),
                m.a.start,
                m.a.end,
                neutralise(m.b.doc_id),
                neutralise(sources.get(m.b.doc_id, "")),
                m.b.start,
                m.b.end,
                f"{m.similarity:.6f}",
                len(passage.text.split()) if passage is not None else "",
                neutralise(_excerpt(passage.text)) if passage is not None else "",
            ]
        )
