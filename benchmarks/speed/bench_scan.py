"""End-to-end ``dedup.scan`` at 10k and 100k generated articles: wall time, peak RSS, growth.

Each size runs in a fresh subprocess (``scan_child``), so peak RSS is that scan's
alone; the parent also reads the child's ``ru_maxrss`` from ``os.wait4`` in case the
child dies before reporting. A child that passes its time limit is stopped, and the
last progress it reported is kept. A child's address space is capped (``--memory-limit``)
so a runaway scan fails with MemoryError instead of exhausting a shared machine. The
scan is timed after the corpus is generated; the default ``ScanOptions`` are used
(document and passage level, alignment, clustering; ``jobs``: every usable core).

Memory: the scan process's own peak RSS (``peak_rss_mb``), its largest worker's, and
the peak of the proportional set size summed over the scan process and its workers,
sampled every 0.2 s (``peak_pss_with_workers_mb``). Forked workers map the parent's
pages copy-on-write, so their RSS counts pages the parent holds too; PSS shares each
page out. The target is judged on the larger of the parent's peak RSS and that sum.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.speed.timing import RESULTS, Json, machine, now, target

CORPUS_SEED = 7
REPO = Path(__file__).resolve().parents[2]


def run_child(arguments: list[str], *, timeout: float, memory_gib: float) -> Json:
    """Run ``scan_child`` with ``arguments``; its JSON report plus status, wall time and peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks.speed.scan_child",
                "--memory-limit",
                str(memory_gib),
                *arguments,
            ],
            cwd=REPO,
            stdout=out,
            stderr=err,
        )
        status = "ok"
        while True:
            pid, wait_status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                status = "timeout"
                process.send_signal(signal.SIGKILL)
                pid, wait_status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.5)
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    report: Json = {}
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if status == "ok" and process.returncode == 0 and lines:
        report = json.loads(lines[-1])
    elif status == "ok":
        status = "failed"
        report["error"] = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {process.returncode}"
    progress = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    if status != "ok" and progress:
        report["last_progress"] = progress[-1]
    report["status"] = status
    report["child_wall_s"] = round(elapsed, 1)
    report["child_peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
    return report


def run(
    quick: bool, *, timeout: float = 1200.0, memory_gib: float = 12.0, sizes: Sequence[int] | None = None
) -> Json:
    """Scan each size in a subprocess (smallest first), then profile the smallest.

    Once a size fails or times out, larger ones are skipped: they would too. Growth is
    reported from the smallest size to every larger one that finished.
    """
    chosen = sorted(sizes) if sizes else ([500, 2_000] if quick else [10_000, 100_000])
    runs: list[Json] = []
    for n in chosen:
        if runs and runs[-1]["status"] != "ok":
            runs.append({"size": n, "status": "skipped", "reason": f"{runs[-1]['size']:,} did not finish"})
            continue
        print(f"  scanning {n:,} articles (limit {timeout:.0f} s, {memory_gib:g} GiB)...", flush=True)
        report = run_child(
            ["--documents", str(n), "--seed", str(CORPUS_SEED)], timeout=timeout, memory_gib=memory_gib
        )
        report["size"] = n
        if "peak_rss_mb" in report:
            report["memory_mb"] = max(report["peak_rss_mb"], report["peak_pss_with_workers_mb"])
        print(
            f"  {n:>7,}: {report['status']}, scan {report.get('scan_s')} s,"
            f" peak RSS {report['child_peak_rss_mb']:,.0f} MiB"
            f" (with workers, PSS: {report.get('peak_pss_with_workers_mb', 0):,.0f} MiB)",
            flush=True,
        )
        runs.append(report)
    profile_path = RESULTS / ("speed-profile-quick.json" if quick else "speed-profile.json")
    print(f"  profiling the {chosen[0]:,}-article scan...", flush=True)
    profile = run_child(
        ["--documents", str(chosen[0]), "--seed", str(CORPUS_SEED), "--profile", str(profile_path)],
        timeout=timeout * 2,
        memory_gib=memory_gib,
    )
    small = runs[0]
    finished = [r for r in runs if r["status"] == "ok"]
    growth = [
        {
            "sizes": [small["size"], r["size"]],
            "time_ratio": round(r["scan_s"] / small["scan_s"], 2),
            "per_article_time_ratio": round(r["scan_s"] / r["size"] / (small["scan_s"] / small["size"]), 2),
            "peak_rss_ratio": round(r["child_peak_rss_mb"] / small["child_peak_rss_mb"], 2),
        }
        for r in finished[1:]
    ]
    return {
        "measured_at": now(),
        "machine": machine(),
        "input": {
            "corpus_seed": CORPUS_SEED,
            "options": "ScanOptions() defaults (jobs: every usable core)",
            "timeout_s": timeout,
            "memory_limit_gib": memory_gib,
        },
        "runs": runs,
        "largest_finished": finished[-1]["size"] if finished else None,
        "growth": growth,
        "profile": {"status": profile["status"], "file": profile_path.name},
        "targets": _targets(runs, memory_gib),
    }


def _targets(runs: Sequence[Json], memory_gib: float) -> list[Json]:
    small, large = runs[0], runs[-1]
    n = f"{large['size']:,}"
    ok = large["status"] == "ok"
    measured = large.get("memory_mb", large.get("child_peak_rss_mb"))
    rss_gib = measured / 1024 if measured is not None else None
    # A scan stopped at the memory limit certainly needed more than 4 GiB, though its true peak is unknown.
    hit_limit = rss_gib is not None and rss_gib > 0.95 * memory_gib
    rss = target(
        f"peak memory of the {n}-article scan (RSS, or PSS with workers), GiB",
        rss_gib if ok or hit_limit else None,
        4,
        at_most=True,
    )
    if hit_limit and not ok:
        rss["value"] = f"> {rss_gib:.1f} (stopped at the {memory_gib:g} GiB limit)"
    both = ok and small["status"] == "ok" and small is not large
    return [
        target(f"scan of {n} articles, seconds", large["scan_s"] if ok else None, 120, at_most=True),
        rss,
        target(
            f"{n}/{small['size']:,} time ratio",
            large["scan_s"] / small["scan_s"] if both else None,
            12,
            at_most=True,
        ),
    ]
