"""Soak: many consecutive ``index add`` + ``check`` rounds on one index, checking nothing is lost.

Run ``python -m benchmarks.index.soak`` (``--rounds 50 --batch 500 --drafts 5``). Each
round adds a batch of generated articles (some re-adding ids of the previous round, so
replacement is exercised), then checks drafts that reprint paragraphs of stored articles.
After every round it verifies the document count, that every id ever added is
retrievable with its latest text, and that each draft's planted sources are found.
Latency is reported per round; the figure to watch is the ratio of the last rounds'
median add/check time to the first rounds', which stays near 1 when nothing degrades.
Results go to ``benchmarks/results/soak.json``; a lost document stops the run (exit 1).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.index.corpus import Archive, Generator
from dedup.index import Index

RESULTS = Path(__file__).resolve().parents[1] / "results" / "soak.json"


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def soak(path: Path, *, rounds: int, batch: int, drafts: int) -> dict[str, Any]:
    generator = Generator(seed=7)
    expected: dict[str, str] = {}  # id -> digest of the latest text added
    per_round: list[dict[str, float]] = []
    problems: list[str] = []
    previous: list[str] = []
    for n in range(rounds):
        docs = generator.archive(batch, prefix=f"r{n:03d}").documents
        # A tenth of each batch re-adds ids of the previous round with new text.
        for k, old_id in enumerate(previous[: batch // 10]):
            docs[k] = replace(docs[k], id=old_id)
        with Index.open(path) as index:
            clock = time.perf_counter()
            index.add(docs)
            add_s = time.perf_counter() - clock
            expected.update({d.id: digest(d.text) for d in docs})
            check_ms = []
            found = planted = 0
            for _ in range(drafts):
                draft, sources = generator.draft(Archive(docs, []), borrowed=2, edited=False)
                clock = time.perf_counter()
                result = index.check(draft)
                check_ms.append((time.perf_counter() - clock) * 1000)
                planted += len(sources)
                found += len(sources & {p.document.doc_id for p in result.passages})
            stats = index.stats()
            stored = {s.document.id: digest(s.document.text) for s in index.store.get(sorted(expected))}
        if stats.documents != len(expected):
            problems.append(f"round {n}: {stats.documents} documents stored, {len(expected)} expected")
        if stored != expected:
            lost = sorted(set(expected) - set(stored))[:5]
            stale = sorted(k for k in stored if stored[k] != expected.get(k))[:5]
            problems.append(f"round {n}: lost {lost}, stale {stale}")
        per_round.append(
            {
                "round": n,
                "documents": stats.documents,
                "add_docs_per_s": round(batch / add_s, 1),
                "check_median_ms": round(statistics.median(check_ms), 1),
                "sources_found": found,
                "sources_planted": planted,
            }
        )
        print(
            f"round {n:3d}: {stats.documents:7,} docs, add {batch / add_s:6.0f}/s, "
            f"check {statistics.median(check_ms):6.1f} ms, found {found}/{planted}",
            file=sys.stderr,
        )
        if problems:
            break
        previous = [d.id for d in docs]
    window = max(1, len(per_round) // 5)
    first, last = per_round[:window], per_round[-window:]

    def ratio(key: str) -> float:
        return round(statistics.median(r[key] for r in last) / statistics.median(r[key] for r in first), 2)

    return {
        "rounds": len(per_round),
        "batch": batch,
        "drafts_per_round": drafts,
        "documents": per_round[-1]["documents"],
        "lost_or_stale": problems,
        "sources_found": sum(r["sources_found"] for r in per_round),
        "sources_planted": sum(r["sources_planted"] for r in per_round),
        "check_ms_last_over_first": ratio("check_median_ms"),
        "add_rate_last_over_first": ratio("add_docs_per_s"),
        "per_round": per_round,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--drafts", type=int, default=5)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = soak(Path(tmp) / "soak.db", rounds=args.rounds, batch=args.batch, drafts=args.drafts)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    summary = {k: v for k, v in result.items() if k != "per_round"}
    print(json.dumps(summary, indent=2))
    return 1 if result["lost_or_stale"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
