"""The engine runs of the benchmark: one part (small or large) per process, measured from outside.

Each part builds its fleet, opens a LocalEngine (by default with two Lambda worker processes)
and warms the engine and every worker the way a warm Lambda container is warm (task modules
imported, service models loaded, the administrator's and the shared member-role clients
created) before the clock starts: what is timed is the execution, from StartExecution until it
leaves RUNNING.
"""

from __future__ import annotations

import gc
import importlib
import os
import resource
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from detective_rollout.bench.fleet import Size, critical_path_s, execution_input, regions, scenario
from detective_rollout.clocks import SpeedClock
from detective_rollout.emulator import Fleet, aws_data, load_scenario
from detective_rollout.engine import ExecutionResult, LocalEngine
from detective_rollout.engine.workers import WorkerPlan
from detective_rollout.local import STATEMACHINES, TEMPLATE
from tasks import aws as tasks_aws
from tasks.log import logger

MACHINE = "enable-detective"
HANDLERS = (
    "validate_input",
    "check_guard_duty",
    "ensure_graph",
    "invite_members",
    "accept_invitations",
    "verify_members",
    "write_report",
)
_UNUSED = {"aws_access_key_id": "WARMUP", "aws_secret_access_key": "warmup"}


def pin_to_one_cpu() -> int | None:
    """Run this process on one CPU; returns it (None where the OS cannot pin).

    Without workers the engine is one Python process: its threads take turns holding the GIL,
    so it never uses more than one core's worth of CPU. Left free to migrate, the scheduler
    moves those threads between cores at every hand-over of the GIL, and each move costs cold
    caches and cross-core wake-ups: on the 2-core machine of docs/performance.md an API call's CPU went
    from 1.1 ms pinned to 1.6 ms unpinned with 64 calls in flight. The baseline and ``--workers
    0`` runs are pinned this way; with workers, each worker gets its own CPU (EngineSetup).
    """
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@dataclass(frozen=True)
class EngineSetup:
    """Where the engine runs' code runs: ``workers`` Lambda worker processes (0: in the engine's process).

    With workers, each is pinned to its own CPU and the engine process (interpreter, S3, fleet)
    runs wherever there is room; without, the one process is pinned to one CPU (see pin_to_one_cpu).
    """

    workers: int = 2
    pin: bool = True

    def plan(self, chosen: list[str]) -> WorkerPlan | int:
        if not self.workers:
            if self.pin:
                pin_to_one_cpu()
            return 0
        cpus = tuple(sorted(os.sched_getaffinity(0))) if self.pin and hasattr(os, "sched_getaffinity") else None
        return WorkerPlan(self.workers, cpus, warm="detective_rollout.bench.runs:warm_worker", warm_args=(chosen,))


def _warm(engine: LocalEngine, chosen: list[str]) -> None:
    aws_data.all_regions()  # the emulator's own Region data (botocore's endpoint file), read once
    for service in aws_data.EMULATED_SERVICES:
        aws_data.service_regions(service)
    engine.state_machine_arn(MACHINE)
    warm_clients(chosen)


def warm_clients(chosen: list[str]) -> None:
    """What a warm Lambda container already has: the task modules and the clients it made (workers too)."""
    for module in HANDLERS:
        importlib.import_module(f"tasks.{module}")
    admin, member = tasks_aws.default_aws(), tasks_aws.Aws(_UNUSED, account_id="000000000000")
    admin.client("sts"), admin.client("s3"), admin.client("account")
    for region in chosen:
        for service in ("detective", "guardduty"):
            admin.client(service, region)
            member.client(service, region)


def warm_worker(chosen: list[str]) -> None:
    """A worker's warm-up: the warm container's modules and clients, then the engine's collector policy.

    A worker holds four batches' threads, requests and records at once on top of every Region's
    clients; with the default thresholds its collector ran every few calls. The same policy as
    the engine process measured ~5% off the small run's wall (no change on the large run).
    """
    warm_clients(chosen)
    _quiet_gc()


