"""The enable workflow end to end: the real ASL and task code on the engine, one test per outcome."""

from __future__ import annotations

import pytest

from tests.helpers.workflow import ADMIN, Runner, member, rows_by_pair, scenario

REGIONS = ("us-east-1", "eu-west-1")


def test_happy_path_enables_every_member_in_every_region(enable: Runner) -> None:
    spec = scenario([member(1), member(2), member(3)])
    run = enable(spec)
    rows = rows_by_pair(run)
    assert len(rows) == 6
    assert {r["status"] for r in rows.values()} == {"ENABLED"}
    assert all(r["changed"] and r["reason"] is None for r in rows.values())
    assert run.result.status == "SUCCEEDED"
    assert run.result.output["summary"] == {"total": 6, "ENABLED": 6}
    assert run.report["summary"] == {"total": 6, "ENABLED": 6}
    for m in spec["members"]:
        for region in REGIONS:
            assert run.fleet.member(region, m["account_id"]).status == "ENABLED"
    assert {r["status"] for r in run.report["regions"]} == {"ENABLED"}
    assert all(r["graph_arn"].startswith("arn:aws:detective:") for r in run.report["regions"])


def test_every_member_fault_maps_to_its_report_reason(enable: Runner) -> None:
    spec = scenario(
        [
            member(1, faults=["no_role"]),
            member(2, faults=["untrusted_role"]),
            member(3, faults=["volume_too_high"]),
            member(4, faults=["verification_fails"]),
            member(5, faults=["closed"]),
            member(6, guardduty={"eu-west-1": False}),
            member(7, faults=[{"type": "slow_invitation", "duration_s": 120}]),
            member(8, faults=[{"type": "slow_invitation", "duration_s": 86400}]),
            member(9, faults=[{"type": "throttle", "ops": ["AcceptInvitation", "ListInvitations"], "rate": 0.3}]),
        ]
    )
    run = enable(spec)
    rows = rows_by_pair(run)
    assert len(rows) == 18

    def reason(n: int, region: str = "us-east-1") -> tuple[str, str | None]:
        row = rows[(member(n)["account_id"], region)]
        return row["status"], row["reason"]

    assert reason(1) == ("FAILED", "ACCESS_DENIED")
    assert reason(2) == ("FAILED", "ACCESS_DENIED")
    assert reason(3) == ("FAILED", "VOLUME_TOO_HIGH")
    assert reason(4) == ("FAILED", "VERIFICATION_FAILED")
    assert "root email" in rows[(member(4)["account_id"], "us-east-1")]["detail"]
    assert reason(5) == ("FAILED", "ACCESS_DENIED")
    assert reason(6, "eu-west-1") == ("FAILED", "VOLUME_UNKNOWN")
    assert "GuardDuty" in rows[(member(6)["account_id"], "eu-west-1")]["detail"]
    assert reason(6, "us-east-1") == ("ENABLED", None)
    assert reason(7) == ("ENABLED", None)
    assert reason(8) == ("FAILED", "INVITATION_NOT_ACCEPTED")
    assert reason(9) == ("ENABLED", None)
    assert run.result.status == "FAILED"
    assert run.result.error == "RolloutIncomplete"
    assert '"FAILED"' in run.result.cause


def test_member_without_an_opt_in_region_is_skipped_there(enable: Runner) -> None:
    spec = scenario(
        [member(1, opted_out_regions=["ap-east-1"]), member(2)],
        regions=["us-east-1", "ap-east-1"],
        administrator={"guardduty_age_hours": {"us-east-1": 72, "ap-east-1": 72}},
    )
    rows = rows_by_pair(enable(spec))
    assert (
        rows[(member(1)["account_id"], "ap-east-1")]["status"],
        rows[(member(1)["account_id"], "ap-east-1")]["reason"],
    ) == ("SKIPPED", "REGION_NOT_ENABLED")
    assert rows[(member(2)["account_id"], "ap-east-1")]["status"] == "ENABLED"
    assert rows[(member(1)["account_id"], "us-east-1")]["status"] == "ENABLED"


def test_admin_opt_in_region_not_enabled_skips_that_region(enable: Runner) -> None:
    spec = scenario(
        [member(1)],
        regions=["us-east-1", "ap-east-1"],
        administrator={"guardduty_age_hours": {"us-east-1": 72, "ap-east-1": 72}, "opted_out_regions": ["ap-east-1"]},
    )
    run = enable(spec)
    rows = rows_by_pair(run)
    assert rows[(member(1)["account_id"], "ap-east-1")]["reason"] == "ADMIN_REGION_NOT_ENABLED"
    assert rows[(member(1)["account_id"], "ap-east-1")]["status"] == "SKIPPED"
    assert rows[(member(1)["account_id"], "us-east-1")]["status"] == "ENABLED"
    assert run.result.status == "SUCCEEDED"


def test_young_guardduty_with_wait_waits_until_it_qualifies_then_enables(enable: Runner) -> None:
    spec = scenario([member(1)], administrator={"guardduty_age_hours": {"us-east-1": 72, "eu-west-1": 10}})
    run = enable(spec, guardduty_wait="wait")
    rows = rows_by_pair(run)
    assert rows[(member(1)["account_id"], "eu-west-1")]["status"] == "ENABLED"
    eu = next(r for r in run.report["regions"] if r["region"] == "eu-west-1")
    assert eu["status"] == "ENABLED"
    assert 48 <= eu["guardduty_age_hours"] < 49


