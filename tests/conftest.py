"""Fixtures every folder may use (helpers shared across folders live in tests.helpers).

The whole suite fails closed: no test can send a request past loopback (docs/reliability.md, "Fail closed").
The engine and the emulator install the guard themselves; installing it here too covers the tests
that use moto or botocore directly. A test of an AWS code path that needs a network failure points
its client at a closed loopback port.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from detective_rollout.emulator import Fleet, netguard
from tasks.aws import Aws
from tests.helpers.botocore_loader import share_botocore_loader
from tests.helpers.tasks import administrator_fleet, fleet_for_tasks, moto_s3
from tests.helpers.workflow import Runner, run_enable

netguard.install()
share_botocore_loader()


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto's S3 with the ``reports`` and ``inputs`` buckets (tests.helpers.tasks)."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with moto_s3() as client:
        yield client


@pytest.fixture
def admin_aws(s3: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., tuple[Aws, Fleet]]]:
    """``admin_aws(members=None, **administrator)``: the task code's ``Aws`` as the administrator of a new emulated
    fleet (STS, account, Detective, GuardDuty), and that fleet; S3 stays moto's (``s3``). The same arguments give
    the same fleet again (a property test's examples share one)."""
    started: dict[str, tuple[Aws, Fleet]] = {}
    with ExitStack() as stack:

        def start(members: list[dict[str, Any]] | None = None, **administrator: Any) -> tuple[Aws, Fleet]:
            spec = administrator_fleet(members, **administrator)
            key = repr(spec)
            if key not in started:
                started[key] = Aws(), stack.enter_context(fleet_for_tasks(spec, monkeypatch))
            return started[key]

        yield start


@pytest.fixture
def enable() -> Runner:
    """Run the enable workflow: ``enable(scenario_dict, **input_fields)``; pass ``fleet=`` to rerun on a fleet."""
    return run_enable
