"""One hop from a task module to its test: every handler the template deploys, and the helpers behind the report
contract, have ``tests/tasks/test_<module>.py`` (``tests/tasks/triggers/test_<module>.py`` for a trigger)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Not handlers, but what the report contract rests on: each gets a test file of its own.
CONTRACT_HELPERS = (
    "tasks.classify_enable",
    "tasks.classify_disable",
    "tasks.fanout",
    "tasks.region_outcomes",
    "tasks.retrying",
)


def handler_modules() -> list[str]:
    """The modules infra/template.yaml's functions run (``Handler: tasks.<module>.lambda_handler``)."""
    text = (ROOT / "infra" / "template.yaml").read_text()
    return sorted(set(re.findall(r"Handler:\s*(tasks(?:\.\w+)+)\.lambda_handler", text)))


def expected_test_file(module: str) -> Path:
    *packages, name = module.split(".")[1:]
    return ROOT.joinpath("tests", "tasks", *packages, f"test_{name}.py")


def test_the_template_deploys_the_state_and_trigger_handlers() -> None:
    modules = handler_modules()
    assert "tasks.validate_input" in modules and "tasks.triggers.vending" in modules and len(modules) >= 14


def test_every_deployed_task_module_and_contract_helper_has_its_test_file() -> None:
    missing = [module for module in [*handler_modules(), *CONTRACT_HELPERS] if not expected_test_file(module).is_file()]
    assert missing == []


def test_each_named_module_exists() -> None:
    for module in [*handler_modules(), *CONTRACT_HELPERS]:
        assert ROOT.joinpath(*module.split(".")).with_suffix(".py").is_file(), module
