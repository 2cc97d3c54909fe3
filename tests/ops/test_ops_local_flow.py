"""The walkthrough on the embedded engine: enable with a fault -> fix it in the scenario -> replay -> report.

One module-scoped flow (two engine runs) with ``--state-dir``; every test reads what it left behind
through separate CLI invocations, as an operator in another terminal would.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import load_scenario
from detective_rollout.ops.store import StateDir
from tests.helpers.ops import EMAILS, FAULTY, HEALTHY, REGIONS, Cli, make_cli, scenario_dict, write_scenario


@dataclass(frozen=True)
class Flow:
    root: Path
    scenario: Path
    state: Path
    first: Result
    replayed: Result

    def report(self, name: str) -> dict[str, Any]:
        return dict(json.loads((self.root / name).read_text()))


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Flow:
    root = tmp_path_factory.mktemp("flow")
    scenario, state = write_scenario(root / "scenario.json"), root / "state"
    cli = make_cli()
    first = cli("enable", "--local", scenario, "--state-dir", state, "--report", root / "first.json")
    # The fix: the member role is deployed (the fault leaves the scenario). The scenario now also claims
    # an existing membership - persisted fleet state wins over existing_*, so it must not appear.
    fixed = scenario_dict(fault=None)
    fixed["members"][2]["existing_membership"] = {"us-east-1": "VERIFICATION_FAILED"}
    scenario.write_text(json.dumps(fixed))
    replayed = cli("replay", "latest", "--local", scenario, "--state-dir", state, "--report", root / "replayed.json")
    return Flow(root, scenario, state, first, replayed)


def test_a_fixed_fault_is_replayed_to_enabled_and_the_report_is_the_merged_whole(flow: Flow) -> None:
    assert flow.first.exit_code == 3, flow.first.output
    first = flow.report("first.json")
    failed = {(r["account_id"], r["region"]) for r in first["results"] if r["status"] == "FAILED"}
    assert failed == {(FAULTY, r) for r in REGIONS}
    assert {r["reason"] for r in first["results"] if r["status"] == "FAILED"} == {"ACCESS_DENIED"}

    assert flow.replayed.exit_code == 0, flow.replayed.output
    merged = flow.report("replayed.json")
    assert merged["summary"] == {"total": 6, "ENABLED": 6}
    assert merged["request"]["replay_of"] == first["execution"] and merged["request"]["source"] == "replay"
    assert merged["request"]["input"]["accounts"] == [
        {
            "account_id": FAULTY,
            "email": EMAILS[FAULTY],
            "regions": [r["region"] for r in first["results"] if r["account_id"] == FAULTY],
        }
    ]
    assert [(r["account_id"], r["region"]) for r in merged["results"]] == [
        (r["account_id"], r["region"]) for r in first["results"]
    ]  # the original's rows, in its order
    for row in merged["results"]:
        assert row["status"] == "ENABLED"
        assert row["changed"] is (row["account_id"] == FAULTY), row


def test_the_fleet_persists_and_its_state_wins_over_the_scenarios_existing_memberships(flow: Flow) -> None:
    fleet = StateDir(flow.state).fleet(load_scenario(flow.scenario), InstantClock())
    for account in [*HEALTHY, FAULTY]:
        for region in REGIONS:
            member = fleet.member(region, account)
            assert member is not None and member.status == "ENABLED", (account, region)


def test_status_json_lists_the_executions_newest_first_across_invocations(flow: Flow, cli: Cli) -> None:
    result = cli("status", "--state-dir", flow.state, "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    first, replayed = flow.report("first.json"), flow.report("replayed.json")
    assert [e["execution"] for e in listed] == [replayed["execution"], first["execution"]]
    assert [e["workflow"] for e in listed] == ["enable", "enable"]
    assert [e["status"] for e in listed] == ["SUCCEEDED", "FAILED"]
    assert listed[0]["summary"] == replayed["summary"] and listed[1]["summary"] == first["summary"]
    assert listed[0]["replay_of"] == first["execution"]


def test_status_of_one_execution_shows_each_phase_and_exits_like_the_run(flow: Flow, cli: Cli) -> None:
    name = flow.report("first.json")["execution"]
    result = cli("status", name, "--state-dir", flow.state)
    assert result.exit_code == 3
    text = result.output
    for line in ("regions checked", "invitations sent", "accepted", "verified"):
        assert line in text
    assert "2/2 Regions" in text and "3/3 accounts" in text and "ACCESS_DENIED 2" in text
    assert "results: 6 account-Regions: ENABLED 4, FAILED 2" in text
    as_json = json.loads(cli("status", name, "--state-dir", flow.state, "--json").output)[0]
    assert [p["name"] for p in as_json["progress"]["phases"]] == [
        "regions checked",
        "invitations sent",
        "accepted",
        "verified",
    ]
    assert all(p["done"] == p["total"] for p in as_json["progress"]["phases"])


def test_status_watch_of_an_ended_execution_prints_it_once_and_exits(flow: Flow, cli: Cli) -> None:
    result = cli("status", "--watch", "--state-dir", flow.state, "--interval", "0")
    assert result.exit_code == 0 and result.output.count("verified") == 1


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "html"])
def test_report_renders_an_execution_of_the_state_dir_in_every_format(flow: Flow, cli: Cli, fmt: str) -> None:
    report = flow.report("first.json")
    result = cli("report", report["execution"], "--state-dir", flow.state, "--format", fmt)
    assert result.exit_code == 3  # FAILED rows, like the run
    if fmt == "json":
        assert json.loads(result.output) == report
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.output)))
        assert len(rows) == 6 and {r["status"] for r in rows if r["account_id"] == FAULTY} == {"FAILED"}
        assert rows[0]["changed"] == "true"
    elif fmt == "html":
        assert result.output.startswith("<!DOCTYPE html>") and "Deploy the member-role StackSet" in result.output
    else:
        assert "ACCESS_DENIED" in result.output and "6 account-Regions: ENABLED 4, FAILED 2" in result.output


def test_report_of_a_file_to_an_output_file(flow: Flow, cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    result = cli("report", flow.root / "replayed.json", "--format", "html", "--output", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert "html report written to" in result.stderr and "Region x account" in out.read_text()
    latest = cli("report", "latest", "--state-dir", flow.state, "--format", "json")
    assert json.loads(latest.output) == flow.report("replayed.json")


def test_replay_with_nothing_failed_does_not_start_anything(flow: Flow, cli: Cli) -> None:
    before = StateDir(flow.state).records()
    result = cli("replay", "latest", "--local", flow.scenario, "--state-dir", flow.state)
    assert result.exit_code == 0 and "nothing to replay" in result.output
    narrowed = cli(
        "replay",
        flow.report("first.json")["execution"],
        "--local",
        flow.scenario,
        "--state-dir",
        flow.state,
        "--reason",
        "VOLUME_TOO_HIGH",
    )
    assert narrowed.exit_code == 0 and "with reason VOLUME_TOO_HIGH" in narrowed.output
    assert len(StateDir(flow.state).records()) == len(before)


def test_replay_with_a_mistyped_reason_is_refused_naming_it_and_starts_nothing(flow: Flow, cli: Cli) -> None:
    before = StateDir(flow.state).records()
    first = flow.report("first.json")["execution"]
    result = cli("replay", first, "--local", flow.scenario, "--state-dir", flow.state, "--reason", "ACCES_DENIED")
    assert result.exit_code == 2
    assert "--reason: unknown reason code ACCES_DENIED" in result.output and "ACCESS_DENIED" in result.output
    assert len(StateDir(flow.state).records()) == len(before)
