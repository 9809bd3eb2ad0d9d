"""Spark engine (local mode) against the local engine on the same generated corpus, in one run.

    python -m benchmarks.spark_scale --documents 20000 [--documents 100000 --spark-only]

Each engine scans in a fresh subprocess, so peak memory is that scan's alone. The
corpus (``benchmarks/corpus.py``, seed 7) is written once as a Parquet folder: the
Spark engine reads it with Spark, the local engine reads the same documents into
memory. Timed: the scan, from documents to the collected ScanResult (the corpus
generation is not timed). Each child reports a digest of its result's JSON, so the run
also says whether both engines gave the same answer. Results go to
``benchmarks/results/spark.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.speed.timing import RESULTS, machine, now

SEED = 7


def write_corpus(n: int, folder: Path) -> None:
    """The generated corpus as Parquet part files of 5,000 articles."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from benchmarks.corpus import generate

    docs = generate(n, seed=SEED)
    folder.mkdir(parents=True, exist_ok=True)
    for part, start in enumerate(range(0, n, 5000)):
        chunk = docs[start : start + 5000]
        table = pa.table(
            {
                "id": [d.id for d in chunk],
                "text": [d.text for d in chunk],
                "source": [d.source for d in chunk],
                "published": pa.array([d.published for d in chunk], type=pa.timestamp("us", tz="UTC")),
                "title": [d.title for d in chunk],
                "url": [d.url for d in chunk],
            }
        )
        pq.write_table(table, folder / f"part-{part:04d}.parquet")


def child(engine: str, folder: Path, cores: int, partitions: int | None, memory: str) -> dict[str, Any]:
    """Scan the corpus with one engine; time, result digest and counts."""
    import dedup
    from dedup.report import to_dict

    if engine == "local":
        import pyarrow.parquet as pq

        from benchmarks.corpus import generate

        n = sum(pq.read_metadata(p).num_rows for p in folder.glob("*.parquet"))
        docs = generate(n, seed=SEED)
        start = time.perf_counter()
        result = dedup.scan(docs)
    else:
        from dedup import spark as dedup_spark

        session = dedup_spark.local_session(cores, conf={"spark.driver.memory": memory})
        session.sparkContext.setLogLevel("ERROR")
        start = time.perf_counter()
        result = dedup_spark.scan(str(folder), spark=session, partitions=partitions)
    seconds = time.perf_counter() - start
    digest = hashlib.sha256(json.dumps(to_dict(result), sort_keys=True, default=str).encode()).hexdigest()
    return {
        "engine": engine,
        "seconds": round(seconds, 2),
        "digest": digest[:16],
        "documents": result.stats.documents,
        "duplicates": len(result.duplicates),
        "matches": len(result.matches),
        "clusters": len(result.clusters),
        "capped_buckets": result.stats.capped_buckets,
    }


def run(engine: str, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.spark_scale", "--child", engine, "--folder", str(folder)]
    command += ["--cores", str(args.cores), "--memory", args.memory]
    if args.partitions:
        command += ["--partitions", str(args.partitions)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout, check=False)
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # largest child so far
    if done.returncode != 0:
        (RESULTS / f"spark-{engine}-stderr.log").write_text(done.stderr)  # the whole story, for a post-mortem
        lines = done.stderr.strip().splitlines()
        tail = [line for line in lines if "Error" in line or "Exception" in line][:5] or lines[-3:]
        return {"engine": engine, "status": "failed", "wall_seconds": round(wall, 1), "error": tail}
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    report.update(status="ok", wall_seconds=round(wall, 1), peak_rss_mb_so_far=round(peak_mb))
    return report


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.spark_scale")
    parser.add_argument("--documents", type=int, action="append")
    parser.add_argument(
        "--spark-only", action="store_true", help="skip the local engine (e.g. past its memory)"
    )
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=None)
    parser.add_argument("--memory", default="4g", help="spark.driver.memory (local mode: the whole JVM)")
    parser.add_argument("--timeout", type=float, default=7200)
    parser.add_argument("--child", choices=["local", "spark"])
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.folder, args.cores, args.partitions, args.memory)))
        return 0
    path = RESULTS / "spark.json"
    saved: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {"runs": []}
    for n in args.documents or [20000]:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "corpus"
            write_corpus(n, folder)
            engines = ["spark"] if args.spark_only else ["local", "spark"]
            reports = {engine: run(engine, folder, args) for engine in engines}
        entry: dict[str, Any] = {"documents": n, "measured": now(), "machine": machine(), **reports}
        local, spark = reports.get("local"), reports["spark"]
        if local and local["status"] == spark["status"] == "ok":
            entry["spark_over_local"] = round(spark["seconds"] / local["seconds"], 2)
            entry["same_result"] = local["digest"] == spark["digest"]
        print(json.dumps(entry, indent=1))
        saved["runs"].append(entry)
        path.write_text(json.dumps(saved, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
