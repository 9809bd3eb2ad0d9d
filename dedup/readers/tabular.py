"""CSV and TSV files with a header row: one document per row.

The first non-blank row names the columns. A file without the text column is one
problem naming the columns it has and the flag that picks another, and is skipped.
A row with more or fewer fields than the header is a problem and skipped (its values
cannot be trusted to be in the right columns). Line numbers are the physical line
where a record starts, so a quoted field with newlines inside does not shift them.
A malformed file (a quote left open, text after a closing quote) is one problem at the record where
parsing failed, and the rest of that file is skipped.

CSV is read with the standard quoting rules (RFC 4180): a quoted field may hold
commas, doubled quotes and newlines; a quote left open, or text after a closing
quote, is malformed. TSV follows the IANA definition instead: no quoting at all, so
a quote character is just text (news sentences often start with one) and a field
cannot hold a tab or a newline. The file's encoding is checked first, in chunks; a
file that is not valid in it is read as Latin-1 with one problem.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from dedup.model import Document
from dedup.readers.decoding import FALLBACK, find_bad_bytes, text_codec
from dedup.readers.fields import FieldMap
from dedup.readers.problems import FileProblems, os_reason
from dedup.readers.records import build_document

Read = tuple[Document, int]

# Articles are long: csv's default field limit (128 KiB) would reject a long story.
_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)


def read_table_file(
    path: Path, *, delimiter: str, id_prefix: str, fields: FieldMap, encoding: str, problems: FileProblems
) -> Iterator[Read]:
    """Yield ``(document, line)`` for each good row of a CSV or TSV file."""
    try:
        bad = find_bad_bytes(path, encoding)
        if bad is not None:
            problems.add(bad.line, bad.reason(encoding))
        codec = FALLBACK if bad is not None else text_codec(encoding)
        with path.open(encoding=codec, newline="") as stream:
            yield from read_table(
                stream, delimiter=delimiter, id_prefix=id_prefix, fields=fields, problems=problems
            )
    except OSError as exc:
        problems.add(None, f"{os_reason(exc)}; rest of file skipped")


def read_table(
    lines: Iterable[str], *, delimiter: str, id_prefix: str, fields: FieldMap, problems: FileProblems
) -> Iterator[Read]:
    r"""Yield ``(document, line)`` for each good row of decoded CSV/TSV lines (a file opened with newline="").

    >>> from dedup.readers.problems import ProblemSink
    >>> rows = ["id,text\n", 'a,"Two\n', 'lines"\n', "b,One line\n"]
    >>> problems = ProblemSink(strict=True, on_problem=None).file("t.csv")
    >>> [(d.id, d.text, line) for d, line in read_table(rows, delimiter=",", id_prefix="t.csv",
    ...                                                   fields=FieldMap(), problems=problems)]
    [('a', 'Two\nlines', 2), ('b', 'One line', 4)]
    """
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    tsv = delimiter == "\t"
    kind = "TSV" if tsv else "CSV"
    reader = csv.reader(
        lines, delimiter=delimiter, quoting=csv.QUOTE_NONE if tsv else csv.QUOTE_MINIMAL, strict=True
    )
    header: list[str] | None = None
    records = 0
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.add(start, f"malformed {kind} ({exc}); rest of file skipped")
            return
        except UnicodeDecodeError as exc:
            problems.add(start, f"cannot decode ({exc.reason}); rest of file skipped")
            return
        if not row:  # a blank line
            continue
        if header is None:
            header = [row[0].removeprefix("\ufeff"), *row[1:]]
            if fields.text not in header:
                columns = ", ".join(header)
                problems.add(None, f'no column "{fields.text}" (columns: {columns}); use --text-field')
                return
            continue
        records += 1
        if len(row) != len(header):
            problems.add(start, f"row has {len(row)} fields, header has {len(header)}")
            continue
        record = dict(zip(header, row, strict=True))
        text = record[fields.text]
        if not text.strip():
            problems.add(start, "empty text, skipped")
            continue
        default_id = f"{id_prefix}:{start}"
        yield (
            build_document(text, record, fields=fields, default_id=default_id, line=start, problems=problems),
            start,
        )
    if header is None:
        problems.add(None, "empty file, no header row; skipped")
    elif records == 0:
        problems.add(None, f"no rows after the header ({kind}); nothing to read")
