"""The small things a new operator trips on (issue 17 item 5), each through the real command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detective_rollout.ops.factory import Factory
from tests.helpers.ops import ADMIN, FAULTY, REGIONS, make_cli, no_sleep, write_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_clock_works_after_the_command_too(tmp_path: Path) -> None:
    factory = Factory(sleep=no_sleep)
    scenario = write_scenario(tmp_path / "s.json")
    result = make_cli(factory)("enable", "--local", scenario, "--plan", "--clock", "speed=100000")
    assert result.exit_code == 0, result.output
    assert factory.clock_spec == "speed=100000"


@pytest.mark.parametrize("command", [["enable", "--local", "s.json"], ["status"], ["doctor", "--local", "s.json"]])
def test_a_bad_clock_after_the_command_exits_2_naming_it(command: list[str], tmp_path: Path) -> None:
    result = make_cli()(*command, "--clock", "sometimes")
    assert result.exit_code == 2
    assert "--clock" in result.stderr and "sometimes" in result.stderr


@pytest.mark.parametrize("command", [["status"], ["status", "latest"], ["report", "latest"], ["replay", "latest"]])
def test_a_state_dir_that_does_not_exist_exits_2_naming_it(command: list[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = make_cli()(*command, "--state-dir", missing)
    assert result.exit_code == 2
    assert f"--state-dir {missing}: no such directory" in result.stderr
    assert not missing.exists()


def test_plan_output_reads_as_text_with_the_name_once_and_ages_to_one_decimal(tmp_path: Path) -> None:
    scenario = write_scenario(
        tmp_path / "s.json",
        administrator={
            "account_id": ADMIN,
            "guardduty_age_hours": {"us-east-1": 72, "eu-west-1": 50.26},
            "existing_graph_regions": ["us-east-1"],
        },
    )
    result = make_cli()("enable", "--local", scenario, "--plan")
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0]
    name = header.split()[1]
    assert header.startswith(f"enable {name}  (") and result.stdout.count(name) == 1
    assert "tag the behavior graph with managed-by" in result.stdout and "['" not in result.stdout
    assert " 50.3 " in result.stdout and "50.26" not in result.stdout


def test_workflow_flags_set_their_input_fields(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path / "s.json", fault=None)
    flags = "--batch-size 2 --max-concurrency 3 --invitation-wait-seconds 5 --retry-access-denied-minutes 1"
    flags += " --tag team=sec --tag cost=42 --message welcome --no-email"
    result = make_cli()("enable", "--local", scenario, "--json", *flags.split())
    assert result.exit_code == 0, result.output
    sent = json.loads(result.stdout)["request"]["input"]
    assert {k: sent[k] for k in ("batch_size", "max_concurrency", "invitation_wait_seconds")} == {
        "batch_size": 2,
        "max_concurrency": 3,
        "invitation_wait_seconds": 5,
    }
    assert sent["retry_access_denied_minutes"] == 1 and sent["tags"] == {"team": "sec", "cost": "42"}
    assert sent["invitation_message"] == "welcome" and sent["disable_email_notification"] is True


@pytest.mark.parametrize(
    ("flag", "value", "said"),
    [
        ("--batch-size", "0", "--batch-size: expected an integer from 1 to 50, got 0"),
        ("--max-concurrency", "41", "--max-concurrency: expected an integer from 1 to 40, got 41"),
        ("--invitation-wait-seconds", "-1", "--invitation-wait-seconds: expected an integer from 0 to 3600"),
        ("--retry-access-denied-minutes", "9999", "--retry-access-denied-minutes: expected an integer"),
        ("--tag", "team", "--tag: expected KEY=VALUE, got 'team'"),
        ("--tag", "aws:x=1", "--tag"),
        ("--message", "", "--message: expected a string of 1 to 1000 characters"),
        ("--batch-size", "ten", "'--batch-size': 'ten' is not a valid integer"),
    ],
)
def test_a_bad_workflow_flag_exits_2_naming_it_before_anything_runs(
    flag: str, value: str, said: str, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    scenario = write_scenario(tmp_path / "s.json")
    result = make_cli()("enable", "--local", scenario, "--state-dir", state, flag, value)
    assert result.exit_code == 2
    assert said in result.stderr
    assert not state.exists()


def test_enable_help_lists_exit_codes_and_defaults() -> None:
    result = make_cli()("enable", "--help")
    text = " ".join(result.stdout.split())
    assert "Exit codes: 0 no row FAILED" in text and "3 some row FAILED" in text and "2 bad input" in text
    assert "[default: locally the scenario's Regions; on AWS all]" in text
    assert "[default: wait]" in text and "[default: detective-rollout]" in text
    for flag in ("--batch-size", "--max-concurrency", "--invitation-wait-seconds", "--retry-access-denied-minutes"):
        assert flag in text
    assert text.count("[default:") >= 10


def test_report_to_a_file_exits_0_once_written_and_to_stdout_3(tmp_path: Path) -> None:
    cli = make_cli()
    scenario = write_scenario(tmp_path / "s.json")
    state = tmp_path / "state"
    assert cli("enable", "--local", scenario, "--state-dir", state).exit_code == 3
    out = tmp_path / "r.html"
    written = cli("report", "latest", "--state-dir", state, "--format", "html", "--output", out)
    assert written.exit_code == 0 and FAULTY in out.read_text()
    assert cli("report", "latest", "--state-dir", state, "--format", "csv").exit_code == 3


def test_examples_accounts_csv_lists_the_demo_fleet() -> None:
    demo = json.loads((ROOT / "examples" / "demo-scenario.json").read_text())
    csv = ROOT / "examples" / "accounts.csv"
    rows = [line.split(",") for line in csv.read_text().splitlines()[1:]]
    assert rows == [[m["account_id"], m["email"]] for m in demo["members"]]
    result = make_cli()("console-input", "--accounts", csv, "--regions", ",".join(REGIONS))
    assert result.exit_code == 0, result.output
    assert [a["account_id"] for a in json.loads(result.stdout)["accounts"]] == [r[0] for r in rows]
