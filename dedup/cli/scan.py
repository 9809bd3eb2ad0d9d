"""``dedup scan``: documents in, near-duplicates, passages and clusters out."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from dedup.cli.common import (
    CONTEXT,
    ProblemPrinter,
    build_options,
    fields,
    output_stream,
    progress_bar,
    read_stream,
    reader_options,
    scan_options,
)
from dedup.cli.index import given_options, open_index
from dedup.corpus import Corpus
from dedup.errors import EXIT_INPUT_PROBLEMS, EXIT_OK, InputError
from dedup.model import ScanResult
from dedup.options import ScanOptions
from dedup.report import FORMATS, render
from dedup.report.columnar import write_parquet
from dedup.report.html_page import write_scan_report
from dedup.scan import Progress, scan

_OPTION_FIELDS = frozenset(f.name for f in dataclasses.fields(ScanOptions))


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*FORMATS, "parquet"]),
    default="table",
    show_default=True,
    help="Output format; json is the full result with a versioned schema; parquet: a folder of tables (-o).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(),
    help="Write the result here instead of stdout (for parquet: the folder to write the tables in).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    metavar="FILE.html",
    help="Also write an HTML report: overview, clusters, matched pairs side by side (docs/reports.md).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--index",
    "archive",
    type=click.Path(dir_okay=False),
    help="Also compare with the documents of this index (dedup index add) the batch may share text with.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1, max=1024),
    default=None,
    help="Worker processes (default: every usable core). Never changes the result.",
)
@click.option(
    "--max-bucket-size",
    type=click.IntRange(min=2),
    default=ScanOptions().max_bucket_size,
    show_default=True,
    help="LSH buckets with more members link each to the first one only (counted: capped_buckets).",
)
@click.option(
    "--max-document-pairs",
    type=click.IntRange(min=1),
    default=ScanOptions().max_document_pairs,
    show_default=True,
    help="A document is aligned with at most this many others, those sharing most (capped_documents).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="spark: run the same stages on PySpark (local mode, or the cluster of spark-submit); same result.",
)
@scan_options
@reader_options
@click.pass_context
def scan_command(
    ctx: click.Context,
    /,
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    report_path: str | None,
    quiet: bool,
    archive: str | None,
    engine: str,
    **kwargs: Any,
) -> int:
    """Scan documents for near-duplicates, reused passages and syndication clusters.

    PATH is a folder (read recursively: .txt, .md, .html, .jsonl, .csv), a file, or -
    for JSONL on stdin.

    \b
    Examples:
      dedup scan examples/news
      dedup scan articles.jsonl --text-field body --date-field date --format json -o result.json
      cat articles.jsonl | dedup scan - --format csv
      dedup scan today/ --index archive.db
      dedup scan examples/news --report report.html
      dedup scan articles.jsonl --format parquet -o tables/
      dedup scan articles.parquet --engine spark --format parquet -o tables/
    """
    _check_output(fmt, output)
    problems = ProblemPrinter()
    options = dataclasses.replace(
        build_options(kwargs),
        jobs=kwargs["jobs"],
        max_bucket_size=kwargs["max_bucket_size"],
        max_document_pairs=kwargs["max_document_pairs"],
    )
    if engine == "spark":
        if archive is not None or report_path is not None:
            raise click.UsageError("--index and --report work with the local engine only")
        from dedup.spark import scan as spark_scan

        for path in paths:  # URIs (s3://, hdfs://) are Spark's to check
            if path == "-" or ("://" not in path and not Path(path).exists()):
                raise click.UsageError(f"{path}: no such file or directory (the Spark engine reads files)")
        result = spark_scan(
            list(paths),
            options=options,
            fields=fields(kwargs),
            on_problem=problems,
            input_format=kwargs["input_format"],
            encoding=kwargs["encoding"],
            strict=kwargs["strict"],
            max_chars=kwargs["max_document_chars"],
        )
        _report_limits(result.stats.capped_buckets, result.stats.capped_documents, options)
        _write(result, None, fmt, output, report_path, paths)
        return EXIT_INPUT_PROBLEMS if problems.count else EXIT_OK
    # Read once, as the files stream in; past options.memory_bytes the texts wait on disk.
    stream = read_stream(paths, kwargs, problems)
    with (
        progress_bar(not quiet) as progress,
        Corpus.collect(stream, memory_chars=options.memory_bytes, progress=progress) as documents,
    ):
        if not len(documents):
            raise InputError(", ".join(paths), None, "no documents to scan")
        texts: Mapping[str, str] = documents.texts
        if archive is None:
            result = scan(documents, options=options, progress=progress)
        else:
            result, stored = _scan_with_index(ctx, kwargs, options, archive, documents, report_path, progress)
            texts = documents.texts.with_others(stored)
        _report_limits(result.stats.capped_buckets, result.stats.capped_documents, options)
        _write(result, texts, fmt, output, report_path, paths)
    return EXIT_INPUT_PROBLEMS if problems.count else EXIT_OK


def _scan_with_index(
    ctx: click.Context,
    kwargs: dict[str, Any],
    options: ScanOptions,
    archive: str,
    documents: Corpus,
    report_path: str | None,
    progress: Progress | None,
) -> tuple[ScanResult, dict[str, str]]:
    """The scan of the batch with its related archive documents, and those documents' texts for a report."""
    # The index's own options, changed only where the user typed a value.
    typed = given_options(ctx, kwargs, tuple(kwargs))
    given = {
        name: getattr(options, name)
        for name in (*typed, "passages" if "no_passages" in typed else "")
        if name in _OPTION_FIELDS
    }
    with open_index(archive, given, create=False) as index:
        result = index.scan(documents, progress=progress)
        if report_path is None:
            return result, {}
        # the archive documents' texts, for the side-by-side view
        stored = index.store.get([d.id for d in result.documents if d.id not in documents.texts])
        return result, {s.document.id: s.document.text for s in stored}


def _write(
    result: ScanResult,
    texts: Mapping[str, str] | None,
    fmt: str,
    output: str | None,
    report_path: str | None,
    paths: tuple[str, ...],
) -> None:
    if report_path is not None and texts is not None:
        with output_stream(report_path) as page:
            write_scan_report(result, texts, page, title=f"dedup scan {' '.join(paths)}")
    if fmt == "parquet":
        write_parquet(result, str(output))
    else:
        with output_stream(output) as out:
            render(result, fmt, out)


def _check_output(fmt: str, output: str | None) -> None:
    """Parquet needs a folder and the other formats a file: say so before the scan, not after."""
    if fmt == "parquet" and output in (None, "-"):
        raise click.UsageError("--format parquet writes one file per table: give a folder with -o DIR")
    if fmt != "parquet" and output not in (None, "-") and Path(str(output)).is_dir():
        raise click.UsageError(f"{output}: is a folder; give a file name with -o (or --format parquet)")


def _report_limits(capped_buckets: int, capped_documents: int, options: ScanOptions) -> None:
    """One line on stderr when a limit cut work short, so a stock phrase's cost is never silent."""
    hit = []
    if capped_buckets:
        hit.append(
            f"{capped_buckets:,} LSH buckets had more than {options.max_bucket_size} members and were"
            " linked to their first member only (--max-bucket-size)"
        )
    if capped_documents:
        hit.append(
            f"{capped_documents:,} documents had passage candidates in more than"
            f" {options.max_document_pairs} others and were aligned with those sharing most"
            " (--max-document-pairs)"
        )
    if hit:
        click.echo(f"dedup: limits reached: {'; '.join(hit)}", err=True)
