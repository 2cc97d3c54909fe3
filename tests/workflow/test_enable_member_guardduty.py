"""Members without GuardDuty (issue 21, section 3): ``member_guardduty: report`` (default) or ``enable``.

With ``enable`` the member side creates a GuardDuty detector where the member has none (the member
role may, with the StackSet's AllowGuardDutyEnable=true: scenario ``member_role_allow_guardduty_enable``),
then the administrator asks Detective to start monitoring the member within the same execution: the
row ends ENABLED and says GuardDuty was enabled by this run. Without the permission the row is
FAILED / VOLUME_UNKNOWN naming it; with ``report`` the run changes nothing in the member's GuardDuty.
"""

from __future__ import annotations

from typing import Any

import pytest

from detective_rollout.local import LocalRun
from tasks.member_guardduty import NOT_ALLOWED
from tests.helpers.workflow import ADMIN, Runner, member, operations, rows_by_pair, scenario

NO_GD, HAS_GD = member(1, guardduty=False), member(2)
DISABLED = {"status": "ACCEPTED_BUT_DISABLED", "disabled_reason": "VOLUME_UNKNOWN"}
ALREADY = member(3, guardduty=False, existing_membership={"us-east-1": DISABLED, "eu-west-1": DISABLED})
REGIONS = ("us-east-1", "eu-west-1")


def fleet(allowed: bool, members: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    spec = scenario(members or [NO_GD, HAS_GD, ALREADY], member_role_allow_guardduty_enable=allowed)
    spec["administrator"]["existing_graph_regions"] = list(REGIONS)
    return spec


def without_guardduty(run: LocalRun) -> list[tuple[str, str, dict[str, Any]]]:
    """(account, Region, row) of every pair of the members that had no GuardDuty."""
    rows = rows_by_pair(run)
    return [(a["account_id"], r, rows[(a["account_id"], r)]) for a in (NO_GD, ALREADY) for r in REGIONS]


def test_enable_creates_the_members_detector_and_the_row_ends_enabled(enable: Runner) -> None:
    run = enable(fleet(allowed=True), member_guardduty="enable")
    rows = rows_by_pair(run)
    for account, region, row in without_guardduty(run):
        assert (row["status"], row["reason"], row["member_status"]) == ("ENABLED", None, "ENABLED")
        assert row["changed"] is True
        assert "GuardDuty was enabled in the member by this run" in row["detail"]
        assert run.fleet.guardduty.has_enabled_detector(account, region, run.fleet.clock.now())
    created = operations(run, "CreateDetector")
    assert sorted((c.account_id, c.region) for c in created) == sorted(
        (a["account_id"], r) for a in (NO_GD, ALREADY) for r in REGIONS
    )
    assert {c.account_id for c in operations(run, "StartMonitoringMember")} == {ADMIN}
    healthy = rows[(HAS_GD["account_id"], "us-east-1")]
    assert (healthy["status"], healthy["detail"]) == ("ENABLED", None)


def test_enable_without_allow_guardduty_enable_fails_with_the_stated_detail(enable: Runner) -> None:
    run = enable(fleet(allowed=False), member_guardduty="enable")
    for account, _, row in without_guardduty(run):
        expected = ("FAILED", "VOLUME_UNKNOWN", "ACCEPTED_BUT_DISABLED")
        assert (row["status"], row["reason"], row["member_status"]) == expected
        assert row["changed"] is (account == NO_GD["account_id"])  # invited and accepted; the denial wrote nothing
        assert row["detail"] == "member role may not enable GuardDuty (AllowGuardDutyEnable=false)" == NOT_ALLOWED
    assert operations(run, "CreateDetector") == []
    denied = [c for c in run.fleet.calls if c.operation == "CreateDetector"]
    assert denied and {c.error for c in denied} == {"AccessDeniedException"}


def test_report_is_the_default_and_leaves_the_members_guardduty_alone(enable: Runner) -> None:
    run = enable(fleet(allowed=True))
    row = rows_by_pair(run)[(NO_GD["account_id"], "us-east-1")]
    assert (row["status"], row["reason"]) == ("FAILED", "VOLUME_UNKNOWN")
    assert row["detail"].startswith("the member has no GuardDuty detector in us-east-1")
    assert [c for c in run.fleet.calls if c.operation == "CreateDetector"] == []


def test_a_plan_with_enable_predicts_enabled_and_writes_nothing(enable: Runner) -> None:
    run = enable(fleet(allowed=True), member_guardduty="enable", dry_run=True)
    row = rows_by_pair(run)[(NO_GD["account_id"], "us-east-1")]
    assert (row["status"], row["reason"]) == ("PLANNED", None)
    assert row["detail"].startswith("expected ENABLED:") and "would enable GuardDuty in the member" in row["detail"]
    assert run.fleet.mutating_calls() == []


@pytest.mark.parametrize("value", ["on", "", True])
def test_a_bad_member_guardduty_is_refused_naming_it(enable: Runner, value: Any) -> None:
    run = enable(fleet(allowed=True), member_guardduty=value)
    assert run.report is None and run.result.status == "FAILED"
    assert "member_guardduty" in str(run.result.cause) and "one of report, enable" in str(run.result.cause)
    assert run.fleet.mutating_calls() == []
