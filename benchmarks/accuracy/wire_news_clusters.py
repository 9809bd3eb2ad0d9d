"""2018 wire news: syndication clusters, AP/Reuters copies across outlets, and samples.

There is no duplicate ground truth. We report what dedup finds (clusters, their sizes,
the passages shared by most outlets) and one weak-label figure: of the articles that
credit AP or Reuters ("(AP)", "Associated Press", "Reuters" in the text), the share
that land in a syndication cluster together with another outlet's article, and the
stricter share that share a match (or a near-duplicate pair) directly with another
outlet's article. Twenty reported matches are sampled for a reader to judge.
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import dedup
from benchmarks.accuracy import wire_news
from benchmarks.accuracy.baseline import minhash_lsh_pairs
from benchmarks.accuracy.corpora import WIRE_NEWS, corpus
from benchmarks.accuracy.metrics import Pair, components, pair
from benchmarks.accuracy.report import CorpusResult, Row, timed

QUICK_ARTICLES = 300
SAMPLE = 20
TOP = 5


def _credited_shares(
    docs: Sequence[dedup.Document], clusters: Iterable[Sequence[str]], links: Iterable[Pair]
) -> tuple[int, float, float]:
    """(credited articles, share clustered with another outlet, share linked directly to one)."""
    source = {d.id: d.source for d in docs}
    cluster_sources: dict[str, set[str | None]] = {}
    for members in clusters:
        outlets = {source[m] for m in members}
        for m in members:
            cluster_sources[m] = outlets
    direct: set[str] = set()
    for a, b in links:
        if source[a] != source[b]:
            direct |= {a, b}
    credited = [d for d in docs if wire_news.credited(d.text)]
    if not credited:
        return 0, 1.0, 1.0
    clustered = sum(1 for d in credited if cluster_sources.get(d.id, {d.source}) - {d.source})
    linked = sum(1 for d in credited if d.id in direct)
    return len(credited), clustered / len(credited), linked / len(credited)


def _excerpt(text: str, n: int = 160) -> str:
    flat = re.sub(r"\s+", " ", text).strip().replace("|", "/")
    return flat if len(flat) <= n else flat[: n - 1] + "…"


def run(
    root: Path | None = None,
    *,
    quick: bool = False,
    options: dedup.ScanOptions | None = None,
    baseline: bool = True,
    boilerplate_variant: bool = True,
) -> list[CorpusResult]:
    """Scan all articles (quick: the first 300 of the Helsinki set) with dedup and the baseline.

    ``boilerplate_variant`` scans once more with ``keep_boilerplate=True``, to show how
    much syndicated text the per-outlet boilerplate rule sets aside.
    """
    folder = corpus(WIRE_NEWS, root)
    docs = list(wire_news.read_articles(folder))
    if quick:
        docs = [d for d in docs if d.id.startswith("helsinki/")][:QUICK_ARTICLES]
    result, seconds = timed(lambda: dedup.scan(docs, options=options))
    texts = {d.id: d.text for d in docs}
    source = {d.id: d.source or "" for d in docs}

    clusters = [c.doc_ids for c in result.clusters]
    links = [pair(m.a.doc_id, m.b.doc_id) for m in result.matches] + [
        pair(p.a, p.b) for p in result.duplicates
    ]
    n_credited, clustered, linked = _credited_shares(docs, clusters, links)
    sizes = Counter(len(c) for c in clusters)

    top = sorted(
        result.passages,
        key=lambda p: (-len({source[d] for d in p.doc_ids}), -len(p.doc_ids), p.spans[0]),
    )[:TOP]
    chosen = sorted(random.Random(2018).sample(list(result.matches), min(SAMPLE, len(result.matches))))
    details: dict[str, Any] = {
        "articles": len(docs),
        "credited": n_credited,
        "dedup": {
            "clusters": len(clusters),
            "documents_in_clusters": sum(len(c) for c in clusters),
            "size_distribution": dict(sorted(sizes.items())),
            "largest_cluster_outlets": len({source[d] for d in clusters[0]}) if clusters else 0,
            "matches": len(result.matches),
            "duplicate_pairs": len(result.duplicates),
            "passages": len(result.passages),
            "boilerplate_passages": len(result.boilerplate),
            "boilerplate_with_other_outlets": sum(
                1 for p in result.boilerplate if len({source[d] for d in p.doc_ids}) > 1
            ),
            "credited_clustered_with_other_outlet": clustered,
            "credited_matched_with_other_outlet": linked,
        },
        "top_passages": [
            {
                "outlets": sorted({source[d] for d in p.doc_ids}),
                "documents": len(p.doc_ids),
                "origin": p.origin.doc_id if p.origin else None,
                "text": _excerpt(p.text, 300),
            }
            for p in top
        ],
        "sample_matches": [_match_row(m, texts, source) for m in chosen],
    }
    base_rows: dict[str, float | None] = {
        "clusters": None,
        "largest": None,
        "clustered": None,
        "linked": None,
    }
    base_seconds = None
    if baseline:
        base = minhash_lsh_pairs(docs)
        base_seconds = base.seconds
        base_clusters = components(base.pairs)
        _, b_clustered, b_linked = _credited_shares(docs, base_clusters, base.pairs)
        base_sizes = Counter(len(c) for c in base_clusters)
        details["baseline"] = {
            "pairs": len(base.pairs),
            "clusters": len(base_clusters),
            "size_distribution": dict(sorted(base_sizes.items())),
            "credited_clustered_with_other_outlet": b_clustered,
            "credited_matched_with_other_outlet": b_linked,
        }
        base_rows = {
            "clusters": float(len(base_clusters)),
            "largest": float(len(base_clusters[0])) if base_clusters else 0.0,
            "clustered": b_clustered,
            "linked": b_linked,
        }
    name = "Wire news 2018"
    rows = [
        Row(
            name,
            "syndication clusters",
            float(len(clusters)),
            None,
            seconds,
            base_rows["clusters"],
            base_seconds,
            f"{len(docs)} articles",
            count=True,
        ),
        Row(
            name,
            "largest cluster (articles)",
            float(len(clusters[0])) if clusters else 0.0,
            None,
            seconds,
            base_rows["largest"],
            base_seconds,
            count=True,
        ),
        Row(
            name,
            "AP/Reuters-credited in a cluster with another outlet",
            clustered,
            None,
            seconds,
            base_rows["clustered"],
            base_seconds,
            f"{n_credited} credited",
        ),
        Row(
            name,
            "AP/Reuters-credited sharing a match with another outlet",
            linked,
            None,
            seconds,
            base_rows["linked"],
            base_seconds,
        ),
    ]
    if boilerplate_variant:
        kept_options = dataclasses.replace(options or dedup.ScanOptions(), keep_boilerplate=True)
        kept, kept_seconds = timed(lambda: dedup.scan(docs, options=kept_options))
        kept_links = [pair(m.a.doc_id, m.b.doc_id) for m in kept.matches]
        kept_links += [pair(p.a, p.b) for p in kept.duplicates]
        _, kept_clustered, kept_linked = _credited_shares(
            docs, [c.doc_ids for c in kept.clusters], kept_links
        )
        rows.append(
            Row(
                name,
                "AP/Reuters-credited sharing a match with another outlet, keep_boilerplate=True",
                kept_linked,
                None,
                kept_seconds,
                note=f"largest cluster {len(kept.clusters[0].doc_ids) if kept.clusters else 0} articles",
            )
        )
        details["keep_boilerplate"] = {
            "clusters": len(kept.clusters),
            "size_distribution": dict(sorted(Counter(len(c.doc_ids) for c in kept.clusters).items())),
            "credited_clustered_with_other_outlet": kept_clustered,
            "credited_matched_with_other_outlet": kept_linked,
        }
    return [CorpusResult(name="wire_news", rows=rows, details=details, markdown=_markdown(details))]


def _match_row(m: dedup.Match, texts: Mapping[str, str], source: Mapping[str, str]) -> dict[str, Any]:
    return {
        "a": m.a.doc_id,
        "outlet_a": source[m.a.doc_id],
        "b": m.b.doc_id,
        "outlet_b": source[m.b.doc_id],
        "similarity": round(m.similarity, 3),
        "chars_a": len(m.a),
        "chars_b": len(m.b),
        "text_a": _excerpt(texts[m.a.doc_id][m.a.start : m.a.end]),
        "text_b": _excerpt(texts[m.b.doc_id][m.b.start : m.b.end]),
    }


def _markdown(details: Mapping[str, Any]) -> list[str]:
    lines = [
        "### Wire news 2018: passages shared by the most outlets",
        "",
        "| # | outlets | articles | passage (start) |",
        "|---|---|---|---|",
    ]
    for n, p in enumerate(details["top_passages"], 1):
        lines.append(
            f"| {n} | {len(p['outlets'])}: {', '.join(p['outlets'])} | {p['documents']} | {p['text']} |"
        )
    lines += [
        "",
        "### Wire news 2018: sample of 20 reported matches",
        "",
        "| a (outlet) | b (outlet) | similarity | chars a/b | text a | text b |",
        "|---|---|---|---|---|---|",
    ]
    for s in details["sample_matches"]:
        lines.append(
            f"| {s['a']} ({s['outlet_a']}) | {s['b']} ({s['outlet_b']}) | {s['similarity']:.3f} | "
            f"{s['chars_a']}/{s['chars_b']} | {s['text_a']} | {s['text_b']} |"
        )
    return lines
