"""The engine refuses at run time what AWS refuses (detective_rollout/engine/aws_rules.py; docs/engine.md).

Each case runs tests/engine/fixtures/statemachines/strict.asl.json: what a definition would meet
on AWS, it meets on the engine, so the workflow tests catch it before a deploy does.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from detective_rollout.engine import aws_rules, metrics
from detective_rollout.engine.runner import _sfn_backend
from tests.helpers.engine import EngineFactory


def _last_events(engine: Any, arn: str, count: int) -> list[dict[str, Any]]:
    execution = _sfn_backend(engine.account_id, engine.region).describe_execution(arn)
    return [
        {"id": e["id"], "type": str(getattr(e["type"], "value", e["type"]))}
        for e in metrics.history_events(execution)[-count:]
    ]


def test_a_choice_on_a_missing_variable_fails_the_execution_with_states_runtime(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        result = engine.run("strict", {"case": "choice"}, name="missing-variable")
    assert result.status == "FAILED"
    assert result.error == "States.Runtime"
    assert "Invalid path '$.missing'" in (result.cause or "")


def test_is_present_may_test_a_missing_variable(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        result = engine.run("strict", {"case": "present"}, name="is-present")
    assert result.status == "SUCCEEDED"
    assert result.output["seen"] == "absent"


@pytest.mark.parametrize(
    ("limit", "shown"),
    [("10", '"10" which is not a valid integer'), (1.5, '"1.5" which is not'), (True, '"true" which is not')],
)
def test_max_concurrency_path_must_select_an_integer(make_engine: EngineFactory, limit: Any, shown: str) -> None:
    with make_engine() as engine:
        result = engine.run("strict", {"case": "map", "items": [1, 2], "limit": limit}, name="limit")
    assert result.status == "FAILED"
    assert result.error == "States.Runtime"
    assert shown in (result.cause or "")


def test_max_concurrency_path_refuses_a_negative_integer_and_takes_zero(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        negative = engine.run("strict", {"case": "map", "items": [1, 2], "limit": -1}, name="negative")
        zero = engine.run("strict", {"case": "map", "items": [1, 2], "limit": 0}, name="zero")
    assert (negative.status, negative.error) == ("FAILED", "States.Runtime")
    assert "non-negative integer" in (negative.cause or "")
    assert zero.status == "SUCCEEDED"
    assert zero.output["items"] == [1, 2]


def test_a_fail_state_cause_path_on_a_missing_field_is_states_runtime(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        missing = engine.run("strict", {"case": "cause"}, name="cause-missing")
        present = engine.run("strict", {"case": "cause", "why": "because"}, name="cause-present")
    assert (missing.status, missing.error) == ("FAILED", "States.Runtime")
    assert "'$.why' specified for the field 'CausePath' could not be found" in (missing.cause or "")
    assert (present.status, present.error, present.cause) == ("FAILED", "Stopped", "because")


def test_put_events_with_a_failed_entry_fails_the_task_with_eventbridge_failed_entry(
    make_engine: EngineFactory,
) -> None:
    with make_engine() as engine:
        sent = engine.run("strict", {"case": "event", "detail_type": "ok", "detail": {"a": 1}}, name="sent")
        refused = engine.run("strict", {"case": "event", "detail_type": "", "detail": {"a": 1}}, name="refused")
    assert sent.status == "SUCCEEDED"
    assert sent.output["put"]["FailedEntryCount"] == 0
    # Caught by name, as a definition's Catch would; the cause is the PutEvents response as JSON text.
    assert refused.status == "SUCCEEDED"
    assert refused.output["error"]["Error"] == "EventBridge.FailedEntry"
    cause = json.loads(refused.output["error"]["Cause"])
    assert cause["FailedEntryCount"] == 1
    assert cause["Entries"][0]["ErrorCode"] == "InvalidArgument"


def test_an_execution_fails_when_its_history_would_pass_25000_events(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        result = engine.run("strict", {"case": "loop"}, name="spin")
        last = _last_events(engine, result.arn, 2)
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert result.cause == "The execution reached the maximum number of history events (25000)."
    assert result.history_events == aws_rules.HISTORY_LIMIT
    # As on AWS: event 25,000 is the failure itself, 24,999 the machine's last event.
    assert last == [{"id": 24_999, "type": "ChoiceStateExited"}, {"id": 25_000, "type": "ExecutionFailed"}]


def test_the_history_quota_is_not_caught_and_stops_concurrent_map_iterations(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        engine.history_limit = 2_000
        result = engine.run("strict", {"case": "map-loop", "items": list(range(8))}, name="spinners")
        last = _last_events(engine, result.arn, 1)
    # The Map's Catch names States.Runtime and States.ALL; the quota still ends the execution.
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert result.cause == aws_rules.history_cause(2_000)
    assert result.history_events == 2_000
    assert last == [{"id": 2_000, "type": "ExecutionFailed"}]


def test_an_execution_under_the_quota_is_untouched(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        engine.history_limit = 12
        result = engine.run("strict", {"case": "present"}, name="short")
    assert result.status == "SUCCEEDED"
    assert result.history_events <= 12
