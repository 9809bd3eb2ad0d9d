"""JSON Lines: one JSON object per line, read one line at a time.

Blank lines are skipped; a file with nothing else is one problem. A line that is
not valid JSON, or not an object, or has no string text, is one problem with its
line number, and the rest of the file is still read. The first record without the
text field is reported with the fields it does have and the flag that picks another;
the rest are counted in one summary problem at the end of the file. A record without
an id (or with a blank one) gets ``"{path}:{line}"``.

Each line is decoded on its own: a line that is not valid in the encoding is read as
Latin-1 and reported (the first in full, the rest counted), while the lines around
it are decoded normally.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from dedup.model import Document
from dedup.readers.decoding import BadBytes, ascii_compatible, decode_line, label
from dedup.readers.fields import FieldMap
from dedup.readers.problems import FileProblems, os_reason
from dedup.readers.records import build_document, json_kind

Read = tuple[Document, int]


def read_jsonl_file(
    path: Path, *, id_prefix: str, fields: FieldMap, encoding: str, problems: FileProblems
) -> Iterator[Read]:
    """Yield ``(document, line)`` for each good record of a JSONL file."""
    try:
        if not ascii_compatible(encoding):  # UTF-16 and friends: let the codec find the lines
            with path.open(encoding=encoding, newline="\n") as stream:
                yield from read_jsonl_stream(stream, id_prefix=id_prefix, fields=fields, problems=problems)
            return
        with path.open("rb") as f:
            lines = _decoded_lines(f, encoding, problems)
            yield from _records(lines, id_prefix=id_prefix, fields=fields, problems=problems)
    except OSError as exc:
        problems.add(None, f"{os_reason(exc)}; rest of file skipped")


def read_jsonl_stream(
    stream: TextIO, *, id_prefix: str, fields: FieldMap, problems: FileProblems
) -> Iterator[Read]:
    """Yield ``(document, line)`` for each good record of an already-decoded stream (stdin)."""
    yield from _records(
        _stream_lines(stream, problems), id_prefix=id_prefix, fields=fields, problems=problems
    )


def _decoded_lines(raw_lines: Iterable[bytes], encoding: str, problems: FileProblems) -> Iterator[str]:
    offset = 0
    for number, raw in enumerate(raw_lines, 1):
        line, bad_index = decode_line(raw, encoding, first=number == 1)
        if bad_index is not None:
            bad = BadBytes(offset + bad_index, number, raw[bad_index])
            problems.add_repeating(
                "encoding",
                number,
                bad.reason(encoding),
                noun="line",
                rest=f"not valid {label(encoding)}; read as Latin-1",
            )
        offset += len(raw)
        yield line


def _stream_lines(stream: TextIO, problems: FileProblems) -> Iterator[str]:
    lines = iter(stream)
    number = 0
    while True:
        try:
            line = next(lines)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            encoding = getattr(stream, "encoding", None) or "its encoding"
            problems.add(number + 1, f"not valid {label(encoding)} ({exc.reason}); rest of input skipped")
            return
        number += 1
        yield line.removeprefix("\ufeff") if number == 1 else line


def _records(
    lines: Iterable[str], *, id_prefix: str, fields: FieldMap, problems: FileProblems
) -> Iterator[Read]:
    seen_any = False
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        seen_any = True
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            reason = exc.msg.removesuffix(" at")  # "Invalid control character at" already ends in "at"
            problems.add(number, f"invalid JSON ({reason} at column {exc.colno})")
            continue
        except RecursionError:
            problems.add(number, "invalid JSON (nested too deeply)")
            continue
        if not isinstance(record, dict):
            problems.add(
                number, f'not a JSON object but {json_kind(record)}; each line must be {{"text": ...}}'
            )
            continue
        if fields.text not in record:
            seen = ", ".join(sorted(record)) or "none"
            problems.add_repeating(
                "missing-text",
                number,
                f'no field "{fields.text}" (fields seen: {seen}); use --text-field',
                noun="record",
                rest=f'without field "{fields.text}"',
            )
            continue
        text = record[fields.text]
        if not isinstance(text, str):
            problems.add_repeating(
                "text-type",
                number,
                f'field "{fields.text}" is {json_kind(text)}, not a string; skipped',
                noun="record",
                rest=f'with field "{fields.text}" not a string',
            )
            continue
        if not text.strip():
            problems.add(number, "empty text, skipped")
            continue
        default_id = f"{id_prefix}:{number}"
        yield (
            build_document(
                text, record, fields=fields, default_id=default_id, line=number, problems=problems
            ),
            number,
        )
    if not seen_any and not problems.reported:
        problems.add(None, "empty file: no JSON records")
