"""Each Lambda state's input and output is a TypedDict of tasks/contracts.py, and the ASL agrees with it.

A key the ASL's ``Payload`` sends that the handler's input type does not name (or one the type
requires that the ASL never sends), or a key the ``ResultSelector`` picks that the output type
does not name, fails here - before an execution fails on AWS with a KeyError or a JSONPath miss.
"""

from __future__ import annotations

import importlib
import json
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tasks import contracts

ROOT = Path(__file__).resolve().parents[1]
MACHINES = sorted((ROOT / "statemachines").glob("*.asl.json"))


def lambda_tasks(states: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, state in states.items():
        if state["Type"] == "Task" and state["Resource"] == "arn:aws:states:::lambda:invoke":
            yield name, state
        processor = state.get("ItemProcessor") or {}
        yield from lambda_tasks(processor.get("States", {}))


def module_of(state: str) -> str:
    return "tasks." + re.sub(r"(?<!^)(?=[A-Z])", "_", state).lower()


TASKS = sorted(
    {
        (name, json.dumps(state))
        for path in MACHINES
        for name, state in lambda_tasks(json.loads(path.read_text())["States"])
    }
)


def contract_types(module: str) -> tuple[Any, Any]:
    """The handler's input and output types, looked up in tasks.contracts (annotations are strings)."""
    annotations = importlib.import_module(module).lambda_handler.__annotations__
    return getattr(contracts, annotations["event"]), getattr(contracts, annotations["return"])


def keys_of(block: dict[str, Any]) -> set[str]:
    return {k.removesuffix(".$") for k in block}


@pytest.mark.parametrize(("state", "definition"), TASKS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(TASKS)])
def test_the_asl_sends_what_the_handler_input_type_names_and_picks_what_its_output_type_names(
    state: str, definition: str
) -> None:
    task = json.loads(definition)
    event, result = contract_types(module_of(state))
    assert typing.is_typeddict(event) and event.__module__ == contracts.__name__, (state, event)
    assert typing.is_typeddict(result) and result.__module__ == contracts.__name__, (state, result)
    sent = keys_of(task["Parameters"]["Payload"])
    assert event.__required_keys__ <= sent <= event.__required_keys__ | event.__optional_keys__, (state, sent)
    paths = [v for k, v in task["ResultSelector"].items() if k.endswith(".$")]
    picked = {p.removeprefix("$.Payload.").split(".")[0] for p in paths if p.startswith("$.Payload.")}
    assert picked <= result.__required_keys__ | result.__optional_keys__, (state, picked)


def test_every_validation_state_returns_the_run_summary_that_every_later_state_reads_as_run() -> None:
    for path in MACHINES:
        states = json.loads(path.read_text())["States"]
        first = states[json.loads(path.read_text())["StartAt"]]
        assert first["ResultSelector"] == {"run.$": "$.Payload"} and first["ResultPath"] == "$", path.name
        assert "$.plan" not in path.read_text(), path.name
    assert contract_types("tasks.validate_input")[1] is contract_types("tasks.validate_offboarding")[1]
    assert contract_types("tasks.validate_input")[1] is contracts.RunSummary
