"""``--state-dir``: the emulated fleet and the local executions, kept as JSON files between commands.

A local run is otherwise gone when its command ends (the engine's S3 and the fleet live in
memory). With a state directory, ``status``, ``replay`` and ``report`` work across invocations and
from another terminal while a run is going:

    DIR/fleet.json               Fleet.to_state() (graphs, members, invitations, the fleet's clock)
    DIR/executions/<name>.json   one record per execution: input, status, progress snapshot, report
    DIR/.lock                    held by the command running an execution: one run at a time

Every file is replaced atomically (write, then rename), so a reader never sees half a file. The
scenario file is still read by every command - for its faults, latency, throttling and seed - but
the fleet's state comes from here once it exists, so a fault edited out of the scenario "fixes"
that account for the next run, while the graphs and members of earlier runs remain.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the emulator is imported by the commands that run a fleet, not by `status`
    from detective_rollout.emulator import Fleet, Scenario


class StateDirError(Exception):
    """The state directory cannot serve this command (busy, another fleet's, unreadable)."""


@dataclass
class ExecutionRecord:
    """What ``status``/``replay``/``report`` know about a local execution."""

    execution: str
    workflow: str
    status: str  # RUNNING | SUCCEEDED | FAILED | ABORTED
    started_at: str
    seq: int = 0  # order of starting, for "newest first" (a virtual clock may stand still)
    stopped_at: str | None = None
    input: dict[str, Any] = field(default_factory=dict)
    csv_text: str | None = None  # the --accounts file, so a replay finds the original emails
    replay_of: str | None = None
    error: str | None = None
    cause: str | None = None
    pid: int | None = None  # the process running it, while RUNNING
    progress: dict[str, Any] | None = None
    report: dict[str, Any] | None = None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ExecutionRecord:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})

    def effective_status(self) -> str:
        """RUNNING only while its process lives: a killed command leaves an ABORTED execution."""
        if self.status == "RUNNING" and self.pid is not None and not _alive(self.pid):
            return "ABORTED"
        return self.status


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_json(path: Path, value: Any) -> None:
    """Replace ``path`` atomically (a concurrent reader sees the old or the new file, never half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, indent=1, default=str) + "\n")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise StateDirError(f"{path}: not JSON ({exc})") from None


class StateDir:
    """The files of one ``--state-dir``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise StateDirError(f"--state-dir {path}: not a directory")

    @property
    def fleet_file(self) -> Path:
        return self.path / "fleet.json"

    def _record_file(self, name: str) -> Path:
        if not name or "/" in name or name.startswith("."):
            raise StateDirError(f"not an execution name: {name!r}")
        return self.path / "executions" / f"{name}.json"

    # the fleet --------------------------------------------------------------------------------
    def fleet(self, scenario: Scenario, clock: Any) -> Fleet:
        """The persisted fleet continued under ``scenario``'s faults, or a new one from the scenario."""
        from detective_rollout.emulator import Fleet

        saved = read_json(self.fleet_file)
        if saved is None:
            return Fleet(scenario, clock)
        admin = scenario.administrator.account_id
        if saved.get("administrator") != admin:
            raise StateDirError(
                f"{self.path} holds the fleet of administrator {saved.get('administrator')}, "
                f"not {admin}: use another --state-dir for this scenario"
            )
        try:
            return Fleet.from_state(scenario, saved["state"], clock)
        except (KeyError, ValueError) as exc:
            raise StateDirError(f"{self.fleet_file}: unreadable fleet state ({exc})") from None

    def save_fleet(self, fleet: Fleet) -> None:
        write_json(
            self.fleet_file, {"administrator": fleet.scenario.administrator.account_id, "state": fleet.to_state()}
        )

    # executions -------------------------------------------------------------------------------
    def save(self, record: ExecutionRecord) -> None:
        write_json(self._record_file(record.execution), asdict(record))

    def record(self, name: str) -> ExecutionRecord | None:
        """One execution by name; ``latest`` is the newest one."""
        if name == "latest":
            newest = self.records()
            return newest[0] if newest else None
        raw = read_json(self._record_file(name))
        return ExecutionRecord.from_json(raw) if isinstance(raw, dict) else None

    def records(self) -> list[ExecutionRecord]:
        """Every execution, newest first."""
        folder = self.path / "executions"
        found = [read_json(p) for p in folder.glob("*.json")] if folder.is_dir() else []
        records = [ExecutionRecord.from_json(r) for r in found if isinstance(r, dict)]
        return sorted(records, key=lambda r: r.seq, reverse=True)

    def next_seq(self) -> int:
        return max((r.seq for r in self.records()), default=0) + 1

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One run at a time: a second command fails at once instead of clobbering the fleet."""
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / ".lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StateDirError(
                    f"another command is running an execution in {self.path}; wait for it "
                    "(detective-rollout status --watch) and try again"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
