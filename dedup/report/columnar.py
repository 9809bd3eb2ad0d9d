"""Parquet output: the result as flat tables for pandas, DuckDB, Polars or Spark.

One file per table in a folder, one row per thing: ``documents``, ``duplicates``,
``matches``, ``passages`` (one row per occurrence, reused and boilerplate alike, told
apart by ``kind``) and ``clusters`` (one row per member document). The columns are
described in ``docs/schema.md``. pyarrow is an optional extra (``dedup[parquet]``),
imported only here and only when Parquet is asked for.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from dedup.atomic_file import replacing
from dedup.errors import MissingDependencyError
from dedup.model import PassageCluster, ScanResult

TABLES = ("documents", "duplicates", "matches", "passages", "clusters")
"""The files ``write_parquet`` writes, as ``NAME.parquet``."""


def _pyarrow() -> tuple[Any, Any]:
    """Import pyarrow and pyarrow.parquet, or raise MissingDependencyError naming the pip command."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise MissingDependencyError("--format parquet needs pyarrow: pip install 'dedup[parquet]'") from None
    return pyarrow, pyarrow.parquet


def _occurrences(kind: str, passages: Sequence[PassageCluster]) -> Iterator[dict[str, Any]]:
    for index, passage in enumerate(passages):
        for span in passage.spans:
            yield {
                "kind": kind,
                "passage": index,
                "doc_id": span.doc_id,
                "start": span.start,
                "end": span.end,
                "origin": span == passage.origin,
                "text": passage.text,
            }


def tables(result: ScanResult) -> dict[str, list[dict[str, Any]]]:
    """Each table as a list of rows (plain dicts): what the Parquet files hold, without pyarrow.

    >>> from dedup.model import ScanStats
    >>> empty = ScanResult((), (), (), (), (), (), ScanStats(0, 0, 0, 0, 0, 0, 0))
    >>> sorted(tables(empty)) == sorted(TABLES)
    True
    """
    return {
        "documents": [
            {
                "id": d.id,
                "source": d.source,
                "published": d.published,
                "title": d.title,
                "url": d.url,
                "chars": d.chars,
                "words": d.words,
            }
            for d in result.documents
        ],
        "duplicates": [
            {"a": p.a, "b": p.b, "jaccard": p.jaccard, "estimate": p.estimate} for p in result.duplicates
        ],
        "matches": [
            {
                "a_id": m.a.doc_id,
                "a_start": m.a.start,
                "a_end": m.a.end,
                "b_id": m.b.doc_id,
                "b_start": m.b.start,
                "b_end": m.b.end,
                "similarity": m.similarity,
            }
            for m in result.matches
        ],
        "passages": [
            *_occurrences("reused", result.passages),
            *_occurrences("boilerplate", result.boilerplate),
        ],
        "clusters": [
            {
                "cluster": index,
                "doc_id": doc_id,
                "coverage": cluster.coverage.get(doc_id, 0.0),
                "origin": doc_id == cluster.origin,
                "passages": list(cluster.passages),
            }
            for index, cluster in enumerate(result.clusters)
            for doc_id in cluster.doc_ids
        ],
    }


def _schemas(pa: Any) -> Mapping[str, Any]:
    """Fixed column types, so an empty table has the same schema as a full one."""
    text, integer, real, flag = pa.string(), pa.int64(), pa.float64(), pa.bool_()
    return {
        "documents": pa.schema(
            [
                ("id", text),
                ("source", text),
                ("published", pa.timestamp("us", tz="UTC")),
                ("title", text),
                ("url", text),
                ("chars", integer),
                ("words", integer),
            ]
        ),
        "duplicates": pa.schema([("a", text), ("b", text), ("jaccard", real), ("estimate", real)]),
        "matches": pa.schema(
            [
                ("a_id", text),
                ("a_start", integer),
                ("a_end", integer),
                ("b_id", text),
                ("b_start", integer),
                ("b_end", integer),
                ("similarity", real),
            ]
        ),
        "passages": pa.schema(
            [
                ("kind", pa.dictionary(pa.int8(), text)),
                ("passage", integer),
                ("doc_id", text),
                ("start", integer),
                ("end", integer),
                ("origin", flag),
                ("text", text),
            ]
        ),
        "clusters": pa.schema(
            [
                ("cluster", integer),
                ("doc_id", text),
                ("coverage", real),
                ("origin", flag),
                ("passages", pa.list_(integer)),
            ]
        ),
    }


def write_parquet(result: ScanResult, folder: str | Path) -> list[Path]:
    """Write ``TABLES`` as ``folder/NAME.parquet`` (the folder is created); returns the paths.

    Every table is written under a temporary name and all are renamed at the end, so an
    interrupted run leaves no half-written table and no mix of old and new tables.

    Raises:
        MissingDependencyError: pyarrow is not installed.
    """
    pa, pq = _pyarrow()
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    schemas = _schemas(pa)
    written = []
    with contextlib.ExitStack() as renames:  # every table under a temporary name, renamed together
        for name, rows in tables(result).items():
            path = target / f"{name}.parquet"
            table = pa.Table.from_pylist(rows, schema=schemas[name])
            pq.write_table(table, renames.enter_context(replacing(path)))
            written.append(path)
    return written
