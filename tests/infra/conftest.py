"""Fixtures of the infra tests: the three templates as data."""

from __future__ import annotations

from typing import Any

import pytest
from infra_cfn import EVENT_FORWARDING, MEMBER_ROLE, TEMPLATE, load


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    return load(TEMPLATE)


@pytest.fixture(scope="session")
def member_role() -> dict[str, Any]:
    return load(MEMBER_ROLE)


@pytest.fixture(scope="session")
def forwarding() -> dict[str, Any]:
    return load(EVENT_FORWARDING)
