"""Timing, machine description and the results file shared by the speed benchmarks."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parents[1] / "results"

Json = dict[str, Any]


def best_of(function: Callable[[], object], repeats: int) -> float:
    """Seconds of the fastest of ``repeats`` calls (garbage collection off while timing).

    The minimum is the least disturbed run: other processes and the collector only
    ever add time.
    """
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            function()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def version(package: str) -> str | None:
    """Installed version of ``package``, or None when it is not installed."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def machine() -> Json:
    """Where the numbers were measured: platform, CPUs, memory, load, Python and library versions."""
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory_gb = round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1)
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gb": memory_gb,
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "python": sys.version.split()[0],
        "dedup_source_sha256": source_digest(),
        "versions": {name: version(name) for name in ("dedup", "numpy", "datasketch", "rapidfuzz", "rensa")},
    }


def source_digest() -> str:
    """First 12 hex digits of a SHA-256 over dedup's source files: which code was measured."""
    package = Path(__file__).resolve().parents[2] / "dedup"
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def results_path(quick: bool) -> Path:
    """``speed.json``, or ``speed-quick.json`` for quick runs (so they never overwrite real figures)."""
    return RESULTS / ("speed-quick.json" if quick else "speed.json")


def load(path: Path) -> Json:
    """The results file, or an empty dict when it does not exist yet."""
    if not path.exists():
        return {}
    data: Json = json.loads(path.read_text())
    return data


def save(path: Path, name: str, section: Json) -> None:
    """Replace one benchmark's section of the results file, keeping the others."""
    data = load(path)
    data[name] = section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")


def target(name: str, value: float | None, required: float, *, at_most: bool = False) -> Json:
    """One of the issue's targets: the measured value, the bound, and whether it is met."""
    met = None if value is None else (value <= required if at_most else value >= required)
    return {
        "target": name,
        "value": None if value is None else float(f"{value:.4g}"),
        "required": ("<= " if at_most else ">= ") + f"{required:g}",
        "met": met,
    }
