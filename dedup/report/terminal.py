"""The terminal summary: what a journalist reads first, drawn with rich.

Article text is untrusted: it is passed to rich as ``Text``, never as markup, so a
passage containing ``[bold]`` prints literally.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dedup.model import DocumentInfo, ScanResult

ROWS = 20
EXCERPT = 80


def _excerpt(text: str, limit: int = EXCERPT) -> Text:
    flat = " ".join(text.split())
    return Text(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def _more(console: Console, shown: int, total: int) -> None:
    if total > shown:
        console.print(Text(f"… and {total - shown} more (use --format json)"))


def _label(info: DocumentInfo | None, doc_id: str) -> str:
    if info is None:
        return doc_id
    parts = [doc_id]
    if info.source:
        parts.append(info.source)
    if info.published:
        parts.append(info.published.date().isoformat())
    return " · ".join(parts)


def dump_table(result: ScanResult, out: TextIO, *, width: int | None = None) -> None:
    """A headline and four tables: near-duplicates, syndication clusters, passages, boilerplate."""
    tty = out.isatty()
    console = Console(
        file=out,
        width=width or (None if tty else 100),
        force_terminal=tty,
        no_color=not tty,
        highlight=False,
        emoji=False,
    )
    info = {d.id: d for d in result.documents}
    console.print(
        Text(
            f"{len(result.documents)} documents · {len(result.duplicates)} near-duplicate pairs · "
            f"{len(result.passages)} reused passages · {len(result.clusters)} syndication clusters · "
            f"{len(result.boilerplate)} boilerplate passages",
            style="bold",
        )
    )

    if result.duplicates:
        table = Table(title="Near-duplicate documents", title_justify="left")
        table.add_column("document a")
        table.add_column("document b")
        table.add_column("Jaccard", justify="right")
        for pair in result.duplicates[:ROWS]:
            table.add_row(Text(pair.a), Text(pair.b), f"{pair.jaccard:.2f}")
        console.print(table)
        _more(console, ROWS, len(result.duplicates))

    if result.clusters:
        table = Table(
            title="Syndication clusters",
            title_justify="left",
            caption="★ likely origin (earliest date)" if any(c.origin for c in result.clusters) else None,
            caption_justify="left",
        )
        table.add_column("#", justify="right")
        table.add_column("document · source · date")
        table.add_column("coverage", justify="right")
        for n, cluster in enumerate(result.clusters[:ROWS], 1):
            for i, doc_id in enumerate(cluster.doc_ids):
                star = " ★" if doc_id == cluster.origin else ""
                table.add_row(
                    str(n) if i == 0 else "",
                    Text(_label(info.get(doc_id), doc_id) + star),
                    f"{cluster.coverage.get(doc_id, 0.0):.0%}",
                    end_section=i == len(cluster.doc_ids) - 1,
                )
        console.print(table)
        _more(console, ROWS, len(result.clusters))

    if result.passages:
        table = Table(title="Reused passages", title_justify="left")
        table.add_column("docs", justify="right")
        table.add_column("passage")
        ranked = sorted(result.passages, key=lambda p: (-len(p.doc_ids), -len(p.text), p.spans[0]))
        for passage in ranked[:ROWS]:
            table.add_row(str(len(passage.doc_ids)), _excerpt(passage.text))
        console.print(table)
        _more(console, ROWS, len(result.passages))

    if result.boilerplate:
        table = Table(title="Boilerplate (left out of coverage and clusters)", title_justify="left")
        table.add_column("source")
        table.add_column("docs", justify="right")
        table.add_column("passage")
        for passage in result.boilerplate[:ROWS]:
            sources = sorted({(info[d].source or "") for d in passage.doc_ids if d in info})
            table.add_row(Text(", ".join(sources)), str(len(passage.doc_ids)), _excerpt(passage.text))
        console.print(table)
        _more(console, ROWS, len(result.boilerplate))
