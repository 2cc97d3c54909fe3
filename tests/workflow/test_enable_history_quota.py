"""The enable workflow stays inside Step Functions' 25,000-event history quota, which the engine enforces.

AWS fails an execution whose history would pass 25,000 events, without its report
("Step Functions service quotas"); tests/engine/test_engine_strict.py shows the engine does too.
"""

from __future__ import annotations

from detective_rollout.engine import aws_rules
from tests.helpers.workflow import Runner, member, rows_by_pair, scenario

NEVER = [{"type": "no_role", "duration_s": 10**9}]


def test_sixty_accounts_without_a_member_role_wait_the_whole_window_and_end_with_their_report(enable: Runner) -> None:
    spec = scenario([member(n, faults=NEVER) for n in range(1, 61)], regions=["us-east-1"])
    run = enable(spec, batch_size=1, retry_access_denied_minutes=1440)
    rows = rows_by_pair(run)
    assert run.result.error == "RolloutIncomplete"
    assert len(rows) == 60
    assert {(r["status"], r["reason"]) for r in rows.values()} == {("FAILED", "ACCESS_DENIED")}
    assert run.result.history_events < aws_rules.HISTORY_LIMIT
    # One try of every pending role at a time, spaced so the 24 h window holds at most 96 of them.
    assert run.result.invocations["AcceptInvitations"] == 60
    assert 90 <= run.result.invocations["AcceptPendingRoles"] <= 97
