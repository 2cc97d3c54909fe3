"""The template honours the deployment conventions the embedded engine reads (docs/architecture.md).

The engine finds each Task's handler and environment by parsing infra/template.yaml, so a
misnamed logical id or handler breaks local runs as surely as it breaks a deployment.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from infra_cfn import ROOT, STATEMACHINES, resources, snake, substitution_placeholders

ENABLE_TASKS = [
    "ValidateInput",
    "CheckGuardDuty",
    "EnsureGraph",
    "InviteMembers",
    "AcceptInvitations",
    "AcceptPendingRoles",
    "VerifyMembers",
    "WriteReport",
]
DISABLE_TASKS = ["ValidateOffboarding", "RemoveMembers", "DisassociateMemberships", "DeleteGraph", "WriteReport"]
MACHINES = {
    "EnableStateMachine": ("enable-detective.asl.json", ENABLE_TASKS),
    "DisableStateMachine": ("disable-detective.asl.json", DISABLE_TASKS),
}
TRIGGERS = {
    "VendingTriggerFunction": (
        "tasks.triggers.vending.lambda_handler",
        {"ENABLE_STATE_MACHINE_ARN", "RESULTS_TOPIC_ARN", "RETRY_ACCESS_DENIED_MINUTES"},
    ),
    "UploadTriggerFunction": ("tasks.triggers.upload.lambda_handler", {"ENABLE_STATE_MACHINE_ARN"}),
    "OffboardingTriggerFunction": ("tasks.triggers.offboarding.lambda_handler", {"DISABLE_STATE_MACHINE_ARN"}),
    "ExecutionAlertFunction": ("tasks.triggers.execution_alert.lambda_handler", {"RESULTS_TOPIC_ARN"}),
    "CoverageScheduleFunction": (
        "tasks.triggers.coverage_schedule.lambda_handler",
        {"ENABLE_STATE_MACHINE_ARN", "RESULTS_TOPIC_ARN", "RECONCILE_MODE", "HEAL_INVITED_AFTER_HOURS"},
    ),
}
GLOBAL_ENV = {
    "REPORT_BUCKET": {"Ref": "ReportBucket"},
    "MEMBER_ROLE_NAME": {"Ref": "MemberRoleName"},
    "MEMBER_ROLE_EXTERNAL_ID": {"Ref": "MemberRoleExternalId"},
    "DEFAULT_BATCH_SIZE": {"Ref": "DefaultBatchSize"},
    "DEFAULT_MAX_CONCURRENCY": {"Ref": "DefaultMaxConcurrency"},
    "INVITATION_WAIT_SECONDS": {"Ref": "InvitationWaitSeconds"},
    "POWERTOOLS_SERVICE_NAME": "detective-rollout",
    "POWERTOOLS_LOG_LEVEL": "INFO",
}


def handler_file(handler: str) -> Path:
    module, _, function = handler.rpartition(".")
    assert function == "lambda_handler", handler
    return ROOT.joinpath(*module.split(".")).with_suffix(".py")


def test_globals_carry_the_task_settings(template: dict[str, Any]) -> None:
    function = template["Globals"]["Function"]
    assert function["Runtime"] == "python3.12"
    assert function["CodeUri"] == "../build/lambda"
    assert function["Tracing"] == "Active"
    assert function["LoggingConfig"] == {"LogGroup": {"Ref": "FunctionLogGroup"}}, "one log group with retention"
    assert function["Timeout"] <= 900 and function["MemorySize"] >= 128
    assert function["Environment"]["Variables"] == GLOBAL_ENV
    params = template["Parameters"]
    assert params["MemberRoleName"]["Default"] == "DetectiveMemberRole"
    assert params["MemberRoleExternalId"]["Default"] == ""
    assert params["DefaultBatchSize"]["Default"] == 10
    assert params["DefaultMaxConcurrency"]["Default"] == 10
    assert params["InvitationWaitSeconds"]["Default"] == 60
    assert params["RetryAccessDeniedMinutes"]["Default"] == 30


@pytest.mark.parametrize("state", sorted(set(ENABLE_TASKS + DISABLE_TASKS)))
def test_one_function_per_task_state(template: dict[str, Any], state: str) -> None:
    function = resources(template, "AWS::Serverless::Function").get(f"{state}Function")
    assert function, f"no {state}Function in infra/template.yaml"
    assert function["Properties"]["Handler"] == f"tasks.{snake(state)}.lambda_handler"
    assert "CodeUri" not in function["Properties"], "the code package comes from Globals (../build/lambda)"


def test_only_tasks_and_triggers_are_functions(template: dict[str, Any]) -> None:
    expected = {f"{s}Function" for s in ENABLE_TASKS + DISABLE_TASKS} | set(TRIGGERS)
    assert set(resources(template, "AWS::Serverless::Function")) == expected


@pytest.mark.parametrize("name", sorted(TRIGGERS))
def test_trigger_functions(template: dict[str, Any], name: str) -> None:
    handler, env = TRIGGERS[name]
    props = resources(template)[name]["Properties"]
    assert props["Handler"] == handler
    assert handler_file(handler).exists()
    assert set(props["Environment"]["Variables"]) >= env
    assert props["EventInvokeConfig"]["DestinationConfig"]["OnFailure"] == {
        "Type": "SNS",
        "Destination": {"Ref": "ResultsTopic"},
    }


@pytest.mark.parametrize("machine", sorted(MACHINES))
def test_state_machine_resource(template: dict[str, Any], machine: str) -> None:
    asl, tasks = MACHINES[machine]
    props = resources(template, "AWS::Serverless::StateMachine")[machine]["Properties"]
    assert props["Type"] == "STANDARD"
    assert props["DefinitionUri"] == f"../statemachines/{asl}"
    assert props["Tracing"] == {"Enabled": True}
    assert props["Logging"]["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][1] == "Arn"
    subs = props["DefinitionSubstitutions"]
    for state in tasks:
        assert subs[f"{state}FunctionArn"] == {"Fn::GetAtt": [f"{state}Function", "Arn"]}
    assert subs["ReportBucket"] == {"Ref": "ReportBucket"}
    assert subs["ResultsTopicArn"] == {"Ref": "ResultsTopic"}
    assert "EventBusName" in subs
    functions = {k for k in subs if k.endswith("FunctionArn")}
    assert functions == {f"{s}FunctionArn" for s in tasks}, "a machine gets exactly its own tasks' ARNs"


def _resolves(template: dict[str, Any], value: Any) -> bool:
    if isinstance(value, str):
        return True
    if "Ref" in value:
        return value["Ref"] in template["Parameters"] or value["Ref"] in template["Resources"]
    if "Fn::GetAtt" in value:
        return value["Fn::GetAtt"][0] in template["Resources"]
    return False


@pytest.mark.parametrize("machine", sorted(MACHINES))
def test_every_substitution_resolves(template: dict[str, Any], machine: str) -> None:
    subs = resources(template)[machine]["Properties"]["DefinitionSubstitutions"]
    for key, value in subs.items():
        assert _resolves(template, value), f"{machine} DefinitionSubstitutions.{key} = {value} resolves to nothing"


def _task_states(states: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for name, state in states.items():
        if state.get("Type") == "Task":
            found[name] = state
        for key in ("Iterator", "ItemProcessor"):
            if key in state:
                found.update(_task_states(state[key]["States"]))
        for branch in state.get("Branches", []):
            found.update(_task_states(branch["States"]))
    return found


@pytest.mark.parametrize("machine", sorted(MACHINES))
def test_asl_placeholders_have_substitutions(template: dict[str, Any], machine: str) -> None:
    """Every ${X} in the ASL file is substituted, and every function it names has its handler module."""
    asl, _ = MACHINES[machine]
    path = STATEMACHINES / asl
    if not path.exists():
        pytest.skip(f"statemachines/{asl} is not written yet")
    text = path.read_text()
    subs = resources(template)[machine]["Properties"]["DefinitionSubstitutions"]
    missing = substitution_placeholders(text) - set(subs)
    assert not missing, f"{asl} uses placeholders with no DefinitionSubstitutions key: {sorted(missing)}"
    tasks = _task_states(json.loads(text)["States"])
    assert tasks, f"{asl} has no Task state"
    functions = resources(template, "AWS::Serverless::Function")
    for name, state in tasks.items():
        for placeholder in substitution_placeholders(json.dumps(state)):
            assert placeholder in subs, f"{asl} state {name} uses ${{{placeholder}}} with no substitution"
            if not placeholder.endswith("FunctionArn"):
                continue
            target = subs[placeholder]["Fn::GetAtt"][0]
            handler = functions[target]["Properties"]["Handler"]
            assert handler_file(handler).exists(), f"{asl} state {name} -> {target} -> {handler}: no module"
