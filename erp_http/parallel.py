"""The one ``parallel_map``: run a function over items on a bounded thread pool, results in input order.

Threads (not processes) because the work is waiting on HTTP; the sender's in-flight bound still caps
what reaches the server, so ``workers`` only bounds threads. One or zero items, or one worker, run inline:
no pool start-up for the common small case, and tracebacks stay simple.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def parallel_map(fn: Callable[[T], R], items: Iterable[T], workers: int, *, name: str = "erp") -> list[R]:
    """``[fn(item) for item in items]`` on up to ``workers`` threads named ``name-N``.

    The first exception (in input order) is raised after the pool has finished the items already started;
    callers that want per-item errors catch them inside ``fn``.
    """
    todo = list(items)
    if len(todo) <= 1 or workers <= 1:
        return [fn(item) for item in todo]
    with ThreadPoolExecutor(max_workers=min(workers, len(todo)), thread_name_prefix=name) as pool:
        return list(pool.map(fn, todo))
