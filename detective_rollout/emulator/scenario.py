"""The scenario file: the fleet an emulator run starts from (format: docs/emulator.md).

Parsed once into frozen dataclasses so the models never see raw JSON, and validated strictly:
a typo in a scenario would otherwise silently emulate a different fleet than the test meant,
so every error names the field path and the offending value. Keys starting with ``_`` are
comments and ignored.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from detective_rollout.emulator.aws_data import is_opt_in, service_model
from detective_rollout.emulator.parse import REGION_NAME, Fields, ScenarioError

__all__ = [
    "Administrator",
    "Event",
    "ExistingMembership",
    "Fault",
    "LambdaFault",
    "MemberAccount",
    "Organization",
    "Scenario",
    "ScenarioError",
    "load_scenario",
]

FAULT_TYPES = frozenset(
    {"no_role", "untrusted_role", "volume_too_high", "verification_fails", "slow_invitation", "closed", "throttle"}
)
EVENT_TYPES = frozenset({"graph_deleted", "region_disabled", "role_removed", "error_burst"})
MEMBER_STATUSES = frozenset(
    {"INVITED", "VERIFICATION_IN_PROGRESS", "VERIFICATION_FAILED", "ENABLED", "ACCEPTED_BUT_DISABLED"}
)
DISABLED_REASONS = frozenset({"VOLUME_TOO_HIGH", "VOLUME_UNKNOWN"})
DEFAULT_SLOW_INVITATION_S = 60.0
#: The workflows' definitions, whose Lambda-backed Task states ``lambda_faults`` may name.
STATEMACHINES = Path(__file__).resolve().parents[2] / "statemachines"
#: How old a member's GuardDuty detector is when the scenario does not say.
DEFAULT_MEMBER_GUARDDUTY_AGE_HOURS = 720.0


@dataclass(frozen=True)
class Fault:
    """A per-account fault; active once the fleet served ``after_calls`` calls, for ``duration_s``."""

    type: str
    regions: tuple[str, ...] | None = None  # None = every Region
    duration_s: float | None = None  # slow_invitation: invisibility; others: active window (None = forever)
    after_calls: int = 0
    ops: tuple[str, ...] | None = None  # throttle: operations throttled (None = every operation)
    rate: float = 1.0  # throttle: probability per call


@dataclass(frozen=True)
class ExistingMembership:
    status: str
    email: str | None = None  # None = the member's email
    disabled_reason: str | None = None


@dataclass(frozen=True)
class MemberAccount:
    account_id: str
    email: str
    root_email: str  # the email AWS knows; inviting with another one ends VERIFICATION_FAILED
    faults: tuple[Fault, ...] = ()
    guardduty_default: bool = True
    guardduty_regions: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))
    guardduty_age_hours: float = DEFAULT_MEMBER_GUARDDUTY_AGE_HOURS
    existing_membership: Mapping[str, ExistingMembership] = field(default_factory=lambda: MappingProxyType({}))
    opted_out_regions: tuple[str, ...] = ()

    def faults_of(self, fault_type: str) -> tuple[Fault, ...]:
        return tuple(f for f in self.faults if f.type == fault_type)

    def has_guardduty(self, region: str) -> bool:
        return self.guardduty_regions.get(region, self.guardduty_default)


@dataclass(frozen=True)
class Administrator:
    account_id: str
    guardduty_age_hours: Mapping[str, float]  # Region absent = no detector
    guardduty_disabled_regions: tuple[str, ...] = ()
    existing_graph_regions: tuple[str, ...] = ()
    opted_out_regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class LambdaFault:
    """Read by the engine: fail the named task's first ``times`` invocations with ``error``."""

    task: str
    error: str
    times: int = 1
    message: str | None = None


@dataclass(frozen=True)
class Event:
    """A fleet change fired once, after ``after_calls`` calls or ``after_s`` clock seconds."""

    type: str
    after_calls: int | None = None
    after_s: float | None = None
    region: str | None = None
    account_id: str | None = None
    # error_burst only: the window (``calls`` calls, else ``duration_s`` clock seconds) and what it hits.
    duration_s: float = 60.0
    calls: int | None = None
    ops: tuple[str, ...] | None = None
    rate: float = 1.0


def event_keys(events: Sequence[Event]) -> list[str]:
    """A stable identity per event: its fields' digest (and which of identical events it is).

    A ``--state-dir`` fleet remembers which events fired and which error bursts are open by
    these keys, not by position: the scenario is re-read on every command, and an operator who
    deletes or reorders events (to "fix" a fault) must neither crash the next command nor have
    a burst of a deleted event go on, nor a new event taken for one that already fired.
    """
    seen: dict[str, int] = {}
    keys = []
    for event in events:
        digest = hashlib.sha256(json.dumps(asdict(event), sort_keys=True).encode()).hexdigest()[:16]
        seen[digest] = seen.get(digest, 0) + 1
        keys.append(f"{event.type}-{digest}-{seen[digest]}")
    return keys


