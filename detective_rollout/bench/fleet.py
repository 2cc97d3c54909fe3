"""The benchmark fleets, generated in code: N member accounts x R Regions, everything healthy.

Latency: the emulator sleeps ``latency_ms`` on the fleet's clock for every call. With a SpeedClock
of factor F that is ``latency_ms / F`` of wall time, so to give every call ``latency`` ms of WALL
time (what a real API call costs, and what the issue's figures assume) the scenario gets
``latency * F``: waits and sleeps are scaled by 1/F, API calls are not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tasks.regions import DETECTIVE_REGIONS, OPT_IN_REGIONS

ADMIN = "111111111111"
MEMBER_ROLE = "DetectiveMemberRole"
#: Where the large run's account list lives (ValidateInput may read rollouts/* of any bucket it is given).
CSV_BUCKET = "detective-rollout-local-input"
CSV_KEY = "rollouts/bench-accounts.csv"
#: Members per CreateMembers / GetMembers call.
API_CHUNK = 50


@dataclass(frozen=True)
class Size:
    accounts: int
    regions: int

    @property
    def pairs(self) -> int:
        return self.accounts * self.regions


def regions(count: int) -> list[str]:
    """``count`` Detective Regions: the ones every account has first, then the opt-in ones."""
    ordered = [r for r in DETECTIVE_REGIONS if r not in OPT_IN_REGIONS] + sorted(OPT_IN_REGIONS)
    if not 1 <= count <= len(ordered):
        raise ValueError(f"regions: 1..{len(ordered)}, got {count}")
    return ordered[:count]


def account_id(n: int) -> str:
    return f"{200000000000 + n:012d}"


def members(count: int) -> list[dict[str, str]]:
    return [{"account_id": account_id(n), "email": f"member{n}@example.com"} for n in range(1, count + 1)]


def accounts_csv(count: int) -> str:
    return "account_id,email\n" + "".join(f"{m['account_id']},{m['email']}\n" for m in members(count))


def scenario(
    size: Size,
    *,
    latency_ms: float,
    clock_speed: float,
    throttle_rate: float = 0.0,
    seed: int = 7,
    with_csv: bool = False,
) -> dict[str, Any]:
    """A healthy fleet: the administrator's GuardDuty is 72 h old everywhere, every member accepts."""
    chosen = regions(size.regions)
    spec: dict[str, Any] = {
        "administrator": {"account_id": ADMIN, "guardduty_age_hours": dict.fromkeys(chosen, 72)},
        "regions": chosen,
        "member_role": MEMBER_ROLE,
        "members": members(size.accounts),
        "latency_ms": latency_ms * clock_speed,
        "throttle_rate": throttle_rate,
        "seed": seed,
    }
    if with_csv:
        spec["s3_objects"] = {f"s3://{CSV_BUCKET}/{CSV_KEY}": accounts_csv(size.accounts)}
    return spec


def execution_input(size: Size, *, with_csv: bool, **options: Any) -> dict[str, Any]:
    """The enable input: the account list itself (small), or a reference to the CSV (large)."""
    accounts: dict[str, Any] = (
        {"accounts_csv": f"s3://{CSV_BUCKET}/{CSV_KEY}"}
        if with_csv
        else {"accounts": [{"account_id": m["account_id"], "email": m["email"]} for m in members(size.accounts)]}
    )
    return {**accounts, "regions": regions(size.regions), **{k: v for k, v in options.items() if v is not None}}


def critical_path_s(size: Size, latency_ms: float, invitation_wait_s: float, clock_speed: float) -> float:
    """The lower bound the API allows (issue 8): 2 GuardDuty calls + graph + invites + the scaled propagation
    wait + AssumeRole + accept + verifies, each call one latency, the 50-chunked ones in sequence."""
    chunks = math.ceil(size.accounts / API_CHUNK)
    calls = 2 + 1 + chunks + 1 + 1 + chunks
    return calls * latency_ms / 1000 + invitation_wait_s / clock_speed
