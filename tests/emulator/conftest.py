"""Fixtures for the emulator tests: an instant clock and fleets with intercept() active."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fleet_helpers import START, scenario_dict

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario, serve


@pytest.fixture
def clock() -> InstantClock:
    return InstantClock(START)


@pytest.fixture
def make_fleet(clock: InstantClock) -> Iterator[Callable[..., Fleet]]:
    """``make_fleet(**scenario_changes)``: a fleet on the instant clock with intercept() active."""
    stack: list[Any] = []

    def make(**changes: Any) -> Fleet:
        fleet = Fleet(load_scenario(scenario_dict(**changes)), clock)
        context = fleet.intercept()
        context.__enter__()
        stack.append(context)
        return fleet

    yield make
    for context in reversed(stack):
        context.__exit__(None, None, None)


@pytest.fixture
def fleet(make_fleet: Callable[..., Fleet]) -> Fleet:
    return make_fleet()


@pytest.fixture
def served(clock: InstantClock) -> Iterator[tuple[Fleet, str]]:
    """A fleet served over HTTP (``emulator serve``): the fleet and its URL."""
    fleet = Fleet(load_scenario(scenario_dict()), clock)
    server, thread = serve(fleet)
    yield fleet, server.url
    server.shutdown()
    server.server_close()
    thread.join(5)