@dataclass(frozen=True)
class Organization:
    accounts: Mapping[str, str]  # account id -> root email
    management_account: str | None = None
    #: The administrator is the organization's Detective administrator (in every Region): CreateMembers
    #: enables the organization's accounts without invitation; Describe/UpdateOrganizationConfiguration answer.
    detective_admin: bool = False

    def enrolls(self, account_id: str) -> bool:
        """Whether the organization's Detective administrator enables ``account_id`` as an organization account."""
        return self.detective_admin and account_id in self.accounts


@dataclass(frozen=True)
class Scenario:
    administrator: Administrator
    regions: tuple[str, ...]
    member_role: str
    members: tuple[MemberAccount, ...]
    lambda_faults: tuple[LambdaFault, ...] = ()
    events: tuple[Event, ...] = ()
    s3_objects: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    organization: Organization | None = None
    latency_ms: float = 0.0
    throttle_rate: float = 0.0
    error_rate: float = 0.0
    seed: int = 0
    home_region: str = "us-east-1"
    #: Clock seconds a new member stays VERIFICATION_IN_PROGRESS before INVITED / VERIFICATION_FAILED.
    verification_delay_s: float = 5.0
    #: When set, AssumeRole into the member role requires this ExternalId.
    member_role_external_id: str | None = None
    #: CreateGraph where the account has a graph: ``same_arn`` as the API reference documents ("it always returns
    #: the same behavior graph ARN"), or ``conflict`` (a ConflictException, as Detective has also been seen to answer).
    create_graph_existing: str = "same_arn"
    #: The member-role StackSet's ``AllowGuardDutyEnable``: the role may call GuardDuty CreateDetector.
    member_role_allow_guardduty_enable: bool = False

    _by_id: Mapping[str, MemberAccount] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({m.account_id: m for m in self.members}))

    def member_account(self, account_id: str) -> MemberAccount | None:
        return self._by_id.get(account_id)

    @property
    def account_ids(self) -> tuple[str, ...]:
        return (self.administrator.account_id, *(m.account_id for m in self.members))

    def opted_out(self, account_id: str) -> tuple[str, ...]:
        if account_id == self.administrator.account_id:
            return self.administrator.opted_out_regions
        member = self.member_account(account_id)
        return member.opted_out_regions if member else ()


