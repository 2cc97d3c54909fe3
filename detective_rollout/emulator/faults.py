"""Seeded, reproducible fault injection and scenario events.

Every injected fault is decided from a hash of (seed, kind, operation, account, Region,
attempt number for that key) rather than drawn from one shared random stream: Step Functions
Map iterations call concurrently, so a shared stream would hand out its numbers in thread
order and no two runs would fail the same way. With per-key attempt counters, the Nth call of
AcceptInvitation by account X in Region R meets the same fate in every run.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from detective_rollout.emulator import errors
from detective_rollout.emulator.scenario import Event, Fault, Scenario, event_keys
from detective_rollout.emulator.state import Burst, FleetState, key


def chance(seed: int, kind: str, operation: str, account_id: str, region: str, attempt: int) -> float:
    """A number in [0, 1) fixed by its arguments (the fault decision's 'dice roll')."""
    digest = hashlib.sha256(f"{seed}|{kind}|{operation}|{account_id}|{region}|{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class Faults:
    """Fault bookkeeping over the fleet state; every method is called with the fleet lock held."""

    def __init__(self, scenario: Scenario, state: FleetState, started_at: datetime) -> None:
        self.scenario = scenario
        self.state = state
        self.started_at = started_at
        #: Each event under its stable key, with its position (the position seeds a burst's dice).
        keys = event_keys(scenario.events)
        self._events = {k: (i, e) for i, (k, e) in enumerate(zip(keys, scenario.events, strict=True))}
        self._thresholds = sorted({f.after_calls for m in scenario.members for f in m.faults if f.after_calls})

    # time and call-count driven changes ---------------------------------------------------------
    def tick(self, now: datetime) -> None:
        """Record reached call-count thresholds, fire due events, close finished bursts."""
        state = self.state
        for threshold in self._thresholds:
            if threshold not in state.threshold_times and state.call_count > threshold:
                state.threshold_times[threshold] = now
        for event_key, (_, event) in self._events.items():
            if event_key not in state.fired_events and self._due(event, now):
                state.fired_events.append(event_key)
                self._apply(event_key, event, now)
        # A burst ends with its window, or when its event is no longer in the (re-read) scenario.
        state.bursts = [b for b in state.bursts if b.event in self._events and not self._burst_over(b, now)]

    def _due(self, event: Event, now: datetime) -> bool:
        if event.after_calls is not None:
            return self.state.call_count > event.after_calls
        assert event.after_s is not None
        return now >= self.started_at + timedelta(seconds=event.after_s)

    def _apply(self, event_key: str, event: Event, now: datetime) -> None:
        admin = self.scenario.administrator.account_id
        if event.type == "graph_deleted":
            assert event.region is not None
            self.state.graphs.pop(key(event.account_id or admin, event.region), None)
        elif event.type == "region_disabled":
            assert event.region is not None
            regions = self.state.disabled_regions.setdefault(event.account_id or admin, [])
            if event.region not in regions:
                regions.append(event.region)
        elif event.type == "role_removed":
            assert event.account_id is not None
            if event.account_id not in self.state.removed_roles:
                self.state.removed_roles.append(event.account_id)
        elif event.type == "error_burst":
            if event.calls is not None:
                # The call that fires the event is the burst's first.
                self.state.bursts.append(Burst(event_key, until_calls=self.state.call_count + event.calls - 1))
            else:
                self.state.bursts.append(Burst(event_key, until=now + timedelta(seconds=event.duration_s)))

    def _burst_over(self, burst: Burst, now: datetime) -> bool:
        if burst.until_calls is not None:
            return self.state.call_count > burst.until_calls
        return burst.until is not None and now >= burst.until

    # per-account faults -------------------------------------------------------------------------
    def active(self, fault: Fault, region: str | None, now: datetime) -> bool:
        """Whether ``fault`` applies now (``region`` None: a global call such as AssumeRole)."""
        if fault.regions is not None and region is not None and region not in fault.regions:
            return False
        start = self.started_at if not fault.after_calls else self.state.threshold_times.get(fault.after_calls)
        if start is None:
            return False
        if fault.duration_s is not None and fault.type != "slow_invitation":
            return now < start + timedelta(seconds=fault.duration_s)
        return True

    def fault(self, account_id: str, fault_type: str, region: str | None, now: datetime) -> Fault | None:
        member = self.scenario.member_account(account_id)
        if member is None:
            return None
        return next((f for f in member.faults_of(fault_type) if self.active(f, region, now)), None)

    def role_state(self, account_id: str, now: datetime) -> str | None:
        """Why AssumeRole into the account's member role fails, or None when it works."""
        if account_id in self.state.removed_roles:
            return "role_removed"
        for fault_type in ("closed", "no_role", "untrusted_role"):
            if self.fault(account_id, fault_type, None, now):
                return fault_type
        return None

    # per-call dice -----------------------------------------------------------------------------
    def next_attempt(self, operation: str, account_id: str, region: str) -> int:
        counter = f"{operation}|{account_id}|{region}"
        attempt = self.state.attempts.get(counter, 0) + 1
        self.state.attempts[counter] = attempt
        return attempt

    def injected(
        self, service: str, operation: str, account_id: str, region: str, attempt: int, now: datetime
    ) -> errors.AwsError | None:
        """The fault this call meets, if any: error bursts, per-account throttles, then the fleet rates."""
        seed = self.scenario.seed

        def roll(kind: str) -> float:
            return chance(seed, kind, operation, account_id, region, attempt)

        for burst in self.state.bursts:
            index, event = self._events[burst.event]
            if _matches(event, operation, account_id, region) and roll(f"burst{index}") < event.rate:
                return errors.server_error(service, operation)
        member = self.scenario.member_account(account_id)
        for fault in member.faults_of("throttle") if member else ():
            if (
                (fault.ops is None or operation in fault.ops)
                and self.active(fault, region, now)
                and roll("fault-throttle") < fault.rate
            ):
                return errors.throttled(service, operation)
        # A rate of 0 never fires: skip its dice (two SHA-256 per call otherwise).
        if self.scenario.throttle_rate and roll("throttle") < self.scenario.throttle_rate:
            return errors.throttled(service, operation)
        if self.scenario.error_rate and roll("error") < self.scenario.error_rate:
            return errors.server_error(service, operation)
        return None


def _matches(event: Event, operation: str, account_id: str, region: str) -> bool:
    return (
        (event.ops is None or operation in event.ops)
        and (event.account_id is None or event.account_id == account_id)
        and (event.region is None or event.region == region)
    )
