"""The disable workflow's fault matrix (tests/reliability/disable_catalog.py), on the real ASL over the emulated fleet.

For every fault: the offboarding ends in bounded time; every requested account x Region is reported
exactly once; every row agrees with the administrator's graph (REMOVED: no longer a member; FAILED:
still one); the rows are those the catalog (and docs/reliability.md) states; and once the fault is
removed, running the same offboarding again leaves no requested account a member and no graph that
was to be deleted.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.local import LocalRun, run_local
from tests.helpers.workflow import ids, member, rows_by_pair
from tests.reliability.catalog import MEMBERS, REGIONS, FaultCase
from tests.reliability.disable_catalog import BATCH_SIZE, DISABLE_FAULTS
from tests.reliability.harness import CLOCK_LIMIT_H, WALL_LIMIT_S, without_faults

ACCOUNTS = [member(n)["account_id"] for n in range(1, MEMBERS + 1)]
REQUESTED = {(a, r) for a in ACCOUNTS for r in REGIONS}


def offboard(spec: dict[str, Any], fleet: Fleet, name: str, fields: dict[str, Any]) -> LocalRun:
    began, wall = fleet.clock.now(), time.monotonic()
    scope = {} if fields.get("all_members") else {"accounts": ids(*range(1, MEMBERS + 1))}
    execution_input = {"regions": list(REGIONS), "batch_size": BATCH_SIZE, **scope, **fields}
    run = run_local(spec, "disable", execution_input, clock=fleet.clock, fleet=fleet, name=name)
    assert time.monotonic() - wall < WALL_LIMIT_S
    assert (fleet.clock.now() - began).total_seconds() < CLOCK_LIMIT_H * 3600
    return run


def ending(run: LocalRun) -> str:
    return "SUCCEEDED" if run.result.status == "SUCCEEDED" else str(run.result.error)


def row_counts(run: LocalRun) -> dict[str, int]:
    return dict(
        Counter(f"{r['status']}/{r['reason']}" if r["reason"] else r["status"] for r in rows_by_pair(run).values())
    )


def check_truthful(run: LocalRun) -> None:
    """Every requested pair once, and each row as the fleet is: REMOVED is gone, FAILED still a member."""
    assert run.report is not None
    rows = rows_by_pair(run)
    assert set(rows) == REQUESTED and len(run.report["results"]) == len(REQUESTED)
    summary = run.report["summary"]
    assert summary["total"] == len(REQUESTED) == sum(v for k, v in summary.items() if k != "total")
    for (account_id, region), row in rows.items():
        still = run.fleet.member(region, account_id) is not None
        if row["status"] in ("REMOVED", "NOT_A_MEMBER"):
            assert not still, f"{account_id} {region}: reported {row['status']} but still a member"
        elif row["status"] == "FAILED":
            assert still, f"{account_id} {region}: reported FAILED but no longer a member"
            assert row["detail"], row


def graphs_left(run: LocalRun) -> list[str]:
    return [r for r in REGIONS if run.fleet.graph_arn(r) is not None]


@pytest.mark.parametrize("case", DISABLE_FAULTS, ids=[c.id for c in DISABLE_FAULTS])
def test_offboarding_fault_loses_no_pair_reports_the_truth_and_a_rerun_converges(case: FaultCase) -> None:
    fleet = Fleet(load_scenario(case.spec), InstantClock())
    run = offboard(case.spec, fleet, "offboard-1", case.fields)
    assert ending(run) == case.ending, (run.result.error, run.result.cause)
    if run.report is None:  # failed before validation: nothing known, nothing written
        assert case.rows == {} and fleet.mutating_calls() == []
    else:
        check_truthful(run)
        assert row_counts(run) == case.rows
        failed_regions = {r["region"]: r["reason"] for r in run.report["regions"] if r["status"] == "FAILED"}
        if case.ending == "OffboardingIncomplete":
            assert failed_regions or run.report["summary"].get("FAILED")
        if case.fields.get("delete_graph"):  # each graph is gone, or its Region says why not
            assert set(graphs_left(run)) == {r for r, why in failed_regions.items() if why == "GRAPH_NOT_DELETED"}
    rerun = offboard(case.spec, without_faults(fleet, case.spec), "offboard-2", case.fields)
    assert ending(rerun) == "SUCCEEDED", (rerun.result.error, rerun.result.cause)
    assert [a for a in ACCOUNTS for r in REGIONS if rerun.fleet.member(r, a) is not None] == []
    if case.fields.get("delete_graph"):
        assert graphs_left(rerun) == []
    changed = sum(1 for row in rows_by_pair(rerun).values() if row["changed"])
    assert changed == case.replayed, "the rerun changes exactly what the first run left undone"
