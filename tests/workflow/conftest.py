"""Fixtures of the enable workflow's end-to-end tests (helpers in tests.helpers.workflow)."""

from __future__ import annotations

import pytest

from tests.helpers.workflow import Runner, run_enable


@pytest.fixture
def enable() -> Runner:
    """Run the enable workflow: ``enable(scenario_dict, **input_fields)``; pass ``fleet=`` to rerun on a fleet."""
    return run_enable
