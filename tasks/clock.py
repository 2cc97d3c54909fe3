"""The clock the task code reads and sleeps on.

On AWS this is the system clock. The embedded engine installs its own clock (instant or
speed-factor) with :func:`use`, so a 48-hour GuardDuty gate, tenacity back-offs and the
emulated services all agree on what time it is.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """Wall-clock time; what every task uses inside Lambda."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


_current: Clock = SystemClock()


def use(clock: Clock) -> Clock:
    """Install ``clock`` for all task code; returns the previous one so callers can restore it."""
    global _current
    previous, _current = _current, clock
    return previous


def current() -> Clock:
    return _current


def now() -> datetime:
    return _current.now()


def sleep(seconds: float) -> None:
    _current.sleep(seconds)


def iso(moment: datetime) -> str:
    """ISO 8601 UTC with whole seconds, the form Step Functions' TimestampPath accepts."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
