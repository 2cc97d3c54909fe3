"""Fixtures of the operator-command tests (helpers in tests.helpers.ops)."""

from __future__ import annotations

import pytest

from tests.helpers.ops import Cli, make_cli


@pytest.fixture
def cli() -> Cli:
    return make_cli()
