"""Fixtures of the engine's own tests (helpers in tests.helpers.engine)."""

from __future__ import annotations

import pytest

from tests.helpers.engine import EngineFactory, make_engine


@pytest.fixture(name="make_engine")
def make_engine_fixture() -> EngineFactory:
    """``make_engine(clock=None, fleet=None, **kwargs)``: a LocalEngine over the fixture template."""
    return make_engine
