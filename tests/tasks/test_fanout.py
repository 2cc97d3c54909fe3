"""tasks.fanout: every item's result in item order, one item's failure never losing another's, bounded threads."""

from __future__ import annotations

import threading

import pytest

from tasks import errors
from tasks.fanout import MAX_THREADS, all_or_raise, fan_out, fan_out_within


def square_or_fail(n: int) -> int:
    if n % 3 == 0:
        raise errors.Throttled(f"item {n}")
    return n * n


def test_results_come_back_in_item_order_with_each_failure_in_its_place() -> None:
    results = fan_out(square_or_fail, range(1, 8))
    assert [r if isinstance(r, int) else str(r) for r in results] == [1, 4, "item 3", 16, 25, "item 6", 49]
    assert isinstance(results[2], errors.Throttled)


def test_items_run_concurrently_not_one_after_another() -> None:
    meeting = threading.Barrier(3, timeout=10)  # only three calls in flight at once get past it

    def meet(n: int) -> int:
        meeting.wait()
        return n

    assert fan_out(meet, [1, 2, 3]) == [1, 2, 3]


def test_the_shared_pool_bounds_the_calls_in_flight() -> None:
    lock, running, peak = threading.Lock(), [0], [0]
    release = threading.Event()

    def hold(_n: int) -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            if running[0] == MAX_THREADS:
                release.set()
        release.wait(10)
        with lock:
            running[0] -= 1

    assert fan_out(hold, range(MAX_THREADS + 10)) == [None] * (MAX_THREADS + 10)
    assert peak[0] == MAX_THREADS


def test_fan_out_within_uses_at_most_width_threads_of_its_own() -> None:
    names: set[str] = set()
    lock = threading.Lock()

    def record(n: int) -> int:
        with lock:
            names.add(threading.current_thread().name)
        return n

    assert fan_out_within(record, range(12), width=3) == list(range(12))
    assert 1 <= len(names) <= 3 and all(name.startswith("fanout-within") for name in names)


def test_all_or_raise_returns_every_result_or_raises_the_first_failure_in_item_order() -> None:
    assert all_or_raise(fan_out(square_or_fail, [1, 2, 4])) == [1, 4, 16]
    with pytest.raises(errors.Throttled, match="item 3"):
        all_or_raise(fan_out(square_or_fail, [1, 3, 6]))
