"""tasks.classify_enable: the enable report's row for each pair from what the run recorded (the report contract).

The administrator's final view (VerifyMembers) decides; the invite and accept records explain it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tasks.classify_enable import Evidence, classify, region_rows
from tasks.plan import Account, Plan
from tasks.report import Row

ACCOUNT, REGION = "222222222222", "us-east-1"
GRAPH = f"arn:aws:detective:{REGION}:111111111111:graph:abc"


def plan(dry_run: bool = False) -> Plan:
    return Plan(
        workflow="enable",
        execution="run-1",
        admin_account_id="111111111111",
        regions=(REGION,),
        accounts=(Account(ACCOUNT, "m@example.com", (REGION,)),),
        batch_size=10,
        max_concurrency=10,
        dry_run=dry_run,
        started_at="2026-01-01T00:00:00Z",
    )


def evidence(
    invite: dict[str, Any] | None = None,
    accept: dict[str, Any] | None = None,
    verified: str | None = None,
    disabled_reason: str | None = None,
    region: dict[str, Any] | None = None,
) -> Evidence:
    found = Evidence(regions={REGION: region or {"region": REGION, "status": "READY", "graph": {"graph_arn": GRAPH}}})
    if invite is not None:
        found.invites[REGION] = {"graph_arn": GRAPH, "members": {ACCOUNT: invite}}
    if accept is not None:
        found.accepts[ACCOUNT] = {"regions": {REGION: accept}}
    if verified is not None:
        status = {"status": verified, "disabled_reason": disabled_reason}
        found.verified[REGION] = {"members": {ACCOUNT: status}}
    return found


INVITED = {"prior_status": None, "action": "invite", "member_status": "INVITED", "changed": True}


def row(found: Evidence, dry_run: bool = False) -> Row:
    return classify(found, plan(dry_run), ACCOUNT, REGION, 0)


def test_an_accepted_member_the_administrator_sees_enabled_is_enabled_and_changed() -> None:
    found = evidence(INVITED, {"outcome": "ACCEPTED", "changed": True}, "ENABLED")
    assert row(found) == Row(ACCOUNT, REGION, "ENABLED", "ENABLED", None, None, True)


def test_a_member_already_enabled_before_the_run_says_so_and_is_unchanged() -> None:
    invite = {"prior_status": "ENABLED", "action": "none", "member_status": "ENABLED", "changed": False}
    assert row(evidence(invite, None, "ENABLED")) == Row(
        ACCOUNT, REGION, "ENABLED", "ENABLED", "ALREADY_ENABLED", None, False
    )


@pytest.mark.parametrize(
    ("accept", "reason"),
    [
        ({"outcome": "ACCESS_DENIED", "detail": "AssumeRole failed"}, "ACCESS_DENIED"),
        ({"outcome": "PENDING_ACCESS", "detail": "role not there yet"}, "ACCESS_DENIED"),
        ({"outcome": "NOT_VISIBLE", "detail": "invitation not visible"}, "INVITATION_NOT_ACCEPTED"),
        ({"outcome": "THROTTLED", "detail": "Rate exceeded"}, "THROTTLED"),
    ],
)
def test_a_member_left_invited_fails_with_the_reason_its_acceptance_recorded(
    accept: dict[str, Any], reason: str
) -> None:
    result = row(evidence(INVITED, accept, "INVITED"))
    assert (result.status, result.member_status, result.reason, result.detail) == (
        "FAILED",
        "INVITED",
        reason,
        accept["detail"],
    )


@pytest.mark.parametrize(
    ("disabled_reason", "reason"), [("VOLUME_TOO_HIGH", "VOLUME_TOO_HIGH"), ("VOLUME_UNKNOWN", "VOLUME_UNKNOWN")]
)
def test_accepted_but_disabled_fails_with_the_volume_reason(disabled_reason: str, reason: str) -> None:
    result = row(evidence(INVITED, {"outcome": "ACCEPTED"}, "ACCEPTED_BUT_DISABLED", disabled_reason))
    assert (result.status, result.reason) == ("FAILED", reason)


def test_verification_failed_tells_the_operator_to_use_the_root_email() -> None:
    result = row(evidence(INVITED, None, "VERIFICATION_FAILED"))
    assert (result.status, result.reason) == ("FAILED", "VERIFICATION_FAILED")
    assert "root email" in (result.detail or "")


def test_a_failed_batch_explains_an_invited_member_that_never_got_an_acceptance() -> None:
    found = evidence(INVITED, None, "INVITED")
    found.failed_batches[0] = "States.Timeout: timed out"
    result = row(found)
    assert (result.status, result.reason) == ("FAILED", "ERROR")
    assert result.detail == "AcceptInvitations failed for the batch: States.Timeout: timed out"


def test_an_unreadable_final_status_is_failed_never_a_stale_one() -> None:
    found = evidence(INVITED, {"outcome": "ACCEPTED", "changed": True}, "ENABLED")
    found.unverified[REGION] = "VerifyMembers failed: Throttled: Rate exceeded"
    result = row(found)
    assert (result.status, result.member_status, result.reason) == ("FAILED", None, "ERROR")
    assert result.changed is True


def test_a_skipped_or_failed_region_decides_its_pairs() -> None:
    skipped = {"region": REGION, "status": "SKIPPED", "reason": "GUARDDUTY_NOT_ENABLED", "guardduty": {"detail": "no"}}
    assert row(evidence(region=skipped)) == Row(ACCOUNT, REGION, "SKIPPED", None, "GUARDDUTY_NOT_ENABLED", "no", False)
    failed = {"region": REGION, "status": "FAILED", "error": {"Error": "AccessDenied", "Cause": "CreateGraph"}}
    assert row(evidence(region=failed)).detail == "AccessDenied: CreateGraph"
    assert row(Evidence(regions={})).detail == "the Region was not processed"


def test_a_dry_run_row_is_planned_with_the_failure_it_expects() -> None:
    invite = {"prior_status": None, "action": "invite", "detail": "would invite the account"}
    accept = {"outcome": "ACCESS_DENIED", "detail": "AssumeRole failed"}
    result = row(evidence(invite, accept), dry_run=True)
    assert (result.status, result.reason, result.changed) == ("PLANNED", "ACCESS_DENIED", False)
    assert (
        result.detail
        == "expected FAILED / ACCESS_DENIED: would invite the account; expected to fail: AssumeRole failed"
    )


@pytest.mark.parametrize(
    ("invite", "accept", "reason"),
    [
        ({"prior_status": "ENABLED", "action": "none"}, {}, "ALREADY_ENABLED"),
        ({"prior_status": "INVITED", "action": "none"}, {"outcome": "PLANNED", "member_guardduty": True}, None),
        (
            {"prior_status": "INVITED", "action": "none"},
            {"outcome": "PLANNED", "member_guardduty": False},
            "VOLUME_UNKNOWN",
        ),
        ({"prior_status": "VERIFICATION_FAILED", "action": "none"}, {}, "VERIFICATION_FAILED"),
        ({"prior_status": "ACCEPTED_BUT_DISABLED", "action": "start_monitoring"}, {"member_guardduty": True}, None),
        (
            {"prior_status": "ACCEPTED_BUT_DISABLED", "action": "start_monitoring"},
            {"outcome": "ACCESS_DENIED"},
            "VOLUME_UNKNOWN",
        ),
        (
            {
                "prior_status": "ACCEPTED_BUT_DISABLED",
                "action": "start_monitoring",
                "disabled_reason": "VOLUME_TOO_HIGH",
            },
            {"member_guardduty": True},
            "VOLUME_TOO_HIGH",
        ),
        ({"prior_status": None, "action": "invite"}, {"outcome": "REGION_NOT_ENABLED"}, "REGION_NOT_ENABLED"),
    ],
)
def test_a_dry_run_row_predicts_the_runs_reason(
    invite: dict[str, Any], accept: dict[str, Any], reason: str | None
) -> None:
    result = row(evidence({**invite, "detail": "what it would do"}, accept), dry_run=True)
    assert (result.status, result.reason) == ("PLANNED", reason)
    expected = (
        "ENABLED" if reason in (None, "ALREADY_ENABLED") else "SKIPPED" if reason == "REGION_NOT_ENABLED" else "FAILED"
    )
    assert result.detail is not None and result.detail.startswith(f"expected {expected}")


def test_region_rows_report_each_regions_graph_gate_and_status() -> None:
    gate = {"gate": "READY", "guardduty_age_hours": 72.0, "detail": "GuardDuty enabled for 72.0 h"}
    graph = {
        "graph_arn": GRAPH,
        "organization_admin": False,
        "datasource_packages": {"DETECTIVE_CORE": "STARTED"},
        "auto_enable": {"status": "SKIPPED", "detail": "not the organization's Detective administrator"},
    }
    found = evidence(region={"region": REGION, "status": "READY", "graph": graph, "guardduty": gate})
    assert region_rows(found, plan()) == [
        {
            "region": REGION,
            "graph_arn": GRAPH,
            "guardduty_age_hours": 72.0,
            "status": "ENABLED",
            "reason": None,
            "detail": "GuardDuty enabled for 72.0 h",
            "organization_admin": False,
            "datasource_packages": {"DETECTIVE_CORE": "STARTED"},
            "notes": [
                {
                    "topic": "auto_enable_organization",
                    "status": "SKIPPED",
                    "detail": "not the organization's Detective administrator",
                }
            ],
        }
    ]


@pytest.mark.parametrize(
    ("invite", "accept", "final", "changed"),
    [
        ({"action": "start_monitoring", "prior_status": "ACCEPTED_BUT_DISABLED"}, None, "ACCEPTED_BUT_DISABLED", False),
        ({"action": "start_monitoring", "prior_status": "ACCEPTED_BUT_DISABLED"}, None, "ENABLED", True),
        ({"action": "none", "prior_status": "INVITED"}, {"outcome": "ACCESS_DENIED"}, "INVITED", False),
        ({"action": "none", "prior_status": "INVITED"}, {"outcome": "ACCEPTED", "changed": True}, "ENABLED", True),
        ({"action": "none", "prior_status": "VERIFICATION_FAILED"}, None, "VERIFICATION_FAILED", False),
        (
            {"action": "repair", "prior_status": "VERIFICATION_FAILED", "changed": True},
            None,
            "VERIFICATION_FAILED",
            True,
        ),
    ],
    ids=["still disabled", "enabled by start", "role denied", "accepted", "same email", "re-invited"],
)
def test_changed_means_this_run_changed_the_membership(
    invite: dict[str, Any], accept: dict[str, Any] | None, final: str, changed: bool
) -> None:
    assert row(evidence(invite, accept, final)).changed is changed
