"""Run a workflow on the embedded engine over an emulated fleet: the CLI's ``--local`` mode.

Shared by the CLI, ``make demo`` and the end-to-end tests, so all three run the same thing:
the real ASL, the real task code, the deployment's substitutions, the scenario's fleet.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detective_rollout.clocks import Clock, InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.engine import ExecutionResult, LocalEngine
from detective_rollout.engine.workers import WorkerPlan
from tasks import aws as tasks_aws
from tasks.workstore import report_key

#: ``observe(engine, execution_arn)``: a context manager entered while the execution runs (progress snapshots).
Observer = Callable[[LocalEngine, str], AbstractContextManager[Any]]

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "infra" / "template.yaml"
STATEMACHINES = ROOT / "statemachines"
WORKFLOW_MACHINES = {"enable": "enable-detective", "disable": "disable-detective"}
INPUT_BUCKET = "detective-rollout-local-input"


@dataclass(frozen=True)
class LocalRun:
    """What a local execution produced: the engine's result, the report (if written) and the fleet."""

    result: ExecutionResult
    report: dict[str, Any] | None
    fleet: Fleet

    @property
    def rejected(self) -> bool:
        return self.result.status == "FAILED" and self.result.error == "InvalidInput"


def default_accounts(fleet: Fleet) -> list[dict[str, Any]]:
    """Every member of the scenario, with the email the scenario says the team would use."""
    return [{"account_id": m.account_id, "email": m.email} for m in fleet.scenario.members]


def execution_name(workflow: str) -> str:
    return f"{workflow}-{uuid.uuid4().hex[:12]}"


def run_local(
    scenario: str | Path | dict[str, Any],
    workflow: str,
    execution_input: dict[str, Any],
    *,
    clock: Clock | None = None,
    name: str | None = None,
    csv_text: str | None = None,
    fleet: Fleet | None = None,
    reports: Iterable[dict[str, Any]] = (),
    observe: Observer | None = None,
    workers: int | WorkerPlan = 0,
) -> LocalRun:
    """Execute ``workflow`` once. ``csv_text`` is uploaded to the engine's S3 as ``accounts_csv``.

    ``reports``: earlier reports placed at their keys first (a replay's WriteReport merges the
    original's rows, as on AWS where the bucket still holds it). ``observe``: see :data:`Observer`.
    ``workers``: run the handlers in worker processes (LocalEngine's ``workers``; needs a speed clock).
    """
    clock = clock or InstantClock()
    tasks_aws.reset()
    fleet = fleet or Fleet(load_scenario(scenario), clock)
    name = name or execution_name(workflow)
    machine = WORKFLOW_MACHINES[workflow]
    with LocalEngine(
        fleet, clock, template=str(TEMPLATE), statemachines_dir=str(STATEMACHINES), workers=workers
    ) as engine:
        bucket = engine.substitutions(machine)["ReportBucket"]
        for earlier in reports:
            engine.put_json(bucket, report_key(earlier["workflow"], earlier["execution"]), earlier)
        if csv_text is not None:
            key = f"cli/{name}.csv"
            engine.put_text(INPUT_BUCKET, key, csv_text)
            execution_input = {**execution_input, "accounts_csv": f"s3://{INPUT_BUCKET}/{key}"}
        arn = engine.start(machine, execution_input, name=name)
        with observe(engine, arn) if observe else nullcontext():
            result = engine.result(arn)
        report = engine.find_json(bucket, report_key(workflow, name))
    return LocalRun(result, report, fleet)
