"""``coverage --local``: the document over the emulated fleet, its formats and exit codes, and that it only reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from detective_rollout.clocks import Clock
from detective_rollout.ops.factory import Factory
from tasks import errors
from tasks.aws import translate_errors
from tasks.coverage import READ_OPERATIONS
from tests.helpers.ops import EMAILS, FAULTY, HEALTHY, REGIONS, Cli, make_cli, no_sleep, write_scenario

UNREGISTERED = "555555555555"
DENIED: Any = {"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}


class RecordingFactory(Factory):
    """The Factory, keeping the fleet each command opened (its call log is the read-only proof)."""

    def __init__(self) -> None:
        super().__init__(sleep=no_sleep)
        self.fleets: list[Any] = []

    def fleet(self, scenario: str, clock: Clock) -> Any:
        opened = super().fleet(scenario, clock)
        self.fleets.append(opened)
        return opened


def drifted(tmp_path: Path) -> Path:
    """HEALTHY ENABLED in us-east-1, FAULTY INVITED there, an unlisted member; no graph in eu-west-1."""
    members: list[dict[str, Any]] = [
        {"account_id": a, "email": e, "existing_membership": {"us-east-1": "ENABLED"}} for a, e in EMAILS.items()
    ]
    members[1]["existing_membership"] = {"us-east-1": "INVITED"}
    members.append(
        {"account_id": UNREGISTERED, "email": "x@example.com", "existing_membership": {"us-east-1": "ENABLED"}}
    )
    return write_scenario(tmp_path / "fleet.json", fault=None, members=members)


def _listing(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,email\n" + "".join(f"{a},{e}\n" for a, e in EMAILS.items()))
    return path


def test_coverage_names_each_pairs_state_and_only_reads(tmp_path: Path) -> None:
    factory = RecordingFactory()
    result = make_cli(factory)(
        "coverage", "--local", drifted(tmp_path), "--accounts", _listing(tmp_path), "--format", "json"
    )
    assert result.exit_code == 3, result.output + result.stderr
    document = json.loads(result.output)
    states = {(r["account_id"], r["region"]): (r["state"], r["reason"]) for r in document["results"]}
    expected = {(a, "us-east-1"): ("COVERED", None) for a in HEALTHY}
    expected |= {(a, "eu-west-1"): ("NOT_COVERED", "NO_GRAPH") for a in EMAILS}
    expected |= {(FAULTY, "us-east-1"): ("NOT_COVERED", "INVITED"), (UNREGISTERED, "us-east-1"): ("UNLISTED", None)}
    assert states == expected
    assert document["summary"] == {"total": 7, "COVERED": 2, "NOT_COVERED": 4, "UNLISTED": 1}
    fleet = factory.fleets[0]
    assert fleet.calls and fleet.mutating_calls() == []
    assert {(c.service, c.operation) for c in fleet.calls} <= READ_OPERATIONS


def test_the_scenario_members_are_the_default_list_and_exit_0_when_all_are_covered(tmp_path: Path, cli: Cli) -> None:
    members = [
        {"account_id": a, "email": e, "existing_membership": dict.fromkeys(REGIONS, "ENABLED")}
        for a, e in EMAILS.items()
    ]
    scenario = write_scenario(tmp_path / "fleet.json", fault=None, members=members)
    result = cli("coverage", "--local", scenario)
    assert result.exit_code == 0, result.output + result.stderr
    assert "total 6, COVERED 6, NOT_COVERED 0, UNLISTED 0" in result.output
    written = cli("coverage", "--local", scenario, "--format", "csv", "--output", tmp_path / "out" / "c.csv")
    assert written.exit_code == 0 and written.stdout == ""
    lines = (tmp_path / "out" / "c.csv").read_text().splitlines()
    assert lines[0] == "account_id,region,state,member_status,reason,since,action" and len(lines) == 7


def test_not_covered_exits_3_even_when_written_to_a_file(tmp_path: Path, cli: Cli) -> None:
    result = cli("coverage", "--local", drifted(tmp_path), "--format", "html", "--output", tmp_path / "c.html")
    assert result.exit_code == 3
    page = (tmp_path / "c.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "Accounts x Regions" in page
    assert "NO_GRAPH" in page and "INVITED" in page and "What to do" in page


def test_the_table_lists_what_is_not_covered_and_the_actions(tmp_path: Path, cli: Cli) -> None:
    result = cli("coverage", "--local", drifted(tmp_path), "--accounts", _listing(tmp_path))
    assert result.exit_code == 3
    assert f"{FAULTY}  us-east-1  NOT_COVERED  INVITED" in result.output
    assert f"{UNREGISTERED}  us-east-1  UNLISTED     ENABLED" in result.output
    assert "NO_GRAPH: Run enable in this Region" in result.output


def test_bad_input_exits_2_naming_the_option_and_the_value(tmp_path: Path, cli: Cli) -> None:
    scenario = drifted(tmp_path)
    region = cli("coverage", "--local", scenario, "--regions", "us-east-1,mars-1")
    assert region.exit_code == 2 and "regions[1]: not a known AWS Region: 'mars-1'" in region.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("account_id\n12\n")
    rows = cli("coverage", "--local", scenario, "--accounts", bad)
    assert rows.exit_code == 2 and f"--accounts {bad} row 2 account_id" in rows.stderr
    missing = cli("coverage", "--local", scenario, "--accounts", tmp_path / "nope.csv")
    assert missing.exit_code == 2 and "--accounts: no such file" in missing.stderr
    unseeded = cli("coverage", "--local", scenario, "--accounts", "s3://inputs/a.csv")
    assert unseeded.exit_code == 2 and "s3://inputs/a.csv is not one of the scenario's s3_objects" in unseeded.stderr


def test_with_a_state_dir_coverage_sees_what_an_earlier_local_run_did(tmp_path: Path, cli: Cli) -> None:
    scenario = write_scenario(tmp_path / "fleet.json", fault=None)
    state = tmp_path / "state"
    assert cli("coverage", "--local", scenario, "--state-dir", state).exit_code == 3  # nothing enabled yet
    assert cli("enable", "--local", scenario, "--state-dir", state).exit_code == 0
    after = cli("coverage", "--local", scenario, "--state-dir", state, "--format", "json")
    assert after.exit_code == 0, after.output + after.stderr
    assert json.loads(after.output)["summary"] == {"total": 6, "COVERED": 6, "NOT_COVERED": 0, "UNLISTED": 0}


def _denied() -> None:
    with translate_errors():  # as the task code's calls raise it: the task error, from botocore's
        raise ClientError(DENIED, "ListMembers")


def _throttled() -> None:
    raise errors.Throttled("ListMembers: throttled")


@pytest.mark.parametrize(
    ("raises", "line"),
    [
        (_denied, "error: AWS: An error occurred (AccessDeniedException) when calling the ListMembers operation"),
        (_throttled, "error: AWS: ListMembers: throttled"),
    ],
)
def test_an_aws_error_while_reading_exits_1_in_one_line(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, raises: Any, line: str
) -> None:
    monkeypatch.setattr("detective_rollout.ops.coverage.compute_coverage", lambda *_args: raises())
    result = cli("coverage", "--local", drifted(tmp_path))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [result.stderr.strip()] and result.stderr.startswith(line)
