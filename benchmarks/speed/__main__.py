"""``python -m benchmarks.speed [--quick] [--only NAME] [--markdown]``."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from functools import partial

from benchmarks.speed import bench_lsh, bench_scan, bench_signatures, report
from benchmarks.speed.timing import Json, results_path, save

BENCHMARKS: dict[str, Callable[[bool], Json]] = {
    "signatures": bench_signatures.run,
    "lsh": bench_lsh.run,
    "scan": bench_scan.run,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.speed", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="small inputs, few repeats; writes speed-quick.json"
    )
    parser.add_argument(
        "--only", choices=sorted(BENCHMARKS), action="append", help="run only this (repeatable)"
    )
    parser.add_argument(
        "--markdown", action="store_true", help="print the last results as Markdown tables, run nothing"
    )
    parser.add_argument("--scan-timeout", type=float, default=1200.0, help="seconds allowed per scan size")
    parser.add_argument("--memory-limit", type=float, default=12.0, help="GiB of address space per scan")
    parser.add_argument(
        "--scan-sizes", type=lambda v: [int(x) for x in v.split(",")], default=None, help="e.g. 10000,100000"
    )
    args = parser.parse_args(argv)
    path = results_path(args.quick)
    if args.markdown:
        print(report.markdown(path))
        return 0
    benchmarks = dict(BENCHMARKS)
    benchmarks["scan"] = partial(
        bench_scan.run, timeout=args.scan_timeout, memory_gib=args.memory_limit, sizes=args.scan_sizes
    )
    for name in args.only or list(benchmarks):
        print(f"{name}:", flush=True)
        save(path, name, benchmarks[name](args.quick))
    print(f"wrote {path}")
    print(report.markdown(path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
