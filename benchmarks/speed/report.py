"""Markdown tables from the results file, for ``benchmarks/README.md`` and ``docs/performance.md``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.speed.timing import RESULTS, Json

_LABELS = {
    "dedup": "dedup: tokenize_many + shingles_many + Signer.sign_many",
    "floor": "floor: tokenize_many + shingles_many (tokenise + hash), no permutations",
    "dedup_minhash_only": "dedup Signer.sign_many alone (shingles prepared)",
    "dedup_numba_kernel": "not dedup: its text handling + a numba permute-and-minimum loop (optional)",
}


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def _met(value: bool | None) -> str:
    return "not measured" if value is None else ("met" if value else "**not met**")


def targets(section: Json) -> list[str]:
    """The section's targets: required, measured, met or not."""
    every = [*section["targets"], *section.get("targets_cpu_time", [])]
    rows = [[t["target"], t["required"], t["value"], _met(t["met"])] for t in every]
    return _table(["target", "required", "measured", "verdict"], rows)


def signatures(section: Json) -> list[str]:
    """Docs/s of every contestant and dedup's ratio to it."""
    rows = []
    for r in section["results"]:
        name, _, protocol = r["name"].partition("/")
        label = _LABELS.get(name, name.replace("_", " "))
        rows.append(
            [
                label,
                protocol or "-",
                f"{r['docs_per_s']:,.0f}",
                f"{r['us_per_doc']:,.0f}",
                f"{r['dedup_ratio']:g}x",
                f"{r['cpu_dedup_ratio']:g}x" if "cpu_dedup_ratio" in r else "-",
            ]
        )
    return _table(["contestant", "protocol", "docs/s", "us/doc", "dedup ÷ it", "same, CPU time"], rows)


def scan(section: Json) -> list[str]:
    """Wall time, stages and peak RSS per size."""
    rows = []
    for r in section["runs"]:
        stages = r.get("stages_s") or {}
        stage_text = ", ".join(f"{k} {v}" for k, v in stages.items() if v is not None) or "-"
        rows.append(
            [
                f"{r['size']:,}",
                f"{r['words']:,}" if "words" in r else "-",
                r["status"],
                r.get("scan_s", f"> {r['child_wall_s']} (stopped)" if r["status"] == "timeout" else "-"),
                stage_text,
                f"{r['child_peak_rss_mb']:,.0f}" if "child_peak_rss_mb" in r else "-",
                f"{r['peak_pss_with_workers_mb']:,.0f}" if "peak_pss_with_workers_mb" in r else "-",
                f"{r['stats']['window_candidates']:,}" if "stats" in r else "-",
                f"{r['stats']['regions_aligned']:,}" if "stats" in r else "-",
            ]
        )
    table = _table(
        [
            "articles",
            "words",
            "status",
            "scan s",
            "stages s",
            "peak RSS MiB",
            "PSS with workers MiB",
            "window candidates",
            "regions aligned",
        ],
        rows,
    )
    growth = [
        f"- {g['sizes'][1]:,} / {g['sizes'][0]:,} articles: time x{g['time_ratio']}"
        f" (per article x{g['per_article_time_ratio']}), peak RSS x{g['peak_rss_ratio']}"
        for g in section.get("growth", [])
    ]
    failed = [
        f"- {r['size']:,} articles: {r['status']}"
        + (f" ({r['error']})" if "error" in r else "")
        + (f"; last progress {r['last_progress']}" if "last_progress" in r else "")
        for r in section["runs"]
        if r["status"] != "ok"
    ]
    return [*table, "", *growth, *failed]


def lsh(section: Json) -> list[str]:
    """Candidate generation time for both, the ratio and whether the candidate sets agree."""
    rows = [
        [
            f"{r['documents']:,}",
            f"{r['candidate_pairs']:,}",
            r["dedup_s"],
            r["datasketch_s"],
            f"{r['ratio']:g}x",
            "yes" if r["same_candidates"] else f"**no** (+{r['only_dedup']} / -{r['only_datasketch']})",
        ]
        for r in section["results"]
    ]
    return _table(
        ["signatures", "candidate pairs", "dedup s", "datasketch s", "datasketch ÷ dedup", "same set"], rows
    )


def profile(path: Path, top: int = 15) -> list[str]:
    """The profile's top functions by cumulative time."""
    data = json.loads(path.read_text())
    rows = [
        [f"`{e['function']}`", e["ncalls"], e["tottime"], e["cumtime"]]
        for e in data["top"]["cumulative"][:top]
    ]
    return [
        f"cProfile of the {data['documents']:,}-article scan"
        f" ({data['profiled_wall_s']} s under the profiler):",
        "",
        *_table(["function", "calls", "own s", "cumulative s"], rows),
    ]


def markdown(path: Path) -> str:
    """Every section present in the results file, as Markdown."""
    data = json.loads(path.read_text())
    out: list[str] = []
    for name, render in (("signatures", signatures), ("scan", scan), ("lsh", lsh)):
        if name not in data:
            continue
        section = data[name]
        m = section["machine"]
        out += [f"### {name} ({section['measured_at']}, {m['cpu_count']} CPUs, load {m['load_average']})", ""]
        out += [*render(section), "", *targets(section), ""]
    profile_file = RESULTS / (
        "speed-profile-quick.json" if path.name.endswith("quick.json") else "speed-profile.json"
    )
    if profile_file.exists():
        out += profile(profile_file)
    return "\n".join(out)
