"""Spark engine input: a Spark DataFrame, JSONL/Parquet paths read by Spark, or anything dedup reads.

JSONL and Parquet are read by Spark itself (the corpus never passes through the
driver); every record becomes a Document through the same field mapping as the local
readers (``readers.records.build_document``). Other inputs (a folder of .txt/.md/.html
files, CSV) are read by the local readers on the driver and handed to Spark.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dedup.errors import InputError
from dedup.model import Document
from dedup.readers import FieldMap, InputProblem, read_documents
from dedup.readers.problems import ProblemSink
from dedup.readers.records import build_document

_SPARK_FORMATS = {".jsonl": "json", ".json": "json", ".ndjson": "json", ".parquet": "parquet"}


@dataclass(frozen=True, slots=True)
class Loaded:
    """Documents as an RDD of ``(id, Document)``, and the problems met while reading them."""

    documents: Any
    problems: tuple[InputProblem, ...]
    where: str


def load(
    spark: Any, data: object, fields: FieldMap, *, partitions: int, read_options: Mapping[str, Any]
) -> Loaded:
    """Documents from a DataFrame, a path or paths, or an iterable of Documents."""
    if _is_dataframe(data):
        return _from_frame(data, fields, "<dataframe>")
    if isinstance(data, str | os.PathLike):
        paths = [os.fspath(data)]
    elif isinstance(data, Iterable):
        items = list(data)
        if all(isinstance(d, Document) for d in items):
            return Loaded(_parallelize(spark, items, partitions), (), "<documents>")
        paths = [os.fspath(p) for p in items]
    else:
        raise TypeError("dedup.spark.scan() takes a Spark DataFrame, a path, paths or Documents")
    spark_format = _spark_format(paths)
    if spark_format is not None:
        frame = spark.read.format(spark_format).load(paths)
        return _from_frame(frame, fields, ", ".join(paths))
    problems: list[InputProblem] = []
    docs = list(read_documents(paths, fields=fields, on_problem=problems.append, **read_options))
    return Loaded(_parallelize(spark, docs, partitions), tuple(problems), ", ".join(paths))


def _is_dataframe(data: object) -> bool:
    return type(data).__name__ == "DataFrame" and hasattr(data, "rdd")


def _parallelize(spark: Any, docs: list[Document], partitions: int) -> Any:
    return spark.sparkContext.parallelize([(d.id, d) for d in docs], max(1, min(partitions, len(docs))))


def _spark_format(paths: list[str]) -> str | None:
    """Spark's reader when every path is a JSONL or Parquet file, or a folder of only such files."""
    kinds: set[str | None] = set()
    for given in paths:
        path = Path(given)
        if "://" in given:  # s3://bucket/articles.parquet: Spark reads it; only the name can be looked at
            kinds.add(_SPARK_FORMATS.get(Path(given.rstrip("/")).suffix.lower()))
        elif path.is_dir():
            inside = {
                f.suffix.lower() for f in path.iterdir() if f.is_file() and not f.name.startswith((".", "_"))
            }
            kinds |= {_SPARK_FORMATS.get(s) for s in inside} if inside else {None}
        else:
            kinds.add(_SPARK_FORMATS.get(path.suffix.lower()))
    return kinds.pop() if len(kinds) == 1 and None not in kinds else None


def _from_frame(frame: Any, fields: FieldMap, where: str) -> Loaded:
    if fields.text not in frame.columns:
        columns = ", ".join(frame.columns) or "none"
        raise InputError(where, None, f'no column "{fields.text}" (columns: {columns}); use --text-field')
    if fields.id not in frame.columns:
        raise InputError(where, None, f'no column "{fields.id}": the Spark engine needs ids; use --id-field')
    converted = frame.rdd.mapPartitions(lambda rows: _documents(rows, fields, where)).cache()
    problems = converted.filter(lambda item: item[0] == "problem").map(lambda item: item[1]).take(100)
    documents = converted.filter(lambda item: item[0] == "doc").map(lambda item: (item[1].id, item[1]))
    return Loaded(documents, tuple(problems), where)


def _date_text(value: datetime) -> str:
    """A Spark timestamp as ISO text in UTC (PySpark hands them over as naive local times)."""
    return value.astimezone(UTC).isoformat()


def _documents(rows: Iterable[Any], fields: FieldMap, where: str) -> Iterator[tuple[str, Any]]:
    """("doc", Document) per good row, ("problem", InputProblem) per skipped row or ignored field."""
    found: list[InputProblem] = []
    problems = ProblemSink(strict=False, on_problem=found.append).file(where)
    for row in rows:
        record = {k: _date_text(v) if isinstance(v, datetime) else v for k, v in row.asDict(True).items()}
        text = record.get(fields.text)
        if not isinstance(text, str) or not text.strip():
            yield "problem", InputProblem(where, None, f"record {record.get(fields.id)!r}: no text, skipped")
            continue
        if record.get(fields.id) in (None, ""):
            yield "problem", InputProblem(where, None, f'a record has no "{fields.id}", skipped')
            continue
        doc = build_document(text, record, fields=fields, default_id="", line=None, problems=problems)
        yield "doc", doc
        while found:
            yield "problem", found.pop()
