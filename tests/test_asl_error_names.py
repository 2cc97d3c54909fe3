"""Every error name a state machine retries or catches must be one the code can actually raise.

A typo in ErrorEquals silently disables a Retry/Catch on AWS; this test makes it loud.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tasks import errors
from tasks.member import InvitationNotVisible

ROOT = Path(__file__).resolve().parent.parent
DEFINITIONS = sorted((ROOT / "statemachines").glob("*.asl.json"))

#: Names Step Functions and the Lambda service really report (AWS Step Functions developer guide).
STATES_ERRORS = {
    "States.ALL",
    "States.DataLimitExceeded",
    "States.ExceedToleratedFailureThreshold",
    "States.HeartbeatTimeout",
    "States.Http.Socket",
    "States.IntrinsicFailure",
    "States.ItemReaderFailed",
    "States.NoChoiceMatched",
    "States.ParameterPathFailure",
    "States.Permissions",
    "States.ResultPathMatchFailure",
    "States.ResultWriterFailed",
    "States.Runtime",
    "States.TaskFailed",
    "States.Timeout",
    "States.BranchFailed",
    "States.QueryEvaluationError",
}
LAMBDA_ERRORS = {
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "Lambda.ClientExecutionTimeoutException",
    "Lambda.Unknown",
}
TASK_ERRORS = {
    name for name, obj in vars(errors).items() if inspect.isclass(obj) and issubclass(obj, errors.RolloutError)
} | {InvitationNotVisible.__name__}


def _walk(node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, state in node.get("States", {}).items():
            yield name, state
            for branch in state.get("Branches", []):
                yield from _walk(branch)
            for key in ("Iterator", "ItemProcessor"):
                if key in state:
                    yield from _walk(state[key])


def _error_names(definition: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for state_name, state in _walk(definition):
        for rule in state.get("Retry", []) + state.get("Catch", []):
            for name in rule["ErrorEquals"]:
                yield state_name, name
        if state.get("Type") == "Fail" and "Error" in state:
            yield state_name, state["Error"]


def test_there_are_state_machine_definitions() -> None:
    assert any(p.name == "enable-detective.asl.json" for p in DEFINITIONS)


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_every_error_name_in_retry_and_catch_exists_in_tasks_or_aws(path: Path) -> None:
    definition = json.loads(path.read_text())
    unknown = [
        f"{state}: {name}"
        for state, name in _error_names(definition)
        if name not in TASK_ERRORS | STATES_ERRORS | LAMBDA_ERRORS
    ]
    assert unknown == [], f"{path.name}: unknown error names {unknown}"


def test_the_check_itself_rejects_a_misspelled_error_name() -> None:
    bogus = {"States": {"A": {"Type": "Task", "Retry": [{"ErrorEquals": ["Throtled"]}], "End": True}}}
    names = {name for _, name in _error_names(bogus)}
    assert names - (TASK_ERRORS | STATES_ERRORS | LAMBDA_ERRORS) == {"Throtled"}


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_every_task_retries_lambda_service_errors_and_catches_everything(path: Path) -> None:
    definition = json.loads(path.read_text())
    for name, state in _walk(definition):
        if state.get("Type") != "Task" or "lambda" not in state.get("Resource", ""):
            continue
        retried = {n for rule in state.get("Retry", []) for n in rule["ErrorEquals"]}
        assert {"Lambda.ServiceException", "Lambda.TooManyRequestsException"} <= retried, name
        assert any("States.ALL" in rule["ErrorEquals"] for rule in state.get("Catch", [])), name