def _quiet_gc() -> None:
    """Keep CPython's cyclic GC from scanning the whole engine at every few hundred allocations.

    The engine holds in one heap what AWS spreads over many: every Lambda's objects, moto's
    Step Functions and S3, the emulated fleet's 25,000 memberships. With the default thresholds
    the collector ran thousands of times per large run and took ~18% of its CPU - an artefact of
    the one-process engine, not a cost of the workflow. What the warm-up left is frozen
    (never scanned again) and collections run every 20,000 allocations instead of 700.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 100)


def _timed(engine: LocalEngine, fleet: Fleet, body: dict[str, Any], name: str) -> dict[str, Any]:
    calls_before, writes_before = len(fleet.calls), len(fleet.mutating_calls())
    start = time.monotonic()
    arn = engine.start(MACHINE, body, name=name)
    result: ExecutionResult = engine.result(arn, timeout=3600, poll=0.005)
    wall = time.monotonic() - start
    bucket = engine.substitutions(MACHINE)["ReportBucket"]
    report = engine.find_json(bucket, f"reports/enable/{name}.json") or {}
    return {
        "wall_s": wall,
        "result": result,
        "api_calls": len(fleet.calls) - calls_before,
        "mutating_calls": len(fleet.mutating_calls()) - writes_before,
        "summary": report.get("summary"),
        "rows": Counter((r["status"], r["reason"]) for r in report.get("results", [])),
    }


def _engine_runs(
    spec: dict[str, Any], clock_speed: float, runs: list[tuple[str, dict[str, Any]]], setup: EngineSetup
) -> list[Any]:
    tasks_aws.reset()
    fleet = Fleet(load_scenario(spec), SpeedClock(clock_speed))
    workers = setup.plan(spec["regions"])
    with LocalEngine(
        fleet, fleet.clock, template=str(TEMPLATE), statemachines_dir=str(STATEMACHINES), workers=workers
    ) as engine:
        pool = engine.dispatcher.workers
        _warm(engine, spec["regions"])
        _quiet_gc()
        measured = [_timed(engine, fleet, body, name) for name, body in runs]
        wait = float(engine.template.environment().get("INVITATION_WAIT_SECONDS") or 60)
    for run in measured:  # known once the workers have stopped
        run["worker_peak_rss_mb"] = pool.peak_rss_mb if pool is not None else None
    return [*measured, wait]


def _cost(size: Size, result: ExecutionResult) -> dict[str, Any]:
    return {
        "state_transitions": result.transitions,
        "transitions_per_account_region": round(result.transitions / size.pairs, 4),
        "max_history_events": result.history_events,
        "max_payload_bytes": result.max_payload_bytes,
    }


def small(
    size: Size,
    *,
    latency_ms: float,
    clock_speed: float,
    throttle_rate: float,
    options: dict[str, Any],
    engine: EngineSetup,
) -> dict[str, Any]:
    """The small run, its rerun over the done fleet, and the same run on a fleet throttling ``throttle_rate``."""
    logger.setLevel("WARNING")
    body = execution_input(size, with_csv=False, **options)
    spec = scenario(size, latency_ms=latency_ms, clock_speed=clock_speed)
    first, rerun, wait = _engine_runs(spec, clock_speed, [("bench-small", body), ("bench-small-rerun", body)], engine)
    throttled_spec = scenario(size, latency_ms=latency_ms, clock_speed=clock_speed, throttle_rate=throttle_rate)
    throttled, _ = _engine_runs(throttled_spec, clock_speed, [("bench-small-throttled", body)], engine)
    critical = critical_path_s(size, latency_ms, float(options.get("invitation_wait_seconds") or wait), clock_speed)
    return {
        "accounts": size.accounts,
        "regions": size.regions,
        "wall_s": round(first["wall_s"], 2),
        "critical_path_s": round(critical, 2),
        "wall_over_critical_path": round(first["wall_s"] / critical, 2),
        **_cost(size, first["result"]),
        "api_calls": first["api_calls"],
        "mutating_calls_on_rerun": rerun["mutating_calls"],
        "throttled_wall_ratio": round(throttled["wall_s"] / first["wall_s"], 2),
        "_check": {
            "status": first["result"].status,
            "summary": first["summary"],
            "rerun_summary": rerun["summary"],
            "throttled_summary": throttled["summary"],
            "throttled_wall_s": round(throttled["wall_s"], 2),
            "throttled_rows_as_unthrottled": throttled["rows"] == first["rows"],
            "throttled_api_calls": throttled["api_calls"],
            "invocations": first["result"].invocations,
            "peak_rss_mb": peak_rss_mb(),
        },
    }


def large(
    size: Size, *, latency_ms: float, clock_speed: float, options: dict[str, Any], engine: EngineSetup
) -> dict[str, Any]:
    """The large run, input by ``accounts_csv`` (the account list is not itself a payload)."""
    logger.setLevel("WARNING")
    spec = scenario(size, latency_ms=latency_ms, clock_speed=clock_speed, with_csv=True)
    body = execution_input(size, with_csv=True, **options)
    run, _ = _engine_runs(spec, clock_speed, [("bench-large", body)], engine)
    wall = run["wall_s"]
    return {
        "accounts": size.accounts,
        "regions": size.regions,
        "wall_s": round(wall, 2),
        "api_calls": run["api_calls"],
        "effective_concurrency": round(run["api_calls"] * latency_ms / 1000 / wall, 1),
        **_cost(size, run["result"]),
        "peak_rss_mb": peak_rss_mb(),
        "worker_peak_rss_mb": run["worker_peak_rss_mb"],
        "_check": {
            "status": run["result"].status,
            "summary": run["summary"],
            "invocations": run["result"].invocations,
            "regions": regions(size.regions),
        },
    }
