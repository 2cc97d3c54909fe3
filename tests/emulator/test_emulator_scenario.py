"""The scenario file format: the issue's example loads, malformed scenarios name the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fleet_helpers import scenario_dict

from detective_rollout.emulator import ScenarioError, load_scenario

EXAMPLE = Path(__file__).with_name("example_scenario.json")


def test_the_example_scenario_of_issue_3_loads_with_every_section() -> None:
    scenario = load_scenario(EXAMPLE)
    assert scenario.administrator.account_id == "111111111111"
    assert scenario.administrator.guardduty_age_hours["eu-west-1"] == 10
    assert scenario.regions == ("us-east-1", "eu-west-1", "ap-east-1")
    assert [m.account_id for m in scenario.members][-1] == "888888888888"
    slow = scenario.members[4].faults[0]
    assert (slow.type, slow.duration_s) == ("slow_invitation", 120)
    g = scenario.member_account("888888888888")
    assert g is not None and not g.has_guardduty("eu-west-1") and g.has_guardduty("us-east-1")
    assert g.existing_membership["eu-west-1"].email == "old@example.com"
    assert scenario.lambda_faults[0].times == 2
    assert scenario.events[0].after_calls == 200
    assert scenario.s3_objects["s3://rollout-input/accounts.csv"].startswith("222222222222")
    assert scenario.organization is not None and scenario.organization.accounts["222222222222"] == "a@example.com"
    assert (scenario.seed, scenario.home_region) == (1, "us-east-1")


def test_root_email_defaults_to_email_but_differs_under_verification_fails() -> None:
    scenario = load_scenario(EXAMPLE)
    a, d = scenario.member_account("222222222222"), scenario.member_account("555555555555")
    assert a is not None and a.root_email == "a@example.com"
    assert d is not None and d.root_email != d.email


def test_slow_invitation_named_without_duration_hides_the_invitation_60_seconds() -> None:
    members = [{"account_id": "222222222222", "email": "a@example.com", "faults": [{"type": "slow_invitation"}]}]
    assert load_scenario(scenario_dict(members=members)).members[0].faults[0].duration_s == 60


#: Issue 16: every number finite and in its documented range, ids ASCII digits, names that exist.
ISSUE_16_SCENARIOS: list[tuple[Any, str]] = [
    (lambda s: s.update(latency_ms=float("nan")), "latency_ms: expected a finite number, got nan"),
    (lambda s: s.update(latency_ms=float("inf")), "latency_ms: expected a finite number, got inf"),
    (lambda s: s.update(latency_ms=1e300), "latency_ms: expected a number <= 60000, got 1e+300"),
    (lambda s: s.update(seed=float("nan")), "seed: expected a finite number, got nan"),
    (lambda s: s.update(seed=float("inf")), "seed: expected a finite number, got inf"),
    (
        lambda s: s["administrator"].update(account_id="\u0661" * 12),
        "administrator.account_id: expected 12 digits, got '\u0661",
    ),
    (lambda s: s.update(regions=["us-east-1\n"]), "regions[0]: expected a Region name, got 'us-east-1\\n'"),
    (
        lambda s: s["administrator"].update(guardduty_age_hours={"us-east-1": 1e300}),
        "administrator.guardduty_age_hours.us-east-1: expected a number <= 87600, got 1e+300",
    ),
    (
        lambda s: s["members"][0].update(guardduty_age_hours=1e300),
        "members[0].guardduty_age_hours: expected a number <= 87600, got 1e+300",
    ),
    (
        lambda s: s.update(events=[{"type": "graph_deleted", "region": "us-east-1", "after_s": 1e300}]),
        "events[0].after_s: expected a number <= 315360000, got 1e+300",
    ),
    (
        lambda s: s.update(lambda_faults=[{"task": "AcceptInvitation", "error": "crash"}]),
        "lambda_faults[0].task: unknown value 'AcceptInvitation' (expected one of AcceptInvitations,",
    ),
    (
        lambda s: s["members"][0].update(faults=[{"type": "throttle", "ops": ["AcceptInvitations"]}]),
        "members[0].faults[0].ops[0]: 'AcceptInvitations' is not an operation of detective, guardduty, sts,",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["members"][2].update(account_id="12"), "members[2].account_id: expected 12 digits, got '12'"),
        (
            lambda s: s["members"][0].update(faults=["no_such_fault"]),
            "members[0].faults[0]: unknown fault 'no_such_fault'",
        ),
        (lambda s: s["members"][0].update(faults=[{"type": "explode"}]), "members[0].faults[0].type: unknown value"),
        (lambda s: s["members"][0].update(emial="x@example.com"), "members[0].emial: unknown field"),
        (lambda s: s["members"][0].update(email="not-an-email"), "members[0].email: expected an email address"),
        (lambda s: s.update(throttle_rate=1.5), "throttle_rate: expected a number <= 1, got 1.5"),
        (lambda s: s.update(regions=["us-east-1", "Moon"]), "regions[1]: expected a Region name, got 'Moon'"),
        (lambda s: s["administrator"].pop("account_id"), "administrator.account_id: required field is missing"),
        (lambda s: s["members"][1].update(account_id="222222222222"), "members[1].account_id: duplicate account"),
        (lambda s: s["members"][0].update(account_id="111111111111"), "is the administrator account"),
        (lambda s: s["administrator"].update(opted_out_regions=["us-east-1"]), "is not an opt-in Region"),
        (
            lambda s: s.update(events=[{"type": "graph_deleted", "region": "us-east-1"}]),
            "events[0]: expected exactly one of after_calls or after_s",
        ),
        (
            lambda s: s.update(events=[{"type": "role_removed", "after_calls": 3}]),
            "events[0].account_id: required field is missing",
        ),
        (
            lambda s: s["members"][6].update(existing_membership={"us-east-1": "MAYBE"}),
            "members[6].existing_membership.us-east-1: unknown member status 'MAYBE'",
        ),
        (
            lambda s: s["members"][6].update(guardduty={"eu-west-1": "no"}),
            "members[6].guardduty.eu-west-1: expected true or false, got 'no'",
        ),
        (
            lambda s: s.update(lambda_faults=[{"task": "AcceptInvitations", "error": "E", "times": 0}]),
            "lambda_faults[0].times: expected a number >= 1, got 0",
        ),
        *ISSUE_16_SCENARIOS,
    ],
)
def test_a_malformed_scenario_is_rejected_naming_the_field(change: Any, message: str) -> None:
    raw = scenario_dict()
    change(raw)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(raw)
    assert message in str(exc.value)


def test_keys_starting_with_underscore_are_comments() -> None:
    commented = load_scenario(scenario_dict(_comment="fleet for the accept tests"))
    assert commented == load_scenario(scenario_dict())


def test_a_scenario_file_with_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n "regions": [,]\n}')
    with pytest.raises(ScenarioError, match="invalid JSON at line 2"):
        load_scenario(path)


def test_a_scenario_loads_from_a_path_string(tmp_path: Path) -> None:
    path = tmp_path / "fleet.json"
    path.write_text(json.dumps(scenario_dict(home_region="eu-west-1", verification_delay_s=0)))
    scenario = load_scenario(str(path))
    assert (scenario.home_region, scenario.verification_delay_s) == ("eu-west-1", 0)
