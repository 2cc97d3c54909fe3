"""When RedriveExecution is the right tool - and when a replay is.

RedriveExecution restarts an execution from the states that failed. A rollout that ended with its
report failed on purpose in its final Fail state (some row FAILED); redriving it would re-run only
that Fail state and change nothing, so those executions are replayed (a new execution over the
failed pairs). Redrive is for executions that stopped *without* a report - an uncaught error, a
timeout, an abort - and only within AWS's limits: Standard workflows, stopped less than 14 days
ago, with room left in the 25,000-event history. DescribeExecution's own ``redriveStatus`` (when
AWS returns it) has the last word.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

REDRIVE_WINDOW = timedelta(days=14)
#: A redrive appends events; AWS refuses it at 24,999 events or more (the history holds 25,000).
MAX_HISTORY_EVENTS = 24_999
STOPPED = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})


@dataclass(frozen=True)
class RedriveDecision:
    eligible: bool
    reason: str


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value).astimezone()
    if isinstance(value, str) and value:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return None


def redrive_decision(
    description: Mapping[str, Any], *, history_events: int, report_exists: bool, now: datetime
) -> RedriveDecision:
    """Whether to redrive the execution DescribeExecution described (``now`` timezone-aware)."""
    status, arn = str(description.get("status")), str(description.get("executionArn", ""))
    if report_exists:
        return RedriveDecision(
            False,
            "it wrote its report: a redrive would only re-run its final Fail state; "
            "its FAILED rows are replayed instead",
        )
    if status not in STOPPED:
        return RedriveDecision(False, f"it is {status}, not stopped (FAILED, TIMED_OUT or ABORTED)")
    if ":express:" in arn:
        return RedriveDecision(False, "Express executions cannot be redriven")
    if description.get("redriveStatus") == "NOT_REDRIVABLE":
        return RedriveDecision(False, f"AWS says it is not redrivable: {description.get('redriveStatusReason')}")
    stopped = _moment(description.get("stopDate"))
    if stopped is None or now - stopped > REDRIVE_WINDOW:
        return RedriveDecision(
            False,
            f"it stopped {stopped.isoformat() if stopped else 'at an unknown time'}, "
            "more than 14 days ago: start a new execution",
        )
    if history_events >= MAX_HISTORY_EVENTS:
        return RedriveDecision(
            False, f"its history has {history_events} events; a redrive needs fewer than {MAX_HISTORY_EVENTS}"
        )
    return RedriveDecision(
        True, f"it stopped {status} without a report at {stopped.isoformat()}: redriving it from the failed states"
    )