def test_young_guardduty_with_skip_reports_when_the_region_qualifies(enable: Runner) -> None:
    spec = scenario([member(1)], administrator={"guardduty_age_hours": {"us-east-1": 72, "eu-west-1": 10}})
    run = enable(spec, guardduty_wait="skip")
    rows = rows_by_pair(run)
    row = rows[(member(1)["account_id"], "eu-west-1")]
    assert (row["status"], row["reason"]) == ("SKIPPED", "GUARDDUTY_TOO_YOUNG")
    eu = next(r for r in run.report["regions"] if r["region"] == "eu-west-1")
    assert eu["status"] == "SKIPPED" and eu["qualifies_at"].endswith("Z")
    assert run.fleet.graph_arn("eu-west-1") is None
    assert run.result.status == "SUCCEEDED"


def test_region_without_admin_guardduty_is_skipped(enable: Runner) -> None:
    spec = scenario([member(1)], administrator={"guardduty_age_hours": {"us-east-1": 72}})
    rows = rows_by_pair(enable(spec))
    row = rows[(member(1)["account_id"], "eu-west-1")]
    assert (row["status"], row["reason"]) == ("SKIPPED", "GUARDDUTY_NOT_ENABLED")
    assert rows[(member(1)["account_id"], "us-east-1")]["status"] == "ENABLED"


def test_existing_members_are_kept_accepted_or_repaired(enable: Runner) -> None:
    spec = scenario(
        [
            member(1, existing_membership={"us-east-1": "ENABLED"}),
            member(2, existing_membership={"us-east-1": "INVITED"}),
            member(3, existing_membership={"us-east-1": {"status": "VERIFICATION_FAILED", "email": "old@example.com"}}),
        ],
        regions=["us-east-1"],
        administrator={"existing_graph_regions": ["us-east-1"]},
    )
    run = enable(spec)
    rows = rows_by_pair(run)
    first = rows[(member(1)["account_id"], "us-east-1")]
    assert (first["status"], first["reason"], first["changed"]) == ("ENABLED", "ALREADY_ENABLED", False)
    assert rows[(member(2)["account_id"], "us-east-1")]["status"] == "ENABLED"
    assert rows[(member(2)["account_id"], "us-east-1")]["changed"] is True
    repaired = rows[(member(3)["account_id"], "us-east-1")]
    assert (repaired["status"], repaired["changed"]) == ("ENABLED", True)
    assert run.fleet.member("us-east-1", member(3)["account_id"]).email == member(3)["email"]


def test_vended_account_whose_role_arrives_late_is_enabled_with_access_denied_retries(enable: Runner) -> None:
    spec = scenario([member(1, faults=[{"type": "no_role", "duration_s": 300}]), member(2)], regions=["us-east-1"])
    run = enable(spec, retry_access_denied_minutes=15)
    rows = rows_by_pair(run)
    assert rows[(member(1)["account_id"], "us-east-1")]["status"] == "ENABLED"
    assert run.result.invocations["AcceptPendingRoles"] >= 1
    denied = [c for c in run.fleet.calls if c.operation == "AssumeRole" and c.error]
    assert denied, "the role was never missing: the test proves nothing"


def test_role_missing_beyond_the_retry_window_is_access_denied(enable: Runner) -> None:
    spec = scenario([member(1, faults=[{"type": "no_role", "duration_s": 3600}])], regions=["us-east-1"])
    run = enable(spec, retry_access_denied_minutes=5)
    row = rows_by_pair(run)[(member(1)["account_id"], "us-east-1")]
    assert (row["status"], row["reason"]) == ("FAILED", "ACCESS_DENIED")


def test_member_still_being_verified_after_polling_is_a_verification_timeout(enable: Runner) -> None:
    spec = scenario([member(1)], regions=["us-east-1"], verification_delay_s=100000)
    row = rows_by_pair(enable(spec))[(member(1)["account_id"], "us-east-1")]
    assert (row["status"], row["reason"]) == ("FAILED", "VERIFICATION_TIMEOUT")
    assert row["member_status"] == "VERIFICATION_IN_PROGRESS"


@pytest.mark.parametrize(
    ("guardduty", "outcome"),
    [(True, ("ENABLED", None, True)), (False, ("FAILED", "VOLUME_UNKNOWN", False))],
    ids=["member has GuardDuty now: enabled, changed", "still no GuardDuty: stays disabled, unchanged"],
)
def test_accepted_but_disabled_member_is_asked_to_start_monitoring(
    enable: Runner, guardduty: bool, outcome: tuple[str, str | None, bool]
) -> None:
    disabled = {"status": "ACCEPTED_BUT_DISABLED", "disabled_reason": "VOLUME_UNKNOWN"}
    spec = scenario(
        [member(1, guardduty=guardduty, existing_membership={"us-east-1": disabled})],
        regions=["us-east-1"],
        administrator={"existing_graph_regions": ["us-east-1"]},
    )
    run = enable(spec)
    row = rows_by_pair(run)[(member(1)["account_id"], "us-east-1")]
    starts = [c for c in run.fleet.calls if c.operation == "StartMonitoringMember" and c.error is None]
    assert [c.account_id for c in starts] == [ADMIN]
    # changed: the membership changed (ENABLED now), not merely that StartMonitoringMember was called
    assert (row["status"], row["reason"], row["changed"]) == outcome
