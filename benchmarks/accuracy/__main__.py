"""``python -m benchmarks.accuracy``: run the accuracy benchmark, print the table, write the results."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import dedup
from benchmarks.accuracy import clough, msrp, newsgroups_run, reuters_duplicates, wire_news_clusters
from benchmarks.accuracy.corpora import CorporaMissingError, corpora_dir
from benchmarks.accuracy.report import CorpusResult, table, write

RESULTS = Path(__file__).resolve().parents[1] / "results"

Runner = Callable[[bool, dedup.ScanOptions | None], list[CorpusResult]]

RUNNERS: dict[str, Runner] = {
    "newsgroups": lambda quick, options: newsgroups_run.run(quick=quick, options=options),
    "clough": lambda quick, options: clough.run(quick=quick, options=options),
    "msrp": lambda quick, options: msrp.run(quick=quick, options=options),
    "reuters": lambda quick, options: reuters_duplicates.run(quick=quick, options=options),
    "wire_news": lambda quick, options: wire_news_clusters.run(quick=quick, options=options),
}


def parse_options(pairs: Sequence[str]) -> dedup.ScanOptions | None:
    """``["min_similarity=0.7", ...]`` as ScanOptions (None when empty: dedup's defaults)."""
    if not pairs:
        return None
    types = {f.name: str(f.type) for f in dataclasses.fields(dedup.ScanOptions)}
    values: dict[str, object] = {}
    for item in pairs:
        name, sep, raw = item.partition("=")
        if not sep or name not in types:
            raise SystemExit(f"--option wants NAME=VALUE with NAME one of: {', '.join(sorted(types))}")
        kind = types[name]
        if kind == "bool":
            values[name] = raw.lower() in ("1", "true", "yes")
        elif kind.startswith("int"):
            values[name] = None if raw.lower() == "none" else int(raw)
        else:
            values[name] = float(raw)
    return dedup.ScanOptions(**values)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit 0 (with a message) when the corpora are absent."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.accuracy", description=__doc__)
    parser.add_argument("--only", choices=sorted(RUNNERS), help="run one corpus")
    parser.add_argument("--quick", action="store_true", help="small deterministic subsets (seconds)")
    parser.add_argument(
        "--option", action="append", default=[], metavar="NAME=VALUE", help="a dedup ScanOptions field"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="write accuracy.json/.md here (default: benchmarks/results on full runs only)",
    )
    args = parser.parse_args(argv)
    options = parse_options(args.option)
    partial = bool(args.only or args.quick or args.option)
    out: Path | None = args.out or (None if partial else RESULTS)

    root = corpora_dir()
    if not root.is_dir():
        print(f"accuracy benchmark skipped: {root.resolve()} not present (set DEDUP_CORPORA)")
        return 0
    started = time.perf_counter()
    results: list[CorpusResult] = []
    for name in [args.only] if args.only else list(RUNNERS):
        print(f"[{name}] running{' (quick)' if args.quick else ''} ...", file=sys.stderr, flush=True)
        try:
            results += RUNNERS[name](args.quick, options)
        except CorporaMissingError as exc:
            print(f"[{name}] skipped: {exc}", file=sys.stderr)
    seconds = time.perf_counter() - started
    if not results:
        print("accuracy benchmark: no corpus found, nothing measured")
        return 0
    print(table(results))
    if out is not None:
        write(results, out, quick=args.quick, seconds=seconds, options=options)
        print(f"\nwritten: {out / 'accuracy.json'}, {out / 'accuracy.md'}", file=sys.stderr)
    else:
        print("\n(partial run: results not written; pass --out DIR to keep them)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
