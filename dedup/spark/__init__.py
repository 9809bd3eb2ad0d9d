"""The Spark engine: ``dedup.spark.scan(dataframe_or_path)`` runs the local scan's stages on a Spark cluster.

PySpark is an optional extra (``pip install 'dedup[spark]'``) and needs Java; both are
checked when a scan starts, with a one-line message naming what to install. Importing
this package does not import PySpark.
"""

from dedup.spark.assemble import SparkResult
from dedup.spark.engine import run, scan
from dedup.spark.session import local_session

__all__ = ["SparkResult", "local_session", "run", "scan"]
