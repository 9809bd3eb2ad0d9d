"""Connected components on Spark with the large-star / small-star method (Kiveris et al., 2014).

Our own, so a scan fetches no JVM package (GraphFrames) at start-up and needs no
network. Nodes are any sortable values (document ids); each node's label is the
smallest node of its component, so labels are the same in every run. The two steps
alternate until the edge set stops changing; every round shrinks the distance to the
smallest node, so rounds grow with the logarithm of the component size, not its diameter
(plain min-label propagation needs as many rounds as the longest chain of documents).

* large-star: each node links its larger neighbours to the smallest node it sees (itself
  or a neighbour);
* small-star: each node links its smaller neighbours and itself to the smallest of them.

At the end every component is a star around its smallest node.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_CHECKPOINT_EVERY = 4  # rounds between cuts of the lineage (each round adds two shuffles)


def components(edges: Any, partitions: int) -> Any:
    """RDD of ``(node, label)`` for every node of an RDD of ``(u, v)`` edges; label = smallest node."""
    current = edges.filter(lambda e: e[0] != e[1]).map(_ordered).distinct(partitions).persist()
    rounds = 0
    done = _stars(current, partitions)
    while not done:
        rounds += 1
        stepped = _small_star(_large_star(current, partitions), partitions).persist()
        if rounds % _CHECKPOINT_EVERY == 0:
            stepped.localCheckpoint()
        done = _stars(stepped, partitions)  # computes ``stepped`` while ``current`` is still cached
        current.unpersist()
        current = stepped
    return current.flatMap(lambda e: [(e[1], e[0]), (e[0], e[0])]).reduceByKey(min, partitions)


def _stars(edges: Any, partitions: int) -> bool:
    """True when every component is a star around its smallest node: the fixed point of both steps.

    Edges are ``(smaller, larger)``; in a star no node is both a centre (on the left) and
    a leaf (on the right), and no leaf has two centres. One shuffle, one job.
    """
    roles = edges.flatMap(lambda e: [(e[0], (1, 0)), (e[1], (0, 1))]).reduceByKey(
        lambda x, y: (x[0] + y[0], x[1] + y[1]), partitions
    )
    return bool(roles.filter(lambda kv: kv[1][1] > 1 or (kv[1][1] == 1 and kv[1][0] > 0)).isEmpty())


def _ordered(edge: tuple[Any, Any]) -> tuple[Any, Any]:
    u, v = edge
    return (u, v) if u < v else (v, u)


def _large_star(edges: Any, partitions: int) -> Any:
    both = edges.flatMap(lambda e: [(e[0], e[1]), (e[1], e[0])]).groupByKey(partitions)
    return both.flatMap(lambda kv: _large(kv[0], kv[1]))  # duplicates go in the small star's set


def _large(node: Any, neighbours: Iterable[Any]) -> list[tuple[Any, Any]]:
    around = list(neighbours)
    smallest = min(node, *around)
    return [(smallest, v) for v in around if v > node]


def _small_star(edges: Any, partitions: int) -> Any:
    smaller = edges.map(lambda e: (e[1], e[0])).groupByKey(partitions)  # (larger node, a smaller neighbour)
    return smaller.flatMap(lambda kv: _small(kv[0], kv[1])).distinct(partitions)


def _small(node: Any, neighbours: Iterable[Any]) -> list[tuple[Any, Any]]:
    around = [*neighbours, node]
    smallest = min(around)
    return [(smallest, v) for v in set(around) if v != smallest]
