"""AcceptPendingRoles: which batches it tries again, and how far apart (tasks/accept_pending_roles.py).

End to end (the wait, the rows) in tests/workflow/test_enable_history_quota.py and
tests/workflow/test_enable_outcomes.py; here the two rules that bound the execution's history.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tasks.accept_invitations import ACCESS_RETRY_INTERVAL, MAX_ROLE_TRIES, retry_interval
from tasks.accept_pending_roles import pending_batches
from tasks.plan import Plan


def test_only_batches_with_pending_account_regions_are_tried_again() -> None:
    batches = [
        {"batch": 0, "status": "DONE", "counts": {"ACCEPTED": 2}},
        {"batch": 1, "status": "DONE", "counts": {"ACCEPTED": 1, "PENDING_ACCESS": 1}},
        {"batch": 2, "status": "FAILED", "error": {"Error": "Runtime.ExitError", "Cause": "crash"}},
        {"batch": 3, "status": "DONE", "counts": {"PENDING_ACCESS": 3}},
    ]
    assert pending_batches(batches) == [1, 3]


def _plan(minutes: int) -> Plan:
    return Plan(
        "enable",
        "run-1",
        "111111111111",
        ("us-east-1",),
        (),
        1,
        1,
        False,
        "2026-01-01T00:00:00Z",
        options={"retry_access_denied_minutes": minutes},
    )


@pytest.mark.parametrize("minutes", [0, 15, 96, 97, 600, 1440])
def test_the_window_holds_at_most_max_role_tries_a_minute_apart_at_least(minutes: int) -> None:
    interval = retry_interval(_plan(minutes))
    assert interval >= ACCESS_RETRY_INTERVAL
    assert timedelta(minutes=minutes) / interval <= MAX_ROLE_TRIES
    if minutes <= MAX_ROLE_TRIES:
        assert interval == ACCESS_RETRY_INTERVAL  # short windows: every minute, as before
