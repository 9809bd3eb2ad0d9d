"""From verified pairs and aligned matches to clusters, component by component, on Spark.

Two rounds of connected components (``components.py``):

1. documents linked by any match: each group's passage clusters, boilerplate, kept
   matches and coverage come from the local ``_assemble`` run on that group alone
   (a match, a passage and a boilerplate passage never leave their group);
2. documents linked by kept matches or near-duplicate pairs (verified links only):
   each group is one syndication cluster, made by the local ``document_clusters``.

Nothing is collected on the driver until ``SparkResult.collect()``; a group of
documents is worked on by one task, so a giant cluster costs one task what it costs
the local engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dedup.spark import local_parts as local
from dedup.spark.components import components
from dedup.spark.local_parts import (
    ComponentPassages,
    Document,
    Match,
    PassageCluster,
    ScanOptions,
    ScanResult,
    ScanStats,
)


@dataclass(frozen=True, slots=True)
class SparkResult:
    """A scan's result as RDDs (one row per document, pair, match, passage, cluster), and its stats.

    ``passages`` and ``boilerplate`` hold ``(index, PassageCluster)``, ``clusters``
    ``(index, DocumentCluster)``: the positions ``collect()`` puts them at.
    """

    documents: Any
    duplicates: Any
    matches: Any
    passages: Any
    boilerplate: Any
    clusters: Any
    stats: ScanStats
    cached_before: frozenset[int]  # RDDs cached before the scan started: not the scan's to release

    def release(self) -> None:
        """Drop the stages this scan cached (the RDDs are recomputed if used again)."""
        cached = self.documents.context._jsc.getPersistentRDDs()
        for rdd_id in list(cached.keys()):
            if rdd_id not in self.cached_before:
                cached[rdd_id].unpersist()

    def collect(self) -> ScanResult:
        """The whole result on the driver: equal to what ``dedup.scan`` returns for the same documents."""
        return ScanResult(
            documents=tuple(sorted(self.documents.collect(), key=lambda d: d.id)),
            duplicates=tuple(sorted(self.duplicates.collect())),
            matches=tuple(sorted(self.matches.collect())),
            passages=tuple(p for _, p in sorted(self.passages.collect(), key=lambda ip: ip[0])),
            clusters=tuple(c for _, c in sorted(self.clusters.collect(), key=lambda ic: ic[0])),
            boilerplate=tuple(p for _, p in sorted(self.boilerplate.collect(), key=lambda ip: ip[0])),
            stats=self.stats,
        )


def assemble(
    documents: Any,
    rows: Any,
    feats: Any,
    duplicates: Any,
    matches: Any,
    counts: local.Counts,
    opts: ScanOptions,
    partitions: int,
    cached_before: frozenset[int],
) -> SparkResult:
    """Clusters, boilerplate and coverage around the pairs and matches, as the local ``_assemble``."""
    words = feats.mapValues(lambda f: f[1].words)
    infos = rows.join(words, partitions).map(lambda kv: local.document_info(kv[1][0], kv[1][1], opts))
    empty = words.filter(lambda kv: kv[1] == 0).count()
    stats = local.scan_stats(documents.count(), empty, counts)

    groups = _passage_groups(documents, matches, opts, partitions).persist()
    kept = groups.flatMap(lambda g: g.matches)
    passages = _indexed(groups.flatMap(lambda g: g.passages), partitions).persist()
    boiler = _indexed(groups.flatMap(lambda g: g.boilerplate), partitions)
    coverage = groups.flatMap(lambda g: list(g.coverage.items()))

    links = kept.map(lambda m: (m.a.doc_id, m.b.doc_id)).union(duplicates.map(lambda p: (p.a, p.b)))
    label = components(links, partitions).persist()
    by_group_links = links.join(label, partitions).map(lambda kv: (kv[1][1], ("link", (kv[0], kv[1][0]))))
    members = (
        documents.join(label, partitions)
        .leftOuterJoin(coverage, partitions)
        .map(lambda kv: (kv[1][0][1], ("doc", (kv[1][0][0], kv[1][1]))))
    )
    firsts = passages.map(lambda ip: (ip[1].spans[0].doc_id, ip)).join(label, partitions)
    by_group_passages = firsts.map(lambda kv: (kv[1][1], ("passage", kv[1][0])))
    clusters = (
        by_group_links.union(members)
        .union(by_group_passages)
        .groupByKey(partitions)
        .map(lambda kv: _cluster(_tagged(kv[1])))
    )
    ordered = clusters.sortBy(lambda c: (-len(c.doc_ids), c.doc_ids), numPartitions=partitions)
    return SparkResult(
        documents=infos,
        duplicates=duplicates,
        matches=kept,
        passages=passages,
        boilerplate=boiler,
        clusters=ordered.zipWithIndex().map(lambda ci: (ci[1], ci[0])),
        stats=stats,
        cached_before=cached_before,
    )


def _passage_groups(documents: Any, matches: Any, opts: ScanOptions, partitions: int) -> Any:
    """RDD of ComponentPassages, one per group of documents linked by matches."""
    label = components(matches.map(lambda m: (m.a.doc_id, m.b.doc_id)), partitions)
    by_group_matches = matches.map(lambda m: (m.a.doc_id, m)).join(label, partitions)
    grouped_matches = by_group_matches.map(lambda kv: (kv[1][1], ("match", kv[1][0])))
    grouped_docs = documents.join(label, partitions).map(lambda kv: (kv[1][1], ("doc", kv[1][0])))
    return (
        grouped_matches.union(grouped_docs)
        .groupByKey(partitions)
        .map(lambda kv: _passages(_tagged(kv[1]), opts))
    )


def _tagged(items: Iterable[tuple[str, Any]]) -> dict[str, list[Any]]:
    """Values of one group, by the tag of the RDD they came from."""
    found: dict[str, list[Any]] = defaultdict(list)
    for tag, value in items:
        found[tag].append(value)
    return found


def _passages(group: dict[str, list[Any]], opts: ScanOptions) -> ComponentPassages:
    docs: list[Document] = group["doc"]
    matches: list[Match] = group["match"]
    return local.finish_passages(docs, matches, opts)


def _indexed(passages: Any, partitions: int) -> Any:
    """``(index, passage)`` in the result's order: by first span."""
    ordered = passages.sortBy(lambda p: _span_key(p), numPartitions=partitions)
    return ordered.zipWithIndex().map(lambda pi: (pi[1], pi[0]))


def _span_key(p: PassageCluster) -> tuple[str, int, int]:
    first = p.spans[0]
    return (first.doc_id, first.start, first.end)


def _cluster(group: dict[str, list[Any]]) -> local.DocumentCluster:
    links: list[tuple[str, str]] = group["link"]
    members: list[tuple[Document, float | None]] = group["doc"]
    passages: list[tuple[int, PassageCluster]] = group["passage"]
    coverage = {doc.id: share for doc, share in members if share is not None}
    return local.finish_cluster(links, [doc for doc, _ in members], passages, coverage)
