"""The emulated fleet: one model of every account x Region, shared by both front ends.

``Fleet.handle`` is the single entry point of every API call (in-process hook and HTTP server
alike): it resolves who the credentials act as, fires due scenario events, sleeps the
injected latency on the fleet's clock, decides injected faults, runs the service model under
one lock (Map iterations call from many threads) and records a ``CallRecord``.
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from detective_rollout.emulator import errors
from detective_rollout.emulator.account import Account
from detective_rollout.emulator.aws_data import is_opt_in, service_regions
from detective_rollout.emulator.base import ApiRequest, Call, ServiceModel
from detective_rollout.emulator.detective import Detective
from detective_rollout.emulator.faults import Faults
from detective_rollout.emulator.guardduty import GuardDuty
from detective_rollout.emulator.organizations import Organizations
from detective_rollout.emulator.scenario import Scenario, event_keys
from detective_rollout.emulator.state import STATE_VERSION, FleetState, Member, key
from detective_rollout.emulator.sts import Sts, admin_principal


class Clock(Protocol):
    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


@dataclass(frozen=True)
class CallRecord:
    service: str
    operation: str
    account_id: str  # the account the caller's credentials act as
    region: str
    error: str | None  # the error code answered, None on success
    mutating: bool  # a successful Detective/GuardDuty write


#: Credentials ``intercept()`` provides when the environment has none (they act as the administrator).
_DEFAULT_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIAEMULATEDADMIN000", "AWS_SECRET_ACCESS_KEY": "emulated"}


class Fleet:
    """An administrator plus member accounts across Regions, built from a scenario."""

    def __init__(self, scenario: Scenario, clock: Clock, *, _state: dict[str, Any] | None = None) -> None:
        self.scenario = scenario
        self.clock = clock
        self._lock = threading.RLock()
        self._calls: list[CallRecord] = []
        #: Set by a ``--state-dir``: called (under the fleet's lock) with :meth:`to_state` after every
        #: call that changed the fleet, before the call returns - the fleet is as durable as AWS's.
        self.persist: Callable[[dict[str, Any]], None] | None = None
        if _state is None:
            self.started_at = clock.now()
            self.state = FleetState()
        else:
            self.started_at = datetime.fromisoformat(_state["started_at"])
            self.state = FleetState.from_json(_state["fleet"])
        self.faults = Faults(scenario, self.state, self.started_at)
        self.detective = Detective(self)
        self.guardduty = GuardDuty(self)
        self.models: dict[str, ServiceModel] = {
            m.service: m for m in (self.detective, self.guardduty, Sts(self), Account(self), Organizations(self))
        }
        if _state is None:
            self.detective.seed(self.started_at)

    # persistence ------------------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        """Everything the run changed, as JSON-serialisable data (see ``from_state``)."""
        with self._lock:
            return {
                "version": STATE_VERSION,
                "started_at": self.started_at.isoformat(),
                "now": self.clock.now().isoformat(),
                "fleet": self.state.to_json(),  # built afresh: shares nothing with the live state
            }

    def save(self) -> None:
        """Hand the state to ``persist`` now (no-op without one); the lock orders it after every change."""
        with self._lock:
            if self.persist is not None:
                self.persist(self.to_state())

    @classmethod
    def from_state(cls, scenario: Scenario, state: dict[str, Any], clock: Clock) -> Fleet:
        """Continue a fleet saved by ``to_state``; an instant clock is moved up to the saved time."""
        if state.get("version") == 1:
            state = _from_version_1(scenario, state)
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"fleet state: unsupported version {state.get('version')!r}")
        saved_now = datetime.fromisoformat(state["now"])
        advance = getattr(clock, "advance", None)
        if callable(advance) and saved_now > clock.now():
            advance((saved_now - clock.now()).total_seconds())
        return cls(scenario, clock, _state=state)

    # the one entry point ----------------------------------------------------------------------
    def handle(self, request: ApiRequest) -> dict[str, Any]:
        """Run one API call; returns the output dict or raises an ``errors.AwsError``."""
        model = self.models[request.service]
        if model.regional and request.region not in service_regions(request.service):
            # On AWS the endpoint does not resolve: the call never reaches the service.
            raise errors.UnknownEndpoint(f"{request.service} is not offered in {request.region}")
        with self._lock:
            fired = len(self.state.fired_events)
            self.state.call_count += 1
            self.faults.tick(self.clock.now())
            identity = self.state.identities.get(request.access_key)
            admin = self.scenario.administrator.account_id
            account_id = identity.account_id if identity else admin
            principal = identity.arn if identity else admin_principal(admin)
            subject = model.fault_subject(request.operation, request.params, account_id)
            attempt = self.faults.next_attempt(request.operation, subject, request.region)
        if self.scenario.latency_ms and request.sleep_latency:
            self.clock.sleep(self.scenario.latency_ms / 1000.0)  # outside the lock: concurrent calls overlap
        error: str | None = None
        # One critical section for the call and its record: every lock hand-over between the many
        # threads of a fan-out costs context switches, which showed up as the emulator's main cost.
        with self._lock:
            try:
                now = self.clock.now()
                self.faults.tick(now)
                call = Call(
                    request.service, request.operation, account_id, request.region, now, principal, request.access_key
                )
                handler = model.handler(request.operation)
                if handler is None:
                    raise errors.NotImplementedOperation(
                        f"{request.service}:{request.operation} is not emulated by detective-rollout"
                    )
                model.check_region(call)
                injected = self.faults.injected(
                    request.service, request.operation, subject, request.region, attempt, now
                )
                if injected is not None:
                    raise injected
                return handler(call, request.params)
            except errors.AwsError as exc:
                error = exc.code
                raise
            finally:
                mutating = error is None and request.operation in model.mutating
                self._calls.append(
                    CallRecord(request.service, request.operation, account_id, request.region, error, mutating)
                )
                if mutating or len(self.state.fired_events) != fired:
                    self.save()  # on disk before the caller sees the answer, as a write on AWS is

    # facts for the models ---------------------------------------------------------------------
    def region_enabled(self, account_id: str, region: str) -> bool:
        """Opt-in Regions are enabled unless the scenario or a ``region_disabled`` event says not."""
        if not is_opt_in(region):
            return True
        return region not in self.scenario.opted_out(account_id) and region not in self.state.disabled_regions.get(
            account_id, []
        )

    # assertions API ---------------------------------------------------------------------------
    @property
    def calls(self) -> list[CallRecord]:
        with self._lock:
            return list(self._calls)

    def mutating_calls(self) -> list[CallRecord]:
        return [c for c in self.calls if c.mutating]

    def member(self, region: str, account_id: str) -> Member | None:
        """A copy of the administrator graph's member ``account_id`` in ``region`` (status resolved)."""
        with self._lock:
            now = self.clock.now()
            self.faults.tick(now)
            graph = self.state.graphs.get(key(self.scenario.administrator.account_id, region))
            found = graph.members.get(account_id) if graph else None
            return copy.copy(self.detective.settle(found, now)) if found else None

    def graph_arn(self, region: str) -> str | None:
        with self._lock:
            self.faults.tick(self.clock.now())
            graph = self.state.graphs.get(key(self.scenario.administrator.account_id, region))
            return graph.arn if graph else None

    # in-process front end ---------------------------------------------------------------------
    @contextmanager
    def intercept(self) -> Iterator[Fleet]:
        """Route boto3 calls to detective/guardduty/sts/account/organizations to this fleet.

        Other services pass through untouched (to moto's mock when ``mock_aws`` is active).
        Clears boto3's default session so ``boto3.client(...)`` gets a session with the hook, and
        provides dummy credentials when the environment has none (any key acts as the administrator).
        """
        import boto3

        from detective_rollout.emulator import hook, netguard

        netguard.install()  # a call the hook does not answer must not leave the machine either
        provide = not os.environ.get("AWS_ACCESS_KEY_ID")
        saved = {k: os.environ.get(k) for k in _DEFAULT_CREDENTIALS}
        if provide:
            os.environ.update(_DEFAULT_CREDENTIALS)
        hook.activate(self)
        boto3.DEFAULT_SESSION = None
        try:
            yield self
        finally:
            hook.deactivate(self)
            for name, value in saved.items() if provide else ():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _from_version_1(scenario: Scenario, state: dict[str, Any]) -> dict[str, Any]:
    """Version 1 named events by their position in the scenario: read those against the scenario as it is now."""
    keys = event_keys(scenario.events)

    def keyed(index: int) -> str | None:
        return keys[index] if 0 <= index < len(keys) else None

    fleet = copy.deepcopy(state["fleet"])
    fleet["fired_events"] = [k for k in map(keyed, fleet.get("fired_events", [])) if k]
    fleet["bursts"] = [{**b, "event": keyed(b["event"])} for b in fleet.get("bursts", []) if keyed(b["event"])]
    return {**state, "version": STATE_VERSION, "fleet": fleet}
