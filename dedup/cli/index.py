"""``dedup index add|remove|stats``: keep the archive that ``dedup check`` reads."""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any

import click
from click.core import ParameterSource

from dedup.cli.common import CONTEXT, ProblemPrinter, progress_bar, read_stream, reader_options
from dedup.errors import EXIT_INPUT_PROBLEMS, EXIT_OK, InputError
from dedup.index import Index, IndexStats
from dedup.model import Document
from dedup.options import ScanOptions

BATCH_SIZE = 10_000
"""Documents per transaction of ``dedup index add``."""


def index_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options an index is built with; given ones must match an existing index."""
    defaults = ScanOptions()
    decorators = [
        click.option(
            "--threshold",
            type=float,
            default=defaults.threshold,
            show_default=True,
            help="Near-duplicate documents: shingle-set Jaccard at or above this (sets the LSH bands).",
        ),
        click.option(
            "--shingle-size",
            type=int,
            default=defaults.shingle_size,
            show_default=True,
            help="Words per shingle for whole-document similarity.",
        ),
        click.option(
            "--min-passage-words",
            type=int,
            default=defaults.min_passage_words,
            show_default=True,
            help="Shortest reused passage, in words; the index guarantees to find exact ones this long.",
        ),
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def given_options(ctx: click.Context, kwargs: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The option values the user actually typed (a default must not override the index's own)."""
    typed = (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)
    return {name: kwargs[name] for name in names if ctx.get_parameter_source(name) in typed}


def open_index(path: str, given: dict[str, Any], *, create: bool) -> Index:
    """Open the index with its own options, changed only where the user gave a value."""
    index = Index.open(path, create=create)
    if not given:
        return index
    try:
        return Index(index.store, options=dataclasses.replace(index.options, **given), name=index.name)
    except BaseException:
        index.close()
        raise


@click.group(context_settings=CONTEXT)
def index_group() -> None:
    """Keep an archive of documents to check drafts against (one SQLite file).

    \b
    Examples:
      dedup index add archive.db examples/news
      dedup index add archive.db today.jsonl --text-field body --date-field date
      dedup index remove archive.db wire-1234 wire-1235
      dedup index stats archive.db
      dedup check archive.db draft.txt
    """


@index_group.command("add", context_settings=CONTEXT)
@click.argument("archive", type=click.Path(dir_okay=False))
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=BATCH_SIZE,
    show_default=True,
    help="Documents per transaction: a killed run keeps whole batches only.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@index_options
@reader_options
@click.pass_context
def add_command(
    ctx: click.Context, /, archive: str, paths: tuple[str, ...], batch_size: int, quiet: bool, **kwargs: Any
) -> int:
    """Add documents to ARCHIVE (created when missing); a stored id is replaced.

    PATH is read as by dedup scan: a folder, a file, or - for JSONL on stdin. Each
    batch of --batch-size documents is one transaction, fully in or fully out even if
    the run is killed, so re-running an interrupted add is safe.

    \b
    Examples:
      dedup index add archive.db examples/news
      dedup index add archive.db wire/2025-03-04.jsonl --min-passage-words 12
    """
    problems = ProblemPrinter()
    given = given_options(ctx, kwargs, ("threshold", "shingle_size", "min_passage_words"))
    documents = read_stream(paths, kwargs, problems)  # batch by batch: a large input is never all in memory
    first = next(documents, None)
    if first is None:
        raise InputError(", ".join(paths), None, "no documents to add")
    added = 0
    with open_index(archive, given, create=True) as index, progress_bar(not quiet) as progress:
        for batch in _batches(itertools.chain([first], documents), batch_size):
            index.add(batch)
            added += len(batch)
            if progress is not None:
                progress("add", added, 0)  # the total is not known until the input is read
        stats = index.stats()
    click.echo(
        f"added {added:,} documents to {archive}: now {stats.documents:,} documents, {_size(stats.bytes)}"
    )
    return EXIT_INPUT_PROBLEMS if problems.count else EXIT_OK


@index_group.command("remove", context_settings=CONTEXT)
@click.argument("archive", type=click.Path(dir_okay=False))
@click.argument("doc_ids", metavar="ID...", nargs=-1, required=True)
def remove_command(archive: str, doc_ids: tuple[str, ...]) -> int:
    """Remove documents from ARCHIVE by id (one transaction); exit 1 if some id was not there.

    \b
    Example:
      dedup index remove archive.db coastal-wire-tidal-barrier.md
    """
    with Index.open(archive, create=False) as index:
        present = {stored.document.id for stored in index.store.get(list(doc_ids))}
        removed = index.remove(doc_ids)
    for doc_id in dict.fromkeys(doc_ids):
        if doc_id not in present:
            click.echo(f"dedup: {archive}: no document with the id {doc_id!r}", err=True)
    click.echo(f"removed {removed:,} documents from {archive}")
    return EXIT_OK if len(present) == len(set(doc_ids)) else EXIT_INPUT_PROBLEMS


@index_group.command("stats", context_settings=CONTEXT)
@click.argument("archive", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats_command(archive: str, fmt: str) -> int:
    """Show what ARCHIVE holds and the options it was built with.

    \b
    Example:
      dedup index stats archive.db --format json
    """
    with Index.open(archive, create=False) as index:
        stats = index.stats()
    if fmt == "json":
        click.echo(json.dumps(stats_to_dict(stats), indent=2, sort_keys=True))
        return EXIT_OK
    per_doc = stats.bytes // stats.documents if stats.documents else 0
    options = stats.options
    lines = [
        ("documents", f"{stats.documents:,}"),
        ("size", f"{_size(stats.bytes)} ({per_doc:,} bytes per document)"),
        ("band rows", f"{stats.band_rows:,}"),
        ("fingerprint rows", f"{stats.fingerprint_rows:,}"),
        ("shingle size", str(options.shingle_size)),
        ("threshold", str(options.threshold)),
        ("permutations", str(options.num_perm)),
        ("passages found from", f"{stats.passage_words} words"),
        ("options fingerprint", options.fingerprint()),
    ]
    for name, value in lines:
        click.echo(f"{name:<22}{value}")
    return EXIT_OK


def stats_to_dict(stats: IndexStats) -> dict[str, Any]:
    """Index stats as JSON-able values."""
    return {
        "documents": stats.documents,
        "bytes": stats.bytes,
        "band_rows": stats.band_rows,
        "fingerprint_rows": stats.fingerprint_rows,
        "passage_words": stats.passage_words,
        "options": dataclasses.asdict(stats.options),
        "options_fingerprint": stats.options.fingerprint(),
    }


def _batches(documents: Iterator[Document], size: int) -> Iterator[list[Document]]:
    while batch := list(itertools.islice(documents, size)):
        yield batch


def _size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{n} bytes"  # pragma: no cover - the loop always returns
