"""Bad values refused before anything starts: exit 2, one line naming them, nothing written, no traceback.

Each command line of :data:`tests.reliability.refusal_catalog.REFUSALS` runs in-process; the scratch
folder is compared before and after (nothing written), and the fleet's write calls are counted
(nothing started). The workflows refuse a deep input themselves (InvalidInput, not States.Runtime),
so an execution started from the console or any AWS client is refused too.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from detective_rollout.cli import main
from detective_rollout.emulator import Fleet
from detective_rollout.emulator.__main__ import main as emulator_main
from detective_rollout.ops.exits import EXIT_BAD_INPUT
from tests.helpers.ops import make_cli, write_scenario
from tests.helpers.workflow import member, run_disable, run_enable, scenario
from tests.reliability.refusal_catalog import PATH_900, REFUSALS, Refusal, nested


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` with its bytes (None for a folder)."""
    return {str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes() for p in sorted(folder.rglob("*"))}


@pytest.fixture
def fleet_writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The write operations any emulated fleet served during the test."""
    writes: list[str] = []
    real = Fleet.handle

    def spy(fleet: Fleet, request: Any) -> Any:
        if request.operation in fleet.models[request.service].mutating:
            writes.append(request.operation)
        return real(fleet, request)

    monkeypatch.setattr(Fleet, "handle", spy)
    return writes


def scratch(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "scratch"
    folder.mkdir()
    for name, data in files.items():
        if name.endswith("/"):
            (folder / name).mkdir(parents=True)
        else:
            (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize("refusal", REFUSALS, ids=[r.what for r in REFUSALS])
def test_the_cli_refuses_before_starting_anything_naming_the_value_and_writes_nothing(
    tmp_path: Path, refusal: Refusal, fleet_writes: list[str]
) -> None:
    folder = scratch(tmp_path, refusal.files)
    small = write_scenario(tmp_path / "small.json")
    args = [a.replace("{dir}", str(folder)).replace("{scenario}", str(small)) for a in refusal.args]
    before = tree(folder)

    result = CliRunner().invoke(main, args)

    assert result.exit_code == EXIT_BAD_INPUT, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit)  # a message, never a traceback
    assert refusal.message.replace("{dir}", str(folder)) in result.output
    assert "Traceback" not in result.output
    assert tree(folder) == before
    assert fleet_writes == []


@pytest.mark.parametrize("workflow", ["enable", "disable"])
def test_a_workflow_started_with_input_nested_900_deep_fails_invalid_input_naming_the_path(
    workflow: str, fleet_writes: list[str]
) -> None:
    spec = scenario([member(1)], regions=["us-east-1"])
    accounts = [{**member(1), "x": nested(900)}]
    run = (run_enable if workflow == "enable" else run_disable)(spec, accounts=accounts)

    assert run.result.status == "FAILED"
    assert run.result.error == "InvalidInput", run.result.cause
    assert f"{PATH_900}: nested deeper than 32 levels" in str(run.result.cause)
    assert run.report is None
    assert fleet_writes == []


def test_emulator_serve_on_a_port_in_use_says_so_in_one_line_and_exits_2(tmp_path: Path) -> None:
    small = write_scenario(tmp_path / "small.json")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = CliRunner().invoke(main, ["emulator", "serve", "--scenario", str(small), "--port", str(port)])

    assert result.exit_code == EXIT_BAD_INPUT
    assert result.output.strip().splitlines() == [
        f"error: --port {port}: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def test_replay_with_a_report_path_that_is_a_directory_starts_no_execution(tmp_path: Path) -> None:
    cli = make_cli()
    small = write_scenario(tmp_path / "small.json")
    state = tmp_path / "state"
    first = cli("enable", "--local", small, "--state-dir", state)
    assert first.exit_code == 3, first.output  # the scenario's faulty member: FAILED rows to replay
    (tmp_path / "out").mkdir()
    executions = sorted((state / "executions").glob("*.json"))

    result = cli("replay", "latest", "--local", small, "--state-dir", state, "--report", tmp_path / "out")

    assert result.exit_code == EXIT_BAD_INPUT
    assert f"Invalid value for '--report': '{tmp_path / 'out'}' is a directory" in result.output
    assert sorted((state / "executions").glob("*.json")) == executions
    assert list((tmp_path / "out").iterdir()) == []
    listed = json.loads(cli("status", "--state-dir", state, "--json").output)
    assert [e["execution"] for e in listed] == [first_execution(executions)]


def first_execution(files: list[Path]) -> str:
    (only,) = files
    return only.stem


@pytest.mark.parametrize("port", ["99999", "-1", "in-use"])
def test_python_m_emulator_serve_refuses_a_bad_or_busy_port_in_one_line_with_exit_2(
    tmp_path: Path, port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m detective_rollout.emulator serve``, the entry point usable without the CLI, refuses alike."""
    small = write_scenario(tmp_path / "small.json")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        if port == "in-use":
            port = str(taken.getsockname()[1])
        try:
            code = emulator_main(["serve", "--scenario", str(small), "--port", port])
        except SystemExit as exit_:  # argparse's usage error
            code = exit_.code

    assert code == EXIT_BAD_INPUT
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert f"{port}" in error and "--port" in error and "Traceback" not in error, error
