"""Index benchmark: add throughput against scan's signature stage, index size, check latency, lookup forms.

Run ``python -m benchmarks.index`` (``--sizes 10000 100000``). For each archive size it
builds a fresh SQLite index of generated articles (``benchmarks.index.corpus``) and reports:

* add throughput (documents/s, ``Index.add`` in batches of ``--batch`` documents, one
  transaction each) against the named baseline measured in the same run on the same
  articles: scan's signature stage (tokenize, shingle sets, batched MinHash), which
  is what ``dedup.scan`` spends per document before any comparison;
* the cost of one more batch once the archive is full (incremental add);
* the file size per article;
* ``check`` latency of ~600-word drafts that reprint paragraphs of archive articles
  (half of them lightly edited): the median in the library (index open, process
  start excluded) and as a command (``python -m dedup check``, process start included),
  plus how many of the planted sources each check found;
* the lookup path: the store's per-key probes against ``(band, key) IN (VALUES ...)``,
  a temporary-table join and one ``fingerprint IN (...)`` query, on the same keys.

Results go to ``benchmarks/results/index.json``; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

import dedup
from benchmarks.index.corpus import Archive, Generator
from dedup.index import Index, SQLiteStore
from dedup.index.fingerprints import KeyScheme
from dedup.minhash import Signer
from dedup.model import Document
from dedup.normalize import tokenize, tokenize_many
from dedup.options import ScanOptions
from dedup.shingle import shingle_sets_many

RESULTS = Path(__file__).resolve().parents[1] / "results" / "index.json"
REPO = Path(__file__).resolve().parents[2]


def signature_rate(docs: list[Document], batch: int) -> float:
    """Documents/s of scan's signature stage: batched tokenising, shingle sets and MinHash, one process."""
    options = ScanOptions()
    signer = Signer(options.num_perm, options.seed)
    start = time.perf_counter()
    for first in range(0, len(docs), batch):
        tokens = tokenize_many([d.text for d in docs[first : first + batch]])
        signer.sign_many(shingle_sets_many(tokens, options.shingle_size))
    return len(docs) / (time.perf_counter() - start)


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def lookup_forms(path: Path, draft: Document) -> dict[str, float]:
    """Milliseconds of one lookup of a draft's keys: the store's, and SQL forms (min of 3; VALUES once)."""
    scheme = KeyScheme.for_options(ScanOptions())
    keys = scheme.keys([tokenize(draft.text)])[0]
    store = SQLiteStore(path, create=False)
    db = sqlite3.connect(path)
    last = db.execute("SELECT max(doc) FROM documents").fetchone()[0]
    generations = list(range((last >> 16) + 1))
    gens = ", ".join(map(str, generations))
    bands = [(b, k) for b, k in enumerate(keys.band_keys.view(np.int64).tolist())]
    fingerprints = keys.fingerprints.view(np.int64).tolist()

    def store_lookup() -> int:
        found = store.lookup(keys.band_keys, keys.fingerprints, max_postings=10)
        return len(found.bands) + len(found.fingerprints)

    def band_probes() -> int:
        query = f"SELECT doc FROM bands WHERE generation IN ({gens}) AND band = ? AND key = ?"  # noqa: S608
        return sum(len(db.execute(query, pair).fetchall()) for pair in bands)

    def band_temp_table() -> int:
        db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (generation INTEGER, band INTEGER, key INTEGER)")
        db.execute("DELETE FROM wanted")
        db.executemany(
            "INSERT INTO wanted VALUES (?, ?, ?)", [(g, b, k) for g in generations for b, k in bands]
        )
        query = (  # CROSS JOIN keeps SQLite from scanning bands for each wanted row
            "SELECT b.doc FROM wanted w CROSS JOIN bands b"
            " ON b.generation = w.generation AND b.band = w.band AND b.key = w.key"
        )
        return len(db.execute(query).fetchall())

    def band_values() -> int:
        triples = [(g, b, k) for g in generations for b, k in bands]
        marks = ", ".join("(?, ?, ?)" for _ in triples)
        query = f"SELECT doc FROM bands WHERE (generation, band, key) IN (VALUES {marks})"  # noqa: S608
        return len(db.execute(query, [v for t in triples for v in t]).fetchall())

    def fingerprint_in_list() -> int:
        marks = ", ".join("?" * len(fingerprints))
        query = f"SELECT doc FROM fingerprints WHERE generation IN ({gens}) AND fingerprint IN ({marks})"  # noqa: S608
        return len(db.execute(query, fingerprints).fetchall())

    result = {}
    for name, function, repeats in (
        ("store_lookup_20_bands_and_fingerprints", store_lookup, 3),
        ("bands_one_probe_each", band_probes, 3),
        ("bands_temp_table_join", band_temp_table, 3),
        ("bands_row_value_in_values", band_values, 1),
        ("fingerprints_one_in_list", fingerprint_in_list, 3),
    ):
        result[name] = round(min(timed(function)[0] for _ in range(repeats)) * 1000, 3)
    result["fingerprints"] = len(fingerprints)
    db.close()
    store.close()
    return result


