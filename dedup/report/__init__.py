"""Output: renderers consume a ScanResult and never change it.

``render(result, fmt, out)`` writes the stream formats; the JSON schema, JSONL record
types, CSV columns and Parquet tables are described in ``docs/schema.md``. Parquet
(``columnar.write_parquet``) writes a folder, and the HTML report
(``html_page.write_scan_report`` / ``write_check_report``) needs the documents' texts
as well, so each has its own entry point.
"""

from collections.abc import Callable
from typing import TextIO

from dedup.errors import OptionsError
from dedup.model import ScanResult
from dedup.report.serialize import SCHEMA_VERSION, dump_json, dump_jsonl, from_dict, to_dict
from dedup.report.spreadsheet import dump_csv
from dedup.report.terminal import dump_table

__all__ = ["FORMATS", "SCHEMA_VERSION", "from_dict", "render", "to_dict"]

FORMATS = ("table", "json", "jsonl", "csv")
"""The names ``render`` accepts, in the order the command line lists them."""

_RENDERERS: dict[str, Callable[[ScanResult, TextIO], None]] = {
    "table": dump_table,
    "json": dump_json,
    "jsonl": dump_jsonl,
    "csv": dump_csv,
}


def render(result: ScanResult, fmt: str, out: TextIO) -> None:
    """Write ``result`` to ``out`` in one of ``FORMATS``.

    Raises:
        OptionsError: ``fmt`` is not one of ``FORMATS`` (a usage error, exit code 2).

    >>> import io
    >>> from dedup.model import ScanStats
    >>> render(ScanResult((), (), (), (), (), (), ScanStats(0, 0, 0, 0, 0, 0, 0)), "xml", io.StringIO())
    Traceback (most recent call last):
    dedup.errors.OptionsError: unknown output format 'xml'; choose one of table, json, jsonl, csv
    """
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise OptionsError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    renderer(result, out)
