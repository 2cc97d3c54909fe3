"""The enable workflow with its handlers in Lambda worker processes (LocalEngine(workers=N)).

Worker mode exists for speed (the handlers' botocore work on more than one core); what users
rely on is that it changes nothing else: the same rows for the same fleet, task errors reaching
the ASL by their class names, Lambda faults and retries as in one process.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from detective_rollout.clocks import InstantClock, SpeedClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.engine import LocalEngine, WorkerPlan
from detective_rollout.local import STATEMACHINES, TEMPLATE, LocalRun, run_local
from tests.helpers.workflow import member, rows_by_pair, scenario

#: Virtual time 2,000x faster than the wall clock: the 60 s propagation wait takes 30 ms.
SPEED = 2000


def _run(spec: dict[str, Any], workers: int, **fields: Any) -> tuple[LocalRun, dict[int, int]]:
    fleet = Fleet(load_scenario(spec), SpeedClock(SPEED))
    seen: dict[int, int] = {}

    @contextmanager
    def observe(engine: LocalEngine, arn: str) -> Iterator[None]:
        yield
        if engine.dispatcher.workers is not None:
            seen.update(engine.dispatcher.workers.invocations())

    execution_input = {
        "accounts": [{"account_id": m["account_id"], "email": m["email"]} for m in spec["members"]],
        "regions": spec["regions"],
        **fields,
    }
    run = run_local(spec, "enable", execution_input, clock=fleet.clock, fleet=fleet, observe=observe, workers=workers)
    return run, seen


def _outcomes(run: LocalRun) -> dict[tuple[str, str], tuple[str, str | None]]:
    return {pair: (row["status"], row["reason"]) for pair, row in rows_by_pair(run).items()}


def test_two_workers_report_the_same_rows_as_one_process_with_member_and_lambda_faults() -> None:
    spec = scenario(
        [
            member(1),
            member(2, faults=["no_role"]),
            member(3, faults=["volume_too_high"]),
            member(4, guardduty={"eu-west-1": False}),
            member(5),
            member(6, faults=[{"type": "throttle", "ops": ["AcceptInvitation"], "rate": 0.3}]),
        ],
        lambda_faults=[{"task": "AcceptInvitations", "error": "Lambda.ServiceException", "times": 1}],
    )
    in_process, _ = _run(spec, workers=0, batch_size=2)
    on_workers, invocations = _run(spec, workers=2, batch_size=2)

    expected = _outcomes(in_process)
    assert len(expected) == 12
    assert _outcomes(on_workers) == expected
    assert expected[(member(2)["account_id"], "us-east-1")] == ("FAILED", "ACCESS_DENIED")
    assert expected[(member(4)["account_id"], "eu-west-1")] == ("FAILED", "VOLUME_UNKNOWN")
    assert Counter(status for status, _ in expected.values())["ENABLED"] == 7
    assert on_workers.result.error == in_process.result.error == "RolloutIncomplete"
    # The handlers really ran in two other processes, and every invocation reached one of them
    # (the injected service error is answered by the engine, as the Lambda service would, before any worker).
    assert len(invocations) == 2 and all(count > 0 for count in invocations.values())
    counts = on_workers.result.invocations
    assert sum(invocations.values()) == sum(counts.values()) - 1
    assert counts["AcceptInvitations"] == 3 + 1  # three batches, one of them retried after the service error
    for n in (1, 5, 6):
        assert on_workers.fleet.member("us-east-1", member(n)["account_id"]).status == "ENABLED"
    for pid in invocations:  # leaving the engine stopped its workers
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_task_error_raised_in_a_worker_reaches_the_state_machine_by_its_class_name() -> None:
    spec = scenario([member(1)])
    bad = [member(1), {"account_id": "12345", "email": "short@example.com"}]
    in_process, _ = _run(spec, workers=0, accounts=bad)
    on_workers, _ = _run(spec, workers=1, accounts=bad)
    assert in_process.result.status == on_workers.result.status == "FAILED"
    assert on_workers.result.error == in_process.result.error
    assert on_workers.result.error not in (None, "States.TaskFailed", "Exception")
    assert "12345" in (on_workers.result.cause or "")


def test_workers_refuse_an_instant_clock_before_starting_anything() -> None:
    spec = scenario([member(1)])
    clock = InstantClock()
    engine = LocalEngine(
        Fleet(load_scenario(spec), clock),
        clock,
        template=str(TEMPLATE),
        statemachines_dir=str(STATEMACHINES),
        workers=2,
    )
    with pytest.raises(ValueError, match="speed or real clock"), engine:
        pass


def test_a_worker_that_cannot_start_fails_the_engine_at_once_naming_why() -> None:
    spec = scenario([member(1)])
    fleet = Fleet(load_scenario(spec), SpeedClock(SPEED))
    plan = WorkerPlan(1, warm="tasks.no_such_module:warm")
    engine = LocalEngine(fleet, fleet.clock, template=str(TEMPLATE), statemachines_dir=str(STATEMACHINES), workers=plan)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="did not start: exited with"), engine:
        pass
    assert time.monotonic() - started < 60  # not the 120 s start timeout
