"""One end-to-end scan in its own process, so its peak RSS is its own.

``python -m benchmarks.speed.scan_child --documents N --seed S [--profile PATH]``
generates the corpus, runs ``dedup.scan`` (document and passage level) and prints one
JSON line on stdout: wall times, peak RSS and the scan's stats. While it runs it
writes progress as JSON lines on stderr, so a parent that stops it at a time limit
can still say how far it got. With ``--profile`` the scan runs under cProfile and the
top functions are written to PATH as JSON instead (the wall time then includes the
profiler's overhead).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import json
import os
import pstats
import resource
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import dedup
from benchmarks.corpus import generate
from dedup.parallel import usable_cpus


class _Progress:
    """Remembers when each scan stage was first and last reported, and echoes it to stderr."""

    def __init__(self, start: float) -> None:
        self.start = start
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.echoed = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        t = time.perf_counter() - self.start
        changed = stage not in self.first
        self.first.setdefault(stage, t)
        self.last[stage] = t
        if changed or done == total or t - self.echoed >= 5.0:
            self.echoed = t
            event = {"t": round(t, 1), "stage": stage, "done": done, "total": total, "rss_mb": _rss_mb()}
            print(json.dumps(event), file=sys.stderr, flush=True)

    def stages(self, wall: float) -> dict[str, float | None]:
        """Seconds per stage, from the times the progress callback was first and last called.

        "tokenize" is the per-document work (tokens, document signatures, window band
        keys); "near_duplicates" runs from its end to the passage LSH's start.
        """
        tokenized = self.last.get("tokenize", 0.0)
        lsh_start, lsh_end = self.first.get("lsh"), self.last.get("lsh")
        align_start, align_end = self.first.get("align"), self.last.get("align")
        return {
            "tokenize_sign_window": round(tokenized, 2),
            "near_duplicates": None if lsh_start is None else round(lsh_start - tokenized, 2),
            "window_lsh": None if lsh_start is None or lsh_end is None else round(lsh_end - lsh_start, 2),
            "align": None if align_start is None or align_end is None else round(align_end - align_start, 2),
            "assemble": round(wall - (align_end if align_end is not None else tokenized), 2),
        }


def _rss_mb() -> float:
    """Current resident set size in MiB (Linux /proc; 0.0 elsewhere)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (ru_maxrss is KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class TreeMemory:
    """Samples the proportional set size (PSS) of a process (this one) and its workers every 0.2 s.

    PSS splits each shared page among the processes mapping it, so the sum over the
    process tree is the memory the scan really holds, where RSS would count the pages
    forked workers share with the parent once per worker. Linux only (0 elsewhere).
    """

    def __init__(self, root: int | None = None) -> None:
        self.root = os.getpid() if root is None else root
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_kib = max(self.peak_kib, sum(_pss_kib(pid) for pid in _tree(self.root)))

    @property
    def peak_mb(self) -> float:
        return round(self.peak_kib / 1024, 1)


def _tree(pid: int) -> list[int]:
    """pid and its descendants (Linux /proc; just pid elsewhere)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo.extend(int(child) for child in task.read_text().split())
    return found


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _worker_peak_rss_mb() -> float:
    """Largest peak RSS of any finished worker process, in MiB.

    A forked worker's RSS counts the parent's pages it touched (shared, copy-on-write)
    as well as its own, so parent + worker overstates the memory the scan used.
    """
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def _profile(documents: list[dedup.Document], path: Path, top: int) -> dict[str, Any]:
    """cProfile of a one-process scan (workers would hide their time from the profiler)."""
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.runcall(dedup.scan, documents, options=dedup.ScanOptions(jobs=1))
    wall = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    rows: dict[str, list[dict[str, Any]]] = {}
    for key in ("cumulative", "tottime"):
        entries = []
        for func, (_, ncalls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
            filename, line, name = func
            entries.append(
                {
                    "function": f"{_short(filename)}:{line}({name})",
                    "ncalls": ncalls,
                    "tottime": round(tottime, 3),
                    "cumtime": round(cumtime, 3),
                }
            )
        entries.sort(key=lambda e: e["cumtime" if key == "cumulative" else "tottime"], reverse=True)
        rows[key] = entries[:top]
    report = {"documents": len(documents), "profiled_wall_s": round(wall, 2), "top": rows}
    path.write_text(json.dumps(report, indent=2) + "\n")
    return report


def _short(filename: str) -> str:
    for marker in ("/dedup/", "/site-packages/", "/lib/python3"):
        if marker in filename:
            return filename[filename.index(marker) + 1 :]
    return filename


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.speed.scan_child")
    parser.add_argument("--documents", type=int, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--profile", type=Path, default=None, help="profile the scan; write the top functions here"
    )
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--memory-limit", type=float, default=None, help="cap the address space, GiB")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: every core)")
    args = parser.parse_args(argv)
    if args.memory_limit is not None:
        limit = int(args.memory_limit * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    start = time.perf_counter()
    documents = generate(args.documents, seed=args.seed)
    generate_s = time.perf_counter() - start
    words = sum(len(d.text.split()) for d in documents)
    chars = sum(len(d.text) for d in documents)
    gc.collect()
    input_rss, input_peak = _rss_mb(), _peak_rss_mb()
    print(
        json.dumps({"t": 0.0, "stage": "generated", "seconds": round(generate_s, 1), "rss_mb": input_rss}),
        file=sys.stderr,
        flush=True,
    )
    if args.profile is not None:
        _profile(documents, args.profile, args.top)
        print(json.dumps({"profile": str(args.profile)}))
        return 0

    start = time.perf_counter()
    progress = _Progress(start)
    options = dedup.ScanOptions(jobs=args.jobs)
    with TreeMemory() as memory:
        result = dedup.scan(documents, options=options, progress=progress)
    wall = time.perf_counter() - start
    stats = result.stats
    print(
        json.dumps(
            {
                "documents": len(documents),
                "words": words,
                "chars": chars,
                "generate_s": round(generate_s, 2),
                "scan_s": round(wall, 2),
                "stages_s": progress.stages(wall),
                "rss_after_input_mb": input_rss,
                "peak_rss_before_scan_mb": input_peak,
                "peak_rss_mb": _peak_rss_mb(),
                "worker_peak_rss_mb": _worker_peak_rss_mb(),
                "peak_pss_with_workers_mb": memory.peak_mb,
                "jobs": options.jobs if options.jobs is not None else usable_cpus(),
                "stats": {
                    "shingles": stats.shingles,
                    "duplicate_candidates": stats.duplicate_candidates,
                    "window_candidates": stats.window_candidates,
                    "regions_aligned": stats.regions_aligned,
                    "capped_buckets": stats.capped_buckets,
                    "capped_documents": stats.capped_documents,
                },
                "found": {
                    "duplicates": len(result.duplicates),
                    "matches": len(result.matches),
                    "passages": len(result.passages),
                    "clusters": len(result.clusters),
                    "boilerplate": len(result.boilerplate),
                },
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
