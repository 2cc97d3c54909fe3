"""Local runs assume the member role the scenario gives its accounts (``member_role``, ``member_role_external_id``).

The scenario's role is the local deployment's MemberRoleName / MemberRoleExternalId (what the engine exports as
MEMBER_ROLE_NAME / MEMBER_ROLE_EXTERNAL_ID), as the StackSet's values are on AWS.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detective_rollout.emulator import load_scenario
from detective_rollout.engine.runner import scenario_parameters
from tests.helpers.ops import Cli, make_cli
from tests.helpers.workflow import Runner, member, rows_by_pair, scenario

ROLE = "SecOpsDetectiveAccess"


@pytest.fixture
def cli() -> Cli:
    return make_cli()


def test_a_scenario_with_its_own_role_name_enables_every_member(enable: Runner) -> None:
    run = enable(scenario([member(1), member(2)], member_role=ROLE))
    rows = rows_by_pair(run)
    assert len(rows) == 4
    assert {(r["status"], r["reason"]) for r in rows.values()} == {("ENABLED", None)}
    assumed = [c for c in run.fleet.calls if c.operation == "AssumeRole"]
    assert assumed and all(c.error is None for c in assumed)


def test_a_scenario_whose_role_requires_an_external_id_enables_every_member(enable: Runner) -> None:
    run = enable(scenario([member(1)], member_role=ROLE, member_role_external_id="rollout-7f3a"))
    assert {r["status"] for r in rows_by_pair(run).values()} == {"ENABLED"}


def test_the_scenario_decides_the_member_role_parameters_of_the_local_deployment() -> None:
    spec = load_scenario(scenario([member(1)], member_role=ROLE, member_role_external_id="rollout-7f3a"))
    assert scenario_parameters(spec) == {"MemberRoleName": ROLE, "MemberRoleExternalId": "rollout-7f3a"}
    plain = load_scenario(scenario([member(1)]))
    assert scenario_parameters(plain) == {"MemberRoleName": "DetectiveMemberRole", "MemberRoleExternalId": ""}


def test_disassociating_with_the_scenario_role_leaves_no_membership(tmp_path: Path, cli: Cli) -> None:
    spec = scenario([member(1, existing_membership={"us-east-1": "ENABLED", "eu-west-1": "ENABLED"})], member_role=ROLE)
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(spec))
    result = cli("disable", "--local", path, "--all-members", "--disassociate", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {(r["status"], r["reason"]) for r in report["results"]} == {("REMOVED", None)}  # member side done too


def test_the_cli_enables_a_fleet_whose_role_is_not_the_default(tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario([member(1), member(2)], member_role=ROLE)))
    result = cli("enable", "--local", path, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {(r["account_id"], r["status"]) for r in report["results"]} == {
        (member(1)["account_id"], "ENABLED"),
        (member(2)["account_id"], "ENABLED"),
    }
