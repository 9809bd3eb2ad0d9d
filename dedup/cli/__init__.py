"""The ``dedup`` command: a thin shell over the library, one module per subcommand.

Parses arguments, builds ScanOptions, reads documents, calls the library, renders.
User mistakes become one-line messages and an exit code (see ``dedup.errors``);
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from dedup.cli.check import check_command
from dedup.cli.common import CONTEXT
from dedup.cli.compare import compare_command
from dedup.cli.index import index_group
from dedup.cli.scan import scan_command
from dedup.errors import EXIT_OK, DedupError


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="dedup")
def cli() -> None:
    """Find what was copied between texts: near-duplicates, reused passages, syndication.

    \b
    Examples:
      dedup scan examples/news
      dedup compare draft.txt wire-story.txt
      dedup index add archive.db examples/news
      dedup check archive.db draft.txt --fail-over 0.3

    \b
    Exit codes: 0 done, 1 some input was skipped or unreadable (or --strict
    stopped at it), 2 usage error, 3 dedup check --fail-over: over the limit.
    """


cli.add_command(scan_command, "scan")
cli.add_command(compare_command, "compare")
cli.add_command(index_group, "index")
cli.add_command(check_command, "check")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code instead of exiting, so tests can call it."""
    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        result = cli.main(args=args, prog_name="dedup", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo(f"dedup: interrupted; {_what_was_kept(args)}", err=True)
        return 130
    except DedupError as exc:
        click.echo(f"dedup: {exc}", err=True)
        return exc.exit_code
    except BrokenPipeError:
        return EXIT_OK
    return int(result) if isinstance(result, int) else EXIT_OK


def _what_was_kept(args: list[str]) -> str:
    """What an interrupted command leaves behind, so the user knows whether to re-run it."""
    words = [a for a in args if not a.startswith("-")][:2]
    if words == ["index", "add"]:
        return "whole batches already added are kept, the one in progress was rolled back; run it again"
    if words[:1] == ["index"]:
        return "the index is unchanged"
    return "no half-written output file was left; run it again"
