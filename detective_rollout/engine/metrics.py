"""What an execution cost, read from moto's in-memory history (never through GetExecutionHistory).

GetExecutionHistory on moto returns every event in one response and takes ~9 s for 10k events;
the engine instead reads the execution's event list in place, under the event manager's lock.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ExecutionResult:
    """The outcome and measurements of one execution.

    ``transitions``: states entered plus Task retries (AWS bills each as a state transition).
    ``history_events``: events in the execution history, as GetExecutionHistory would list them.
    ``max_payload_bytes``: the largest state input/output (UTF-8 bytes of its JSON) in the history;
    AWS fails a state whose payload exceeds 262,144 bytes (States.DataLimitExceeded).
    ``invocations``: Lambda invocation attempts per Task state name, injected faults included.
    """

    status: str
    output: Any
    error: str | None
    cause: str | None
    transitions: int
    history_events: int
    max_payload_bytes: int
    invocations: dict[str, int] = field(default_factory=dict)
    name: str = ""
    arn: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status == "SUCCEEDED"


@dataclass(frozen=True)
class HistoryStats:
    events: int
    transitions: int
    max_payload_bytes: int


_SCHEDULED = {"TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled"}
_PAYLOAD_KEYS = ("input", "output")


def history_events(execution: Any) -> list[Mapping[str, Any]]:
    """A snapshot of the execution's events (a shallow copy of moto's list, taken under its lock)."""
    worker = getattr(execution, "exec_worker", None)
    env = getattr(worker, "env", None)
    manager = getattr(env, "event_manager", None)
    if manager is None:
        return []
    with manager._mutex:
        return list(manager._history_event_list)


def history_stats(events: list[Mapping[str, Any]]) -> HistoryStats:
    entered = task_entered = scheduled = 0
    largest = 0
    for event in events:
        kind = event.get("type", "")
        kind = str(getattr(kind, "value", kind))  # moto keeps HistoryEventType members in memory
        if kind.endswith("StateEntered"):
            entered += 1
            if kind == "TaskStateEntered":
                task_entered += 1
        elif kind in _SCHEDULED:
            scheduled += 1
        for key, details in event.items():
            if not key.endswith("EventDetails") or not isinstance(details, Mapping):
                continue
            for payload_key in _PAYLOAD_KEYS:
                value = details.get(payload_key)
                if isinstance(value, str):
                    largest = max(largest, len(value.encode("utf-8")))
    return HistoryStats(
        events=len(events), transitions=entered + max(0, scheduled - task_entered), max_payload_bytes=largest
    )


def parse_output(value: Any) -> Any:
    """moto keeps the final output as a Python value; a JSON string stays a string (AWS quotes it)."""
    if isinstance(value, bytes | bytearray):
        return json.loads(value)
    return value