_OPERATION = re.compile(r"[A-Z][A-Za-z]+")
#: Documented ranges (docs/emulator.md): a call's latency up to a minute; ages and times up to ten years.
MAX_LATENCY_MS = 60_000
TEN_YEARS_H = 10 * 365 * 24
TEN_YEARS_S = TEN_YEARS_H * 3600
#: A fault's or burst's ``duration_s``: 10**9 s (~31 years) is how a scenario says "the whole run".
MAX_DURATION_S = 10**9
#: The services the emulator answers: a fault's ``ops`` must name one of their operations.
EMULATED_SERVICES = ("detective", "guardduty", "sts", "account", "organizations")
_ACCOUNT = re.compile(r"[0-9]{12}")  # ASCII digits: "\d" would take "١١١١١١١١١١١١"
_REGION = REGION_NAME
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def load_scenario(source: str | Path | Mapping[str, Any]) -> Scenario:
    """Parse a scenario from a JSON file path or an already-loaded dict (raises ScenarioError)."""
    if isinstance(source, Mapping):
        return _parse_scenario(source)
    from tasks.nesting import parse_json  # depth checked before parsing (a scenario is a user's file)

    try:
        raw = parse_json(Path(source).read_text(encoding="utf-8"), root="scenario")
    except OSError as exc:
        raise ScenarioError(f"scenario {source}: cannot read: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"scenario {source}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    except ValueError as exc:  # not UTF-8, or nested too deep
        raise ScenarioError(f"scenario {source}: {exc}") from None
    try:
        return _parse_scenario(raw)
    except ScenarioError as exc:  # the file's name in front of the field's, as for a JSON error
        raise ScenarioError(f"scenario {source}: {exc}") from None


def _parse_scenario(raw: Any) -> Scenario:
    top = Fields(raw, "")
    admin_fields = top.obj("administrator", required=True)
    assert admin_fields is not None  # required=True raised otherwise
    admin = _administrator(admin_fields)
    members = top.each("members", _member, required=True)
    _check_unique(members, admin.account_id)
    scenario = Scenario(
        administrator=admin,
        regions=tuple(top.strings("regions", _REGION, "a Region name", required=True)),
        member_role=top.string("member_role", required=True),
        members=tuple(members),
        lambda_faults=tuple(top.each("lambda_faults", _lambda_fault)),
        events=tuple(top.each("events", _event)),
        s3_objects=MappingProxyType(top.string_map("s3_objects")),
        organization=_organization(top.obj("organization")),
        latency_ms=top.number("latency_ms", 0.0, minimum=0, maximum=MAX_LATENCY_MS),
        throttle_rate=top.number("throttle_rate", 0.0, minimum=0, maximum=1),
        error_rate=top.number("error_rate", 0.0, minimum=0, maximum=1),
        seed=int(top.number("seed", 0, integer=True)),
        home_region=top.string("home_region", "us-east-1", pattern=_REGION, what="a Region name"),
        verification_delay_s=top.number("verification_delay_s", 5.0, minimum=0, maximum=TEN_YEARS_S),
        member_role_external_id=top.optional_string("member_role_external_id"),
        create_graph_existing=top.string("create_graph_existing", "same_arn", choices=("same_arn", "conflict")),
        member_role_allow_guardduty_enable=top.boolean("member_role_allow_guardduty_enable", False),
    )
    top.done()
    _check_opt_in(scenario)
    return scenario


def _administrator(f: Fields) -> Administrator:
    admin = Administrator(
        account_id=f.string("account_id", required=True, pattern=_ACCOUNT, what="12 digits"),
        guardduty_age_hours=MappingProxyType(f.number_map("guardduty_age_hours", _REGION, maximum=TEN_YEARS_H)),
        guardduty_disabled_regions=tuple(f.strings("guardduty_disabled_regions", _REGION, "a Region name")),
        existing_graph_regions=tuple(f.strings("existing_graph_regions", _REGION, "a Region name")),
        opted_out_regions=tuple(f.strings("opted_out_regions", _REGION, "a Region name")),
    )
    f.done()
    return admin


def _member(f: Fields) -> MemberAccount:
    account_id = f.string("account_id", required=True, pattern=_ACCOUNT, what="12 digits")
    email = f.string("email", required=True, pattern=_EMAIL, what="an email address")
    faults = tuple(f.each("faults", _fault))
    root_email = f.optional_string("root_email", pattern=_EMAIL, what="an email address")
    if root_email is None:
        # verification_fails: AWS knows another root email than the one the input uses.
        root_email = f"root-{account_id}@{email.split('@', 1)[1]}" if _has(faults, "verification_fails") else email
    gd_default, gd_regions = f.bool_or_region_map("guardduty")
    member = MemberAccount(
        account_id=account_id,
        email=email,
        root_email=root_email,
        faults=faults,
        guardduty_default=gd_default,
        guardduty_regions=MappingProxyType(gd_regions),
        guardduty_age_hours=f.number(
            "guardduty_age_hours", DEFAULT_MEMBER_GUARDDUTY_AGE_HOURS, minimum=0, maximum=TEN_YEARS_H
        ),
        existing_membership=MappingProxyType(f.region_map("existing_membership", _existing_membership)),
        opted_out_regions=tuple(f.strings("opted_out_regions", _REGION, "a Region name")),
    )
    f.done()
    return member


def _known_ops(f: Fields, ops: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """``ops`` as given, refusing a name no emulated service has (it would silently never match)."""
    known = emulated_operations()
    for i, op in enumerate(ops or ()):
        if op not in known:
            raise ScenarioError(f"{f.path}.ops[{i}]: {op!r} is not an operation of {', '.join(EMULATED_SERVICES)}")
    return ops


@cache
def emulated_operations() -> frozenset[str]:
    return frozenset(op for service in EMULATED_SERVICES for op in service_model(service).operation_names)


@cache
def lambda_task_names() -> frozenset[str]:
    """What a ``lambda_faults`` entry may name: each Lambda-backed Task state of the workflows, or its function."""
    names: set[str] = set()
    for path in sorted(STATEMACHINES.glob("*.asl.json")):
        _task_states(json.loads(path.read_text()), names)
    return frozenset(names | {f"{name}Function" for name in names})


def _task_states(machine: Mapping[str, Any], names: set[str]) -> None:
    for name, state in (machine.get("States") or {}).items():
        if state.get("Type") == "Task" and "lambda" in json.dumps(state.get("Resource", "")):
            names.add(name)
        for inner in [state.get("ItemProcessor") or state.get("Iterator") or {}, *(state.get("Branches") or [])]:
            _task_states(inner, names)


def _has(faults: tuple[Fault, ...], fault_type: str) -> bool:
    return any(x.type == fault_type for x in faults)


def _fault(f: Fields) -> Fault:
    if isinstance(f.raw, str):
        f.choice_value(f.raw, FAULT_TYPES, "fault")
        return Fault(type=f.raw)
    fault_type = f.string("type", required=True, choices=FAULT_TYPES)
    default_duration = DEFAULT_SLOW_INVITATION_S if fault_type == "slow_invitation" else None
    fault = Fault(
        type=fault_type,
        regions=f.optional_strings("regions", _REGION, "a Region name"),
        duration_s=f.optional_number("duration_s", minimum=0, maximum=MAX_DURATION_S, default=default_duration),
        after_calls=int(f.number("after_calls", 0, minimum=0, integer=True)),
        ops=_known_ops(f, f.optional_strings("ops", _OPERATION, "an operation name")),
        rate=f.number("rate", 1.0, minimum=0, maximum=1),
    )
    f.done()
    return fault


def _existing_membership(f: Fields) -> ExistingMembership:
    if isinstance(f.raw, str):
        f.choice_value(f.raw, MEMBER_STATUSES, "member status")
        return ExistingMembership(status=f.raw)
    existing = ExistingMembership(
        status=f.string("status", required=True, choices=MEMBER_STATUSES),
        email=f.optional_string("email", pattern=_EMAIL, what="an email address"),
        disabled_reason=f.optional_string("disabled_reason", choices=DISABLED_REASONS),
    )
    f.done()
    return existing


def _lambda_fault(f: Fields) -> LambdaFault:
    fault = LambdaFault(
        task=f.string("task", required=True, choices=lambda_task_names()),
        error=f.string("error", required=True),
        times=int(f.number("times", 1, minimum=1, integer=True)),
        message=f.optional_string("message"),
    )
    f.done()
    return fault


def _event(f: Fields) -> Event:
    event_type = f.string("type", required=True, choices=EVENT_TYPES)
    after_calls = f.optional_number("after_calls", minimum=0, integer=True)
    after_s = f.optional_number("after_s", minimum=0, maximum=TEN_YEARS_S)
    if (after_calls is None) == (after_s is None):
        raise ScenarioError(f"{f.path}: expected exactly one of after_calls or after_s")
    event = Event(
        type=event_type,
        after_calls=None if after_calls is None else int(after_calls),
        after_s=after_s,
        region=f.string(
            "region", required=event_type in ("graph_deleted", "region_disabled"), pattern=_REGION, what="a Region name"
        )
        or None,
        account_id=f.string("account_id", required=event_type == "role_removed", pattern=_ACCOUNT, what="12 digits")
        or None,
        duration_s=f.number("duration_s", 60.0, minimum=0, maximum=MAX_DURATION_S),
        calls=_optional_int(f.optional_number("calls", minimum=1, integer=True)),
        ops=_known_ops(f, f.optional_strings("ops", _OPERATION, "an operation name")),
        rate=f.number("rate", 1.0, minimum=0, maximum=1),
    )
    f.done()
    return event


def _optional_int(value: float | None) -> int | None:
    return None if value is None else int(value)


def _organization(f: Fields | None) -> Organization | None:
    if f is None:
        return None
    accounts = f.string_map("accounts", key_pattern=_ACCOUNT, value_pattern=_EMAIL)
    org = Organization(
        accounts=MappingProxyType(accounts),
        management_account=f.optional_string("management_account", pattern=_ACCOUNT, what="12 digits"),
        detective_admin=f.boolean("detective_admin", False),
    )
    f.done()
    return org


def _check_opt_in(scenario: Scenario) -> None:
    """Only opt-in Regions can be disabled for an account (the others are on by default)."""
    lists = [("administrator.opted_out_regions", scenario.administrator.opted_out_regions)]
    lists += [(f"members[{i}].opted_out_regions", m.opted_out_regions) for i, m in enumerate(scenario.members)]
    lists += [
        (f"events[{i}].region", (e.region,))
        for i, e in enumerate(scenario.events)
        if e.type == "region_disabled" and e.region
    ]
    for path, regions in lists:
        for region in regions:
            if not is_opt_in(region):
                raise ScenarioError(f"{path}: {region!r} is not an opt-in Region (it cannot be disabled)")


def _check_unique(members: list[MemberAccount], admin_id: str) -> None:
    seen: set[str] = set()
    for i, m in enumerate(members):
        if m.account_id == admin_id:
            raise ScenarioError(f"members[{i}].account_id: {m.account_id!r} is the administrator account")
        if m.account_id in seen:
            raise ScenarioError(f"members[{i}].account_id: duplicate account {m.account_id!r}")
        seen.add(m.account_id)
