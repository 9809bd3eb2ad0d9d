"""``dedup.spark.scan``: the local scan's stages on Spark, with the same result."""

from __future__ import annotations

from operator import add
from typing import Any

from dedup.errors import DuplicateIdError, InputError
from dedup.readers import FieldMap, InputProblem
from dedup.readers.problems import ProblemHandler
from dedup.spark import local_parts as local
from dedup.spark import stages
from dedup.spark.assemble import SparkResult, assemble
from dedup.spark.inputs import load
from dedup.spark.local_parts import ScanOptions, ScanResult
from dedup.spark.session import default_session, require_pyspark


def scan(
    data: object,
    *,
    options: ScanOptions | None = None,
    spark: Any = None,
    fields: FieldMap | None = None,
    partitions: int | None = None,
    on_problem: ProblemHandler | None = None,
    **read_options: Any,
) -> ScanResult:
    """Scan a corpus on Spark: the same near-duplicates, matches and clusters as ``dedup.scan``.

    The arguments are ``run``'s; the result is collected on the driver.
    """
    found = run(
        data,
        options=options,
        spark=spark,
        fields=fields,
        partitions=partitions,
        on_problem=on_problem,
        **read_options,
    )
    try:
        return found.collect()
    finally:
        found.release()


def run(
    data: object,
    *,
    options: ScanOptions | None = None,
    spark: Any = None,
    fields: FieldMap | None = None,
    partitions: int | None = None,
    on_problem: ProblemHandler | None = None,
    **read_options: Any,
) -> SparkResult:
    """Scan a corpus on Spark and keep the result distributed: RDDs of documents, pairs, matches, clusters.

    ``SparkResult.collect()`` is what ``scan`` returns; ``SparkResult.release()`` frees
    the cached stages.

    Args:
        data: a Spark DataFrame (one row per document), a path or paths (JSONL and Parquet
            files or folders of them are read by Spark; other inputs by dedup's readers on
            the driver), or an iterable of Documents.
        options: as for ``dedup.scan``.
        spark: the SparkSession to run on; None starts (or reuses) a local one.
        fields: which columns hold the id, text and metadata.
        partitions: partitions of every shuffle; None: one per 256 documents, at most the
            session's default parallelism.
        on_problem: called with each record skipped or field ignored while reading.
        **read_options: passed to ``read_documents`` for inputs read on the driver
            (``input_format``, ``encoding``, ``strict``, ``max_chars``).

    Raises:
        MissingDependencyError: PySpark or Java is missing (the message says what to install).
        DuplicateIdError: two documents share an id.
        InputError: there are no documents to scan.
    """
    require_pyspark()
    opts = options or ScanOptions()
    session = spark if spark is not None else default_session()
    most = partitions or int(session.sparkContext.defaultParallelism)
    loaded = load(session, data, fields or FieldMap(), partitions=most, read_options=read_options)
    for problem in loaded.problems:
        _report(problem, on_problem)
    cached_before = frozenset(session.sparkContext._jsc.getPersistentRDDs().keys())
    documents = loaded.documents.persist()
    count = documents.count()
    if count == 0:
        raise InputError(loaded.where, None, "no documents to scan")
    # Each partition costs a task per stage: a small corpus is not spread thinner than this.
    parts = partitions or max(1, min(most, -(-count // _DOCS_PER_PARTITION)))
    try:
        return _run(documents, opts, parts, cached_before)
    except BaseException:
        documents.unpersist()
        raise


_DOCS_PER_PARTITION = 256


def _report(problem: InputProblem, on_problem: ProblemHandler | None) -> None:
    if on_problem is not None:
        on_problem(problem)


def _run(documents: Any, opts: ScanOptions, partitions: int, cached_before: frozenset[int]) -> SparkResult:
    repeated = documents.map(lambda kv: (kv[0], 1)).reduceByKey(lambda a, b: a + b, partitions)
    twice = repeated.filter(lambda kv: kv[1] > 1).keys().takeOrdered(1)
    if twice:
        raise DuplicateIdError(f"two documents have the id {twice[0]!r}; ids must be unique")
    rows = stages.numbered(documents, partitions).persist()
    feats = stages.features(rows, opts).persist()
    near = stages.near_duplicates(feats, opts, partitions)
    if opts.passages:
        found = stages.passages(rows, opts, partitions)
        matches = found.matches.persist()
        window_candidates, regions, passage_capped = found.window_candidates, found.regions, found.capped
    else:
        matches = documents.context.emptyRDD()
        window_candidates, regions, passage_capped = 0, 0, 0
    counts = local.Counts(
        shingles=feats.map(lambda kv: len(kv[1][1].shingles)).fold(0, add),
        duplicate_candidates=near.candidates,
        window_candidates=window_candidates,
        regions=regions,
        capped_buckets=near.capped + passage_capped,
    )
    return assemble(documents, rows, feats, near.pairs, matches, counts, opts, partitions, cached_before)
