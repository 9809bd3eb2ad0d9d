"""What every ``dedup`` subcommand shares: reader and detection options, reading, output."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import click

from dedup.atomic_file import replacing
from dedup.model import Document
from dedup.options import ScanOptions
from dedup.readers import FieldMap, InputProblem, read_documents

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class ProblemPrinter:
    """Prints each input problem as one line on stderr and remembers how many there were."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, problem: InputProblem) -> None:
        """Print one problem and count it."""
        self.count += 1
        click.echo(f"dedup: {problem}", err=True)


MAX_DOCUMENT_CHARS = 20_000_000
"""Characters of one document compared at most by default: a whole novel is ~1 million, so only
a runaway record (a concatenated dump, a binary read as text) is cut."""


def reader_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that reads documents."""
    decorators = [
        click.option(
            "--input-format",
            type=click.Choice(["files", "jsonl", "csv", "tsv"]),
            help="Read every PATH as this format instead of guessing from its extension.",
        ),
        click.option("--id-field", default="id", show_default=True, help="JSONL/CSV field holding the id."),
        click.option("--text-field", default="text", show_default=True, help="Field holding the text."),
        click.option("--source-field", default="source", show_default=True, help="Field naming the outlet."),
        click.option(
            "--date-field", default="published", show_default=True, help="Field with the publication date."
        ),
        click.option("--title-field", default="title", show_default=True, help="Field with the title."),
        click.option("--url-field", default="url", show_default=True, help="Field with the URL."),
        click.option(
            "--encoding",
            default="utf-8",
            show_default=True,
            help="Text encoding (undecodable files: Latin-1).",
        ),
        click.option("--strict", is_flag=True, help="Stop at the first unreadable file or record (exit 1)."),
        click.option(
            "--max-document-chars",
            type=click.IntRange(min=1),
            default=MAX_DOCUMENT_CHARS,
            show_default=True,
            help="Longer documents are cut to this many characters, with a warning (bounds memory).",
        ),
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def scan_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options that tune detection, shared by scan and compare."""
    defaults = ScanOptions()
    decorators = [
        click.option(
            "--threshold",
            type=float,
            default=defaults.threshold,
            show_default=True,
            help="Near-duplicate documents: shingle-set Jaccard at or above this.",
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
            help="Shortest reused passage reported, in matched words.",
        ),
        click.option(
            "--min-similarity",
            type=float,
            default=defaults.min_similarity,
            show_default=True,
            help="Lowest passage similarity (0-1) reported.",
        ),
        click.option("--no-passages", is_flag=True, help="Near-duplicate documents only (faster)."),
        click.option(
            "--keep-boilerplate",
            is_flag=True,
            help="Treat passages a source repeats in many of its documents as ordinary reuse.",
        ),
        click.option(
            "--skip-same-source",
            is_flag=True,
            help="Leave out reused passages between two documents of one source (its own reruns).",
        ),
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def build_options(kwargs: dict[str, Any]) -> ScanOptions:
    """ScanOptions from the values of ``scan_options``."""
    return ScanOptions(
        threshold=kwargs["threshold"],
        shingle_size=kwargs["shingle_size"],
        min_passage_words=kwargs["min_passage_words"],
        min_similarity=kwargs["min_similarity"],
        passages=not kwargs["no_passages"],
        keep_boilerplate=kwargs["keep_boilerplate"],
        skip_same_source=kwargs["skip_same_source"],
    )


def fields(kwargs: dict[str, Any]) -> FieldMap:
    """The FieldMap from the values of ``reader_options``."""
    return FieldMap(
        id=kwargs["id_field"],
        text=kwargs["text_field"],
        source=kwargs["source_field"],
        published=kwargs["date_field"],
        title=kwargs["title_field"],
        url=kwargs["url_field"],
    )


def read(paths: Sequence[str], kwargs: dict[str, Any], problems: ProblemPrinter) -> list[Document]:
    """Every document of the paths, in a list (see ``read_stream``)."""
    return list(read_stream(paths, kwargs, problems))


def read_stream(paths: Sequence[str], kwargs: dict[str, Any], problems: ProblemPrinter) -> Iterator[Document]:
    """Read every path with the reader options, one document at a time as the iterator is consumed.

    A path that does not exist is a usage error, raised here before anything is read.
    """
    for path in paths:
        if path != "-" and not Path(path).exists():
            raise click.UsageError(f"{path}: no such file or directory")
    return read_documents(
        list(paths),
        input_format=kwargs["input_format"],
        fields=fields(kwargs),
        strict=kwargs["strict"],
        on_problem=problems,
        encoding=kwargs["encoding"],
        max_chars=kwargs["max_document_chars"],
    )


@contextlib.contextmanager
def output_stream(path: str | None) -> Iterator[TextIO]:
    """stdout, or a file written to a temporary name and renamed at the end (never half-written)."""
    if path is None or path == "-":
        yield sys.stdout
        return
    with replacing(Path(path)) as tmp, tmp.open("w", encoding="utf-8", newline="") as out:
        yield out


@contextlib.contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on stderr when it is a terminal, one task per pipeline stage."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            known = total if total > 0 else None  # 0: not known yet (documents still being read)
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=known)
            bar.update(tasks[stage], completed=done, total=known)

        yield update
