"""``--state-dir``: the emulated fleet and the local executions, kept as JSON files between commands.

A local run is otherwise gone when its command ends (the engine's S3 and the fleet live in
memory). With a state directory, ``status``, ``replay`` and ``report`` work across invocations and
from another terminal while a run is going:

    DIR/fleet.json               Fleet.to_state() (graphs, members, invitations, the fleet's clock)
    DIR/executions/<name>.json   one record per execution: input, status, progress snapshot, report
    DIR/executions/<name>.lock   flock-held by the process running that execution, for its whole life
    DIR/.lock                    held by the command running an execution: one run at a time

Every file is replaced atomically (write, then rename), so a reader never sees half a file. While
a run goes, the fleet is written after every call that changed it, before the call returns: a
killed run leaves every graph, member and invitation it created, as AWS would. Whether a RUNNING
record's process still lives is the kernel's answer, not a pid's: its ``.lock`` is flock-held
until the process ends however it ends (SIGKILL included), so a record whose lock is free is
ABORTED - even when its pid is reused, or is 1 inside a pid namespace. The
scenario file is still read by every command - for its faults, latency, throttling and seed - but
the fleet's state comes from here once it exists, so a fault edited out of the scenario "fixes"
that account for the next run, while the graphs and members of earlier runs remain.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
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
    pid: int | None = None  # the process running it, while RUNNING (shown; liveness is the .lock)
    command: str | None = None  # the command line that started it: what reruns it
    progress: dict[str, Any] | None = None
    report: dict[str, Any] | None = None

    @classmethod
    def from_json(cls, raw: Any) -> ExecutionRecord:
        """The record a file holds; ValueError naming the first missing or mistyped field when it is not one."""
        if not isinstance(raw, dict):
            raise ValueError(f"expected a JSON object, got {type(raw).__name__}")
        for name, kinds in _FIELD_TYPES.items():
            value = raw.get(name)
            if value is None and name in _REQUIRED:
                raise ValueError(f"{name}: missing")
            if value is not None and (not isinstance(value, kinds) or isinstance(value, bool) and bool not in kinds):
                raise ValueError(f"{name}: expected {' or '.join(k.__name__ for k in kinds)}, got {value!r:.40}")
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known and v is not None})

    def effective_status(self, alive: bool) -> str:
        """RUNNING only while its process lives (``alive``): a killed command leaves an ABORTED execution."""
        return "ABORTED" if self.status == "RUNNING" and not alive else self.status


_REQUIRED = ("execution", "workflow", "status", "started_at")
#: What each field of a record file must hold (or be absent / null, except the required ones).
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    **dict.fromkeys(_REQUIRED, (str,)),
    **dict.fromkeys(("stopped_at", "csv_text", "replay_of", "error", "cause", "command"), (str,)),
    **dict.fromkeys(("seq", "pid"), (int,)),
    **dict.fromkeys(("input", "progress", "report"), (dict,)),
}
#: Record files already reported unreadable by this process (``status --watch`` reads them every poll).
_WARNED: set[str] = set()


def _skip(path: Path, why: str) -> None:
    """Say once, on stderr, that ``path`` is not an execution record and is left out."""
    if str(path) not in _WARNED:
        _WARNED.add(str(path))
        print(f"warning: skipping {path}: not an execution record ({why})", file=sys.stderr)


def write_json(path: Path, value: Any, indent: int | None = 1) -> None:
    """Replace ``path`` atomically (a concurrent reader sees the old or the new file, never half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(value, indent=indent, default=str) + "\n")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    """A state-dir file (None when absent); StateDirError naming it when it is not JSON or nested too deep."""
    from tasks.nesting import parse_json

    try:
        return parse_json(path.read_text(encoding="utf-8"), root=path.name)
    except FileNotFoundError:
        return None
    except ValueError as exc:  # UnicodeDecodeError and TooDeep included
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
        if not isinstance(saved, dict):
            raise StateDirError(f"{self.fleet_file}: not a saved fleet (a JSON {type(saved).__name__})")
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
        self.fleet_writer(fleet.scenario.administrator.account_id)(fleet.to_state())

    def fleet_writer(self, administrator: str) -> Callable[[dict[str, Any]], None]:
        """What ``Fleet.persist`` calls: replace fleet.json with the given state, atomically."""

        def write(state: dict[str, Any]) -> None:
            # Compact: written after every change of a run (indentation tripled the cost at 1,000 members).
            write_json(self.fleet_file, {"administrator": administrator, "state": state}, indent=None)

        return write

    # executions -------------------------------------------------------------------------------
    def save(self, record: ExecutionRecord) -> None:
        write_json(self._record_file(record.execution), asdict(record))

    def record(self, name: str) -> ExecutionRecord | None:
        """One execution by name; ``latest`` is the newest one."""
        if name == "latest":
            newest = self.records()
            return newest[0] if newest else None
        path = self._record_file(name)
        raw = read_json(path)
        if raw is None:
            return None
        try:
            return ExecutionRecord.from_json(raw)
        except ValueError as exc:
            raise StateDirError(f"{path}: not an execution record ({exc})") from None

    def records(self) -> list[ExecutionRecord]:
        """Every execution, newest first; a file that is no record (stray, corrupt) is skipped with a warning."""
        folder = self.path / "executions"
        records = []
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            try:
                record = ExecutionRecord.from_json(read_json(path))
            except (StateDirError, ValueError, OSError) as exc:
                _skip(path, str(exc).removeprefix(f"{path}: "))
                continue
            if record.execution != path.stem:
                _skip(path, f"it names execution {record.execution!r:.40}")
                continue
            records.append(record)
        return sorted(records, key=lambda r: r.seq, reverse=True)

    def _lock_file(self, name: str) -> Path:
        return self._record_file(name).with_suffix(".lock")

    def alive(self, record: ExecutionRecord) -> bool:
        """Whether the process running ``record`` still lives: its lock file is flock-held (the kernel's word)."""
        if record.status != "RUNNING":
            return False
        try:
            fd = os.open(self._lock_file(record.execution), os.O_RDONLY)
        except FileNotFoundError:  # the run never held one (or already ended and removed it)
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # releases the probe's shared lock, if it got one
        return False

    def effective_status(self, record: ExecutionRecord) -> str:
        return record.effective_status(self.alive(record))

    @contextlib.contextmanager
    def running(self, record: ExecutionRecord) -> Iterator[None]:
        """Hold ``record``'s lock file while the execution runs (released by the kernel if the process dies)."""
        path = self._lock_file(record.execution)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # while still held: a reader that opened it finds it free once closed
            os.close(fd)

    def abort_dead(self, now: str) -> list[str]:
        """Record every RUNNING execution whose process is gone as ABORTED (call under :meth:`lock`)."""
        ended = []
        for record in self.records():
            if record.status == "RUNNING" and not self.alive(record):
                record.status, record.stopped_at, record.pid = "ABORTED", now, None
                record.error = record.error or "Killed"
                record.cause = record.cause or "the command running it ended without recording an end"
                self.save(record)
                ended.append(record.execution)
        return ended

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
