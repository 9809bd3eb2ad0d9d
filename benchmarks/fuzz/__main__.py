"""Run the atheris target for a number of inputs and record what it found.

    pip install atheris
    python -m benchmarks.fuzz --runs 200000

Writes ``benchmarks/results/fuzz.json``: runs, seconds, coverage reached, and the crash
(with the input that caused it, saved under ``benchmarks/fuzz/crashes/``) if there was one.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent / "results" / "fuzz.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--max-len", type=int, default=4096)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("atheris is not installed: pip install atheris", file=sys.stderr)
        return 2
    crashes = HERE / "crashes"
    crashes.mkdir(exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "benchmarks.fuzz.target",
        f"-runs={args.runs}",
        f"-max_len={args.max_len}",
        f"-seed={args.seed}",
        f"-artifact_prefix={crashes}/",
        "-print_final_stats=1",
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=HERE.parent.parent)
    seconds = time.perf_counter() - started
    log = done.stderr
    coverage = [int(c) for c in re.findall(r"cov: (\d+)", log)]
    executed = re.findall(r"stat::number_of_executed_units: (\d+)", log)
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs_asked": args.runs,
        "runs_done": int(executed[-1]) if executed else None,
        "seconds": round(seconds, 1),
        "max_len": args.max_len,
        "seed": args.seed,
        "coverage_edges": max(coverage) if coverage else None,
        "exit_code": done.returncode,
        "crash": None if done.returncode == 0 else log[-3000:],
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "crash"}, indent=2))
    if done.returncode != 0:
        print(log[-3000:], file=sys.stderr)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
