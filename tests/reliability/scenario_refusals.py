"""Issue 16 item 3's scenario values, refused by the CLI: exit 2, one line naming the field and value, nothing written.

tests/emulator/test_emulator_scenario.py checks :func:`~detective_rollout.emulator.load_scenario`'s
messages; these entries of :data:`tests.reliability.refusal_catalog.REFUSALS` run the command the
issue ran (``enable --local BAD.json --state-dir DIR``), so a refused scenario is also a usage exit
with no traceback, no state dir created and no fleet call.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.helpers.workflow import member, scenario

#: (the bad value in words, the change to the small fleet, the message after ``scenario FILE: ``).
BAD_SCENARIOS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("`latency_ms` NaN", lambda s: s.update(latency_ms=float("nan")), "latency_ms: expected a finite number, got nan"),
    (
        "`latency_ms` Infinity",
        lambda s: s.update(latency_ms=float("inf")),
        "latency_ms: expected a finite number, got inf",
    ),
    ("`latency_ms` 1e300", lambda s: s.update(latency_ms=1e300), "latency_ms: expected a number <= 60000, got 1e+300"),
    ("`seed` NaN", lambda s: s.update(seed=float("nan")), "seed: expected a finite number, got nan"),
    ("`seed` Infinity", lambda s: s.update(seed=float("inf")), "seed: expected a finite number, got inf"),
    (
        "an administrator id of non-ASCII digits",
        lambda s: s["administrator"].update(account_id="\u0661" * 12),
        "administrator.account_id: expected 12 digits, got '" + "\u0661" * 12 + "'",
    ),
    (
        '`"regions": ["us-east-1\\n"]`',
        lambda s: s.update(regions=["us-east-1\n"]),
        "regions[0]: expected a Region name, got 'us-east-1\\n'",
    ),
    (
        "`guardduty_age_hours` 1e300",
        lambda s: s["administrator"].update(guardduty_age_hours={"us-east-1": 1e300}),
        "administrator.guardduty_age_hours.us-east-1: expected a number <= 87600, got 1e+300",
    ),
    (
        "event `after_s` 1e300",
        lambda s: s.update(events=[{"type": "graph_deleted", "region": "us-east-1", "after_s": 1e300}]),
        "events[0].after_s: expected a number <= 315360000, got 1e+300",
    ),
    (
        "a `lambda_faults` task that does not exist",
        lambda s: s.update(lambda_faults=[{"task": "AcceptInvitation", "error": "Runtime.ExitError"}]),
        "lambda_faults[0].task: unknown value 'AcceptInvitation' (expected one of AcceptInvitations,",
    ),
    (
        "a fault `ops` name that does not exist",
        lambda s: s["members"][0].update(faults=[{"type": "throttle", "ops": ["AcceptInvitations"]}]),
        "members[0].faults[0].ops[0]: 'AcceptInvitations' is not an operation of detective, guardduty, sts,",
    ),
]


def bad_scenario(change: Callable[[dict[str, Any]], None]) -> bytes:
    """The issue's small fleet (three members, GuardDuty 72 h in both Regions) with ``change`` applied, as JSON text."""
    spec = scenario([member(1), member(2), member(3)])
    change(spec)
    return json.dumps(spec).encode()  # NaN and Infinity as the JSON tokens a hand-written file would hold
