"""One record (a JSONL object, a CSV row, front matter) to a Document, through the FieldMap.

Shared by every reader so that the same field means the same thing in every format:
an empty value is no value, a number becomes its decimal string, and a value of any
other type (a list, an object) is reported once per file and left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from dedup.model import Document
from dedup.readers.dates import parse_date
from dedup.readers.fields import FieldMap
from dedup.readers.problems import FileProblems


def build_document(
    text: str,
    record: Mapping[str, object],
    *,
    fields: FieldMap,
    default_id: str,
    line: int | None,
    problems: FileProblems,
) -> Document:
    """Make a Document of ``text`` and the metadata fields of ``record``.

    ``text`` has been taken from the record (or the file) and checked by the caller;
    the id falls back to ``default_id`` when the record has none.

    >>> from dedup.readers.problems import ProblemSink
    >>> problems = ProblemSink(strict=True, on_problem=None).file("a.jsonl")
    >>> doc = build_document("Text.", {"id": 7, "desk": "world"}, fields=FieldMap(),
    ...                      default_id="a.jsonl:1", line=1, problems=problems)
    >>> doc.id, dict(doc.meta)
    ('7', {'desk': 'world'})
    """

    def string(name: str) -> str | None:
        return field_string(record.get(name), name, line=line, problems=problems)

    names = fields.names()
    meta = {key: value for key, raw in record.items() if key not in names and (value := _scalar(raw))}
    return Document(
        string(fields.id) or default_id,
        text,
        source=string(fields.source),
        published=field_date(record.get(fields.published), fields.published, line=line, problems=problems),
        title=string(fields.title),
        url=string(fields.url),
        meta=meta,
    )


def field_string(value: object, name: str, *, line: int | None, problems: FileProblems) -> str | None:
    """A metadata value as a string: None for absent or blank, and a problem for a wrong type."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = _scalar(value)
    if text is None:
        problems.add_repeating(
            f"type:{name}",
            line,
            f'field "{name}" is {json_kind(value)}, not a string; ignored',
            noun="record",
            rest=f'with field "{name}" not a string',
        )
    return text


def field_date(value: object, name: str, *, line: int | None, problems: FileProblems) -> datetime | None:
    """A publication date, or None with a problem when it cannot be parsed: the document is kept."""
    if value is None or value == "":
        return None
    published = parse_date(value) if isinstance(value, str) else None
    if published is None:
        problems.add_repeating(
            f"date:{name}",
            line,
            f'unparseable date "{value}" in field "{name}"; kept without a date',
            noun="unparseable date",
            rest=f'in field "{name}"; kept without a date',
        )
    return published


def json_kind(value: object) -> str:
    """How messages name a value's type, in JSON's words.

    >>> json_kind([1, 2]), json_kind(None), json_kind(3.5)
    ('an array', 'null', 'a number')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def _scalar(value: object) -> str | None:
    """Strings as they are, numbers as decimal strings, anything else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None
