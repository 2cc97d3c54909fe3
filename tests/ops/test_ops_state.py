"""``--state-dir`` rules without running the engine: one run at a time, one fleet per directory,
executions whose command died, and the exit codes of a wrong name or a missing option."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.ops.store import ExecutionRecord, StateDir, StateDirError
from tests.helpers.ops import Cli, scenario_dict, write_scenario


def _record(name: str, seq: int, **extra: Any) -> ExecutionRecord:
    fields = {"workflow": "enable", "status": "SUCCEEDED", "started_at": "2026-01-01T00:00:00Z", **extra}
    return ExecutionRecord(execution=name, seq=seq, **fields)


def test_a_second_run_in_a_busy_state_dir_exits_2_and_changes_nothing(tmp_path: Path, cli: Cli) -> None:
    scenario, state = write_scenario(tmp_path / "s.json"), StateDir(tmp_path / "state")
    with state.lock():
        result = cli("enable", "--local", scenario, "--state-dir", state.path)
    assert result.exit_code == 2 and "another command is running an execution" in result.stderr
    assert state.records() == [] and not state.fleet_file.exists()


def test_a_state_dir_of_another_fleet_is_refused(tmp_path: Path, cli: Cli) -> None:
    state = StateDir(tmp_path / "state")
    other = load_scenario(
        scenario_dict(administrator={"account_id": "999999999999", "guardduty_age_hours": {"us-east-1": 72}})
    )
    state.save_fleet(Fleet(other, InstantClock()))
    result = cli("enable", "--local", write_scenario(tmp_path / "s.json"), "--state-dir", state.path)
    assert result.exit_code == 2 and "administrator 999999999999" in result.stderr


def test_fleet_state_round_trips_with_its_clock(tmp_path: Path) -> None:
    clock = InstantClock()
    fleet = Fleet(load_scenario(scenario_dict()), clock)
    clock.advance(48 * 3600)
    state = StateDir(tmp_path)
    state.save_fleet(fleet)
    later = InstantClock()
    resumed = state.fleet(load_scenario(scenario_dict(fault=None)), later)
    assert later.now() >= clock.now() and resumed.started_at == fleet.started_at


def test_an_execution_whose_command_died_is_aborted_not_running_forever(tmp_path: Path, cli: Cli) -> None:
    """Liveness is the record's flock, not the pid: pid 1 (the CLI as PID 1 of a pid namespace) passes kill(0)."""
    state = StateDir(tmp_path)
    state.save(_record("enable-dead", 1, status="RUNNING", pid=1))
    alive = _record("enable-alive", 2, status="RUNNING", pid=os.getpid())
    with state.running(alive):
        state.save(alive)
        listed = json.loads(cli("status", "--state-dir", tmp_path, "--json").output)
        assert [(e["execution"], e["status"]) for e in listed] == [
            ("enable-alive", "RUNNING"),
            ("enable-dead", "ABORTED"),
        ]
        assert cli("status", "enable-dead", "--state-dir", tmp_path).exit_code == 1
        assert cli("status", "enable-alive", "--state-dir", tmp_path).exit_code == 0
    assert cli("status", "enable-alive", "--state-dir", tmp_path).exit_code == 1  # its lock is gone: ABORTED


def test_the_next_run_records_a_dead_run_aborted_and_keeps_the_command_that_reruns_it(tmp_path: Path, cli: Cli) -> None:
    scenario = write_scenario(tmp_path / "s.json", fault=None)
    state = StateDir(tmp_path / "sd")
    state.save(_record("enable-dead", 1, status="RUNNING", pid=1))
    assert cli("enable", "--local", scenario, "--state-dir", state.path).exit_code == 0
    dead, done = state.record("enable-dead"), state.record("latest")
    assert dead is not None and (dead.status, dead.error) == ("ABORTED", "Killed")
    assert done is not None and done.command == f"detective-rollout enable --local {scenario} --state-dir {state.path}"


def test_unknown_execution_and_empty_state_dir(tmp_path: Path, cli: Cli) -> None:
    assert cli("status", "--state-dir", tmp_path).output.strip() == "no executions yet"
    result = cli("status", "enable-nope", "--state-dir", tmp_path)
    assert result.exit_code == 2 and "no execution 'enable-nope'" in result.stderr
    missing = cli("report", "enable-nope", "--state-dir", tmp_path)
    assert missing.exit_code == 2
    assert cli("replay", "latest", "--state-dir", tmp_path).exit_code == 2


def test_local_commands_need_the_state_dir_and_a_local_replay_needs_the_scenario(tmp_path: Path, cli: Cli) -> None:
    scenario = write_scenario(tmp_path / "s.json")
    result = cli("status", "--local", scenario)
    assert result.exit_code == 2 and "--state-dir" in result.stderr
    state = StateDir(tmp_path / "state")
    report = {
        "workflow": "enable",
        "execution": "enable-x",
        "summary": {"total": 1, "FAILED": 1},
        "request": {"input": {"accounts": [{"account_id": "333333333333", "email": "b@example.com"}]}},
        "results": [
            {"account_id": "333333333333", "region": "us-east-1", "status": "FAILED", "reason": "ACCESS_DENIED"}
        ],
    }
    state.save(_record("enable-x", 1, status="FAILED", report=report))
    result = cli("replay", "enable-x", "--state-dir", state.path)
    assert result.exit_code == 2 and "--local SCENARIO.json" in result.stderr


def test_record_names_cannot_escape_the_state_dir(tmp_path: Path) -> None:
    with pytest.raises(StateDirError):
        StateDir(tmp_path).record("../fleet")
