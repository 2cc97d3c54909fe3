"""tasks/ is what Lambda runs alone: every tasks.* module imports with the operator side, moto and tests unimportable.

The imports run in a fresh interpreter whose meta path refuses `detective_rollout`, `moto`, `tests` and the test
tools (pytest, hypothesis), so a stray import anywhere in a task module's import graph fails here, not on AWS.
A refused import is never cached, so one interpreter can try every module and report each failure.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCKED = ("detective_rollout", "moto", "tests", "pytest", "hypothesis")

BLOCKER = """
import importlib, importlib.abc, json, sys, traceback
BLOCKED = {blocked!r}
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".", 1)[0] in BLOCKED:
            raise ModuleNotFoundError(f"blocked for the Lambda boundary: {{name}}", name=name)
        return None
sys.meta_path.insert(0, Blocker())
failures = {{}}
for module in sys.argv[1:]:
    try:
        importlib.import_module(module)
    except BaseException:
        failures[module] = traceback.format_exc()
print(json.dumps(failures))
"""


def task_modules() -> list[str]:
    """Every module of the Lambda code package, by its dotted name (packages included)."""
    names = []
    for path in sorted((ROOT / "tasks").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def import_with_blocker(modules: tuple[str, ...]) -> dict[str, str]:
    """Imports `modules` in a fresh interpreter behind the blocker; the traceback of each one that failed."""
    result = subprocess.run(
        [sys.executable, "-s", "-c", BLOCKER.format(blocked=BLOCKED), *modules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "", "AWS_DEFAULT_REGION": "us-east-1"},
    )
    assert result.returncode == 0, result.stderr
    failures: dict[str, str] = json.loads(result.stdout.splitlines()[-1])
    return failures


@cache
def boundary_failures() -> dict[str, str]:
    return import_with_blocker(tuple(task_modules()))


def test_the_module_list_covers_handlers_helpers_and_triggers() -> None:
    modules = task_modules()
    assert {"tasks", "tasks.validate_input", "tasks.aws", "tasks.triggers", "tasks.triggers.vending"} <= set(modules)


@pytest.mark.parametrize("module", task_modules())
def test_task_module_imports_without_operator_side_moto_or_tests(module: str) -> None:
    assert module not in boundary_failures(), boundary_failures()[module]


def test_the_blocker_refuses_the_operator_side_moto_and_tests() -> None:
    failures = import_with_blocker(("detective_rollout.engine", "moto", "tests.helpers.workflow", "tasks.aws"))
    assert sorted(failures) == ["detective_rollout.engine", "moto", "tests.helpers.workflow"]
    assert "blocked for the Lambda boundary: detective_rollout" in failures["detective_rollout.engine"]
