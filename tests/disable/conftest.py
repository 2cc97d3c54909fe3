"""Helpers for end-to-end runs of the disable workflow: the real ASL on the engine over an emulated fleet.

Fleets start from the scenario's state (``existing_membership``), so each test says exactly which
memberships exist before offboarding; the enable workflow's helpers (ids, scenario) are shared.
"""

from __future__ import annotations

from typing import Any

import pytest

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.local import LocalRun, run_local
from tests.workflow.conftest import Runner, enable, member

__all__ = ["enable", "ids", "member_in", "mutating", "operations"]

REGIONS = ("us-east-1", "eu-west-1")
ENABLED_EVERYWHERE = dict.fromkeys(REGIONS, "ENABLED")


def member_in(n: int, memberships: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    """Member ``n`` with existing memberships (default: ENABLED in both test Regions)."""
    return member(n, existing_membership=ENABLED_EVERYWHERE if memberships is None else memberships, **extra)


def ids(*numbers: int) -> list[dict[str, str]]:
    """The ``accounts`` input for members ``numbers`` (no emails: optional for disable)."""
    return [{"account_id": member(n)["account_id"]} for n in numbers]


def operations(run: LocalRun, operation: str, since: int = 0) -> list[Any]:
    """Successful calls of ``operation`` the fleet served (from call number ``since`` on)."""
    return [c for c in run.fleet.calls[since:] if c.operation == operation and c.error is None]


def mutating(run: LocalRun, since: int = 0) -> list[Any]:
    return [c for c in run.fleet.calls[since:] if c.mutating]


@pytest.fixture
def disable() -> Runner:
    """Run the disable workflow: ``disable(scenario_dict, **input_fields)``; ``fleet=`` continues a fleet."""

    def run(spec: dict[str, Any], fleet: Fleet | None = None, name: str | None = None, **fields: Any) -> LocalRun:
        clock = fleet.clock if fleet is not None else InstantClock()
        fleet = fleet or Fleet(load_scenario(spec), clock)
        execution_input: dict[str, Any] = {"regions": spec["regions"], **fields}
        return run_local(spec, "disable", execution_input, clock=clock, fleet=fleet, name=name)

    return run
