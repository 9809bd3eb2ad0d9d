"""The Spark engine gives the local engine's answer (Spark in local mode, on 127.0.0.1, UI off).

One session for the whole module; without PySpark or Java the tests skip, except under
CI=true, where a skipped Spark test would hide a broken engine and fails instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

import dedup
from dedup.errors import MissingDependencyError
from dedup.spark import session as spark_session
from tests.conftest import EXAMPLES

PARTITIONS = 3  # few and odd: members of one bucket or document pair land in different partitions


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
    from dedup import spark as dspark

    return dspark.scan(data, spark=spark, partitions=PARTITIONS, **kwargs)


def test_example_corpus_gives_the_local_answer(spark: Any) -> None:
    docs = list(dedup.read_documents(EXAMPLES))
    local = dedup.scan(docs)
    assert local.duplicates  # the example has all three
    assert local.matches
    assert local.clusters
    assert spark_scan(docs, spark) == local
