"""State CheckGuardDuty over the emulated fleet: each Region's gate from the administrator's real detectors."""

from __future__ import annotations

from typing import Any

import pytest

from tasks.check_guard_duty import lambda_handler
from tests.helpers.tasks import ADMIN, fleet_for_tasks, operations

REGIONS = ["us-east-1", "eu-west-1", "ap-east-1", "eu-north-1"]


def spec(**administrator: Any) -> dict[str, Any]:
    return {
        "administrator": {"account_id": ADMIN, **administrator},
        "regions": REGIONS,
        "member_role": "DetectiveMemberRole",
        "members": [],
    }


def run(**fields: Any) -> dict[str, Any]:
    return {
        "run": {
            "execution": "run-1",
            "regions": REGIONS,
            "guardduty_min_age_hours": 48,
            "guardduty_wait": "wait",
            "dry_run": False,
            "admin_disabled_regions": [],
            **fields,
        }
    }


def by_region(output: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["region"]: o for o in output["regions"]}


def test_each_region_gets_its_gate_and_the_machine_waits_for_the_earliest_young_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ages = {"us-east-1": 72, "eu-west-1": 47, "ap-east-1": 10}
    with fleet_for_tasks(spec(guardduty_age_hours=ages), monkeypatch):
        output = lambda_handler(run(), None)
    regions = by_region(output)
    assert regions["us-east-1"]["status"] == "READY" and regions["us-east-1"]["guardduty"]["guardduty_age_hours"] == 72
    assert regions["eu-west-1"]["status"] == "WAITING"
    assert regions["eu-west-1"]["guardduty"]["qualifies_at"] == "2026-01-02T04:04:06Z"  # one hour on, next second
    assert regions["ap-east-1"]["status"] == "WAITING"
    assert output["wait_until"] == regions["eu-west-1"]["guardduty"]["qualifies_at"]
    assert regions["eu-north-1"] == {
        "region": "eu-north-1",
        "status": "SKIPPED",
        "reason": "GUARDDUTY_NOT_ENABLED",
        "guardduty": {
            "region": "eu-north-1",
            "gate": "GUARDDUTY_NOT_ENABLED",
            "guardduty_age_hours": None,
            "qualifies_at": None,
            "detail": "the administrator's GuardDuty detector in eu-north-1 does not exist",
        },
    }


def test_skip_instead_of_wait_skips_young_regions_and_waits_for_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    with fleet_for_tasks(spec(guardduty_age_hours=dict.fromkeys(REGIONS, 1)), monkeypatch):
        output = lambda_handler(run(guardduty_wait="skip"), None)
    assert {o["status"] for o in output["regions"]} == {"SKIPPED"}
    assert {o["reason"] for o in output["regions"]} == {"GUARDDUTY_TOO_YOUNG"}
    assert output["wait_until"] is None


def test_a_dry_run_plans_a_young_region_as_ready_instead_of_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    with fleet_for_tasks(spec(guardduty_age_hours=dict.fromkeys(REGIONS, 1)), monkeypatch) as fleet:
        output = lambda_handler(run(dry_run=True), None)
    assert {o["status"] for o in output["regions"]} == {"READY"} and output["wait_until"] is None
    assert fleet.mutating_calls() == []


def test_a_disabled_detector_is_not_enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = {"guardduty_age_hours": dict.fromkeys(REGIONS, 72), "guardduty_disabled_regions": ["eu-west-1"]}
    with fleet_for_tasks(spec(**admin), monkeypatch):
        regions = by_region(lambda_handler(run(), None))
    assert regions["eu-west-1"]["reason"] == "GUARDDUTY_NOT_ENABLED"
    assert regions["eu-west-1"]["guardduty"]["detail"].endswith("in eu-west-1 is disabled")
    assert regions["us-east-1"]["status"] == "READY"


def test_opt_in_regions_the_administrator_has_not_enabled_are_skipped_whether_known_or_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin = {"guardduty_age_hours": dict.fromkeys(REGIONS, 72), "opted_out_regions": ["ap-east-1"]}
    with fleet_for_tasks(spec(**admin), monkeypatch) as fleet:
        known = by_region(lambda_handler(run(admin_disabled_regions=["ap-east-1"]), None))
        assert "ap-east-1" not in {region for _, _, region in operations(fleet)}  # never called there
        found = by_region(lambda_handler(run(), None))  # ValidateInput could not tell: the call answers
    for regions in (known, found):
        assert regions["ap-east-1"]["status"] == "SKIPPED"
        assert regions["ap-east-1"]["reason"] == "ADMIN_REGION_NOT_ENABLED"


def test_a_gate_of_zero_hours_is_open_without_reading_guardduty(monkeypatch: pytest.MonkeyPatch) -> None:
    with fleet_for_tasks(spec(), monkeypatch) as fleet:
        output = lambda_handler(run(guardduty_min_age_hours=0), None)
    assert {o["status"] for o in output["regions"]} == {"READY"}
    assert operations(fleet) == []
