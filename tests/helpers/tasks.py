"""Task-level tests: the deployment's settings, moto's S3 with the reports and inputs buckets, input rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from hypothesis import strategies as st
from moto import mock_aws

import tasks.aws
import tasks.clock
from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from tasks.settings import Settings
from tasks.validate_input import validate_input

ADMIN = "111111111111"
REPORTS, INPUTS = "reports", "inputs"
SETTINGS = Settings(REPORTS, "DetectiveMemberRole", None, 10, 10, 60)
NOW = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)


@contextmanager
def moto_s3() -> Iterator[Any]:
    """moto's S3 (and every other moto service) with the ``reports`` and ``inputs`` buckets; yields the S3 client."""
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=REPORTS)
        client.create_bucket(Bucket=INPUTS)
        yield client


def validate(aws: Any, event_input: Any, execution: str = "run-1") -> dict[str, Any]:
    """ValidateInput's pure function with the deployment's SETTINGS at NOW."""
    return dict(validate_input(aws, SETTINGS, event_input, execution, NOW))


def stored_plan(s3: Any, output: dict[str, Any]) -> dict[str, Any]:
    """The Plan a validation state wrote (its ``request_key``), as stored."""
    return dict(json.loads(s3.get_object(Bucket=REPORTS, Key=output["request_key"])["Body"].read()))


def put_csv(s3: Any, data: bytes, key: str = "accounts.csv") -> str:
    """Uploads ``data`` to the inputs bucket; its ``s3://`` URI."""
    s3.put_object(Bucket=INPUTS, Key=key, Body=data)
    return f"s3://{INPUTS}/{key}"


def written(s3: Any) -> list[str]:
    """Every key of the reports bucket: what a state wrote."""
    return [o["Key"] for o in s3.list_objects_v2(Bucket=REPORTS).get("Contents", [])]


def acct(n: int, **extra: Any) -> dict[str, Any]:
    """An input row for member ``n``."""
    return {"account_id": f"{200000000000 + n:012d}", "email": f"member{n}@example.com", **extra}


class RecordingClock:
    """A task clock that never blocks: ``sleep`` records the wait and moves ``now`` on."""

    def __init__(self, start: datetime = NOW) -> None:
        self.moment = start
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.moment

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.moment += timedelta(seconds=seconds)


@contextmanager
def task_clock(clock: RecordingClock | None = None) -> Iterator[RecordingClock]:
    """Installs a RecordingClock as the clock of all task code for the block; restores the previous one."""
    chosen = clock or RecordingClock()
    previous = tasks.clock.use(chosen)
    try:
        yield chosen
    finally:
        tasks.clock.use(previous)


@contextmanager
def fleet_for_tasks(spec: dict[str, Any], monkeypatch: Any, start: datetime = NOW) -> Iterator[Fleet]:
    """The emulated fleet ``spec`` answering the task code's boto3 calls, its clock the tasks' clock.

    Plain credentials act as the administrator; ``tasks.aws``'s cached sessions and clients are reset around the
    block, so each test's calls reach this fleet. moto's S3 (``moto_s3``) can run alongside for the work store.
    """
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAADMINISTRATOR")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    clock = InstantClock(start)
    tasks.aws.reset()
    previous = tasks.clock.use(clock)
    try:
        with Fleet(load_scenario(spec), clock).intercept() as fleet:
            yield fleet
    finally:
        tasks.clock.use(previous)
        tasks.aws.reset()


def operations(fleet: Fleet, since: int = 0) -> list[tuple[str, str, str]]:
    """(operation, account, Region) of every call the fleet served (from call number ``since`` on)."""
    return [(c.operation, c.account_id, c.region) for c in fleet.calls[since:]]


def administrator_fleet(members: list[dict[str, Any]] | None = None, **administrator: Any) -> dict[str, Any]:
    """A scenario whose administrator is ADMIN (``administrator`` fields merged in), with ``members``."""
    return {
        "administrator": {"account_id": ADMIN, **administrator},
        "regions": ["us-east-1", "eu-west-1"],
        "member_role": "DetectiveMemberRole",
        "members": members or [],
    }


#: Arbitrary JSON-ish input values for the validators' property tests (types, Regions, ids, emails, CSV URIs).
VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5000)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["all", "us-east-1", "af-south-1", "200000000001", ADMIN, "a@example.com", "s3://inputs/a.csv"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["account_id", "email", "regions", "owner"]) | st.text(max_size=5), inner, max_size=3
        )
    ),
    max_leaves=12,
)
