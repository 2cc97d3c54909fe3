"""Clocks shared by the embedded engine, the emulated fleet and the task code.

``instant``: virtual time that only moves when somebody sleeps; a 48-hour Wait returns at
once and the clock (so every emulated GuardDuty detector) is 48 hours later afterwards.
``real``: wall-clock time. ``speed=N``: virtual time runs N times faster than the wall clock,
so every wait and retry interval is scaled by the same factor (benchmarks).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class InstantClock:
    """Virtual time; ``sleep`` advances it instead of blocking.

    Concurrent sleepers that start at the same virtual moment end at the same moment
    (the clock moves to the latest requested wake-up, it does not add the sleeps up).
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._lock:
            target = self._now + timedelta(seconds=seconds)
            if target > self._now:
                self._now = target
        # Give other threads (concurrent Map iterations) a chance to run, as a real sleep would.
        time.sleep(0)

    def advance(self, seconds: float) -> None:
        self.sleep(seconds)

    def describe(self) -> str:
        return "instant"


class SpeedClock:
    """Virtual time running ``factor`` times faster than the wall clock."""

    def __init__(self, factor: float, start: datetime | None = None) -> None:
        if factor <= 0:
            raise ValueError(f"clock speed must be > 0, got {factor}")
        self.factor = factor
        self._origin_virtual = start or datetime.now(UTC)
        self._origin_real = time.monotonic()

    @classmethod
    def aligned(cls, factor: float, origin_virtual: str, origin_real: float) -> SpeedClock:
        """The same clock in another process (Lambda workers): ``time.monotonic`` is system-wide."""
        clock = cls(factor, datetime.fromisoformat(origin_virtual))
        clock._origin_real = origin_real
        return clock

    def origin(self) -> tuple[str, float]:
        """What :meth:`aligned` needs: the virtual start (ISO 8601) and the monotonic time it began."""
        return self._origin_virtual.isoformat(), self._origin_real

    def now(self) -> datetime:
        elapsed = (time.monotonic() - self._origin_real) * self.factor
        return self._origin_virtual + timedelta(seconds=elapsed)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self.factor)

    def describe(self) -> str:
        return f"speed={self.factor:g}"


class RealClock(SpeedClock):
    """The wall clock (a speed factor of 1)."""

    def __init__(self) -> None:
        super().__init__(1.0)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def describe(self) -> str:
        return "real"


Clock = InstantClock | SpeedClock | RealClock


#: ``--clock speed=N``: from a clock ten times slower than real time to a million times faster (an hour of
#: waits in 3.6 ms); beyond, the simulated time stops advancing or overflows a datetime.
MIN_SPEED, MAX_SPEED = 0.1, 1e6


def parse_clock(spec: str, start: datetime | None = None) -> Clock:
    """Parse the CLI's ``--clock instant|real|speed=N``."""
    if spec == "instant":
        return InstantClock(start)
    if spec == "real":
        return RealClock()
    if spec.startswith("speed="):
        raw = spec.split("=", 1)[1]
        try:
            factor = float(raw)
        except ValueError:
            raise ValueError(f"--clock: speed factor must be a number, got {raw!r}") from None
        if not MIN_SPEED <= factor <= MAX_SPEED:  # NaN fails both; inf and 1e-300 are out of range
            raise ValueError(f"--clock: speed factor must be a number from {MIN_SPEED:g} to {MAX_SPEED:g}, got {raw!r}")
        return SpeedClock(factor, start)
    raise ValueError(f"--clock: expected instant, real or speed=N, got {spec!r}")
