"""``dedup scan``: documents in, near-duplicates, passages and clusters out."""

from __future__ import annotations

from typing import Any

import click

from dedup.cli.common import (
    CONTEXT,
    ProblemPrinter,
    build_options,
    output_stream,
    progress_bar,
    read,
    reader_options,
    scan_options,
)
from dedup.errors import EXIT_INPUT_PROBLEMS, EXIT_OK, InputError
from dedup.report import FORMATS, render
from dedup.scan import scan


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format; json is the full result with a versioned schema.",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Write the result here instead of stdout."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@scan_options
@reader_options
def scan_command(paths: tuple[str, ...], fmt: str, output: str | None, quiet: bool, **kwargs: Any) -> int:
    """Scan documents for near-duplicates, reused passages and syndication clusters.

    PATH is a folder (read recursively: .txt, .md, .html, .jsonl, .csv), a file, or -
    for JSONL on stdin.

    \b
    Examples:
      dedup scan examples/news
      dedup scan articles.jsonl --text-field body --date-field date --format json -o result.json
      cat articles.jsonl | dedup scan - --format csv
    """
    problems = ProblemPrinter()
    options = build_options(kwargs)
    documents = read(paths, kwargs, problems)
    if not documents:
        raise InputError(", ".join(paths), None, "no documents to scan")
    with progress_bar(not quiet) as progress:
        result = scan(documents, options=options, progress=progress)
    with output_stream(output) as out:
        render(result, fmt, out)
    return EXIT_INPUT_PROBLEMS if problems.count else EXIT_OK
