"""End-to-end runs of the real ASL on the embedded engine over an emulated fleet: scenarios, members, runners."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.local import LocalRun, run_local

ADMIN = "111111111111"
REGIONS = ("us-east-1", "eu-west-1")
ENABLED_EVERYWHERE = dict.fromkeys(REGIONS, "ENABLED")

Runner = Callable[..., LocalRun]


def member(n: int, **extra: Any) -> dict[str, Any]:
    """A member account ``n`` (1..99) with a deterministic id and email."""
    return {"account_id": f"{200000000000 + n:012d}", "email": f"m{n}@example.com", **extra}


def scenario(members: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    """A fleet in us-east-1 and eu-west-1 with GuardDuty old enough; ``administrator`` overrides are merged."""
    base: dict[str, Any] = {
        "administrator": {"account_id": ADMIN, "guardduty_age_hours": {"us-east-1": 72, "eu-west-1": 72}},
        "regions": list(REGIONS),
        "member_role": "DetectiveMemberRole",
        "members": members,
        "seed": 1,
    }
    admin = overrides.pop("administrator", None)
    if admin:
        base["administrator"] = {**base["administrator"], **admin}
    return {**base, **overrides}


def rows_by_pair(run: LocalRun) -> dict[tuple[str, str], dict[str, Any]]:
    """The report's rows by (account, Region); fails when there is no report or a pair appears twice."""
    assert run.report is not None, (run.result.status, run.result.error, run.result.cause)
    rows = run.report["results"]
    pairs = [(r["account_id"], r["region"]) for r in rows]
    assert len(pairs) == len(set(pairs)), "a pair appears twice in the report"
    return {(r["account_id"], r["region"]): r for r in rows}


def run_enable(spec: dict[str, Any], fleet: Fleet | None = None, name: str | None = None, **fields: Any) -> LocalRun:
    """The enable workflow over ``spec``'s members and Regions; ``fleet=`` continues a fleet (a rerun)."""
    clock = fleet.clock if fleet is not None else InstantClock()
    fleet = fleet or Fleet(load_scenario(spec), clock)
    execution_input: dict[str, Any] = {
        "accounts": [{"account_id": m["account_id"], "email": m["email"]} for m in spec["members"]],
        "regions": spec["regions"],
        **fields,
    }
    return run_local(spec, "enable", execution_input, clock=clock, fleet=fleet, name=name)


def run_disable(spec: dict[str, Any], fleet: Fleet | None = None, name: str | None = None, **fields: Any) -> LocalRun:
    """The disable workflow over ``spec``'s Regions (``accounts`` etc. in ``fields``); ``fleet=`` continues one."""
    clock = fleet.clock if fleet is not None else InstantClock()
    fleet = fleet or Fleet(load_scenario(spec), clock)
    execution_input: dict[str, Any] = {"regions": spec["regions"], **fields}
    return run_local(spec, "disable", execution_input, clock=clock, fleet=fleet, name=name)


def member_in(n: int, memberships: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    """Member ``n`` with existing memberships (default: ENABLED in both test Regions)."""
    return member(n, existing_membership=ENABLED_EVERYWHERE if memberships is None else memberships, **extra)


def ids(*numbers: int) -> list[dict[str, str]]:
    """The ``accounts`` input for members ``numbers`` (no emails: optional for disable)."""
    return [{"account_id": member(n)["account_id"]} for n in numbers]


def operations(run: LocalRun, operation: str, since: int = 0) -> list[Any]:
    """Successful calls of ``operation`` the fleet served (from call number ``since`` on)."""
    return [c for c in run.fleet.calls[since:] if c.operation == operation and c.error is None]


def mutating(run: LocalRun, since: int = 0) -> list[Any]:
    """Successful writes the fleet served (from call number ``since`` on)."""
    return [c for c in run.fleet.calls[since:] if c.mutating]
