"""Fixtures of the task-level tests (helpers in tests.helpers.tasks and tests.helpers.enable_states)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from tests.helpers.enable_states import EnableStates, fleet_spec
from tests.helpers.tasks import REPORTS, fleet_for_tasks, moto_s3


@pytest.fixture
def enable_states(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., EnableStates]]:
    """``enable_states(members, fleet=None, **administrator)``: emulated fleet, reports bucket, the enable states."""
    monkeypatch.setenv("REPORT_BUCKET", REPORTS)
    monkeypatch.setenv("INVITATION_WAIT_SECONDS", "60")
    with ExitStack() as stack:

        def start(
            members: list[dict[str, Any]], fleet: dict[str, Any] | None = None, **administrator: Any
        ) -> EnableStates:
            s3 = stack.enter_context(moto_s3())
            spec = fleet_spec(members, fleet, **administrator)
            running = stack.enter_context(fleet_for_tasks(spec, monkeypatch))
            return EnableStates(running, s3)

        yield start
