"""Helpers for end-to-end runs of the real ASL on the embedded engine over an emulated fleet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.local import LocalRun, run_local

ADMIN = "111111111111"


def member(n: int, **extra: Any) -> dict[str, Any]:
    """A member account ``n`` (1..99) with a deterministic id and email."""
    return {"account_id": f"{200000000000 + n:012d}", "email": f"m{n}@example.com", **extra}


def scenario(members: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "administrator": {"account_id": ADMIN, "guardduty_age_hours": {"us-east-1": 72, "eu-west-1": 72}},
        "regions": ["us-east-1", "eu-west-1"],
        "member_role": "DetectiveMemberRole",
        "members": members,
        "seed": 1,
    }
    admin = overrides.pop("administrator", None)
    if admin:
        base["administrator"] = {**base["administrator"], **admin}
    return {**base, **overrides}


def rows_by_pair(run: LocalRun) -> dict[tuple[str, str], dict[str, Any]]:
    assert run.report is not None, (run.result.status, run.result.error, run.result.cause)
    rows = run.report["results"]
    pairs = [(r["account_id"], r["region"]) for r in rows]
    assert len(pairs) == len(set(pairs)), "a pair appears twice in the report"
    return {(r["account_id"], r["region"]): r for r in rows}


Runner = Callable[..., LocalRun]


@pytest.fixture
def enable() -> Runner:
    """Run the enable workflow: ``enable(scenario_dict, **input_fields)``; pass ``fleet=`` to rerun on a fleet."""

    def run(spec: dict[str, Any], fleet: Fleet | None = None, name: str | None = None, **fields: Any) -> LocalRun:
        clock = fleet.clock if fleet is not None else InstantClock()
        fleet = fleet or Fleet(load_scenario(spec), clock)
        execution_input: dict[str, Any] = {
            "accounts": [{"account_id": m["account_id"], "email": m["email"]} for m in spec["members"]],
            "regions": spec["regions"],
            **fields,
        }
        return run_local(spec, "enable", execution_input, clock=clock, fleet=fleet, name=name)

    return run
