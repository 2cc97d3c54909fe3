"""Error names reach the ASL as on AWS; injected Lambda faults honour ``times`` and reach Retry/Catch."""

from __future__ import annotations

import json

from detective_rollout.clocks import InstantClock
from detective_rollout.engine import LambdaFault
from tests.helpers.engine import EngineFactory, FakeFleet, FakeScenario


def test_handler_exception_is_reported_as_its_class_name(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        result = engine.run("flow", {"mode": "uncaught", "message": "went wrong"}, name="uncaught")
    assert result.status == "FAILED"
    assert result.error == "CustomError"
    assert result.cause is not None
    cause = json.loads(result.cause)
    assert cause["errorType"] == "CustomError"
    assert cause["errorMessage"] == "went wrong"


def test_retry_and_catch_match_the_exception_class_name(make_engine: EngineFactory) -> None:
    clock = InstantClock()
    start = clock.now()
    with make_engine(clock) as engine:
        result = engine.run("flow", {"mode": "fail", "message": "m"}, name="caught")
    assert result.status == "SUCCEEDED"
    assert result.output["error"]["Error"] == "CustomError"
    assert result.invocations == {"Echo": 1, "Fail": 3}  # first attempt + MaxAttempts 2
    assert (clock.now() - start).total_seconds() >= 6  # IntervalSeconds 3, BackoffRate 1, on the clock


def test_service_exception_is_retried_and_times_is_honoured(make_engine: EngineFactory) -> None:
    faults = [{"task": "Echo", "error": "Lambda.ServiceException", "times": 2}]
    clock = InstantClock()
    start = clock.now()
    with make_engine(clock, lambda_faults=faults) as engine:
        result = engine.run("flow", {"mode": "none"}, name="retried")
        again = engine.run("flow", {"mode": "none"}, name="after-faults")
    assert result.status == "SUCCEEDED"
    assert "error" not in result.output
    assert result.invocations == {"Echo": 3}
    assert again.invocations == {"Echo": 1}  # the faults were used up by the first run
    assert (clock.now() - start).total_seconds() >= 2 + 4  # IntervalSeconds 2, BackoffRate 2


def test_too_many_requests_exhausting_retries_is_caught_by_states_all(make_engine: EngineFactory) -> None:
    faults = [LambdaFault("Echo", "Lambda.TooManyRequestsException", times=10)]
    with make_engine(lambda_faults=faults) as engine:
        result = engine.run("flow", {"mode": "none"}, name="throttled")
    assert result.status == "SUCCEEDED"
    assert result.output["error"]["Error"] == "Lambda.TooManyRequestsException"
    assert result.invocations == {"Echo": 4}  # MaxAttempts 3 retries


def test_crash_is_an_unhandled_runtime_exit_caught_by_states_all(make_engine: EngineFactory) -> None:
    with make_engine(lambda_faults=[{"task": "Echo", "error": "crash"}]) as engine:
        result = engine.run("flow", {"mode": "none"}, name="crashed")
    error = result.output["error"]
    assert error["Error"] == "Runtime.ExitError"
    assert json.loads(error["Cause"])["errorMessage"].endswith("Runtime exited with error: exit status 1")
    assert result.invocations == {"Echo": 1}  # not a Lambda.* service error: the Retry does not match


def test_a_fault_may_name_an_exception_class(make_engine: EngineFactory) -> None:
    faults = [{"task": "Fail", "error": "CustomError", "times": 3, "message": "injected"}]
    with make_engine(lambda_faults=faults) as engine:
        result = engine.run("flow", {"mode": "fail", "message": "m"}, name="named")
    assert result.output["error"]["Error"] == "CustomError"
    assert json.loads(result.output["error"]["Cause"])["errorMessage"] == "injected"


def test_faults_come_from_the_fleet_scenario_by_default(make_engine: EngineFactory) -> None:
    fleet = FakeFleet(FakeScenario(lambda_faults=(LambdaFault("Square", "Lambda.ServiceException", 1),)))
    with make_engine(fleet=fleet) as engine:
        result = engine.run("flow", {"mode": "map", "items": [1, 2, 3]}, name="map-faults")
    assert result.status == "SUCCEEDED"
    assert sorted(result.output["squares"]) == [1, 4, 9]
    assert result.invocations == {"Echo": 1, "Square": 4}


def test_plain_arn_task_reports_lambda_service_errors_as_on_aws(make_engine: EngineFactory) -> None:
    """A Task whose Resource is the function ARN itself: moto said "Exception", AWS says Lambda.<Code>."""
    with make_engine(lambda_faults=[{"task": "PlainEcho", "error": "Lambda.ServiceException", "times": 1}]) as engine:
        retried = engine.run("flow", {"mode": "plain"}, name="plain-retry")
    assert retried.status == "SUCCEEDED"
    assert retried.output["plain"]["function_name"] == "detective-rollout-Echo"
    assert retried.invocations == {"Echo": 1, "PlainEcho": 2}
    with make_engine(lambda_faults=[{"task": "PlainEcho", "error": "Lambda.ServiceException", "times": 5}]) as engine:
        caught = engine.run("flow", {"mode": "plain"}, name="plain-caught")
    assert caught.output["error"]["Error"] == "Lambda.ServiceException"
    assert caught.invocations == {"Echo": 1, "PlainEcho": 3}


def test_non_json_result_is_a_marshal_error(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        result = engine.run("limits", {"case": "marshal"}, name="marshal")
    assert result.status == "FAILED"
    assert result.error == "Runtime.MarshalError"
    assert "not JSON serializable" in (result.cause or "")
