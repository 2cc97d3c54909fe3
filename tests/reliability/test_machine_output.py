"""Output a machine can trust: with ``--json`` stdout is exactly one JSON document, whatever the tasks log.

The CLI runs as a real process (the task logger writes to the process's streams, which an
in-process runner would not see). A graph deleted mid-run makes the tasks log WARNINGs (``member
status not readable``), bad input makes ValidateInput log one; task logs go to stderr, and only
with ``--verbose``. Bad input prints ``error: `` and one problem a line, naming the user's file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from detective_rollout.cli import main
from detective_rollout.ops.exits import EXIT_BAD_INPUT
from tests.reliability.catalog import fleet

CLI = [sys.executable, "-m", "detective_rollout.cli"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


@pytest.fixture(scope="module")
def graph_deleted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("machine") / "graph-deleted.json"
    path.write_text(json.dumps(fleet(events=[{"type": "graph_deleted", "region": "us-east-1", "after_s": 30}])))
    return path


@pytest.fixture(scope="module")
def warning_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fleet's members, as a replay of an execution without a report: WriteReport logs a WARNING, every time.

    The graph deleted mid-run fails the us-east-1 rows; whether a task also logs ``member status not readable``
    depends on when the deletion lands, so the WARNING the test needs comes from here.
    """
    path = tmp_path_factory.mktemp("machine") / "replay-input.json"
    accounts = [{"account_id": m["account_id"], "email": m["email"]} for m in fleet()["members"]]
    path.write_text(json.dumps({"accounts": accounts, "replay_of": "enable-without-report"}))
    return path


@pytest.mark.parametrize("verbose", [False, True], ids=["quiet", "--verbose"])
def test_json_stdout_is_one_report_document_while_a_task_logs_a_warning(
    graph_deleted: Path, warning_input: Path, verbose: bool
) -> None:
    flags = ["--verbose"] if verbose else []
    result = run_cli(*flags, "enable", "--local", str(graph_deleted), "--input", str(warning_input), "--json")

    assert result.returncode == 3, result.stderr
    report = json.loads(result.stdout)  # the whole of stdout: one document, nothing before or after
    assert report["summary"]["FAILED"] == 4
    logs = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    if verbose:
        assert {line["service"] for line in logs} == {"detective-rollout"}  # the tasks' lines, on stderr
        assert any(line["level"] == "WARNING" for line in logs), "no task logged a WARNING: the test proves nothing"
    else:
        assert logs == []


def test_bad_input_prints_no_log_line_on_stdout(graph_deleted: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"accounts": [{"account_id": "1", "email": "x"}]}))

    result = run_cli("enable", "--local", str(graph_deleted), "--input", str(bad), "--json")

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: accounts[0].account_id: expected a string of 12 digits, got '1'",
        "error: accounts[0].email: not a plausible email address: 'x'",
    ]


def test_bad_csv_prints_one_error_line_per_problem_naming_the_file_without_blob_or_knock_on(tmp_path: Path) -> None:
    spec = tmp_path / "scenario.json"
    spec.write_text(json.dumps(fleet()))
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,email\n12345,a@example.com\n200000000001,nobody\n")

    for command in (["enable", "--local", str(spec)], ["console-input"]):
        result = CliRunner().invoke(main, [*command, "--accounts", str(accounts)])

        assert result.exit_code == EXIT_BAD_INPUT, result.output
        assert result.output.splitlines() == [
            f"error: {accounts} row 2 account_id: expected a string of 12 digits, got '12345'",
            f"error: {accounts} row 3 email: not a plausible email address: 'nobody'",
        ]


def test_console_input_refuses_an_input_over_start_executions_limit_with_the_advice_enable_gives(
    tmp_path: Path,
) -> None:
    accounts = tmp_path / "accounts.csv"
    rows = [
        f"{300000000000 + n},owner.of.account.{n:04d}@security.example.com,us-east-1;eu-west-1" for n in range(4000)
    ]
    accounts.write_text("\n".join(rows) + "\n")

    result = CliRunner().invoke(main, ["console-input", "--accounts", str(accounts)])

    assert result.exit_code == EXIT_BAD_INPUT
    assert result.output.startswith("error: --accounts: the input is ")
    assert "above StartExecution's 262144; upload the CSV and pass --accounts s3://" in result.output


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--clock", "speed=inf", "status"], "--clock"),
        (["--clock", "speed=1e300", "status"], "--clock"),
        (["--clock", "speed=nan", "status"], "--clock"),
        (["--clock", "speed=1e-300", "status"], "--clock"),
        (["status", "--watch", "--interval", "-1"], "--interval"),
        (["status", "--watch", "--interval", "nan"], "--interval"),  # NaN passes a plain FloatRange
        (["status", "--limit", "0"], "--limit"),
        (["status", "--limit", "-1"], "--limit"),
    ],
)
def test_out_of_range_clock_speed_interval_and_limit_are_usage_errors_naming_the_option_and_value_once(
    args: list[str], named: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(main, args)

    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert isinstance(result.exception, SystemExit)  # a usage error, never a traceback
    error = result.output.splitlines()[-1]
    assert error.count(named) == 1, error  # named once: no repeated prefix
    assert (
        error.startswith(f"Error: Invalid value for '{named}': ")
        and args[args.index(named) + 1].split("=")[-1] in error
    )
