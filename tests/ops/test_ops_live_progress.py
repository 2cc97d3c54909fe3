"""A foreground run is never silent: on a terminal its progress is redrawn in place and says what it
waits for; piped or with --json, at most one line per phase on stderr. ``status latest --watch``
started before any execution waits for the first one."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import time
from pathlib import Path

from detective_rollout.ops.progress import STATUSES
from tests.helpers.ops import FAULTY, make_cli, write_scenario

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "detective_rollout.cli"]


def _read_all(fd: int, child: subprocess.Popen[bytes], timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    child.wait(timeout=max(1.0, deadline - time.monotonic()))
    return seen


def test_enable_on_a_terminal_shows_its_name_progress_and_what_it_waits_for(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path / "s.json")
    primary, secondary = pty.openpty()
    # The invitation wait (3,600 s after the invitations were sent) is 3.6 s of wall time at speed=1000:
    # long enough for a progress snapshot while WaitForInvitations runs, however slow the start.
    child = subprocess.Popen(
        [*CLI, "enable", "--local", str(scenario), "--clock", "speed=1000", "--invitation-wait-seconds", "3600"],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        close_fds=True,
    )
    os.close(secondary)
    try:
        text = _read_all(primary, child, 240).decode()
    finally:
        if child.poll() is None:
            child.kill()
        os.close(primary)
    assert child.returncode == 3, text
    first = text.lstrip().splitlines()[0]
    assert re.fullmatch(r"enable enable-[0-9a-f]{12}  starting", first.strip()), first
    assert "F\x1b[J" in text  # redrawn in place
    waiting = re.search(r"waiting for the invitations to reach the member accounts: [^\r\n]*", text)
    assert waiting, text
    assert re.search(r": \d{4}-\d\d-\d\d \d\d:\d\d UTC, (\d+ min )?\d+ s from now$", waiting.group(0)), waiting.group(0)
    assert "accepted" in text and "accounts processed" in text
    assert FAULTY in text  # the report table follows


def test_enable_with_json_prints_one_line_per_phase_on_stderr_and_pure_json_on_stdout(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path / "s.json")
    result = make_cli()("enable", "--local", scenario, "--json")
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    lines = result.stderr.splitlines()
    assert [line.split(": ", 1)[1].split("  ")[0] for line in lines] == [
        "regions checked",
        "invitations sent",
        "accepted",
        "verified",
    ]
    assert all(line.startswith(f"{report['execution']}: ") and "\x1b" not in line for line in lines)


def test_progress_shows_only_the_readme_reason_codes(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path / "s.json", fault={"type": "slow_invitation", "duration_s": 100000})
    result = make_cli()("enable", "--local", scenario)
    assert result.exit_code == 3
    table = [line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| ")]
    documented = set(re.findall(r"\b[A-Z][A-Z_]{3,}\b", "\n".join(table))) | STATUSES
    shown = set(
        re.findall(r"\b[A-Z][A-Z_]{3,}\b", " ".join(re.findall(r"\((?:pairs|Regions): ([^)]*)\)", result.stderr)))
    )
    assert shown and shown <= documented, shown - documented
    assert "INVITATION_NOT_ACCEPTED" in shown and "NOT_VISIBLE" not in result.stderr


def test_status_latest_watch_waits_for_the_first_execution_even_before_the_state_dir_exists(tmp_path: Path) -> None:
    state = tmp_path / "not-yet"
    scenario = write_scenario(tmp_path / "s.json")
    watcher = subprocess.Popen(
        [*CLI, "status", "latest", "--watch", "--state-dir", str(state), "--interval", "0.05"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert watcher.stderr is not None
        said = watcher.stderr.readline().decode()
        assert "no execution yet: waiting for the first one" in said
        assert not state.exists() and watcher.poll() is None
        assert make_cli()("enable", "--local", scenario, "--state-dir", state).exit_code == 3
        out, _err = watcher.communicate(timeout=120)
    finally:
        if watcher.poll() is None:
            watcher.kill()
    assert watcher.returncode == 3
    assert "results: 6 account-Regions" in out.decode()
