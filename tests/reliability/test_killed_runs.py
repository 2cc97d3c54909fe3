"""Ctrl-C, SIGTERM and SIGKILL during a local run: it ends at once, keeps its fleet, and says ABORTED.

Each test runs the real CLI in a subprocess (tests/reliability/killed.py) on the issue's small
fleet, waits - by polling the state dir - until the run is where the issue's reproduction
interrupted it, and signals it.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers.ops import make_cli
from tests.reliability.killed import (
    MEMBERS,
    REGIONS,
    CliProcess,
    fleet_members,
    poll,
    record_of,
    run_cli,
    small_scenario,
)

#: The issue's bound: a signalled run has exited this many wall seconds after the signal.
EXIT_WITHIN_S = 5.0


def _write_scenario(tmp_path: Path, **overrides: object) -> None:
    (tmp_path / "small.json").write_text(json.dumps(small_scenario(**overrides)))


def _state(record: dict | None) -> str | None:
    return ((record or {}).get("progress") or {}).get("state")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_check_guardduty_ends_the_run_within_5_s_recorded_aborted_with_the_lock_released(
    tmp_path: Path, signum: int, code: int
) -> None:
    _write_scenario(tmp_path, latency_ms=3000)
    args = ("--clock", "real", "enable", "--local", "small.json", "--state-dir", "sd")
    cli = CliProcess.start(tmp_path, *args)
    try:
        poll(lambda: _state(record_of(tmp_path / "sd")) == "CheckGuardDuty", "the run in CheckGuardDuty")
        sent = cli.signal(signum)
        returncode, _out, err = cli.wait()
        took = time.monotonic() - sent
    finally:
        cli.kill()

    assert returncode == code, err
    assert took < EXIT_WITHIN_S, f"exited {took:.1f} s after the signal"
    record = record_of(tmp_path / "sd")
    assert record is not None and record["status"] == "ABORTED", record
    assert f"{record['execution']} is recorded ABORTED" in err and "run the same command again" in err
    with open(tmp_path / "sd" / ".lock") as lock:  # released: a new command may take it at once
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    assert cli.remote_sockets() == []


def test_sigkill_after_invite_members_keeps_every_member_shows_aborted_and_the_same_command_converges(
    tmp_path: Path,
) -> None:
    _write_scenario(tmp_path, latency_ms=1000)
    # speed=10: each call's 1 s latency is 0.1 s, WaitForInvitations' 60 s are 6 s - the window for the kill.
    args = ("--clock", "speed=10", "enable", "--local", "small.json", "--state-dir", "sd")
    cli = CliProcess.start(tmp_path, *args)
    try:
        poll(
            lambda: (
                (m := fleet_members(tmp_path / "sd")) and all(len(m.get(r, {})) == len(MEMBERS) for r in REGIONS) and m
            ),
            "every member invited in both Regions (fleet.json)",
        )
        cli.process.send_signal(signal.SIGKILL)
        cli.wait()
    finally:
        cli.kill()
    assert record_of(tmp_path / "sd")["status"] == "RUNNING"  # as the killed process left it

    kept = fleet_members(tmp_path / "sd")
    invited_at = fleet_members(tmp_path / "sd", "invited_time")
    assert {r: set(kept[r]) for r in REGIONS} == {r: set(MEMBERS) for r in REGIONS}, kept
    cli, state_dir = make_cli(), tmp_path / "sd"
    assert [e["status"] for e in json.loads(cli("status", "--state-dir", state_dir, "--json").stdout)] == ["ABORTED"]
    replay = cli("replay", "latest", "--local", tmp_path / "small.json", "--state-dir", state_dir)
    assert replay.exit_code == 1, replay.output
    assert "without a report" in replay.stderr and f"detective-rollout {' '.join(args)}" in replay.stderr

    code, out, err = run_cli(tmp_path, *args[:-2], "--json", "--state-dir", "sd")  # the same command again
    assert code == 0, err
    rows = json.loads(out)["results"]
    assert {(r["account_id"], r["region"]): r["status"] for r in rows} == {
        (a, r): "ENABLED" for a in MEMBERS for r in REGIONS
    }
    # The rerun accepted the killed run's invitations: none was sent again (InvitedTime unchanged).
    assert fleet_members(state_dir, "invited_time") == invited_at
    statuses = [e["status"] for e in json.loads(cli("status", "--state-dir", state_dir, "--json").stdout)]
    assert sorted(statuses) == ["ABORTED", "SUCCEEDED"]


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux unshare")
def test_a_run_killed_as_pid_1_of_a_pid_namespace_is_aborted_not_running_forever(tmp_path: Path) -> None:
    """os.kill(1, 0) always succeeds: liveness rests on the record's flock, which the kernel releases."""
    namespace = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child=SIGKILL"]
    if subprocess.run([*namespace, "true"], capture_output=True, check=False).returncode != 0:  # noqa: S603
        pytest.skip("pid namespaces are not available here")
    _write_scenario(tmp_path, latency_ms=1000)
    cli = CliProcess.start(
        tmp_path, "--clock", "speed=10", "enable", "--local", "small.json", "--state-dir", "sp", wrap=namespace
    )
    try:
        poll(lambda: (record_of(tmp_path / "sp") or {}).get("pid") == 1, "the record written by PID 1")
        cli.process.send_signal(signal.SIGKILL)  # unshare: its child, PID 1 of the namespace, gets SIGKILL
        cli.wait()
    finally:
        cli.kill()
    assert record_of(tmp_path / "sp")["status"] == "RUNNING"

    cli, state_dir = make_cli(), tmp_path / "sp"
    assert [e["status"] for e in json.loads(cli("status", "--state-dir", state_dir, "--json").stdout)] == ["ABORTED"]
    watched = cli("status", "latest", "--state-dir", state_dir, "--watch")  # ends: not followed for ever
    assert (watched.exit_code, "ABORTED" in watched.stdout) == (1, True), watched.output
    replay = cli("replay", "latest", "--local", tmp_path / "small.json", "--state-dir", state_dir)
    assert replay.exit_code == 1 and "without a report" in replay.stderr, replay.output
