"""Every Lambda Task's TimeoutSeconds exceeds its function's Timeout, read through the template.

With the two equal, which fires first on AWS is a race: the function's own timeout is
``Sandbox.Timedout`` (matched by the ``States.TaskFailed`` retriers), the Task's is
``States.Timeout`` (not matched), so the same definition retried or not at random. With the
Task's timeout longer, the function's timeout always decides ("Invoke an AWS Lambda function with
Step Functions", "Handling errors in Step Functions workflows").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from detective_rollout.engine.template import load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(ROOT / "infra" / "template.yaml")
_PLACEHOLDER = "${"


def _tasks(states: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, state in states.items():
        if state.get("Type") == "Task":
            yield name, state
        for nested in [state.get("ItemProcessor") or state.get("Iterator") or {}, *state.get("Branches", [])]:
            yield from _tasks(nested.get("States") or {})


def _lambda_tasks() -> list[tuple[str, str, dict[str, Any], str]]:
    found = []
    for spec in TEMPLATE.state_machines.values():
        text = (ROOT / "statemachines" / f"{spec.stem}.asl.json").read_text()
        for key, value in spec.substitutions.items():
            text = text.replace(_PLACEHOLDER + key + "}", value)
        for name, state in _tasks(json.loads(text)["States"]):
            if state["Resource"] == "arn:aws:states:::lambda:invoke":
                found.append((spec.stem, name, state, state["Parameters"]["FunctionName"]))
    return found


LAMBDA_TASKS = _lambda_tasks()


def test_every_state_machine_has_lambda_tasks() -> None:
    assert {stem for stem, *_ in LAMBDA_TASKS} == {"enable-detective", "disable-detective"}


@pytest.mark.parametrize(("stem", "state", "task", "arn"), LAMBDA_TASKS, ids=[f"{s}:{n}" for s, n, *_ in LAMBDA_TASKS])
def test_task_timeout_exceeds_the_function_timeout(stem: str, state: str, task: dict[str, Any], arn: str) -> None:
    function = TEMPLATE.function_for_arn(arn)
    assert function is not None, f"{stem} {state}: {arn} is not a function of the template"
    assert function.timeout_seconds is not None, f"{function.logical_id} has no Timeout (nor a Globals one)"
    assert isinstance(task.get("TimeoutSeconds"), int), f"{stem} {state}: no TimeoutSeconds"
    assert task["TimeoutSeconds"] > function.timeout_seconds, (
        f"{stem} {state}: TimeoutSeconds {task['TimeoutSeconds']} must exceed {function.logical_id}'s "
        f"Timeout {function.timeout_seconds}"
    )