def run_size(n: int, *, drafts: int, batch: int, commands: int, workdir: Path) -> dict[str, Any]:
    path = workdir / f"archive-{n}.db"
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    generator = Generator(seed=n)
    kept: list[Document] = []  # a sample to draft from
    add_seconds = 0.0
    generate_seconds = 0.0
    signature_seconds = 0.0
    with Index.open(path) as index:
        done = 0
        while done < n:
            clock = time.perf_counter()
            docs = generator.archive(min(batch, n - done), prefix=f"b{done // batch:04d}").documents
            generate_seconds += time.perf_counter() - clock
            # The baseline runs on every batch, right before its add, so load drift hits both.
            signature_seconds += len(docs) / signature_rate(docs, 1000)
            clock = time.perf_counter()
            index.add(docs)
            add_seconds += time.perf_counter() - clock
            done += len(docs)
            kept.extend(docs[:: max(1, n // 2000)])
            print(f"  {done:>8,} documents, add {done / add_seconds:,.0f}/s", file=sys.stderr)
        more = generator.archive(batch, prefix="extra").documents
        clock = time.perf_counter()
        index.add(more)
        extra_seconds = time.perf_counter() - clock
    size = path.stat().st_size
    if not signature_seconds:
        raise ValueError("an empty archive has nothing to measure")
    baseline = n / signature_seconds
    built = {
        "documents": n + batch,
        "add_docs_per_s": round(n / add_seconds, 1),
        "signature_docs_per_s": round(baseline, 1),
        "add_slowdown_vs_signatures": round(baseline / (n / add_seconds), 2),
        "extra_batch": {
            "documents": batch,
            "seconds": round(extra_seconds, 2),
            "docs_per_s": round(batch / extra_seconds, 1),
        },
        "generate_seconds": round(generate_seconds, 1),
        "bytes": size,
        "bytes_per_article": round(size / (n + batch)),
    }
    return built | measure_checks(path, kept, n=n, drafts=drafts, commands=commands, workdir=workdir)


def sample_of(path: Path, n: int, batch: int) -> list[Document]:
    """The articles ``run_size`` keeps to draft from, read back from a kept index."""
    ids = [f"b{b:04d}-{i:07d}" for b in range(n // batch) for i in range(0, batch, max(1, n // 2000))]
    with Index.open(path, create=False) as index:
        return [s.document for s in index.store.get(ids)]


def measure_checks(
    path: Path, kept: list[Document], *, n: int, drafts: int, commands: int, workdir: Path
) -> dict[str, Any]:
    """Check latency in the library and as a command, and the lookup forms, on a built index."""
    pool = Generator(seed=n + 1, reuse_rate=0.0)
    planted = [pool.draft(Archive(kept, []), borrowed=2, edited=bool(i % 2)) for i in range(drafts)]
    latencies: list[float] = []
    found = 0
    stats: list[dict[str, int]] = []
    with Index.open(path, create=False) as index:
        index.check(planted[0][0])  # warm the page cache once
        for draft, sources in planted:
            clock = time.perf_counter()
            result = index.check(draft)
            latencies.append((time.perf_counter() - clock) * 1000)
            found += len(sources & {p.document.doc_id for p in result.passages})
            stats.append({"candidates": result.stats.candidates, "aligned": result.stats.aligned})
    command_ms = []
    for draft, _ in planted[:commands]:
        file = workdir / "draft.txt"
        file.write_text(draft.text, encoding="utf-8")
        command = [sys.executable, "-m", "dedup", "check", str(path), str(file), "--format", "json"]
        clock = time.perf_counter()
        done = subprocess.run(command, check=False, capture_output=True, text=True, cwd=REPO)
        if done.returncode != 0:
            raise SystemExit(f"dedup check exited {done.returncode}: {done.stderr.strip()}")
        command_ms.append((time.perf_counter() - clock) * 1000)
    latencies.sort()
    return {
        "check_library_ms": {
            "median": round(statistics.median(latencies), 1),
            "p90": round(latencies[int(0.9 * (len(latencies) - 1))], 1),
            "max": round(latencies[-1], 1),
            "drafts": len(latencies),
        },
        "check_command_ms": {"median": round(statistics.median(command_ms), 1), "runs": len(command_ms)},
        "planted_sources_found": f"{found}/{2 * len(planted)}",
        "candidates_median": statistics.median(s["candidates"] for s in stats),
        "aligned_median": statistics.median(s["aligned"] for s in stats),
        "lookup_ms": lookup_forms(path, planted[0][0]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.index", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--drafts", type=int, default=40)
    parser.add_argument("--commands", type=int, default=10)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", type=Path, help="Build the indexes in this folder and keep them.")
    parser.add_argument(
        "--checks-only",
        action="store_true",
        help="Re-measure checks on the indexes kept in --keep; add figures come from --output.",
    )
    args = parser.parse_args(argv)
    if args.checks_only:
        return recheck(args)
    runs = []
    with tempfile.TemporaryDirectory(prefix="dedup-index-bench-") as tmp:
        workdir: Path = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            print(f"archive of {n:,} articles", file=sys.stderr)
            runs.append(
                run_size(n, drafts=args.drafts, batch=args.batch, commands=args.commands, workdir=workdir)
            )
            print(json.dumps(runs[-1], indent=2), file=sys.stderr)
    payload = {
        "benchmark": "index",
        "dedup_version": dedup.__version__,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "sqlite": sqlite3.sqlite_version,
        },
        "baseline": "scan's signature stage (tokenize, shingle sets, MinHash) on the same articles",
        "runs": runs,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(table(runs))
    return 0


def recheck(args: argparse.Namespace) -> int:
    """Replace the check figures of each size in the results with a new measurement."""
    if args.keep is None:
        raise SystemExit("--checks-only needs --keep DIR with the indexes of an earlier run")
    payload = json.loads(args.output.read_text(encoding="utf-8"))
    for run in payload["runs"]:
        n = run["documents"] - args.batch
        if n not in args.sizes:
            continue
        path = args.keep / f"archive-{n}.db"
        print(f"checks on {path}", file=sys.stderr)
        kept = sample_of(path, n, args.batch)
        run.update(
            measure_checks(path, kept, n=n, drafts=args.drafts, commands=args.commands, workdir=args.keep)
        )
    payload["checks_measured"] = datetime.now(UTC).isoformat(timespec="seconds")
    args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(table(payload["runs"]))
    return 0


def table(runs: list[dict[str, Any]]) -> str:
    """The markdown table for docs/index-and-check.md."""
    lines = [
        "| articles | add (docs/s) | scan signatures (docs/s) | ratio | one more batch of 2,000 "
        "| bytes/article | check, library (median / p90) | check, command (median) | sources found |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        lines.append(
            f"| {r['documents']:,} | {r['add_docs_per_s']:,.0f} | {r['signature_docs_per_s']:,.0f} "
            f"| {r['add_slowdown_vs_signatures']:.2f}x | {r['extra_batch']['seconds']:.1f} s "
            f"| {r['bytes_per_article']:,} | {r['check_library_ms']['median']:.0f} / "
            f"{r['check_library_ms']['p90']:.0f} ms | {r['check_command_ms']['median']:.0f} ms "
            f"| {r['planted_sources_found']} |"
        )
    return "\n".join(lines)
