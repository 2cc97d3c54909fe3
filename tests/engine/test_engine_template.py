"""The template loader: CloudFormation tags, substitutions, handlers and the function environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from detective_rollout.engine import load_template
from detective_rollout.engine.cfn import UnresolvedReference, load_yaml
from tests.helpers.engine import ADMIN, TEMPLATE

ROOT = Path(__file__).resolve().parents[2]


def test_short_form_tags_become_long_form() -> None:
    doc = load_yaml(
        "A: !Ref X\nB: !GetAtt F.Arn\nC: !Sub '${X}-y'\nD: !If [Cond, 1, 2]\nE: !Join ['-', [a, b]]\n"
        "F: !GetAtt [G, Name]\nH: !Not [!Equals [a, b]]\n"
    )
    assert doc["A"] == {"Ref": "X"}
    assert doc["B"] == {"Fn::GetAtt": ["F", "Arn"]}
    assert doc["C"] == {"Fn::Sub": "${X}-y"}
    assert doc["D"] == {"Fn::If": ["Cond", 1, 2]}
    assert doc["E"] == {"Fn::Join": ["-", ["a", "b"]]}
    assert doc["F"] == {"Fn::GetAtt": ["G", "Name"]}
    assert doc["H"] == {"Fn::Not": [{"Fn::Equals": ["a", "b"]}]}


def test_substitutions_resolve_functions_resources_and_parameters() -> None:
    template = load_template(TEMPLATE, region="eu-west-1", account_id=ADMIN)
    subs = template.state_machine("flow").substitutions
    assert subs["EchoFunctionArn"] == f"arn:aws:lambda:eu-west-1:{ADMIN}:function:detective-rollout-Echo"
    assert subs["DataBucket"] == "detective-rollout-databucket"
    assert subs["ResultsTopicArn"] == f"arn:aws:sns:eu-west-1:{ADMIN}:detective-rollout-ResultsTopic"
    assert subs["EventBusName"] == "fixture-bus"
    assert subs["BatchSize"] == "10"
    assert template.state_machine("flow").name == "detective-rollout-flow"  # Name: !Sub "${AWS::StackName}-flow"
    assert template.event_buses == ("fixture-bus",)
    assert template.buckets == ("detective-rollout-databucket",)


def test_function_arn_maps_to_the_handler_and_state_name() -> None:
    template = load_template(TEMPLATE, account_id=ADMIN)
    arn = template.state_machine("flow").substitutions["FailFunctionArn"]
    function = template.function_for_arn(arn)
    assert function is not None
    assert function.handler == "tests.engine.fixtures.tasks_fixture.fail"
    assert function.state_name == "Fail"
    assert template.function_for_arn(arn + ":$LATEST") == function  # qualified ARN
    assert template.function_for_arn("arn:aws:lambda:us-east-1:1:function:nope") is None


def test_environment_merges_globals_with_the_functions_own() -> None:
    template = load_template(TEMPLATE, region="us-east-1", account_id=ADMIN)
    echo = template.functions["EchoFunction"].environment
    fail = template.functions["FailFunction"].environment
    assert echo["DATA_BUCKET"] == fail["DATA_BUCKET"] == "detective-rollout-databucket"
    assert echo["GREETING"] == "hello"
    assert echo["STACK_TAG"] == f"detective-rollout-us-east-1-{ADMIN}"
    assert echo["BUCKET_ARN"] == "arn:aws:s3:::detective-rollout-databucket"
    assert echo["JOINED"] == "a/10"
    assert echo["ECHO_ONLY"] == f"arn:aws:lambda:us-east-1:{ADMIN}:function:detective-rollout-Echo"
    assert "ECHO_ONLY" not in fail
    assert template.functions["SleepyFunction"].timeout_seconds == 120
    assert template.functions["EchoFunction"].timeout_seconds == 900


def test_parameter_overrides_and_conditions() -> None:
    template = load_template(TEMPLATE, parameters={"BatchSize": 25, "UseGreeting": "false"})
    assert template.state_machine("flow").substitutions["BatchSize"] == "25"
    assert template.functions["EchoFunction"].environment["GREETING"] == "none"


def test_unknown_parameter_override_is_an_error() -> None:
    with pytest.raises(ValueError, match="BatchSise"):
        load_template(TEMPLATE, parameters={"BatchSise": 25})


def test_unknown_reference_names_the_reference(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n"
        "      DefinitionUri: x.asl.json\n      DefinitionSubstitutions:\n        A: !Ref Missing\n"
    )
    with pytest.raises(UnresolvedReference, match="Missing"):
        load_template(path)


def test_unknown_state_machine_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="flow"):
        load_template(TEMPLATE).state_machine("nope")


@pytest.mark.skipif(not (ROOT / "infra" / "template.yaml").exists(), reason="infra/template.yaml not written yet")
def test_the_deployment_template_maps_every_task_arn_to_a_handler() -> None:
    template = load_template(ROOT / "infra" / "template.yaml", account_id=ADMIN)
    assert "enable-detective" in template.state_machines
    for machine in template.state_machines.values():
        for key, value in machine.substitutions.items():
            if key.endswith("FunctionArn"):
                function = template.function_for_arn(value)
                assert function is not None, f"{machine.stem}: {key} names no function"
                assert f"{function.state_name}FunctionArn" == key
                assert function.handler.startswith("tasks.")
