"""The engine's own tests: the fixture template, a fake fleet (what LocalEngine needs of one), an engine factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detective_rollout.clocks import InstantClock
from detective_rollout.engine import LocalEngine

FIXTURES = Path(__file__).resolve().parent.parent / "engine" / "fixtures"
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


def make_engine(clock: Any = None, fleet: Any = None, **kwargs: Any) -> LocalEngine:
    """A LocalEngine over the fixture template and state machines (instant clock unless given)."""
    return LocalEngine(fleet, clock or InstantClock(), template=TEMPLATE, statemachines_dir=STATEMACHINES, **kwargs)
