"""A mixed fleet: organization accounts beside invited ones, AutoEnable, and data source packages, end to end.

The administrator is the organization's Detective administrator (scenario ``organization.detective_admin``):
CreateMembers enables the organization's accounts without invitation ("CreateMembers", Amazon Detective API
Reference), so they never need a member role; accounts outside the organization are invited and accept.
"""

from __future__ import annotations

from typing import Any

from tests.helpers.workflow import ADMIN, REGIONS, member, operations, rows_by_pair, run_disable, run_enable, scenario

ORG = member(1, faults=["no_role"])  # in the organization, and no member role at all
ORG_NO_GUARDDUTY = member(2, guardduty=False)
OUTSIDER = member(3)


def mixed(detective_admin: bool = True, **changes: Any) -> dict[str, Any]:
    accounts = {m["account_id"]: m["email"] for m in (ORG, ORG_NO_GUARDDUTY)}
    return scenario(
        [ORG, ORG_NO_GUARDDUTY, OUTSIDER],
        organization={"accounts": accounts, "detective_admin": detective_admin},
        **changes,
    )


def test_an_organization_account_with_no_member_role_ends_enabled_without_assume_role() -> None:
    run = run_enable(mixed())
    rows = rows_by_pair(run)
    for region in REGIONS:
        row = rows[(ORG["account_id"], region)]
        assert (row["status"], row["member_status"], row["enrollment"], row["changed"]) == (
            "ENABLED",
            "ENABLED",
            "ORGANIZATION",
            True,
        )
        assert "organization account" in row["detail"]
        outsider = rows[(OUTSIDER["account_id"], region)]
        assert (outsider["status"], outsider["enrollment"]) == ("ENABLED", "INVITATION")
    assumed = {c.account_id for c in run.fleet.calls if c.operation == "AcceptInvitation"}
    assert ORG["account_id"] not in assumed and OUTSIDER["account_id"] in assumed
    # One AssumeRole, into the outsider's role: ORG's would be AccessDenied (no_role), neither org account is tried.
    assert [c.error for c in run.fleet.calls if c.operation == "AssumeRole"] == [None]
    assert run.report is not None
    assert all(r["organization_admin"] is True for r in run.report["regions"])


def test_an_organization_account_without_guardduty_is_volume_unknown_without_an_invitation() -> None:
    rows = rows_by_pair(run_enable(mixed()))
    row = rows[(ORG_NO_GUARDDUTY["account_id"], "us-east-1")]
    assert (row["status"], row["member_status"], row["reason"], row["enrollment"]) == (
        "FAILED",
        "ACCEPTED_BUT_DISABLED",
        "VOLUME_UNKNOWN",
        "ORGANIZATION",
    )


def test_a_rerun_over_a_mixed_fleet_changes_nothing() -> None:
    first = run_enable(mixed(), datasource_packages=["EKS_AUDIT"], auto_enable_organization=True)
    since = len(first.fleet.calls)
    again = run_enable(
        mixed(), fleet=first.fleet, name="again", datasource_packages=["EKS_AUDIT"], auto_enable_organization=True
    )
    rows = rows_by_pair(again)
    assert rows[(ORG["account_id"], "us-east-1")]["reason"] == "ALREADY_ENABLED"
    writes = [c.operation for c in again.fleet.calls[since:] if c.mutating and c.error is None]
    assert set(writes) == {"StartMonitoringMember"}  # only the ACCEPTED_BUT_DISABLED member is asked again


def test_auto_enable_is_set_where_the_administrator_is_the_organizations_detective_admin() -> None:
    run = run_enable(mixed(), auto_enable_organization=True)
    assert len(operations(run, "UpdateOrganizationConfiguration")) == len(REGIONS)
    assert run.report is not None
    notes = [n for r in run.report["regions"] for n in r["notes"]]
    assert [n["status"] for n in notes] == ["SET", "SET"]


def test_auto_enable_where_the_administrator_is_not_the_organizations_admin_is_a_skipped_note_not_a_failure() -> None:
    run = run_enable(mixed(detective_admin=False), auto_enable_organization=True)
    assert run.report is not None
    for region in run.report["regions"]:
        assert region["status"] == "ENABLED" and region["organization_admin"] is False
        assert [(n["topic"], n["status"]) for n in region["notes"]] == [("auto_enable_organization", "SKIPPED")]
        assert "not the organization's Detective administrator" in region["notes"][0]["detail"]
    assert operations(run, "UpdateOrganizationConfiguration") == []
    rows = rows_by_pair(run)
    assert {r["enrollment"] for r in rows.values() if r["status"] == "ENABLED"} == {"INVITATION"}


def test_disable_removes_an_organization_member_with_delete_members_and_says_so() -> None:
    spec = mixed()
    enabled = run_enable(spec)
    since = len(enabled.fleet.calls)
    accounts = [{"account_id": ORG["account_id"]}, {"account_id": OUTSIDER["account_id"]}]
    run = run_disable(spec, fleet=enabled.fleet, name="off", accounts=accounts, disassociate_in_member=True)
    rows = rows_by_pair(run)
    org_row = rows[(ORG["account_id"], "us-east-1")]
    assert (org_row["status"], org_row["reason"], org_row["enrollment"]) == ("REMOVED", None, "ORGANIZATION")
    assert "DeleteMembers" in org_row["detail"] and "DisassociateMembership" in org_row["detail"]
    deleted = [c for c in enabled.fleet.calls[since:] if c.operation == "DeleteMembers" and c.error is None]
    assert deleted and all(c.account_id == ADMIN for c in deleted)
    assert not [c for c in run.fleet.calls[since:] if c.operation == "DisassociateMembership"]
    assert rows[(OUTSIDER["account_id"], "us-east-1")]["enrollment"] == "INVITATION"
