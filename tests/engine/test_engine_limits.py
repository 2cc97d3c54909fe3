"""What AWS enforces on in-process tasks: the 256 KiB payload limit and timeouts, in clock time."""

from __future__ import annotations

import json

import pytest

from detective_rollout.clocks import InstantClock
from detective_rollout.engine import correctness
from tests.helpers.engine import EngineFactory


@pytest.mark.parametrize(("size", "within"), [(262_144, True), (262_145, False)])
def test_the_limit_is_more_than_262144_bytes(size: int, within: bool) -> None:
    assert correctness._within_quota("x" * size) is within


def test_task_result_over_the_limit_is_data_limit_exceeded_and_not_caught_by_states_all(
    make_engine: EngineFactory,
) -> None:
    with make_engine() as engine:
        result = engine.run("limits", {"case": "big", "size": 300_000}, name="big")
    # AWS: "a terminal error that can't be caught by the States.ALL error type".
    assert result.status == "FAILED"
    assert result.error == "States.DataLimitExceeded"


def test_a_result_under_the_limit_passes(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        result = engine.run("limits", {"case": "big", "size": 200_000}, name="under")
    assert result.status == "SUCCEEDED"
    assert result.output["result"] == {"ok": True}
    assert 200_000 < result.max_payload_bytes < 262_144


def test_state_output_over_the_limit_is_data_limit_exceeded(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        # The task result (~150 KB) is within the limit; the Pass state copying it twice is not.
        result = engine.run("limits", {"case": "big-output", "size": 150_000}, name="big-output")
    assert result.status == "FAILED"
    assert result.error == "States.DataLimitExceeded"
    assert "Copy" in (result.cause or "")


def test_task_timeout_counts_clock_time_slept_by_the_handler(make_engine: EngineFactory) -> None:
    clock = InstantClock()
    with make_engine(clock) as engine:
        timed_out = engine.run("limits", {"case": "sleepy", "seconds": 61}, name="timed-out")
        in_time = engine.run("limits", {"case": "sleepy", "seconds": 59}, name="in-time")
    assert timed_out.status == "SUCCEEDED"
    assert timed_out.output["error"]["Error"] == "States.Timeout"  # TimeoutSeconds 60, caught by name
    assert in_time.status == "SUCCEEDED"
    assert "error" not in in_time.output
    assert in_time.output["Payload"] == {"slept": 59}


def test_function_timeout_is_sandbox_timedout(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        result = engine.run("limits", {"case": "sleepy-lambda", "seconds": 121}, name="lambda-timeout")
    assert result.status == "FAILED"
    assert result.error == "Sandbox.Timedout"  # the function's Timeout: 120 in the template
    assert "Task timed out after 120.00 seconds" in json.loads(result.cause or "{}")["errorMessage"]


def test_remaining_time_reflects_the_shorter_limit(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        result = engine.run("flow", {"mode": "none"}, name="remaining")
    # Echo: TimeoutSeconds 60 in the definition, Timeout 900 in the template.
    assert 0 < result.output["echo"]["remaining_ms"] <= 60_000
