"""The Spark engine gives the local engine's answer (Spark in local mode, on 127.0.0.1, UI off).

One session for the whole run; without PySpark or Java the tests skip, except under
CI=true, where a skipped Spark test would hide a broken engine, so it fails instead.
Inputs cover every way in: Documents, a Parquet folder, a DataFrame, JSONL through the CLI.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import dedup
from benchmarks.corpus import generate
from dedup.cli import main
from dedup.cluster import UnionFind
from dedup.errors import DuplicateIdError, InputError, MissingDependencyError
from dedup.model import Document
from dedup.spark import session as spark_session
from tests.conftest import EXAMPLES

PARTITIONS = 3  # more than one, and odd: buckets and document pairs spread over partitions


def _unavailable() -> str | None:
    try:
        spark_session.require_pyspark()
    except MissingDependencyError as exc:
        return str(exc)
    return spark_session.java_missing()


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    reason = _unavailable()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Spark tests must run in CI: {reason}")
        pytest.skip(reason)
    session = spark_session.local_session(2, conf={"spark.sql.shuffle.partitions": str(PARTITIONS)})
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def spark_scan(data: object, spark: Any, **kwargs: Any) -> dedup.ScanResult:
    from dedup import spark as dedup_spark

    return dedup_spark.scan(data, spark=spark, partitions=PARTITIONS, **kwargs)


def as_records(docs: list[Document]) -> list[dict[str, Any]]:
    return [
        {
            "id": d.id,
            "text": d.text,
            "source": d.source,
            "published": d.published.isoformat() if d.published else None,
            "title": d.title,
            "url": d.url,
        }
        for d in docs
    ]


def test_example_corpus_gives_the_local_answer(spark: Any) -> None:
    docs = list(dedup.read_documents(EXAMPLES))
    local = dedup.scan(docs)
    assert local.duplicates  # the example has near-duplicates, matches, boilerplate and clusters
    assert local.matches
    assert local.boilerplate
    assert local.clusters
    cached = len(spark.sparkContext._jsc.getPersistentRDDs())
    assert spark_scan(docs, spark) == local
    assert len(spark.sparkContext._jsc.getPersistentRDDs()) == cached  # the scan's caches are released


def test_generated_corpus_read_by_spark_from_parquet_gives_the_local_answer(
    spark: Any, tmp_path: Path
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    docs = generate(3000, seed=7)  # "a few thousand articles" (issue #7)
    table = pa.table(
        {
            "id": [d.id for d in docs],
            "text": [d.text for d in docs],
            "source": [d.source for d in docs],
            "title": [d.title for d in docs],
            "url": [d.url for d in docs],
            "published": pa.array([d.published for d in docs], type=pa.timestamp("us", tz="UTC")),
        }
    )
    folder = tmp_path / "corpus"
    folder.mkdir()
    for n, part in enumerate(range(0, len(docs), 400)):  # a folder of part files, as Spark writes them
        pq.write_table(table.slice(part, 400), folder / f"part-{n}.parquet")
    local = dedup.scan(docs)
    assert len(local.duplicates) > 10
    assert len(local.matches) > 100
    assert len(local.clusters) > 50
    assert spark_scan(str(folder), spark) == local


def test_dataframe_with_a_stock_phrase_caps_the_bucket_like_the_local_engine(spark: Any) -> None:
    phrase = " Stay with the Harbour Ledger for updates on this developing story as the day goes on."
    docs = [replace(d, text=d.text + phrase) for d in dedup.read_documents(EXAMPLES)]
    options = dedup.ScanOptions(max_bucket_size=3)
    local = dedup.scan(docs, options=options)
    assert local.stats.capped_buckets > 0
    frame = spark.createDataFrame(as_records(docs))
    assert spark_scan(frame, spark, options=options) == local


def test_command_line_engine_spark_reads_jsonl_with_spark_and_writes_the_local_json(
    spark: Any, seeds_dir: Path, tmp_path: Path
) -> None:
    corpus = tmp_path / "seeds.jsonl"
    records = as_records(list(dedup.read_documents(seeds_dir)))
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    local_out, spark_out = tmp_path / "local.json", tmp_path / "spark.json"
    assert main(["scan", str(corpus), "--format", "json", "-o", str(local_out)]) == 0
    assert main(["scan", str(corpus), "--engine", "spark", "--format", "json", "-o", str(spark_out)]) == 0
    assert json.loads(local_out.read_text(encoding="utf-8"))["matches"]  # the seed pair shares passages
    assert spark_out.read_text(encoding="utf-8") == local_out.read_text(encoding="utf-8")


def test_two_documents_with_one_id_are_refused(spark: Any) -> None:
    frame = spark.createDataFrame([{"id": "a", "text": "One text."}, {"id": "a", "text": "Another text."}])
    with pytest.raises(DuplicateIdError, match="'a'"):
        spark_scan(frame, spark)


def test_a_frame_without_the_text_column_or_without_rows_is_a_one_line_input_error(spark: Any) -> None:
    frame = spark.createDataFrame([{"id": "a", "body": "One text."}])
    with pytest.raises(InputError, match=r'no column "text" \(columns: .*body.*\); use --text-field'):
        spark_scan(frame, spark)
    blank = spark.createDataFrame([{"id": "a", "text": "   "}])
    with pytest.raises(InputError, match="no documents to scan"):
        spark_scan(blank, spark)


def test_connected_components_equal_union_find_on_random_graphs_and_a_long_chain(spark: Any) -> None:
    from dedup.spark.components import components

    rng = random.Random(3)
    chain = [f"n{i:03d}" for i in range(100)]
    rng.shuffle(chain)  # a path whose labels zigzag: the slow case for label propagation
    graphs = [list(itertools.pairwise(chain))]
    nodes = [f"d{i}" for i in range(80)]
    graphs.append([(rng.choice(nodes), rng.choice(nodes)) for _ in range(80)])
    for edges in graphs:
        nodes = sorted({n for e in edges for n in e if e[0] != e[1]})
        index = {n: i for i, n in enumerate(nodes)}
        sets = UnionFind(len(nodes))
        for a, b in edges:
            sets.union(index[a], index[b])
        expected = {nodes[i]: nodes[min(group)] for group in sets.groups() for i in group}
        labels = dict(components(spark.sparkContext.parallelize(edges, PARTITIONS), PARTITIONS).collect())
        assert labels == expected
