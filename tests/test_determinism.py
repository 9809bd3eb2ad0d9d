"""A scan's JSON is the same bytes across hash seeds, input order and numbers of worker processes."""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from benchmarks.corpus import generate

REPO = Path(__file__).resolve().parents[1]


def _write_jsonl(path: Path, order: list[int], docs: list[dict[str, str | None]]) -> None:
    path.write_text("".join(json.dumps(docs[i]) + "\n" for i in order), encoding="utf-8")


def _scan(source: Path, target: Path, *, hash_seed: str, jobs: str) -> bytes:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dedup",
            "scan",
            str(source),
            "--format",
            "json",
            "-o",
            str(target),
            "--jobs",
            jobs,
            "-q",
        ],
        check=True,
        env=dict(os.environ, PYTHONHASHSEED=hash_seed),
        cwd=REPO,
    )
    return target.read_bytes()


def test_scan_json_is_identical_across_hash_seeds_input_order_and_jobs(tmp_path: Path) -> None:
    # 600 documents: more than two chunks of per-document work, so --jobs 2 really forks workers.
    docs = [
        {
            "id": d.id,
            "text": d.text,
            "source": d.source,
            "published": d.published.isoformat() if d.published else None,
        }
        for d in generate(600, seed=21)
    ]
    in_order = list(range(len(docs)))
    shuffled = in_order[:]
    random.Random(4).shuffle(shuffled)
    _write_jsonl(tmp_path / "ordered.jsonl", in_order, docs)
    _write_jsonl(tmp_path / "shuffled.jsonl", shuffled, docs)

    first = _scan(tmp_path / "ordered.jsonl", tmp_path / "a.json", hash_seed="0", jobs="1")
    second = _scan(tmp_path / "shuffled.jsonl", tmp_path / "b.json", hash_seed="12345", jobs="2")
    third = _scan(tmp_path / "ordered.jsonl", tmp_path / "c.json", hash_seed="77", jobs="2")
    assert first == second == third
    result = json.loads(first)
    assert result["matches"]
    assert result["duplicates"]
    assert result["clusters"]
