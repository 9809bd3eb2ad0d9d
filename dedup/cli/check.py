"""``dedup check``: what a draft borrows from an archive, and a gate on how much."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import click

from dedup.cli.common import CONTEXT, ProblemPrinter, fields, output_stream, read, reader_options
from dedup.cli.index import given_options, open_index
from dedup.errors import EXIT_INPUT_PROBLEMS, EXIT_OK, EXIT_OVER_LIMIT, InputError
from dedup.index import MAX_CANDIDATES, BorrowedPassage, CheckResult
from dedup.model import Document, DocumentInfo
from dedup.options import ScanOptions
from dedup.readers import read_documents
from dedup.report.html_page import write_check_report
from dedup.report.serialize import SCHEMA_VERSION, TOOL, span_to_dict

EXCERPT = 100
"""Characters of a passage shown in the table."""

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@click.command(context_settings=CONTEXT)
@click.argument("archive", type=click.Path(dir_okay=False))
@click.argument("drafts", metavar="DRAFT...", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: each borrowed passage with its sources; json: everything, for scripts.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    metavar="FILE.html",
    help="Also write an HTML report: each draft with its borrowed passages highlighted and their sources.",
)
@click.option(
    "--fail-over",
    type=click.FloatRange(0.0, 1.0),
    metavar="FRACTION",
    help="Exit 3 when a draft's borrowed share is over FRACTION (e.g. 0.3).",
)
@click.option(
    "--exclude-source",
    "exclude_sources",
    multiple=True,
    metavar="NAME",
    help="Ignore stored documents from this source, e.g. the paper's own earlier copy (repeatable).",
)
@click.option(
    "--max-candidates",
    type=click.IntRange(min=1),
    default=MAX_CANDIDATES,
    show_default=True,
    help="Stored documents examined per draft at most, those sharing the most with it first.",
)
@click.option(
    "--min-similarity",
    type=float,
    default=ScanOptions().min_similarity,
    show_default=True,
    help="Lowest passage similarity (0-1) reported.",
)
@click.option(
    "--min-passage-words",
    type=int,
    default=ScanOptions().min_passage_words,
    show_default=True,
    help="Shortest passage reported, in matched words (not below what the index was built for).",
)
@reader_options
@click.pass_context
def check_command(
    ctx: click.Context,
    /,
    archive: str,
    drafts: tuple[str, ...],
    fmt: str,
    report_path: str | None,
    fail_over: float | None,
    exclude_sources: tuple[str, ...],
    max_candidates: int,
    **kwargs: Any,
) -> int:
    """Show which passages of each DRAFT are already in ARCHIVE, where, and how much is borrowed.

    DRAFT is a text, Markdown or HTML file, a JSONL/CSV file of several drafts, or -
    for one plain-text draft on stdin. Exit codes: 0 done; 1 some draft could not be
    read; 2 usage error or unusable index; 3 a draft is over --fail-over.

    \b
    Examples:
      dedup check archive.db draft.md
      dedup check archive.db draft.md --exclude-source "Harbour Ledger" --fail-over 0.3
      pbpaste | dedup check archive.db - --format json
      dedup check archive.db drafts/ --report check.html
    """
    problems = ProblemPrinter()
    documents = _read_drafts(drafts, kwargs, problems)
    if not documents:
        raise InputError(", ".join(drafts), None, "no drafts to check")
    given = given_options(ctx, kwargs, ("min_similarity", "min_passage_words"))
    with open_index(archive, given, create=False) as index:
        results = [
            index.check(doc, exclude_sources=exclude_sources, max_candidates=max_candidates)
            for doc in documents
        ]
        if report_path is not None:
            named = sorted({info.id for r in results for info in r.documents})
            stored = {s.document.id: s.document.text for s in index.store.get(named)}
            with output_stream(report_path) as page:
                write_check_report(results, documents, stored, page, title=f"dedup check {archive}")
    over = [r for r in results if fail_over is not None and r.borrowed_share > fail_over]
    if fmt == "json":
        payload = {
            "schema_version": SCHEMA_VERSION,
            "tool": TOOL,
            "index": archive,
            "fail_over": fail_over,
            "drafts": [result_to_dict(r, fail_over) for r in results],
        }
        click.echo(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        texts = {d.id: d.text for d in documents}
        for n, result in enumerate(results):
            if n:
                click.echo()
            _print_result(result, texts[result.draft.id])
    for result in over:
        click.echo(
            f"dedup: {result.draft.id} borrows {result.borrowed_share:.1%}, over --fail-over {fail_over:.1%}",
            err=True,
        )
    if over:
        return EXIT_OVER_LIMIT
    return EXIT_INPUT_PROBLEMS if problems.count else EXIT_OK


def _read_drafts(paths: tuple[str, ...], kwargs: dict[str, Any], problems: ProblemPrinter) -> list[Document]:
    """Files through the readers (as dedup scan reads them); ``-`` as one plain-text draft."""
    documents: list[Document] = []
    files = [p for p in paths if p != "-"]
    if "-" in paths:
        documents.extend(
            read_documents(
                "-",
                input_format="text",
                fields=fields(kwargs),
                strict=kwargs["strict"],
                on_problem=problems,
                encoding=kwargs["encoding"],
                stdin=sys.stdin,
                max_chars=kwargs["max_document_chars"],
            )
        )
    if files:
        documents.extend(read(files, kwargs, problems))
    return documents


def result_to_dict(result: CheckResult, fail_over: float | None = None) -> dict[str, Any]:
    """One draft's check result as JSON-able values; similarities and shares rounded to 6 digits."""
    return {
        "draft": _info(result.draft),
        "borrowed_share": round(result.borrowed_share, 6),
        "over_limit": fail_over is not None and result.borrowed_share > fail_over,
        "passages": [_passage(p) for p in result.passages],
        "duplicates": [{"doc_id": d.doc_id, "jaccard": round(d.jaccard, 6)} for d in result.duplicates],
        "documents": [_info(d) for d in result.documents],
        "stats": {
            "candidates": result.stats.candidates,
            "examined": result.stats.examined,
            "aligned": result.stats.aligned,
            "common_fingerprints": result.stats.common_fingerprints,
            "capped": result.stats.capped,
        },
    }


