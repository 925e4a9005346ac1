"""erp_http.parallel.parallel_map: order kept, bounded threads, inline for small work, errors surface."""
from __future__ import annotations

import threading

import pytest

from erp_http.parallel import parallel_map


def test_results_keep_input_order_and_use_at_most_workers_threads():
    names: set[str] = set()
    gate = threading.Barrier(3, timeout=10)  # proves 3 run at once: the barrier only opens with 3 waiting

    def work(i: int) -> int:
        names.add(threading.current_thread().name)
        if i < 3:
            gate.wait()
        return i * i

    assert parallel_map(work, range(9), 3, name="sq") == [i * i for i in range(9)]
    assert len(names) == 3 and all(n.startswith("sq") for n in names)


@pytest.mark.parametrize(("items", "workers"), [([5], 8), ([1, 2, 3], 1), ([], 4), ([1, 2], 0)])
def test_small_work_runs_inline_on_the_calling_thread(items, workers):
    caller = threading.current_thread().name
    seen: list[str] = []

    def work(i: int) -> int:
        seen.append(threading.current_thread().name)
        return i + 1

    assert parallel_map(work, items, workers) == [i + 1 for i in items]
    assert set(seen) <= {caller}


def test_the_first_failure_in_input_order_is_raised():
    def work(i: int) -> int:
        if i in (2, 5):
            raise ValueError(f"bad {i}")
        return i

    with pytest.raises(ValueError, match="bad 2"):
        parallel_map(work, range(8), 4)


def test_accepts_any_iterable():
    assert parallel_map(str, (i for i in range(4)), 2) == ["0", "1", "2", "3"]
