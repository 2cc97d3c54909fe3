"""The per-Region outcome list the administrator-side states of the enable machine pass along.

CheckGuardDuty, EnsureGraph and InviteMembers each handle every Region in one invocation (the
number of states executed must not grow with Regions x accounts, and 21 Regions of work fit
easily in one Lambda). Each reads the list the previous one returned (``$.prepare.regions``)
and returns it updated, so the list always says how far every Region got:

* ``{"region", "status": "READY", "guardduty", "graph"?, "invite"?}`` - on its way (complete
  once ``invite`` is there);
* ``{"region", "status": "WAITING", "guardduty"}`` - GuardDuty too young, the machine waits;
* ``{"region", "status": "SKIPPED", "reason", "guardduty"}``;
* ``{"region", "status": "FAILED", "reason": "ERROR", "error": {"Error", "Cause"}}``.

WriteReport classifies these shapes (tasks.classify_enable). A Region's error never touches
another Region: it becomes that Region's FAILED outcome, after in-task retries of transient errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tasks import errors
from tasks.contracts import RegionOutcome, StateError
from tasks.fanout import fan_out
from tasks.retrying import bounded

Outcome = RegionOutcome


def error_of(exc: BaseException) -> StateError:
    """The ``{"Error", "Cause"}`` a Catch would have recorded for this exception."""
    message = exc.message if isinstance(exc, errors.RolloutError) else str(exc)
    return {"Error": type(exc).__name__, "Cause": message}


def failed(outcome: Outcome, exc: BaseException) -> Outcome:
    return {**outcome, "status": "FAILED", "reason": "ERROR", "error": error_of(exc)}


def retried[T, R](work: Callable[[T], R]) -> Callable[[T], R]:
    """``work`` retried on transient errors (throttling after botocore's retries, 5xx, work store)."""

    def run(item: T) -> R:
        for attempt in bounded(errors.RetryableError, attempts=4, first_wait=5, max_wait=40):
            with attempt:
                return work(item)
        raise AssertionError("unreachable: bounded() re-raises the last error")

    return run


def for_each_ready(outcomes: Iterable[Outcome], work: Callable[[Outcome], Outcome]) -> list[Outcome]:
    """``work`` on every READY outcome concurrently; the others pass through, a Region's exception fails it."""
    current = list(outcomes)
    ready = [o for o in current if o.get("status") == "READY"]
    done = {o["region"]: r for o, r in zip(ready, fan_out(retried(work), ready), strict=True)}
    return [_settle(o, done[o["region"]]) if o["region"] in done else o for o in current]


def _settle(outcome: Outcome, result: Outcome | Exception) -> Outcome:
    return failed(outcome, result) if isinstance(result, Exception) else result


def ready_regions(outcomes: Iterable[Outcome]) -> list[str]:
    return [o["region"] for o in outcomes if o.get("status") == "READY"]


def complete(outcomes: Iterable[Outcome], regions: Iterable[str], error: StateError | None) -> list[Outcome]:
    """Every Region's final outcome; with ``error`` (a state crashed), the unfinished ones FAILED with it.

    A Region is finished when SKIPPED, FAILED, or READY with its invitations sent.
    """
    by_region = {o["region"]: o for o in outcomes}
    final: list[Outcome] = []
    for region in regions:
        outcome = by_region.get(region)
        finished = outcome is not None and (outcome.get("status") in ("SKIPPED", "FAILED") or "invite" in outcome)
        if outcome is not None and (finished or error is None):
            final.append(outcome)
        elif error is not None:
            final.append({**(outcome or {"region": region}), "status": "FAILED", "reason": "ERROR", "error": error})
    return final
