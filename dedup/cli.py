"""The ``dedup`` command: a thin shell over the library.

Parses arguments, builds ScanOptions, reads documents, calls the library, renders.
User mistakes become one-line messages and an exit code (see ``dedup.errors``);
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import click

from dedup.errors import EXIT_INPUT_PROBLEMS, EXIT_OK, DedupError, InputError
from dedup.model import Document
from dedup.options import ScanOptions
from dedup.readers import FieldMap, InputProblem, read_documents
from dedup.report import FORMATS, render
from dedup.scan import compare, scan

_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Problems:
    """Prints each input problem as one line on stderr and remembers how many there were."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, problem: InputProblem) -> None:
        self.count += 1
        click.echo(f"dedup: {problem}", err=True)


def _reader_options(command: Callable[..., Any]) -> Callable[..., Any]:
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
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def _scan_options(command: Callable[..., Any]) -> Callable[..., Any]:
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
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def _build_options(kwargs: dict[str, Any]) -> ScanOptions:
    return ScanOptions(
        threshold=kwargs["threshold"],
        shingle_size=kwargs["shingle_size"],
        min_passage_words=kwargs["min_passage_words"],
        min_similarity=kwargs["min_similarity"],
        passages=not kwargs["no_passages"],
        keep_boilerplate=kwargs["keep_boilerplate"],
    )


def _fields(kwargs: dict[str, Any]) -> FieldMap:
    return FieldMap(
        id=kwargs["id_field"],
        text=kwargs["text_field"],
        source=kwargs["source_field"],
        published=kwargs["date_field"],
        title=kwargs["title_field"],
        url=kwargs["url_field"],
    )


def _read(paths: Sequence[str], kwargs: dict[str, Any], problems: _Problems) -> list[Document]:
    for path in paths:
        if path != "-" and not Path(path).exists():
            raise click.UsageError(f"{path}: no such file or directory")
    return list(
        read_documents(
            list(paths),
            input_format=kwargs["input_format"],
            fields=_fields(kwargs),
            strict=kwargs["strict"],
            on_problem=problems,
            encoding=kwargs["encoding"],
        )
    )


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    """stdout, or a file written to a temporary name and renamed at the end (never half-written)."""
    if path is None or path == "-":
        yield sys.stdout
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or Path())
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
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
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


@click.group(context_settings=_CONTEXT)
@click.version_option(package_name="dedup")
def cli() -> None:
    """Find what was copied between texts: near-duplicates, reused passages, syndication.

    \b
    Examples:
      dedup scan examples/news
      dedup compare draft.txt wire-story.txt

    \b
    Exit codes: 0 done, 1 some input was skipped or unreadable (or --strict
    stopped at it), 2 usage error.
    """


@cli.command(context_settings=_CONTEXT)
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
@_scan_options
@_reader_options
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
    problems = _Problems()
    options = _build_options(kwargs)
    documents = _read(paths, kwargs, problems)
    if not documents:
        raise InputError(", ".join(paths), None, "no documents to scan")
    with _progress_bar(not quiet) as progress:
        result = scan(documents, options=options, progress=progress)
    with _output(output) as out:
        render(result, fmt, out)
    return EXIT_INPUT_PROBLEMS if problems.count else EXIT_OK


scan_command.name = "scan"


@cli.command(context_settings=_CONTEXT)
@click.argument("first")
@click.argument("second")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: each shared passage as it reads in both texts; json: the matches.",
)
@_scan_options
@_reader_options
def compare_command(first: str, second: str, fmt: str, **kwargs: Any) -> int:
    """Show the passages two documents share.

    \b
    Example:
      dedup compare ../shared/seeds/000_30928d8bd49eee75.txt ../shared/seeds/001_2ca13f2b2ea26b3b.txt
    """
    problems = _Problems()
    docs = _read([first, second], kwargs, problems)
    if len(docs) != 2:
        raise InputError(f"{first}, {second}", None, f"need exactly two documents, read {len(docs)}")
    a, b = docs
    matches = compare(a, b, options=_build_options(kwargs))
    if fmt == "json":
        import json

        from dedup.report.serialize import match_to_dict

        payload = {"a": a.id, "b": b.id, "matches": [match_to_dict(m) for m in matches]}
        click.echo(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        texts = {a.id: a.text, b.id: b.text}
        if not matches:
            click.echo(f"No shared passages between {a.id} and {b.id}.")
        for n, m in enumerate(matches, 1):
            click.echo(f"[{n}] similarity {m.similarity:.2f}")
            for span in (m.a, m.b):
                click.echo(f"  {span.doc_id} [{span.start}:{span.end}]")
                click.echo(f"    {texts[span.doc_id][span.start : span.end]}")
    return EXIT_INPUT_PROBLEMS if problems.count else EXIT_OK


compare_command.name = "compare"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code instead of exiting, so tests can call it."""
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None, prog_name="dedup", standalone_mode=False
        )
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("dedup: interrupted; no output file was written", err=True)
        return 130
    except DedupError as exc:
        click.echo(f"dedup: {exc}", err=True)
        return exc.exit_code
    except BrokenPipeError:
        return EXIT_OK
    return int(result) if isinstance(result, int) else EXIT_OK
