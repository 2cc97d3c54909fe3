"""Fixtures for the engine's own tests: the fixture template, a fake fleet and an engine factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from detective_rollout.clocks import InstantClock
from detective_rollout.engine import LocalEngine

FIXTURES = Path(__file__).parent / "fixtures"
TEMPLATE = FIXTURES / "template.yaml"
STATEMACHINES = FIXTURES / "statemachines"
ADMIN = "111111111111"


@dataclass(frozen=True)
class FakeAdministrator:
    account_id: str = ADMIN


@dataclass(frozen=True)
class FakeScenario:
    administrator: FakeAdministrator = field(default_factory=FakeAdministrator)
    home_region: str = "eu-west-1"
    s3_objects: dict[str, str] = field(default_factory=dict)
    lambda_faults: tuple[Any, ...] = ()


class FakeFleet:
    """The duck type LocalEngine needs from a fleet: ``.scenario`` and ``.intercept()``."""

    def __init__(self, scenario: FakeScenario) -> None:
        self.scenario = scenario
        self.intercepting = False
        self.entered = 0

    @contextmanager
    def intercept(self) -> Iterator[None]:
        self.intercepting = True
        self.entered += 1
        try:
            yield
        finally:
            self.intercepting = False


EngineFactory = Callable[..., LocalEngine]


@pytest.fixture
def make_engine() -> EngineFactory:
    """``make_engine(clock=None, fleet=None, **kwargs)``: a LocalEngine over the fixture template."""

    def make(clock: Any = None, fleet: Any = None, **kwargs: Any) -> LocalEngine:
        return LocalEngine(
            fleet,
            clock or InstantClock(),
            template=TEMPLATE,
            statemachines_dir=STATEMACHINES,
            **kwargs,
        )

    return make
