"""Run one function over many items concurrently, each item's exception kept as its own result.

Every task that works on many Regions or account-Region pairs spends its time waiting on AWS
(~50-300 ms per call) while a call costs ~1 ms of CPU, so ~50 calls in flight keep one core
busy. The pool is one per process, like the botocore session: a Lambda container runs one
invocation at a time, so on AWS it belongs to that invocation; the embedded engine runs many
invocations in one process, and a shared pool keeps their total threads bounded instead of
multiplying them (which only adds GIL contention).

Callers must not nest :func:`fan_out` inside a fanned-out function: the outer items would hold
pool threads while waiting for inner items that cannot start (a deadlock once the pool is full).
Flatten the work instead (e.g. account x Region pairs rather than accounts, then Regions), or,
for a few sequential-looking calls inside one item (a Region's 50-account chunks), use
:func:`fan_out_within`, whose threads are the item's own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Calls in flight per process: enough to hide ~50 ms of latency behind ~1 ms of CPU per call.
MAX_THREADS = 64

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=MAX_THREADS, thread_name_prefix="fanout")
        return _pool


def fan_out[T, R](fn: Callable[[T], R], items: Iterable[T]) -> list[R | Exception]:
    """``fn(item)`` for every item, in item order; an item whose call raised gets its exception.

    One item (a Region, an account, an account-Region pair) failing never loses another's
    result: the caller turns each exception into that item's failure record.
    """
    work = list(items)
    if len(work) <= 1:
        return [_call(fn, item) for item in work]
    pool = _executor()
    futures: list[Future[R | Exception]] = [pool.submit(_call, fn, item) for item in work]
    return [f.result() for f in futures]


def fan_out_within[T, R](fn: Callable[[T], R], items: Iterable[T], width: int = 4) -> list[R | Exception]:
    """:func:`fan_out` for work inside one item of a fan-out: a private pool of at most ``width`` threads.

    A Region's CreateMembers or GetMembers chunks (24 of them at 1,200 accounts) took 24 round
    trips in a row; ``width`` of them in flight cut that by ``width`` while bounding what one
    Region adds to the process's calls in flight.
    """
    work = list(items)
    if len(work) <= 1 or width <= 1:
        return [_call(fn, item) for item in work]
    with ThreadPoolExecutor(max_workers=min(width, len(work)), thread_name_prefix="fanout-within") as pool:
        return list(pool.map(lambda item: _call(fn, item), work))


def all_or_raise[R](results: Iterable[R | Exception]) -> list[R]:
    """The results of a fan-out whose items must all succeed; raises the first item's exception (in item order)."""
    done: list[R] = []
    for result in results:
        if isinstance(result, Exception):
            raise result
        done.append(result)
    return done


def _call[T, R](fn: Callable[[T], R], item: T) -> R | Exception:
    try:
        return fn(item)
    except Exception as exc:  # noqa: BLE001 - returned to the caller as this item's outcome
        return exc
