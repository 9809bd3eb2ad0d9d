"""Result rows, the markdown table and the JSON/markdown files a run writes."""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import dedup

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Row:
    """One measured figure: corpus/task, metric, target, what dedup reached, and the baseline.

    ``target`` is a minimum (``None``: reported, no target). ``runtime`` is dedup's
    wall-clock seconds for the scan the figure comes from; the baseline's likewise.
    """

    corpus: str
    metric: str
    value: float | None
    target: float | None = None
    runtime: float | None = None
    baseline: float | None = None
    baseline_runtime: float | None = None
    note: str = ""
    count: bool = False

    @property
    def met(self) -> bool | None:
        """True/False against the target; None when there is no target."""
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target


@dataclass(slots=True)
class CorpusResult:
    """Rows of one corpus plus details (counts, samples) for the JSON and the docs."""

    name: str
    rows: list[Row] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    markdown: list[str] = field(default_factory=list)


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    """(fn(), wall-clock seconds)."""
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def _number(x: float | None, digits: int = 3, *, count: bool = False) -> str:
    if x is None:
        return "–"
    return f"{round(x)}" if count else f"{x:.{digits}f}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _seconds(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f} s"


def table(results: Sequence[CorpusResult]) -> str:
    """The markdown table of every row."""
    lines = [
        "| corpus / task | metric | target | dedup | met | dedup time | baseline | baseline time |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for r in result.rows:
            target = "–" if r.target is None else f"≥ {_number(r.target, 2)}"
            met = {True: "yes", False: "**no**", None: "–"}[r.met]
            metric = _cell(r.metric + (f" ({r.note})" if r.note else ""))
            value, baseline = _number(r.value, count=r.count), _number(r.baseline, count=r.count)
            lines.append(
                f"| {r.corpus} | {metric} | {target} | {value} | {met} | "
                f"{_seconds(r.runtime)} | {baseline} | {_seconds(r.baseline_runtime)} |"
            )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """Where the run happened."""
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "dedup_version": dedup.__version__,
    }


def write(
    results: Sequence[CorpusResult],
    out_dir: Path,
    *,
    quick: bool,
    seconds: float,
    options: dedup.ScanOptions | None = None,
) -> None:
    """Write ``accuracy.json`` and ``accuracy.md`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen = options or dedup.ScanOptions()
    changed = {k: v for k, v in asdict(chosen).items() if v != getattr(dedup.ScanOptions(), k)}
    payload: dict[str, Any] = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "scan_options": asdict(chosen),
        "scan_options_changed": changed,
        "total_seconds": round(seconds, 1),
        "machine": machine(),
        "corpora": {
            r.name: {
                "rows": [{**asdict(row), "met": row.met} for row in r.rows],
                "details": r.details,
            }
            for r in results
        },
    }
    (out_dir / "accuracy.json").write_text(
        json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8"
    )
    info = payload["machine"]
    parts = [
        "# Accuracy benchmark results",
        "",
        f"Generated {payload['generated']} by `python -m benchmarks.accuracy"
        f"{' --quick' if quick else ''}` in {seconds:.0f} s on {info['platform']}, "
        f"{info['cpu_count']} CPUs, Python {info['python']}, dedup {info['dedup_version']}; "
        f"scan options: {changed or 'defaults'}.",
        "",
        table(results),
        "",
    ]
    for r in results:
        if r.markdown:
            parts += [*r.markdown, ""]
    (out_dir / "accuracy.md").write_text("\n".join(parts), encoding="utf-8")
