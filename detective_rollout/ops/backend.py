"""Where the operator commands find executions: the deployed stack, or a local ``--state-dir``.

``status``, ``replay`` and ``report`` are written once against :class:`Backend`; the AWS backend
(:mod:`detective_rollout.ops.deployed`) and the local one here answer the same questions - which
executions exist, how far one got, its input and its report - so the commands behave alike on
both, and so do their exit codes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from detective_rollout.ops.store import ExecutionRecord, StateDir

#: The final errors whose cause is the summary JSON (the workflows' "some row FAILED" ends).
INCOMPLETE = frozenset({"RolloutIncomplete", "OffboardingIncomplete"})


class NotFound(LookupError):
    """The execution, report or stack named on the command line does not exist (exit 2)."""


@dataclass(frozen=True)
class ExecutionView:
    """One execution as the commands show it (``status --json`` prints :meth:`to_json`)."""

    execution: str
    workflow: str
    status: str
    started_at: str | None = None
    stopped_at: str | None = None
    error: str | None = None
    cause: str | None = None
    summary: dict[str, Any] | None = None
    replay_of: str | None = None
    arn: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "arn" or v is not None}


def summary_of(output: Any, error: str | None, cause: str | None) -> dict[str, Any] | None:
    """The summary an ended execution carries: in its output, or as the cause of its Fail state."""
    if isinstance(output, dict) and isinstance(output.get("summary"), dict):
        return dict(output["summary"])
    if error in INCOMPLETE and cause:
        try:
            parsed = json.loads(cause)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


class Backend(Protocol):
    def execution(self, name: str) -> ExecutionView: ...

    def executions(self, limit: int) -> list[ExecutionView]: ...

    def progress(self, view: ExecutionView) -> dict[str, Any]: ...

    def original_input(self, view: ExecutionView) -> dict[str, Any]: ...

    def report(self, view: ExecutionView) -> dict[str, Any] | None: ...

    def read_object(self, uri: str) -> bytes | None: ...


class LocalBackend:
    """Executions recorded in a ``--state-dir`` (see :mod:`detective_rollout.ops.store`)."""

    def __init__(self, state_dir: str, s3_objects: dict[str, str] | None = None) -> None:
        self.store = StateDir(state_dir)
        self.s3_objects = s3_objects or {}  # the scenario's, for an input whose accounts_csv names one

    def _view(self, record: ExecutionRecord) -> ExecutionView:
        summary = (record.report or {}).get("summary") or summary_of(None, record.error, record.cause)
        return ExecutionView(
            execution=record.execution,
            workflow=record.workflow,
            status=self.store.effective_status(record),
            started_at=record.started_at,
            stopped_at=record.stopped_at,
            error=record.error,
            cause=record.cause,
            summary=summary,
            replay_of=record.replay_of,
        )

    def _record(self, name: str) -> ExecutionRecord:
        record = self.store.record(name)
        if record is None:
            known = ", ".join(r.execution for r in self.store.records()[:5]) or "none yet"
            raise NotFound(f"no execution {name!r} in {self.store.path} (newest: {known})")
        return record

    def execution(self, name: str) -> ExecutionView:
        return self._view(self._record(name))

    def executions(self, limit: int) -> list[ExecutionView]:
        return [self._view(r) for r in self.store.records()[:limit]]

    def progress(self, view: ExecutionView) -> dict[str, Any]:
        record = self._record(view.execution)
        snap = dict(record.progress or {"execution": record.execution, "workflow": record.workflow, "phases": []})
        snap["status"] = self.store.effective_status(record)
        return snap

    def original_input(self, view: ExecutionView) -> dict[str, Any]:
        return dict(self._record(view.execution).input)

    def report(self, view: ExecutionView) -> dict[str, Any] | None:
        return self._record(view.execution).report

    def read_object(self, uri: str) -> bytes | None:
        text = self.s3_objects.get(uri)
        return None if text is None else text.encode()

    def command(self, view: ExecutionView) -> str | None:
        """The command line that started the execution (None for a record that predates keeping it)."""
        return self._record(view.execution).command

    def csv_text(self, view: ExecutionView) -> str | None:
        """The --accounts file the execution was started with (the engine's upload is gone)."""
        return self._record(view.execution).csv_text
