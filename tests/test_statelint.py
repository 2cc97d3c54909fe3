"""statelint (the ASL validator `make lint` runs) accepts both state machine definitions, and rejects a broken one.

The second test proves the check can fail: a definition whose StartAt names a missing state is reported.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from statelint.linter import Linter

ROOT = Path(__file__).resolve().parent.parent
DEFINITIONS = sorted((ROOT / "statemachines").glob("*.asl.json"))


def test_both_workflows_have_a_definition() -> None:
    assert [path.name for path in DEFINITIONS] == ["disable-detective.asl.json", "enable-detective.asl.json"]


@pytest.mark.parametrize("path", DEFINITIONS, ids=[path.stem for path in DEFINITIONS])
def test_statelint_finds_no_problem_in_the_definition(path: Path) -> None:
    assert Linter.validate(str(path)) == []


def test_statelint_reports_a_start_state_that_does_not_exist() -> None:
    definition = json.loads(DEFINITIONS[0].read_text())
    definition["StartAt"] = "NoSuchState"
    problems = Linter.validate(definition)
    assert any("NoSuchState" in problem for problem in problems), problems
