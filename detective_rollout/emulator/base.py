"""What every service model shares: the call context, operation lookup and Region gating."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol

from botocore import xform_name

from detective_rollout.emulator import errors
from detective_rollout.emulator.aws_data import service_model
from detective_rollout.emulator.faults import Faults
from detective_rollout.emulator.scenario import Scenario
from detective_rollout.emulator.state import FleetState

Params = dict[str, Any]
Handler = Callable[["Call", Params], dict[str, Any]]


@dataclass(frozen=True)
class ApiRequest:
    """One decoded API call, whichever front end (in-process hook or HTTP server) received it."""

    service: str  # botocore service name
    operation: str  # e.g. CreateMembers
    region: str  # from the SigV4 credential scope
    access_key: str
    params: Params = field(default_factory=dict)  # boto3-style parameter names
    #: False when the caller applies the injected latency itself (the Lambda workers' server delays the answer).
    sleep_latency: bool = True


@dataclass(frozen=True)
class Call:
    """The context a model operation runs in."""

    service: str
    operation: str
    account_id: str  # who the credentials act as
    region: str
    now: datetime
    principal_arn: str
    access_key: str


class Answerer(Protocol):
    """What the front ends (in-process hook, HTTP server) need of a fleet: an answer to a decoded call."""

    def handle(self, request: ApiRequest) -> dict[str, Any]: ...


class Detectors(Protocol):
    """What Detective reads of GuardDuty: whether an account has a working detector in a Region."""

    def has_enabled_detector(self, account_id: str, region: str, now: datetime) -> bool: ...


class FleetContext(Protocol):
    """What a service model reads of the fleet it belongs to; the Fleet passes itself.

    A protocol, so the models depend on this module only and the Fleet (which builds them) on the models.
    """

    @property
    def scenario(self) -> Scenario: ...

    @property
    def state(self) -> FleetState: ...

    @property
    def started_at(self) -> datetime: ...

    @property
    def faults(self) -> Faults: ...

    @property
    def guardduty(self) -> Detectors: ...

    def region_enabled(self, account_id: str, region: str) -> bool: ...


class ServiceModel:
    """One emulated AWS service over the shared fleet state (methods are snake_case operations)."""

    service: ClassVar[str]
    #: Operations that change the fleet when they succeed (``Fleet.mutating_calls``).
    mutating: ClassVar[frozenset[str]] = frozenset()
    #: Regional service subject to opt-in Regions and to the Regions where it is offered.
    regional: ClassVar[bool] = False

    def __init__(self, fleet: FleetContext) -> None:
        self.fleet = fleet
        self.scenario = fleet.scenario
        self.state = fleet.state

    def handler(self, operation: str) -> Handler | None:
        if operation not in service_model(self.service).operation_names:
            return None
        method = getattr(self, xform_name(operation), None)
        return method if callable(method) else None

    def check_region(self, call: Call) -> None:
        """Raise what AWS answers in an opt-in Region the caller has not enabled."""
        if self.regional and not self.fleet.region_enabled(call.account_id, call.region):
            raise errors.UnrecognizedClientException()

    def fault_subject(self, operation: str, params: Params, caller: str) -> str:
        """The account whose faults (throttle, attempts) a call counts against: the caller by default."""
        return caller
