"""The fleet's mutable state (graphs, members, detectors, credentials, fault bookkeeping).

Everything a model changes lives here, and nothing else does: that is what lets
``Fleet.to_state()`` persist a fleet between CLI commands as plain JSON and
``Fleet.from_state()`` continue it, including the fault-decision counters, so a resumed run
draws the same faults it would have drawn uninterrupted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

INVITED = "INVITED"
VERIFICATION_IN_PROGRESS = "VERIFICATION_IN_PROGRESS"
VERIFICATION_FAILED = "VERIFICATION_FAILED"
ENABLED = "ENABLED"
ACCEPTED_BUT_DISABLED = "ACCEPTED_BUT_DISABLED"

STATE_VERSION = 2


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _required_dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


@dataclass
class Member:
    """A member account of one behavior graph (also the member's invitation to it)."""

    account_id: str
    email: str
    graph_arn: str
    administrator_id: str
    status: str
    invited_time: datetime
    updated_time: datetime
    disabled_reason: str | None = None
    #: VERIFICATION_IN_PROGRESS resolves (lazily, when read) at this clock time.
    verify_at: datetime | None = None
    #: The member sees its invitation (ListInvitations/AcceptInvitation) from this clock time.
    visible_at: datetime | None = None
    disable_email_notification: bool = False
    #: INVITATION (invited, accepts in the member account) or ORGANIZATION (enabled by the organization's
    #: Detective administrator: no invitation, nothing to accept).
    invitation_type: str = "INVITATION"

    def to_json(self) -> dict[str, Any]:
        # Every field is a scalar: read them directly (asdict's recursive copy was most of a state dir's write).
        return {name: _iso(v) if isinstance(v, datetime) else v for name, v in vars(self).items()}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Member:
        return cls(
            **{
                **raw,
                "invited_time": _required_dt(raw["invited_time"]),
                "updated_time": _required_dt(raw["updated_time"]),
                "verify_at": _dt(raw.get("verify_at")),
                "visible_at": _dt(raw.get("visible_at")),
            }
        )


@dataclass
class Graph:
    arn: str
    account_id: str
    region: str
    created_time: datetime
    tags: dict[str, str] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    #: Data source packages started in the graph, and when (a new graph starts DETECTIVE_CORE only).
    packages: dict[str, datetime] = field(default_factory=dict)
    #: UpdateOrganizationConfiguration's AutoEnable (organization behavior graphs only).
    auto_enable: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "account_id": self.account_id,
            "region": self.region,
            "created_time": _iso(self.created_time),
            "tags": dict(self.tags),
            "members": [m.to_json() for m in self.members.values()],
            "packages": {k: _iso(v) for k, v in self.packages.items()},
            "auto_enable": self.auto_enable,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Graph:
        members = [Member.from_json(m) for m in raw["members"]]
        created = _required_dt(raw["created_time"])
        packages = raw.get("packages", {"DETECTIVE_CORE": raw["created_time"]})
        return cls(
            raw["arn"],
            raw["account_id"],
            raw["region"],
            created,
            dict(raw["tags"]),
            {m.account_id: m for m in members},
            {k: _required_dt(v) for k, v in packages.items()},
            bool(raw.get("auto_enable", False)),
        )


@dataclass
class Detector:
    detector_id: str
    account_id: str
    region: str
    created_at: datetime
    updated_at: datetime
    enabled: bool = True

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "created_at": _iso(self.created_at), "updated_at": _iso(self.updated_at)}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Detector:
        return cls(
            **{**raw, "created_at": _required_dt(raw["created_at"]), "updated_at": _required_dt(raw["updated_at"])}
        )


@dataclass
class Identity:
    """Who a set of credentials the fleet's STS issued acts as."""

    access_key: str
    account_id: str
    arn: str
    user_id: str


@dataclass
class Burst:
    """An active error_burst window (from the event whose ``event_keys`` key is ``event``)."""

    event: str
    until: datetime | None = None
    until_calls: int | None = None


@dataclass
class FleetState:
    graphs: dict[str, Graph] = field(default_factory=dict)  # key: "<account>/<region>"
    #: Detectors created (or overriding the scenario's) at run time; key "<account>/<region>".
    detectors: dict[str, Detector] = field(default_factory=dict)
    #: Regions disabled at run time by ``region_disabled`` events, per account.
    disabled_regions: dict[str, list[str]] = field(default_factory=dict)
    removed_roles: list[str] = field(default_factory=list)
    identities: dict[str, Identity] = field(default_factory=dict)
    call_count: int = 0
    #: Calls seen per "<operation>|<account>|<region>": the attempt number of fault decisions.
    attempts: dict[str, int] = field(default_factory=dict)
    #: ``event_keys`` of the scenario events that fired.
    fired_events: list[str] = field(default_factory=list)
    #: Clock time at which the fleet had served N calls (N = a fault's ``after_calls``).
    threshold_times: dict[int, datetime] = field(default_factory=dict)
    bursts: list[Burst] = field(default_factory=list)
    serial: int = 0  # graphs created so far (new graph, new ARN)

    def to_json(self) -> dict[str, Any]:
        return {
            "graphs": {k: g.to_json() for k, g in self.graphs.items()},
            "detectors": {k: d.to_json() for k, d in self.detectors.items()},
            "disabled_regions": {k: list(v) for k, v in self.disabled_regions.items()},
            "removed_roles": list(self.removed_roles),
            "identities": {k: asdict(i) for k, i in self.identities.items()},
            "call_count": self.call_count,
            "attempts": dict(self.attempts),
            "fired_events": list(self.fired_events),
            "threshold_times": {str(k): _iso(v) for k, v in self.threshold_times.items()},
            "bursts": [{"event": b.event, "until": _iso(b.until), "until_calls": b.until_calls} for b in self.bursts],
            "serial": self.serial,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> FleetState:
        known = {f.name for f in fields(cls)}
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"fleet state: unknown keys {sorted(unknown)}")
        return cls(
            graphs={k: Graph.from_json(g) for k, g in raw.get("graphs", {}).items()},
            detectors={k: Detector.from_json(d) for k, d in raw.get("detectors", {}).items()},
            disabled_regions={k: list(v) for k, v in raw.get("disabled_regions", {}).items()},
            removed_roles=list(raw.get("removed_roles", [])),
            identities={k: Identity(**i) for k, i in raw.get("identities", {}).items()},
            call_count=int(raw.get("call_count", 0)),
            attempts={k: int(v) for k, v in raw.get("attempts", {}).items()},
            fired_events=list(raw.get("fired_events", [])),
            threshold_times={int(k): _required_dt(v) for k, v in raw.get("threshold_times", {}).items()},
            bursts=[Burst(b["event"], _dt(b["until"]), b["until_calls"]) for b in raw.get("bursts", [])],
            serial=int(raw.get("serial", 0)),
        )


def key(account_id: str, region: str) -> str:
    return f"{account_id}/{region}"
