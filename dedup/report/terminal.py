"""The terminal summary: what a journalist reads first, drawn with rich.

Article text, ids and sources are untrusted. They reach rich only as ``Text``, never as
markup, so a passage containing ``[bold]`` prints literally; and control characters
(escape sequences, bidi overrides) are removed first, because rich passes ESC through
and a scraped page could otherwise retitle or recolour the reader's terminal.
"""

from __future__ import annotations

import re
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dedup.model import DocumentInfo, PassageCluster, ScanResult, Span

ROWS = 20
"""Rows per table; the rest are counted and left to the JSON output."""

EXCERPT = 80
"""Characters of passage text shown in a table cell."""

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _plain(text: str) -> str:
    """One line of printable text: whitespace runs become one space, controls go."""
    return _UNPRINTABLE.sub("", " ".join(text.split()))


def _excerpt(text: str) -> Text:
    flat = _plain(text)
    return Text(flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _label(doc_id: str, info: DocumentInfo | None) -> str:
    parts = [doc_id]
    if info is not None and info.source:
        parts.append(info.source)
    if info is not None and info.published is not None:
        parts.append(info.published.date().isoformat())
    return _plain(" · ".join(parts))


def _console(out: TextIO, width: int | None) -> Console:
    """Plain text at 100 columns into files and pipes; rich's own detection on a terminal."""
    tty = out.isatty()
    return Console(
        file=out,
        width=width or (None if tty else 100),
        force_terminal=None if tty else False,
        no_color=None if tty else True,
        highlight=False,
        emoji=False,
    )


def _print_table(console: Console, table: Table, total: int) -> None:
    console.print(table)
    if total > ROWS:
        console.print(Text(f"… and {total - ROWS} more (use --format json)"))


def _duplicates(console: Console, result: ScanResult, info: dict[str, DocumentInfo]) -> None:
    table = Table(title="Near-duplicate documents", title_justify="left")
    table.add_column("document a")
    table.add_column("document b")
    table.add_column("Jaccard", justify="right")
    for pair in result.duplicates[:ROWS]:
        table.add_row(
            Text(_label(pair.a, info.get(pair.a))),
            Text(_label(pair.b, info.get(pair.b))),
            f"{pair.jaccard:.2f}",
        )
    _print_table(console, table, len(result.duplicates))


def _clusters(console: Console, result: ScanResult, info: dict[str, DocumentInfo]) -> None:
    has_origin = any(c.origin is not None for c in result.clusters)
    table = Table(
        title="Syndication clusters",
        title_justify="left",
        caption="★ likely origin (earliest published)" if has_origin else None,
        caption_justify="left",
    )
    table.add_column("#", justify="right")
    table.add_column("size", justify="right")
    table.add_column("document · source · date")
    table.add_column("coverage", justify="right")
    for n, cluster in enumerate(result.clusters[:ROWS], 1):
        last = len(cluster.doc_ids) - 1
        for i, doc_id in enumerate(cluster.doc_ids):
            star = " ★" if doc_id == cluster.origin else ""
            table.add_row(
                str(n) if i == 0 else "",
                str(len(cluster.doc_ids)) if i == 0 else "",
                Text(_label(doc_id, info.get(doc_id)) + star),
                f"{cluster.coverage.get(doc_id, 0.0):.0%}",
                end_section=i == last,
            )
    _print_table(console, table, len(result.clusters))


def _most_reused(passage: PassageCluster) -> tuple[int, int, int, tuple[Span, ...]]:
    return (-len(passage.doc_ids), -len(passage.spans), -len(passage.text), tuple(passage.spans[:1]))


def _passages(console: Console, result: ScanResult) -> None:
    table = Table(title="Most reused passages", title_justify="left")
    table.add_column("times", justify="right")
    table.add_column("docs", justify="right")
    table.add_column("passage")
    for passage in sorted(result.passages, key=_most_reused)[:ROWS]:
        table.add_row(str(len(passage.spans)), str(len(passage.doc_ids)), _excerpt(passage.text))
    _print_table(console, table, len(result.passages))


def _boilerplate(console: Console, result: ScanResult, info: dict[str, DocumentInfo]) -> None:
    table = Table(title="Boilerplate (left out of coverage and clusters)", title_justify="left")
    table.add_column("source")
    table.add_column("docs", justify="right")
    table.add_column("passage")
    for passage in result.boilerplate[:ROWS]:
        sources = sorted({info[d].source or "" for d in passage.doc_ids if d in info} - {""})
        table.add_row(Text(_plain(", ".join(sources))), str(len(passage.doc_ids)), _excerpt(passage.text))
    _print_table(console, table, len(result.boilerplate))


def dump_table(result: ScanResult, out: TextIO, *, width: int | None = None) -> None:
    """Write a one-line headline, then a table for each kind of finding that has rows.

    Each table shows at most ``ROWS`` rows and says how many more the JSON output has.
    Into a file or pipe the output is plain text, ``width`` (default 100) columns wide.

    >>> import sys
    >>> from dedup.model import ScanStats
    >>> dump_table(ScanResult((), (), (), (), (), (), ScanStats(0, 0, 0, 0, 0, 0, 0)), sys.stdout)
    0 documents · 0 near-duplicate pairs · 0 reused passages · 0 syndication clusters · 0 boilerplate passages
    Nothing was reused between the documents.
    """
    console = _console(out, width)
    info = {d.id: d for d in result.documents}
    headline = " · ".join(
        [
            _count(len(result.documents), "document"),
            _count(len(result.duplicates), "near-duplicate pair"),
            _count(len(result.passages), "reused passage"),
            _count(len(result.clusters), "syndication cluster"),
            _count(len(result.boilerplate), "boilerplate passage"),
        ]
    )
    console.print(Text(headline, style="bold"), soft_wrap=True)  # one line, even when it is long
    if result.duplicates:
        _duplicates(console, result, info)
    if result.clusters:
        _clusters(console, result, info)
    if result.passages:
        _passages(console, result)
    if result.boilerplate:
        _boilerplate(console, result, info)
    if not (result.duplicates or result.passages or result.boilerplate):
        console.print(Text("Nothing was reused between the documents."))
