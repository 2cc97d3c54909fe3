"""Helpers for the tests that interrupt and kill local runs: the issue's small fleet, a CLI subprocess, polling.

Every wait polls for the state it needs (a file's content, a process's end) with a generous
deadline instead of sleeping a fixed time, so the tests hold on a loaded two-core machine.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "111111111111"
REGIONS = ["us-east-1", "eu-west-1"]
MEMBERS = {
    "222222222222": "alpha@example.com",
    "333333333333": "bravo@example.com",
    "444444444444": "charlie@example.com",
}
#: Wall seconds a poll waits before the test fails (a loaded machine starts Python slowly).
DEADLINE_S = 120.0


def small_scenario(**overrides: Any) -> dict[str, Any]:
    """The issue's ``small.json``: GuardDuty 72 h old in two Regions, three members with roles."""
    return {
        "administrator": {"account_id": ADMIN, "guardduty_age_hours": dict.fromkeys(REGIONS, 72)},
        "regions": REGIONS,
        "member_role": "DetectiveMemberRole",
        "members": [{"account_id": a, "email": e} for a, e in MEMBERS.items()],
        "seed": 1,
        **overrides,
    }


def poll[T](probe: Callable[[], T | None], what: str, deadline_s: float = DEADLINE_S) -> T:
    """``probe()`` until it returns something truthy; fails naming ``what`` after ``deadline_s``."""
    deadline = time.monotonic() + deadline_s
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not seen within {deadline_s:g} s: {what}")
        time.sleep(0.05)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None


@dataclass
class CliProcess:
    """``detective-rollout ARGS`` in a subprocess, under the socket audit hook (tests/reliability/audited.py)."""

    process: subprocess.Popen[str]
    audit_log: Path

    @classmethod
    def start(cls, cwd: Path, *args: str, wrap: Sequence[str] = ()) -> CliProcess:
        """Start it in ``cwd``; ``wrap``: a command prefix (e.g. ``unshare ...``)."""
        log = cwd / "sockets.log"
        log.touch()
        command = [*wrap, sys.executable, "-m", "tests.reliability.audited", str(log), "cli", *args]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen(  # noqa: S603 - our own module
            command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        return cls(process, log)

    def signal(self, signum: int) -> float:
        """Send ``signum``; returns the monotonic time it was sent."""
        sent = time.monotonic()
        self.process.send_signal(signum)
        return sent

    def wait(self, timeout: float = DEADLINE_S) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.communicate()

    def remote_sockets(self) -> list[str]:
        return self.audit_log.read_text().splitlines()


def run_cli(cwd: Path, *args: str) -> tuple[int, str, str]:
    """Run a CLI command to its end (for the commands after a killed run)."""
    cli = CliProcess.start(cwd, *args)
    try:
        return cli.wait()
    finally:
        cli.kill()


def record_of(state_dir: Path) -> dict[str, Any] | None:
    """The (only) execution record in ``state_dir``."""
    found = [read_json(p) for p in sorted((state_dir / "executions").glob("*.json"))]
    return found[0] if len(found) == 1 and isinstance(found[0], dict) else None


def fleet_members(state_dir: Path, field: str = "status") -> dict[str, dict[str, str]]:
    """Region -> account -> the member's ``field`` (its status by default), as fleet.json holds them."""
    saved = read_json(state_dir / "fleet.json") or {}
    graphs = ((saved.get("state") or {}).get("fleet") or {}).get("graphs") or {}
    return {g["region"]: {m["account_id"]: m[field] for m in g["members"]} for g in graphs.values()}
