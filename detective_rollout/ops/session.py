"""Local runs with ``--state-dir``: the fleet and the execution record persist around ``run_local``.

``run_local`` stays the one way a local execution runs (CLI, ``make demo`` and tests alike); this
module only loads the fleet before it, records the execution while it runs - progress snapshots
from the execution history, every ``SNAPSHOT_SECONDS`` of wall time, for ``status --watch`` in
another terminal - and saves the fleet and the report after it. Without a state directory both
functions fall through to the ephemeral behaviour.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.engine import LocalEngine
from detective_rollout.local import LocalRun, execution_name, run_local
from detective_rollout.ops.deployed import fetch_history
from detective_rollout.ops.interrupt import Interrupted
from detective_rollout.ops.progress import snapshot
from detective_rollout.ops.store import ExecutionRecord, StateDir
from tasks.clock import iso

#: Wall seconds between progress snapshots of a running local execution (at least).
SNAPSHOT_SECONDS = 0.5


def open_fleet(scenario: str, clock: Any, state_dir: str | None) -> Fleet:
    """The fleet a local command works on: persisted in ``state_dir`` if any, else the scenario's."""
    loaded = load_scenario(scenario)
    return StateDir(state_dir).fleet(loaded, clock) if state_dir else Fleet(loaded, clock)


class ProgressObserver:
    """Takes progress snapshots while the engine runs the execution (run_local's ``observe``).

    Each snapshot goes to every listener: the execution record in ``--state-dir`` (for ``status``
    in another terminal) and the foreground run's own display.
    """

    def __init__(
        self, execution: str, workflow: str, clock: Any, listeners: Iterable[Callable[[dict[str, Any]], None]]
    ) -> None:
        self.execution = execution
        self.workflow = workflow
        self.clock = clock
        self.listeners = list(listeners)

    def take(self, sfn: Any, arn: str, status: str) -> None:
        events = fetch_history(sfn, arn)
        snap = snapshot(
            events, execution=self.execution, workflow=self.workflow, status=status, updated_at=iso(self.clock.now())
        )
        for listener in self.listeners:
            listener(snap)

    @contextlib.contextmanager
    def __call__(self, engine: LocalEngine, arn: str) -> Iterator[None]:
        sfn = engine.client("stepfunctions")  # created here: boto3's default session is not for concurrent use
        done = threading.Event()

        def poll() -> None:
            while not done.is_set():
                started = time.monotonic()
                with contextlib.suppress(Exception):  # a snapshot is best effort; the run is what matters
                    self.take(sfn, arn, "RUNNING")
                done.wait(max(SNAPSHOT_SECONDS, 4 * (time.monotonic() - started)))

        thread = threading.Thread(target=poll, name=f"progress-{self.execution}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()
            with contextlib.suppress(Exception):
                status = sfn.describe_execution(executionArn=arn)["status"]
                self.take(sfn, arn, str(status))  # the last snapshot: every phase as it ended


def run_recorded(
    state_dir: str | None,
    scenario: str,
    workflow: str,
    execution_input: dict[str, Any],
    *,
    clock: Any,
    csv_text: str | None = None,
    fleet: Fleet | None = None,
    name: str | None = None,
    reports: Iterable[dict[str, Any]] = (),
    command: str | None = None,
    show: Callable[[dict[str, Any]], None] | None = None,
) -> LocalRun:
    """``run_local``, recorded in ``state_dir`` (fleet written through, execution record, snapshots).

    Under the state dir's lock: executions whose process died are recorded ABORTED, the fleet is
    read again (a run that ended since ``fleet`` was loaded may have changed it) and written after
    every call that changes it, and the record's lock file is held while the execution runs.
    ``command``: the command line, kept so a run that ends without a report can be rerun.
    ``show``: called with each progress snapshot while the execution runs (the foreground display).
    """
    start = functools.partial(
        run_local, scenario, workflow, execution_input, clock=clock, csv_text=csv_text, reports=reports
    )
    if not state_dir:
        name = name or execution_name(workflow)
        return start(fleet=fleet, name=name, observe=ProgressObserver(name, workflow, clock, [show]) if show else None)
    store = StateDir(state_dir)
    with store.lock():
        store.abort_dead(iso(clock.now()))
        fleet = store.fleet(load_scenario(scenario), clock)
        name = name or execution_name(workflow)
        record = ExecutionRecord(
            execution=name,
            workflow=workflow,
            status="RUNNING",
            started_at=iso(clock.now()),
            seq=store.next_seq(),
            input=execution_input,
            csv_text=csv_text,
            replay_of=execution_input.get("replay_of"),
            pid=os.getpid(),
            command=command,
        )
        with store.running(record):
            store.save(record)
            fleet.persist = store.fleet_writer(fleet.scenario.administrator.account_id)
            try:
                run = _run_observed(store, record, start, fleet, clock, show)
            finally:
                fleet.save()  # the counters too (every change to the graphs is on disk already)
                fleet.persist = None  # a handler abandoned by an interrupt no longer writes here
    return run


def _run_observed(
    store: StateDir,
    record: ExecutionRecord,
    start: Callable[..., LocalRun],
    fleet: Fleet,
    clock: Any,
    show: Callable[[dict[str, Any]], None] | None,
) -> LocalRun:
    """``start`` the run with progress snapshots; the record ends with its status, or ABORTED if the run broke."""

    def keep(snap: dict[str, Any]) -> None:
        record.progress = snap
        store.save(record)

    observer = ProgressObserver(record.execution, record.workflow, clock, [keep, *([show] if show else [])])
    try:
        run = start(fleet=fleet, name=record.execution, observe=observer)
    except BaseException as exc:
        if isinstance(exc, Interrupted):
            exc.execution = record.execution
        record.status, record.error, record.cause, record.pid = "ABORTED", type(exc).__name__, str(exc), None
        record.stopped_at = iso(clock.now())
        store.save(record)
        raise
    result = run.result
    record.status, record.error, record.cause, record.pid = result.status, result.error, result.cause, None
    record.stopped_at, record.report = iso(clock.now()), run.report
    store.save(record)
    return run
