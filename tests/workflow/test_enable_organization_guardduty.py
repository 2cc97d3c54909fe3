"""``member_guardduty: enable`` over organization accounts (docs/organizations.md says the choice).

An organization account needs no member role to be a member, so it never accepts anything; with
``enable`` and Detective leaving it ACCEPTED_BUT_DISABLED / VOLUME_UNKNOWN, the run enables its GuardDuty
through its member role where it has one (no AcceptInvitation), and where it has none the row stays
FAILED / VOLUME_UNKNOWN saying so - never ACCESS_DENIED, which would ask for a role the organization path
does not need.
"""

from __future__ import annotations

from typing import Any

from tasks.accept_invitations import NO_ORGANIZATION_ROLE
from tests.helpers.workflow import REGIONS, member, operations, rows_by_pair, run_enable, scenario

WITH_ROLE = member(1, guardduty=False)
NO_ROLE = member(2, guardduty=False, faults=["no_role"])


def organization_fleet() -> dict[str, Any]:
    accounts = {m["account_id"]: m["email"] for m in (WITH_ROLE, NO_ROLE)}
    return scenario(
        [WITH_ROLE, NO_ROLE],
        organization={"accounts": accounts, "detective_admin": True},
        member_role_allow_guardduty_enable=True,
    )


def test_an_organization_account_with_a_member_role_gets_guardduty_and_ends_enabled_without_accepting() -> None:
    run = run_enable(organization_fleet(), member_guardduty="enable")
    rows = rows_by_pair(run)
    for region in REGIONS:
        row = rows[(WITH_ROLE["account_id"], region)]
        assert (row["status"], row["reason"], row["member_status"], row["enrollment"]) == (
            "ENABLED",
            None,
            "ENABLED",
            "ORGANIZATION",
        )
        assert row["changed"] is True and "GuardDuty was enabled in the member by this run" in row["detail"]
    created = {(c.account_id, c.region) for c in operations(run, "CreateDetector")}
    assert created == {(WITH_ROLE["account_id"], region) for region in REGIONS}
    assert [c for c in run.fleet.calls if c.operation == "AcceptInvitation"] == []


def test_an_organization_account_without_a_member_role_is_volume_unknown_saying_so_not_access_denied() -> None:
    spec = organization_fleet()
    first = run_enable(spec, member_guardduty="enable")
    again = run_enable(spec, fleet=first.fleet, name="again", member_guardduty="enable")
    for run in (first, again):
        for region in REGIONS:
            row = rows_by_pair(run)[(NO_ROLE["account_id"], region)]
            assert (row["status"], row["reason"], row["member_status"], row["enrollment"]) == (
                "FAILED",
                "VOLUME_UNKNOWN",
                "ACCEPTED_BUT_DISABLED",
                "ORGANIZATION",
            )
            assert row["detail"].startswith(NO_ORGANIZATION_ROLE.split("(")[0])
            assert "no member role to enable GuardDuty through" in row["detail"]
    assert all(c.account_id != NO_ROLE["account_id"] for c in first.fleet.calls if c.operation == "CreateDetector")


def test_with_report_an_organization_account_is_never_assumed_into() -> None:
    run = run_enable(organization_fleet())
    assert [c for c in run.fleet.calls if c.operation == "AssumeRole"] == []
    row = rows_by_pair(run)[(WITH_ROLE["account_id"], "us-east-1")]
    assert (row["status"], row["reason"], row["enrollment"]) == ("FAILED", "VOLUME_UNKNOWN", "ORGANIZATION")


def test_a_plan_predicts_both_organization_accounts_and_writes_nothing() -> None:
    spec = organization_fleet()
    before = run_enable(spec)  # report: both stay ACCEPTED_BUT_DISABLED
    since = len(before.fleet.calls)
    plan = run_enable(spec, fleet=before.fleet, name="plan", member_guardduty="enable", dry_run=True)
    rows = rows_by_pair(plan)
    for region in REGIONS:
        with_role, no_role = rows[(WITH_ROLE["account_id"], region)], rows[(NO_ROLE["account_id"], region)]
        assert (with_role["status"], with_role["reason"]) == ("PLANNED", None)
        assert with_role["detail"].startswith("expected ENABLED:") and "would enable GuardDuty" in with_role["detail"]
        assert (no_role["status"], no_role["reason"]) == ("PLANNED", "VOLUME_UNKNOWN")
        assert "no member role to enable GuardDuty through" in no_role["detail"]
    assert [c for c in plan.fleet.calls[since:] if c.mutating and c.error is None] == []
