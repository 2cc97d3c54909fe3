"""The operator-command tests: a small fleet with one fixable fault, and a CLI runner.

The fleet has three members in two Regions; ``333333333333`` has no member role (AccessDenied),
the fault an operator fixes by deploying the role - here, by editing it out of the scenario file.
The Factory never sleeps, so every command runs on the instant clock and returns at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from detective_rollout.cli import main
from detective_rollout.ops.factory import Factory

ADMIN = "111111111111"
REGIONS = ["us-east-1", "eu-west-1"]
HEALTHY = ["222222222222", "444444444444"]
FAULTY = "333333333333"
EMAILS = {"222222222222": "alpha@example.com", FAULTY: "bravo@example.com", "444444444444": "charlie@example.com"}


def scenario_dict(fault: Any = "no_role", **overrides: Any) -> dict[str, Any]:
    """The test fleet; ``fault=None`` is the same fleet after the operator fixed the member role."""
    members: list[dict[str, Any]] = [{"account_id": a, "email": e} for a, e in EMAILS.items()]
    if fault is not None:
        members[1]["faults"] = [fault]
    return {
        "administrator": {"account_id": ADMIN, "guardduty_age_hours": dict.fromkeys(REGIONS, 72)},
        "regions": REGIONS,
        "member_role": "DetectiveMemberRole",
        "members": members,
        "seed": 3,
        **overrides,
    }


def write_scenario(path: Path, **kwargs: Any) -> Path:
    path.write_text(json.dumps(scenario_dict(**kwargs), indent=1))
    return path


def no_sleep(_seconds: float) -> None:
    """The Factory's sleep in tests: polls follow each other at once."""


Cli = Callable[..., Result]


def make_cli(factory: Factory | None = None) -> Cli:
    """``cli("status", "--json")``: invoke the CLI in-process with ``factory`` (default: never sleeps)."""
    chosen = factory or Factory(sleep=no_sleep)

    def invoke(*args: Any) -> Result:
        return CliRunner().invoke(main, [str(a) for a in args], obj=chosen, catch_exceptions=False)

    return invoke


def sample_report(**overrides: Any) -> dict[str, Any]:
    """A report as the enable workflow writes it: one FAILED pair per Region for the faulty account."""
    rows = []
    for account in EMAILS:
        for region in REGIONS:
            failed = account == FAULTY
            rows.append(
                {
                    "account_id": account,
                    "region": region,
                    "status": "FAILED" if failed else "ENABLED",
                    "member_status": "INVITED" if failed else "ENABLED",
                    "reason": "ACCESS_DENIED" if failed else None,
                    "detail": "AssumeRole failed: AccessDenied <role missing>" if failed else None,
                    "changed": True,
                }
            )
    return {
        "workflow": "enable",
        "execution": "enable-0123456789ab",
        "started_at": "2026-01-01T00:00:00Z",
        "finished_at": "2026-01-01T00:10:00Z",
        "request": {
            "source": "cli",
            "input": {"accounts": [{"account_id": a, "email": e} for a, e in EMAILS.items()], "regions": REGIONS},
            "version": "0.1.0",
            "replay_of": None,
        },
        "summary": {"total": 6, "ENABLED": 4, "FAILED": 2},
        "regions": [
            {
                "region": r,
                "graph_arn": f"arn:aws:detective:{r}:{ADMIN}:graph:abc",
                "guardduty_age_hours": 72.0,
                "status": "READY",
                "reason": None,
            }
            for r in REGIONS
        ],
        "results": rows,
        **overrides,
    }
