"""One clock for Wait states, Retry intervals, botocore back-off and the task code."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config

import tasks.clock
from detective_rollout.clocks import InstantClock, SpeedClock
from tests.helpers.engine import EngineFactory

#: Whole seconds: TimestampPath values carry whole seconds, so waits are exact from here.
START = datetime(2030, 1, 1, tzinfo=UTC)


class RecordingClock(InstantClock):
    def __init__(self) -> None:
        super().__init__()
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        super().sleep(seconds)


def test_instant_clock_a_48_hour_timestamp_wait_completes_at_once(make_engine: EngineFactory) -> None:
    clock = InstantClock(START)
    start = clock.now()
    wall = time.monotonic()
    with make_engine(clock) as engine:
        result = engine.run("gate", {"hours": 48, "seconds": 120}, name="gate")
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    assert time.monotonic() - wall < 60  # generous for loaded CI boxes; a real wait would take 48 h + 120 s
    moved = clock.now() - start
    assert timedelta(hours=48, seconds=120) <= moved < timedelta(hours=48, seconds=120 + 5)
    assert tasks.clock.parse_iso(result.output["after"]["now"]) - tasks.clock.parse_iso(
        result.output["gate"]["start"]
    ) >= timedelta(hours=48, seconds=120)


def test_timestamp_wait_compares_in_utc_whatever_the_local_zone(
    make_engine: EngineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto compared the UTC timestamp with naive *local* time; the engine compares against the clock in UTC."""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: moto alone would skip 14 of the 48 hours
    time.tzset()
    try:
        clock = InstantClock(START)
        start = clock.now()
        with make_engine(clock) as engine:
            assert engine.run("gate", {"hours": 48, "seconds": 0}, name="tz").status == "SUCCEEDED"
        assert timedelta(hours=48) <= clock.now() - start < timedelta(hours=48, seconds=5)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_speed_clock_scales_waits(make_engine: EngineFactory) -> None:
    clock = SpeedClock(100)
    with make_engine(clock) as engine:
        engine.run("gate", {"hours": 0, "seconds": 0}, name="warm-up")
        wall = time.monotonic()
        result = engine.run("gate", {"hours": 0, "seconds": 2}, name="two-seconds")
        elapsed = time.monotonic() - wall
    assert result.status == "SUCCEEDED"
    # 2 s of clock time at speed=100 is 20 ms of wall time (the bound leaves room for a loaded box).
    assert 0.02 <= elapsed < 1.5


def test_task_code_reads_and_sleeps_on_the_engine_clock(make_engine: EngineFactory) -> None:
    clock = InstantClock()
    before = tasks.clock.current()
    with make_engine(clock):
        assert tasks.clock.now() == clock.now()
        start = clock.now()
        tasks.clock.sleep(3600)
        assert clock.now() - start == timedelta(hours=1)
    assert tasks.clock.current() is before


def test_botocore_retry_back_off_sleeps_on_the_clock(make_engine: EngineFactory) -> None:
    clock = RecordingClock()
    with make_engine(clock):
        s3 = boto3.client("s3", config=Config(retries={"mode": "standard", "max_attempts": 3}))
        failures = [0]

        def fail_twice(request: Any, **_: Any) -> AWSResponse | None:
            if failures[0] < 2:
                failures[0] += 1
                return AWSResponse(request.url, 503, {}, _Raw(b"<Error><Code>SlowDown</Code></Error>"))
            return None

        s3.meta.events.register_first("before-send.s3.ListBuckets", fail_twice)
        wall = time.monotonic()
        s3.list_buckets()
    assert failures[0] == 2
    assert len(clock.sleeps) == 2  # one back-off per retry, taken on the clock
    assert time.monotonic() - wall < 5


def test_environment_is_restored_on_exit(make_engine: EngineFactory) -> None:
    before = dict(os.environ)
    with make_engine():
        assert os.environ["DATA_BUCKET"] == "detective-rollout-databucket"
        assert os.environ["AWS_ACCESS_KEY_ID"]
    assert dict(os.environ) == before


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


def test_the_emulated_fleet_ages_with_the_engine_clock(make_engine: EngineFactory) -> None:
    """Issue 3: after a 48-hour Wait the emulated GuardDuty detector is 48 hours older."""
    emulator = pytest.importorskip("detective_rollout.emulator")
    clock = InstantClock(START)
    spec = {
        "administrator": {"account_id": "111111111111", "guardduty_age_hours": {"us-east-1": 10}},
        "regions": ["us-east-1"],
        "member_role": "DetectiveMemberRole",
        "members": [],
    }
    fleet = emulator.Fleet(emulator.load_scenario(spec), clock)

    def age_hours() -> float:
        guardduty = boto3.client("guardduty", region_name="us-east-1")
        detector = guardduty.get_detector(DetectorId=guardduty.list_detectors()["DetectorIds"][0])
        created = tasks.clock.parse_iso(detector["CreatedAt"])
        return (clock.now() - created).total_seconds() / 3600

    with make_engine(clock, fleet=fleet) as engine:
        before = age_hours()
        assert engine.run("gate", {"hours": 48, "seconds": 0}, name="age").status == "SUCCEEDED"
        after = age_hours()
    assert round(before) == 10
    assert round(after) == 58
