"""The disable machine's Step Functions bounds at 1,200 accounts x 21 Regions, as tests/scale/test_scale_bounds.py
measures the enable machine's.

The disable machine has the enable machine's shape: RemoveMembers and DeleteGraph handle every
Region in one invocation, DisassociateMemberships one batch of accounts per Map iteration. So the
states executed grow with account batches only, and an offboarding with the SAME batches and
Regions as 1,200 x 21 - 120 accounts in batches of one, ENABLED in 21 Regions, every option on
(the member side and the confirmed graph deletion) - executes the same states and records the
same history as the full run. Its largest payload is the validation summary and the per-Region
outcome lists, which do not grow with accounts beyond the digits of their counts.
"""

from __future__ import annotations

import pytest

from detective_rollout.bench.fleet import ADMIN, Size, regions, scenario
from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.local import LocalRun, run_local
from tests.scale.test_scale_bounds import (
    BATCHES,
    LARGE,
    MAX_HISTORY_EVENTS,
    MAX_PAYLOAD_BYTES,
    MAX_TRANSITIONS_PER_PAIR,
)

#: Executed on a clean run with every option whatever the size: ValidateOffboarding, RemoveMembers,
#: MemberSideRequested, DisassociateBatches, GraphDeletionRequested, DeleteGraph, WriteReport,
#: PublishSummary, PutSummaryEvent, AnyFailed, Done - plus one state per batch.
FIXED_STATES = 11
#: Measured on this run: history events and the largest payload (WriteReport's input: the state with both
#: per-Region outcome lists and the 120 batch results).
MEASURED = {"history_events": 884, "max_payload_bytes": 16859}


@pytest.fixture(scope="module")
def offboarding() -> LocalRun:
    size = Size(BATCHES, LARGE.regions)
    spec = scenario(size, latency_ms=0, clock_speed=1)
    for member in spec["members"]:
        member["existing_membership"] = dict.fromkeys(regions(size.regions), "ENABLED")
    clock = InstantClock()
    body = {
        "all_members": True,
        "regions": regions(size.regions),
        "batch_size": 1,
        "disassociate_in_member": True,
        "delete_graph": True,
        "confirm_delete_graph": ADMIN,
    }
    return run_local(spec, "disable", body, clock=clock, fleet=Fleet(load_scenario(spec), clock), name="scale-disable")


def test_the_offboarding_removes_every_pair_and_deletes_every_graph(offboarding: LocalRun) -> None:
    assert offboarding.result.status == "SUCCEEDED", (offboarding.result.error, offboarding.result.cause)
    assert offboarding.report is not None
    assert offboarding.report["summary"] == {"total": BATCHES * LARGE.regions, "REMOVED": BATCHES * LARGE.regions}
    assert all(r["graph_deleted"] for r in offboarding.report["regions"])
    assert offboarding.result.invocations == {
        "ValidateOffboarding": 1,
        "RemoveMembers": 1,
        "DisassociateMemberships": BATCHES,
        "DeleteGraph": 1,
        "WriteReport": 1,
    }


def test_states_grow_with_batches_only(offboarding: LocalRun) -> None:
    assert offboarding.result.transitions == FIXED_STATES + BATCHES
    assert offboarding.result.transitions / LARGE.pairs <= MAX_TRANSITIONS_PER_PAIR


def test_history_events_at_1200_x_21(offboarding: LocalRun) -> None:
    assert offboarding.result.history_events == MEASURED["history_events"]
    assert offboarding.result.history_events <= MAX_HISTORY_EVENTS


def test_largest_payload_at_1200_x_21(offboarding: LocalRun) -> None:
    assert offboarding.result.max_payload_bytes == MEASURED["max_payload_bytes"]
    # At 1,200 accounts each batch's and each Region's counts have at most one more digit (or a second key).
    full_run_bound = offboarding.result.max_payload_bytes + 20 * (BATCHES + LARGE.regions)
    assert full_run_bound <= MAX_PAYLOAD_BYTES