def _passage(p: BorrowedPassage) -> dict[str, Any]:
    return {
        "draft": {"start": p.draft.start, "end": p.draft.end},
        "document": span_to_dict(p.document),
        "similarity": round(p.similarity, 6),
    }


def _info(info: DocumentInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "chars": info.chars,
        "words": info.words,
        "source": info.source,
        "published": info.published.isoformat() if info.published is not None else None,
        "title": info.title,
        "url": info.url,
    }


def _plain(text: str) -> str:
    """One printable line: whitespace runs become one space; control and bidi characters go."""
    return _UNPRINTABLE.sub("", " ".join(text.split()))


def _excerpt(text: str) -> str:
    flat = _plain(text)
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _label(info: DocumentInfo) -> str:
    parts = [info.id]
    if info.source:
        parts.append(info.source)
    if info.published is not None:
        parts.append(info.published.date().isoformat())
    if info.title:
        parts.append(f'"{info.title}"')
    if info.url:
        parts.append(info.url)
    return _plain(" · ".join(parts))


def _print_result(result: CheckResult, text: str) -> None:
    """Passages grouped by overlapping stretches of the draft, each with the documents holding it."""
    documents = {p.document.doc_id for p in result.passages}
    click.echo(
        f"{_plain(result.draft.id)}: {result.borrowed_share:.1%} borrowed, "
        f"{_count(len(_groups(result.passages)), 'passage')} from {_count(len(documents), 'document')}"
    )
    for n, group in enumerate(_groups(result.passages), 1):
        start, end = min(p.draft.start for p in group), max(p.draft.end for p in group)
        click.echo(f"  [{n}] draft {start}-{end}: {_excerpt(text[start:end])}")
        width = max(len(_plain(p.document.doc_id)) for p in group)
        for p in sorted(group, key=lambda p: p.document):
            where = f"{p.document.start}-{p.document.end}"
            click.echo(
                f"        {_plain(p.document.doc_id):<{width}}  {where:<11}  similarity {p.similarity:.2f}"
            )
    for duplicate in result.duplicates:
        click.echo(f"  near-duplicate: {_plain(duplicate.doc_id)} (Jaccard {duplicate.jaccard:.2f})")
    if result.documents:
        click.echo("  documents:")
        for info in result.documents:
            click.echo(f"    {_label(info)}")
    stats = result.stats
    if stats.examined < stats.candidates:
        click.echo(
            f"  ({stats.examined} of {stats.candidates} candidate documents examined; "
            "raise --max-candidates to see more)"
        )
    if stats.common_fingerprints:
        click.echo(
            f"  ({_count(stats.common_fingerprints, 'fingerprint')} of the draft are in many documents; "
            "only the earliest of those were read)"
        )


def _groups(passages: tuple[BorrowedPassage, ...]) -> list[list[BorrowedPassage]]:
    groups: list[list[BorrowedPassage]] = []
    reach = -1
    for p in passages:  # sorted by draft span
        if groups and p.draft.start < reach:
            groups[-1].append(p)
            reach = max(reach, p.draft.end)
        else:
            groups.append([p])
            reach = p.draft.end
    return groups


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
