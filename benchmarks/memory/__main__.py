"""``python -m benchmarks.memory [--sizes 0.25,1] [--baseline-sizes 0.25]``: peak memory of a scan.

For each size, a JSONL file of that many GiB of generated articles (benchmarks.corpus,
batches of 20,000 with their own seeds, so reprints stay within a batch) is written to
a temporary folder and scanned in a fresh process by the real command,
``python -m dedup scan FILE --format json -o OUT -q``. Measured from outside: the
process tree's peak PSS (sampled every 0.2 s, forked workers' shared pages counted
once) and the scan process's peak RSS (``wait4``). The baseline is the same scan with
the whole input read into a list and nothing spilled (``held_scan``, what the command
did before streaming), on the sizes given; both must write the same JSON.
Writes ``benchmarks/results/memory.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.corpus import generate
from benchmarks.speed.scan_child import TreeMemory
from benchmarks.speed.timing import RESULTS, Json, machine, now

REPO = Path(__file__).resolve().parents[2]
_BATCH = 20_000


def write_input(path: Path, gib: float) -> Json:
    """Generated articles as JSONL until the file holds ``gib`` GiB; counts of what was written."""
    limit = int(gib * 2**30)
    documents = 0
    with path.open("w", encoding="utf-8") as out:
        batch = 0
        while out.tell() < limit:
            for doc in generate(min(_BATCH, max(1_000, (limit - out.tell()) // 4_000)), seed=1000 + batch):
                record = {
                    "id": f"b{batch:03d}-{doc.id}",
                    "text": doc.text,
                    "source": doc.source,
                    "published": doc.published.isoformat() if doc.published else None,
                    "title": doc.title,
                    "url": doc.url,
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                documents += 1
                if out.tell() >= limit:
                    break
            batch += 1
    return {"documents": documents, "bytes": path.stat().st_size}


def measure(command: list[str], output: Path, *, memory_gib: float) -> Json:
    """Run ``command`` (writing ``output``); its wall time, peak RSS and peak PSS of its process tree."""
    limit = int(memory_gib * 2**30)

    def cap() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, stderr=err, preexec_fn=cap)
        with TreeMemory(process.pid) as tree:
            _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    report: Json = {
        "status": "ok" if code == 0 else "failed",
        "exit": code,
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "peak_pss_tree_mb": tree.peak_mb,
    }
    if code != 0:
        report["error"] = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {code}"
    elif output.exists():
        report["json_sha256"] = hashlib.sha256(output.read_bytes()).hexdigest()[:16]
        output.unlink()
    return report


def run(sizes: Sequence[float], baseline_sizes: Sequence[float], memory_gib: float) -> Json:
    runs = []
    with tempfile.TemporaryDirectory(prefix="dedup-memory-") as folder:
        for gib in sizes:
            source, target = Path(folder) / f"input-{gib:g}.jsonl", Path(folder) / "out.json"
            print(f"  writing {gib:g} GiB of articles...", flush=True)
            written = write_input(source, gib)
            print(f"  {written['documents']:,} articles, {written['bytes'] / 2**30:.2f} GiB", flush=True)
            row: Json = {"gib": gib, **written}
            streamed = [sys.executable, "-m", "dedup", "scan", str(source), "--format", "json"]
            row["streamed"] = measure([*streamed, "-o", str(target), "-q"], target, memory_gib=memory_gib)
            print(f"  streamed: {row['streamed']}", flush=True)
            if gib in baseline_sizes:
                held = [sys.executable, "-m", "benchmarks.memory.held_scan", str(source), str(target)]
                row["held"] = measure(held, target, memory_gib=memory_gib)
                print(f"  held:     {row['held']}", flush=True)
                row["same_json"] = row["held"].get("json_sha256") == row["streamed"].get("json_sha256")
                row["memory_ratio_held_over_streamed"] = round(
                    _memory(row["held"]) / max(_memory(row["streamed"]), 1.0), 2
                )
            runs.append(row)
            source.unlink()
    return {"measured_at": now(), "machine": machine(), "memory_limit_gib": memory_gib, "runs": runs}


def _memory(report: Json) -> float:
    return float(max(report["peak_rss_mb"], report["peak_pss_tree_mb"]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__)

    def floats(value: str) -> list[float]:
        return [float(x) for x in value.split(",") if x]

    parser.add_argument("--sizes", type=floats, default=[0.25, 1.0], help="GiB of JSONL input, e.g. 0.25,1")
    parser.add_argument("--baseline-sizes", type=floats, default=[0.25], help="sizes also scanned held")
    parser.add_argument("--memory-limit", type=float, default=16.0, help="GiB of address space per scan")
    args = parser.parse_args(argv)
    result = run(args.sizes, args.baseline_sizes, args.memory_limit)
    path = RESULTS / "memory.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
