"""LocalEngine's lifecycle, resources, results and metrics."""

from __future__ import annotations

import json

import boto3
import pytest

from detective_rollout.engine import LocalEngine, hooks
from tests.helpers.engine import ADMIN, EngineFactory, FakeFleet, FakeScenario


def test_metrics_match_the_execution_history_without_fetching_it(make_engine: EngineFactory) -> None:
    with make_engine(lambda_faults=[{"task": "Square", "error": "Lambda.ServiceException", "times": 1}]) as engine:
        result = engine.run("flow", {"mode": "map", "items": [1, 2, 3]}, name="metrics")
        events = boto3.client("stepfunctions").get_execution_history(executionArn=result.arn)["events"]
    assert result.status == "SUCCEEDED"
    assert result.history_events == len(events)
    entered = sum(1 for e in events if e["type"].endswith("StateEntered"))
    assert result.transitions == entered + 1  # one retry of Square
    payloads = [
        len(details[key].encode())
        for e in events
        for name, details in e.items()
        if name.endswith("EventDetails") and isinstance(details, dict)
        for key in ("input", "output")
        if isinstance(details.get(key), str)
    ]
    assert result.max_payload_bytes == max(payloads)
    assert result.invocations == {"Echo": 1, "Square": 4}
    assert result.name == "metrics"
    assert result.arn.endswith(":execution:detective-rollout-flow:metrics")


def test_start_and_result_run_executions_concurrently(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        arns = [engine.start("flow", {"mode": "map", "items": [n, n + 1]}, name=f"c{n}") for n in range(3)]
        results = [engine.result(arn) for arn in arns]
    assert [sorted(r.output["squares"]) for r in results] == [[0, 1], [1, 4], [4, 9]]
    assert all(r.invocations == {"Echo": 1, "Square": 2} for r in results)


def test_an_execution_always_has_a_name(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        result = engine.run("scalar", {})
    assert not result.arn.endswith(":None")
    assert result.name and result.arn.endswith(f":{result.name}")


def test_a_scalar_output_stays_json(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        result = engine.run("scalar", {}, name="scalar")
    assert result.output == "done"


def test_duplicate_name_with_different_input_is_rejected(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        engine.run("scalar", {"a": 1}, name="same")
        with pytest.raises(Exception, match="ExecutionAlreadyExists"):
            engine.start("scalar", {"a": 2}, name="same")


def test_resources_and_service_integrations_use_the_local_names(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        result = engine.run("flow", {"mode": "notify"}, name="notify")
        topics = [t["TopicArn"] for t in boto3.client("sns").list_topics()["Topics"]]
        buses = [b["Name"] for b in boto3.client("events").list_event_buses()["EventBuses"]]
        assert engine.read_text("detective-rollout-databucket", "notify/done.txt") == "done"
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    assert topics == ["arn:aws:sns:us-east-1:123456789012:detective-rollout-ResultsTopic"]
    assert "fixture-bus" in buses


def test_fleet_scenario_sets_account_region_and_s3_objects(make_engine: EngineFactory) -> None:
    fleet = FakeFleet(FakeScenario(s3_objects={"s3://input-bucket/lists/a.csv": "1,a@example.com\n"}))
    with make_engine(fleet=fleet) as engine:
        assert fleet.intercepting
        assert boto3.client("sts").get_caller_identity()["Account"] == ADMIN
        assert engine.read_text("input-bucket", "lists/a.csv") == "1,a@example.com\n"
        assert engine.list_keys("input-bucket") == ["lists/a.csv"]
        assert engine.list_keys("input-bucket", "other/") == []
        result = engine.run("flow", {"mode": "none"}, name="admin")
    assert not fleet.intercepting
    assert result.output["echo"]["arn"] == f"arn:aws:lambda:eu-west-1:{ADMIN}:function:detective-rollout-Echo"
    assert result.arn.startswith(f"arn:aws:states:eu-west-1:{ADMIN}:execution:")


def test_json_helpers(make_engine: EngineFactory) -> None:
    with make_engine() as engine:
        engine.put_json("scratch", "a/b.json", {"x": [1, 2]})
        assert engine.read_json("scratch", "a/b.json") == {"x": [1, 2]}
        assert engine.find_json("scratch", "missing.json") is None
        assert engine.find_json("no-such-bucket", "x.json") is None
        assert engine.substitutions("flow")["DataBucket"] == "detective-rollout-databucket"
        assert json.loads(engine.definition("scalar"))["StartAt"] == "Answer"


def test_engines_cannot_be_nested_and_are_reusable(make_engine: EngineFactory) -> None:
    first = make_engine()
    with first, pytest.raises(RuntimeError, match="nested"), make_engine():
        pass
    with make_engine() as again:  # a fresh moto: nothing left over from the first engine
        assert again.find_json("detective-rollout-databucket", "notify/done.txt") is None


def test_using_an_engine_outside_its_context_is_an_error(make_engine: EngineFactory) -> None:
    engine = make_engine()
    with pytest.raises(RuntimeError, match="context manager"):
        engine.run("scalar", {})


def test_every_patch_is_restored_on_exit(make_engine: EngineFactory) -> None:
    def snapshot() -> dict[tuple[str, str], object]:
        found = {}
        for module, path in hooks.TARGETS:
            owner, name = hooks.resolve(module, path)
            found[(module, path)] = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        return found

    before = snapshot()
    with make_engine():
        during = snapshot()
    after = snapshot()
    assert after == before
    changed = {key for key in before if during[key] is not before[key]}
    assert (hooks.LAMBDA_EVAL_UTILS, "_invoke_lambda_function") in changed
    assert (hooks.WAIT_FUNCTION, "WaitFunction._wait_interval") in changed


def test_engine_without_a_fleet_uses_defaults(make_engine: EngineFactory) -> None:
    engine = make_engine()
    assert (engine.account_id, engine.region, engine.fleet) == ("123456789012", "us-east-1", None)
    assert isinstance(engine, LocalEngine)
