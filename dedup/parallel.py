"""Worker processes for a scan's per-document and per-pair stages, with results in input order.

The parent cuts the work into items (ranges of documents, bands, document pairs); each
item's result comes back in item order and is combined exactly as a serial run would
combine it, so the number of jobs never changes a scan's answer. Workers are forked:
they inherit the parent's documents and arrays, so only an item and its result cross
a pipe. Where fork is not available (Windows; macOS defaults to spawn, which would
pickle every document) the work runs in-process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Shared = TypeVar("Shared")
Item = TypeVar("Item")
Result = TypeVar("Result")

_work: tuple[Callable[[Any, Any], Any], Any] | None = None  # what a forked worker runs; set before the fork


def usable_cpus() -> int:
    """Cores this process may run on (its affinity mask where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def resolve_jobs(jobs: int | None) -> int:
    """Worker processes to use: ``jobs``, or every usable core when it is None."""
    return usable_cpus() if jobs is None else jobs


def can_fork() -> bool:
    """True where worker processes can be forked (they then share the parent's memory, copy-on-write)."""
    return "fork" in multiprocessing.get_all_start_methods()


def ordered_map(
    function: Callable[[Shared, Item], Result], shared: Shared, items: Sequence[Item], *, jobs: int
) -> Iterator[Result]:
    """``function(shared, item)`` for every item, yielded in item order, on up to ``jobs`` processes.

    ``function`` must be a module-level function; ``shared`` is inherited by the forked
    workers, never pickled. With one job, one item or no fork, everything runs here.

    >>> list(ordered_map(pow, 2, [1, 2, 3], jobs=1))
    [2, 4, 8]
    """
    global _work
    if jobs <= 1 or len(items) <= 1 or not can_fork() or _work is not None:
        for item in items:
            yield function(shared, item)
        return
    _work = (function, shared)
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(min(jobs, len(items)), initializer=_ignore_interrupts) as pool:
            yield from pool.imap(_run, items, chunksize=1)
    finally:
        _work = None


def _ignore_interrupts() -> None:
    """Ctrl-C reaches the whole process group: the parent handles it (and ends the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(item: Any) -> Any:
    if _work is None:
        raise RuntimeError("a worker runs only what its parent set before forking")
    function, shared = _work
    return function(shared, item)
