"""The fault matrix: each fault of tests/reliability/catalog.py, seeded, on the real ASL over the emulated fleet.

For every fault: the execution ends in bounded time, every requested account x Region is reported
exactly once and truthfully, the rows are the ones the catalog (and so docs/reliability.md) states,
and a replay once the fault is removed converges to every pair ENABLED.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.reliability.catalog import BATCH_SIZE, FAULTS, FaultCase
from tests.reliability.harness import Ran, check_invariant, replay_converges, run_enable

THROTTLING = {"TooManyRequestsException", "ThrottlingException", "Throttling"}
SERVER_ERRORS = {"InternalServerException", "InternalServerErrorException", "InternalFailure"}


def row_counts(ran: Ran) -> dict[str, int]:
    counts = Counter(f"{r['status']}/{r['reason']}" if r["reason"] else r["status"] for r in ran.rows.values())
    return dict(counts)


def ending(ran: Ran) -> str:
    result = ran.run.result
    return "SUCCEEDED" if result.status == "SUCCEEDED" else str(result.error)


def check_fault_was_injected(case: FaultCase, ran: Ran) -> None:
    """A fault that never fired proves nothing: make sure each one really met the workflow."""
    errors = Counter(c.error for c in ran.fleet.calls if c.error)
    spec: dict[str, Any] = case.spec
    if spec.get("throttle_rate"):
        services = {c.service for c in ran.fleet.calls if c.error in THROTTLING}
        assert {"detective", "sts"} <= services, f"throttling never hit {services}"
    if spec.get("error_rate") or any(e["type"] == "error_burst" for e in spec.get("events", [])):
        assert SERVER_ERRORS & set(errors), errors
    faults = [f if isinstance(f, str) else f["type"] for m in spec["members"] for f in m.get("faults", [])]
    if "no_role" in faults or any(e["type"] == "role_removed" for e in spec.get("events", [])):
        assert errors["AccessDenied"], "AssumeRole was never denied"
    expected_errors = {"graph_deleted": "ResourceNotFoundException", "region_disabled": "UnrecognizedClientException"}
    for event in spec.get("events", []):
        if event["type"] in expected_errors and event.get("after_calls") != 0:  # at 0 ListRegions already says so
            assert errors[expected_errors[event["type"]]], f"{event['type']} never met the workflow: {errors}"
    if spec.get("lambda_faults"):
        task = spec["lambda_faults"][0]["task"]
        expected = sum(f.get("times", 1) for f in spec["lambda_faults"])
        assert ran.run.result.invocations.get(task, 0) >= expected, ran.run.result.invocations


@pytest.mark.parametrize("case", FAULTS, ids=[c.id for c in FAULTS])
def test_fault_loses_no_pair_reports_the_truth_and_a_replay_converges(case: FaultCase) -> None:
    ran = run_enable(case.spec, batch_size=BATCH_SIZE, **case.fields)
    check_fault_was_injected(case, ran)
    assert ending(ran) == case.ending, (ran.run.result.error, ran.run.result.cause)
    if case.ending in ("SUCCEEDED", "RolloutIncomplete"):
        check_invariant(ran)
        assert row_counts(ran) == case.rows
    else:
        # Before validation no pair is known: the execution fails visibly, having written nothing.
        assert ran.run.report is None
        assert ran.fleet.mutating_calls() == []
    replay = replay_converges(ran, case.spec, batch_size=BATCH_SIZE)
    assert len(replay.requested) == case.replayed
