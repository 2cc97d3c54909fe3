"""tasks.retrying.bounded: a bounded number of tries, exponential waits on the task clock, the last error re-raised."""

from __future__ import annotations

import pytest

from tasks import errors
from tasks.retrying import bounded
from tests.helpers.tasks import task_clock


def flaky(failures: list[Exception]) -> tuple[list[int], object]:
    """A step that raises each of ``failures`` in turn, then returns "done"; and the list of its attempts."""
    calls: list[int] = []

    def step() -> str:
        calls.append(len(calls) + 1)
        if failures:
            raise failures.pop(0)
        return "done"

    return calls, step


def run(step: object, retrier: object) -> object:
    for attempt in retrier:  # type: ignore[attr-defined]
        with attempt:
            return step()  # type: ignore[operator]
    raise AssertionError("bounded() returned without a result or an error")


def test_a_transient_error_is_retried_with_exponential_waits_on_the_task_clock() -> None:
    calls, step = flaky([errors.Throttled("slow down"), errors.ServiceUnavailable("503")])
    with task_clock() as clock:
        assert run(step, bounded(attempts=3, first_wait=2, max_wait=30)) == "done"
    assert calls == [1, 2, 3]
    assert clock.sleeps == [2, 4]


def test_the_waits_stop_growing_at_max_wait() -> None:
    calls, step = flaky([errors.Throttled("x")] * 5)
    with task_clock() as clock:
        assert run(step, bounded(attempts=6, first_wait=5, max_wait=12)) == "done"
    assert clock.sleeps == [5, 10, 12, 12, 12]


def test_after_the_last_attempt_the_last_error_itself_is_raised() -> None:
    calls, step = flaky([errors.Throttled("first"), errors.Throttled("second"), errors.Throttled("third")])
    with task_clock() as clock, pytest.raises(errors.Throttled, match="third"):
        run(step, bounded(attempts=3))
    assert calls == [1, 2, 3] and len(clock.sleeps) == 2


def test_a_terminal_error_is_raised_at_once_without_waiting() -> None:
    calls, step = flaky([errors.AccessDenied("no role")])
    with task_clock() as clock, pytest.raises(errors.AccessDenied):
        run(step, bounded(attempts=5))
    assert calls == [1] and clock.sleeps == []


def test_only_the_named_error_types_are_retried() -> None:
    calls, step = flaky([errors.ServiceUnavailable("endpoint busy")])
    with task_clock(), pytest.raises(errors.ServiceUnavailable):
        run(step, bounded(errors.Throttled, attempts=5))
    assert calls == [1]
