"""How offboarding starts: an account-departure event (through the deployed trigger's own input building), the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from detective_rollout.cli import main
from detective_rollout.local import run_local
from detective_rollout.ops.exits import EXIT_BAD_INPUT, EXIT_FAILED_ROWS, EXIT_OK
from tasks.triggers.offboarding import start_for_departed_account
from tests.helpers.workflow import ADMIN, REGIONS, member, member_in, rows_by_pair, scenario

EVENTS = Path(__file__).resolve().parent.parent / "infra" / "events"
DISABLE_ARN = f"arn:aws:states:us-east-1:{ADMIN}:stateMachine:detective-rollout-disable-detective"


class CapturingStepFunctions:
    """Stands in for the trigger's Step Functions client: keeps the input instead of starting on AWS."""

    def __init__(self) -> None:
        self.started: list[dict[str, Any]] = []

    def start_execution(self, stateMachineArn: str, name: str, input: str) -> dict[str, Any]:  # noqa: N803, A002
        self.started.append({"name": name, "input": json.loads(input)})
        return {"executionArn": f"{DISABLE_ARN.replace(':stateMachine:', ':execution:')}:{name}"}


@pytest.mark.parametrize("event_file", ["organizations-close-account", "organizations-account-departed"])
def test_account_departure_event_removes_that_account_in_every_region_and_no_other(event_file: str) -> None:
    event = json.loads((EVENTS / f"{event_file}.json").read_text())
    sfn = CapturingStepFunctions()
    started = start_for_departed_account(event, sfn=sfn, state_machine_arn=DISABLE_ARN)
    departed = started.input["accounts"][0]["account_id"]
    spec = scenario(
        [
            member_in(1),
            {
                "account_id": departed,
                "email": "leaving@example.com",
                "existing_membership": dict.fromkeys(REGIONS, "ENABLED"),
            },
        ]
    )
    run = run_local(spec, "disable", sfn.started[0]["input"], name=sfn.started[0]["name"])
    rows = rows_by_pair(run)
    assert run.report["request"]["source"] == "offboarding-event"
    assert run.report["execution"] == started.execution_name and event["id"] in started.execution_name
    assert {a for a, _ in rows} == {departed}
    assert {r for (_, r), row in rows.items() if row["status"] == "REMOVED"} == set(REGIONS)
    assert {row["status"] for row in rows.values()} <= {"REMOVED", "NOT_A_MEMBER"}
    assert len(rows) > len(REGIONS)  # "all" Regions: the others are NOT_A_MEMBER, each reported once
    for region in REGIONS:
        assert run.fleet.member(region, departed) is None
        assert run.fleet.member(region, member(1)["account_id"]).status == "ENABLED"
    assert run.result.status == "SUCCEEDED"


# --- CLI ----------------------------------------------------------------------------------------


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario([member_in(1), member_in(2), member_in(3, faults=["no_role"])])))
    return path


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_disable_with_an_accounts_csv_without_emails_removes_those_accounts(
    scenario_file: Path, tmp_path: Path
) -> None:
    csv = tmp_path / "leaving.csv"
    csv.write_text(f"account_id\n{member(1)['account_id']}\n")
    report = tmp_path / "out" / "report.json"
    result = _cli(
        "disable",
        "--local",
        str(scenario_file),
        "--accounts",
        str(csv),
        "--regions",
        ",".join(REGIONS),
        "--report",
        str(report),
    )
    assert result.exit_code == EXIT_OK, result.output
    written = json.loads(report.read_text())
    assert written["workflow"] == "disable" and written["summary"] == {"total": 2, "REMOVED": 2}
    assert written["request"]["source"] == "cli"
    assert "REMOVED" in result.output


def test_cli_disable_all_members_with_confirmed_graph_deletion_plans_without_writing(scenario_file: Path) -> None:
    result = _cli(
        "disable",
        "--local",
        str(scenario_file),
        "--all-members",
        "--delete-graph",
        "--confirm",
        ADMIN,
        "--disassociate",
        "--plan",
        "--json",
        "--regions",
        ",".join(REGIONS),
    )
    assert result.exit_code == EXIT_OK, result.output
    report = json.loads(result.stdout)
    assert report["summary"] == {"total": 6, "PLANNED": 6}
    assert {r["status"] for r in report["regions"]} == {"PLANNED"}


def test_status_of_a_disable_run_shows_every_phase_done(scenario_file: Path, tmp_path: Path) -> None:
    state = str(tmp_path / "state")
    common = ["--local", str(scenario_file), "--state-dir", state, "--regions", ",".join(REGIONS)]
    result = _cli("disable", *common, "--all-members", "--disassociate", "--delete-graph", "--confirm", ADMIN)
    assert result.exit_code == EXIT_OK, result.output
    name = json.loads(_cli("status", "--state-dir", state, "--json").output)[0]["execution"]
    progress = json.loads(_cli("status", name, "--state-dir", state, "--json").output)[0]["progress"]
    assert [(p["name"], p["done"], p["total"]) for p in progress["phases"]] == [
        ("members removed", 2, 2),
        ("memberships left", 3, 3),
        ("graphs deleted", 2, 2),
    ]
    assert progress["phases"][0]["counts"] == {"REMOVED": 6}
    text = _cli("status", name, "--state-dir", state).output
    assert "members removed" in text and "results: 6 account-Regions: REMOVED 6" in text


@pytest.mark.parametrize(
    "args",
    [
        ["--delete-graph", "--confirm", ADMIN],
        ["--all-members", "--delete-graph"],
        ["--all-members", "--delete-graph", "--confirm", "999999999999"],
    ],
)
def test_cli_delete_graph_without_all_members_and_the_matching_confirmation_exits_2(
    scenario_file: Path, args: list[str]
) -> None:
    result = _cli("disable", "--local", str(scenario_file), *args)
    assert result.exit_code == EXIT_BAD_INPUT
    assert result.output.startswith("error: ") and "delete_graph" in result.output


def test_cli_disable_exits_3_when_a_row_failed(tmp_path: Path) -> None:
    burst = {"type": "error_burst", "after_calls": 0, "duration_s": 10**9, "ops": ["DeleteMembers"]}
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario([member_in(1)], events=[burst])))
    report = tmp_path / "report.json"
    result = _cli("disable", "--local", str(path), "--regions", "us-east-1", "--report", str(report))
    assert result.exit_code == EXIT_FAILED_ROWS, result.output
    assert json.loads(report.read_text())["summary"] == {"total": 1, "FAILED": 1}
