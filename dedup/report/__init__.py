"""Output: renderers consume a ScanResult and never change it."""

from typing import TextIO

from dedup.errors import OptionsError
from dedup.model import ScanResult
from dedup.report.serialize import SCHEMA_VERSION, dump_json, dump_jsonl, from_dict, to_dict
from dedup.report.spreadsheet import dump_csv
from dedup.report.terminal import dump_table

FORMATS = ("table", "json", "jsonl", "csv")

_RENDERERS = {"table": dump_table, "json": dump_json, "jsonl": dump_jsonl, "csv": dump_csv}


def render(result: ScanResult, fmt: str, out: TextIO) -> None:
    """Write ``result`` to ``out`` in one of ``FORMATS``."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise OptionsError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    renderer(result, out)


__all__ = ["FORMATS", "SCHEMA_VERSION", "from_dict", "render", "to_dict"]
