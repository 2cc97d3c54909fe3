"""Fixtures of the disable workflow's end-to-end tests (helpers in tests.helpers.workflow; ``enable`` is the root's).

Fleets start from the scenario's state (``existing_membership``), so each test says exactly which
memberships exist before offboarding.
"""

from __future__ import annotations

import pytest

from tests.helpers.workflow import Runner, run_disable


@pytest.fixture
def disable() -> Runner:
    """Run the disable workflow: ``disable(scenario_dict, **input_fields)``; ``fleet=`` continues a fleet."""
    return run_disable
