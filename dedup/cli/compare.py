"""``dedup compare``: the passages two documents share."""

from __future__ import annotations

import json
from typing import Any

import click

from dedup.cli.common import CONTEXT, ProblemPrinter, build_options, read, reader_options, scan_options
from dedup.errors import EXIT_INPUT_PROBLEMS, EXIT_OK, InputError
from dedup.report.serialize import SCHEMA_VERSION, TOOL, match_to_dict
from dedup.scan import compare
from dedup.word_overlap import similarity


@click.command(context_settings=CONTEXT)
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
@scan_options
@reader_options
def compare_command(first: str, second: str, fmt: str, **kwargs: Any) -> int:
    """Show the passages two documents share, and their word overlap.

    The overlap is dedup.similarity of the whole texts: the share of words the two
    have in common, in any order (made for sentences and short texts).

    \b
    Example:
      dedup compare ../shared/seeds/000_30928d8bd49eee75.txt ../shared/seeds/001_2ca13f2b2ea26b3b.txt
    """
    problems = ProblemPrinter()
    docs = read([first, second], kwargs, problems)
    if len(docs) != 2:
        raise InputError(f"{first}, {second}", None, f"need exactly two documents, read {len(docs)}")
    a, b = docs
    matches = compare(a, b, options=build_options(kwargs))
    overlap = similarity(a.text, b.text)
    if fmt == "json":
        payload = {
            "schema_version": SCHEMA_VERSION,
            "tool": TOOL,
            "a": a.id,
            "b": b.id,
            "similarity": overlap,
            "matches": [match_to_dict(m) for m in matches],
        }
        click.echo(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        texts = {a.id: a.text, b.id: b.text}
        click.echo(f"Word overlap (any order) of {a.id} and {b.id}: {overlap:.2f}")
        if not matches:
            click.echo(f"No shared passages between {a.id} and {b.id}.")
        for n, m in enumerate(matches, 1):
            click.echo(f"[{n}] similarity {m.similarity:.2f}")
            for span in (m.a, m.b):
                click.echo(f"  {span.doc_id} [{span.start}:{span.end}]")
                click.echo(f"    {texts[span.doc_id][span.start : span.end]}")
    return EXIT_INPUT_PROBLEMS if problems.count else EXIT_OK
