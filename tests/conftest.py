"""Fixtures every folder may use (helpers shared across folders live in tests.helpers).

The whole suite fails closed: no test can send a request past loopback (docs/reliability.md, "Fail closed").
The engine and the emulator install the guard themselves; installing it here too covers the tests
that use moto or botocore directly. A test of an AWS code path that needs a network failure points
its client at a closed loopback port.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from detective_rollout.emulator import netguard
from tests.helpers.tasks import moto_s3

netguard.install()


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto's S3 with the ``reports`` and ``inputs`` buckets (tests.helpers.tasks)."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with moto_s3() as client:
        yield client
