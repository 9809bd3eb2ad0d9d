"""Importing PySpark and starting a local session, with one-line messages when PySpark or Java is missing."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from dedup.errors import MissingDependencyError

LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.shuffle.partitions": "8",
    "spark.default.parallelism": "8",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
}
"""A local session touches no network: driver bound to 127.0.0.1, no web UI, no packages fetched."""


def require_pyspark() -> Any:
    """The pyspark module, or MissingDependencyError naming the pip command."""
    try:
        import pyspark
    except ImportError:
        raise MissingDependencyError("--engine spark needs PySpark: pip install 'dedup[spark]'") from None
    return pyspark


def java_missing() -> str | None:
    """Why Spark cannot start a JVM here, or None when Java is found (JAVA_HOME or ``java`` on PATH)."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return None
    if shutil.which("java"):
        return None
    return (
        "the Spark engine needs Java 17 or later: install a JRE "
        "(e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
    )


def local_session(cores: int | str = "*", *, conf: dict[str, str] | None = None) -> Any:
    """A SparkSession in local mode on this machine (``local[cores]``), reused if one is running.

    Workers run the Python that runs this (``PYSPARK_PYTHON`` unless already set), so
    they import the same dedup.
    """
    require_pyspark()
    reason = java_missing()
    if reason is not None:
        raise MissingDependencyError(reason)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(f"local[{cores}]").appName("dedup")
    for key, value in {**LOCAL_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def default_session() -> Any:
    """The session of ``spark-submit`` (its master and settings) under it, else ``local_session()``."""
    if "PYSPARK_GATEWAY_PORT" in os.environ:  # spark-submit started the JVM and then this Python
        require_pyspark()
        from pyspark.sql import SparkSession

        return SparkSession.builder.appName("dedup").getOrCreate()
    return local_session()
