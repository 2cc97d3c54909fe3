"""Fixtures of the task-level tests (helpers in tests.helpers.tasks and tests.helpers.states)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from tests.helpers.states import DisableStates, EnableStates, fleet_spec
from tests.helpers.tasks import REPORTS, fleet_for_tasks, moto_s3


def _starter[S: (EnableStates, DisableStates)](
    kind: type[S], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., S]]:
    """``start(members, fleet=None, **administrator)``: emulated fleet, moto's reports bucket, a workflow's states."""
    monkeypatch.setenv("REPORT_BUCKET", REPORTS)
    monkeypatch.setenv("INVITATION_WAIT_SECONDS", "60")
    with ExitStack() as stack:

        def start(members: list[dict[str, Any]], fleet: dict[str, Any] | None = None, **administrator: Any) -> S:
            s3 = stack.enter_context(moto_s3())
            running = stack.enter_context(fleet_for_tasks(fleet_spec(members, fleet, **administrator), monkeypatch))
            return kind(running, s3)

        yield start


@pytest.fixture
def enable_states(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., EnableStates]]:
    yield from _starter(EnableStates, monkeypatch)


@pytest.fixture
def disable_states(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., DisableStates]]:
    yield from _starter(DisableStates, monkeypatch)
