"""LSH candidate generation: dedup's band keys + sorted candidate pairs vs datasketch ``MinHashLSH``.

Both get the same signatures (dedup's, handed to datasketch through
``Signer.to_datasketch`` before the clock starts) and the same bands and rows: the
split a default scan uses (``choose_bands(0.7, 128)`` with recall weights: 20 x 6).
datasketch inserts every signature, then queries every one; dedup computes band keys
and candidate pairs. Buckets are not capped (``max_bucket_size`` = number of
documents), because datasketch does not cap them; the two candidate sets are then
checked to be equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from datasketch import MinHashLSH

from benchmarks.corpus import generate
from benchmarks.speed.timing import Json, best_of, machine, now, target
from dedup.hashing import U32
from dedup.lsh import RECALL_WEIGHTS, band_keys, candidate_pairs, choose_bands
from dedup.minhash import Signer
from dedup.normalize import tokenize
from dedup.shingle import shingle_set

NUM_PERM = 128
SEED = 1
THRESHOLD = 0.7
CORPUS_SEED = 5


def _signatures(n: int) -> U32:
    texts = (d.text for d in generate(n, seed=CORPUS_SEED))
    return Signer(NUM_PERM, SEED).sign_many([shingle_set(tokenize(t)) for t in texts])


def _datasketch_pairs(minhashes: Sequence[Any], bands: int, rows: int) -> set[tuple[int, int]]:
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(bands, rows))
    for i, m in enumerate(minhashes):
        lsh.insert(i, m)
    pairs: set[tuple[int, int]] = set()
    for i, m in enumerate(minhashes):
        for j in lsh.query(m):
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def _dedup_pairs(signatures: U32, bands: int, rows: int) -> set[tuple[int, int]]:
    found = candidate_pairs(band_keys(signatures, bands, rows), max_bucket_size=len(signatures))
    return {(int(i), int(j)) for i, j in found.pairs.tolist()}


def _measure(signatures: U32, bands: int, rows: int, repeats: int) -> Json:
    signer = Signer(NUM_PERM, SEED)
    minhashes = [signer.to_datasketch(s) for s in signatures]
    n = len(signatures)

    def ours() -> object:
        return candidate_pairs(band_keys(signatures, bands, rows), max_bucket_size=n)

    def theirs() -> object:
        return _datasketch_pairs(minhashes, bands, rows)

    dedup_s = best_of(ours, repeats)
    datasketch_s = best_of(theirs, max(1, repeats // 2))
    dedup_set = _dedup_pairs(signatures, bands, rows)
    datasketch_set = _datasketch_pairs(minhashes, bands, rows)
    return {
        "documents": n,
        "candidate_pairs": len(dedup_set),
        "same_candidates": dedup_set == datasketch_set,
        "only_dedup": len(dedup_set - datasketch_set),
        "only_datasketch": len(datasketch_set - dedup_set),
        "dedup_s": round(dedup_s, 4),
        "datasketch_s": round(datasketch_s, 4),
        "dedup_docs_per_s": round(n / dedup_s, 1),
        "datasketch_docs_per_s": round(n / datasketch_s, 1),
        "ratio": round(datasketch_s / dedup_s, 2),
    }


def run(quick: bool) -> Json:
    """Candidate generation at each size, timed for both, with the candidate sets compared."""
    sizes = [2_000] if quick else [10_000, 100_000]
    bands, rows = choose_bands(THRESHOLD, NUM_PERM, **RECALL_WEIGHTS)
    all_signatures = _signatures(max(sizes))
    results = []
    for n in sizes:
        result = _measure(all_signatures[:n], bands, rows, repeats=2 if quick else 5)
        print(
            f"  {n:>7,} docs: dedup {result['dedup_s']:.3f} s, datasketch {result['datasketch_s']:.3f} s,"
            f" x{result['ratio']}, same candidates: {result['same_candidates']}",
            flush=True,
        )
        results.append(result)
    slowest = min(r["ratio"] for r in results)
    return {
        "measured_at": now(),
        "machine": machine(),
        "input": {
            "corpus_seed": CORPUS_SEED,
            "num_perm": NUM_PERM,
            "bands": bands,
            "rows": rows,
            "threshold": THRESHOLD,
            "timed": "dedup: band_keys + candidate_pairs; datasketch: MinHashLSH insert all + query all",
        },
        "results": results,
        "targets": [
            target("datasketch MinHashLSH time / dedup time (smallest over sizes)", slowest, 10),
            target(
                "same candidate set",
                float(all(r["same_candidates"] for r in results)),
                1,
            ),
        ],
    }
