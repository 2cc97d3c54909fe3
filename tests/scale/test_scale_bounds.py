"""Step Functions limits at 1,200 accounts x 21 Regions, from the engine's own counts (issue 8).

A Standard execution may record 25,000 history events and carry 256 KB per state; every state
transition is billed. The enable machine's states grow with account batches only - the
Region-wide states handle every Region in one invocation - so a rollout with the SAME number of
batches and Regions executes the same states as 1,200 x 21: here 120 accounts in batches of one
(120 batches, as 1,200 accounts in the default batches of 10) over 21 Regions, a real rollout on
the engine that takes seconds instead of the minute of the full run. Transitions and history
events must then equal the full run's, and the largest payload may differ only by the digits of
its counts (1,200 vs 120 accounts). ``FULL_RUN`` is the full 1,200 x 21 run that ``make bench``
measured (docs/performance.md): when the machine changes, re-run the bench and update both.
"""

from __future__ import annotations

import pytest

from detective_rollout.bench.fleet import Size, execution_input, scenario
from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.local import LocalRun, run_local

LARGE = Size(1200, 21)
DEFAULT_BATCH_SIZE = 10
BATCHES = LARGE.accounts // DEFAULT_BATCH_SIZE
#: The full run (make bench, docs/performance.md): transitions, history events, largest payload (22,903 bytes
#: measured with `--parts large`: WriteReport's output names the report's HTML page and carries the topic's
#: per-protocol message, and each Region's outcome its organization_admin, datasource_packages and notes).
#: Transitions and events: the bench's 135 and 898 plus RolesMayBePending (one Choice state, two events), which
#: the same-shape run measures exactly as the full run would.
FULL_RUN = {"state_transitions": 136, "max_history_events": 900, "max_payload_bytes": 22903}
#: Issue 8's targets at 1,200 x 21 (well inside AWS's 25,000 history events and 256 KB per state).
MAX_TRANSITIONS_PER_PAIR = 0.01
MAX_HISTORY_EVENTS = 1200
MAX_PAYLOAD_BYTES = 32768
#: Executed on a clean run whatever the size: ValidateInput, CheckGuardDuty, GuardDutyGate, EnsureGraph,
#: InviteMembers, InvitationsSent, WaitForInvitations, AcceptBatches, RolesMayBePending, VerifyMembers,
#: VerificationPending, WriteReport, PublishSummary, PutSummaryEvent, AnyFailed, Done - plus one state per batch.
FIXED_STATES = 16


@pytest.fixture(scope="module")
def same_shape_run() -> LocalRun:
    """A fresh rollout with 1,200 x 21's batches and Regions: 120 accounts in batches of one."""
    size = Size(BATCHES, LARGE.regions)
    spec = scenario(size, latency_ms=0, clock_speed=1, with_csv=True)
    clock = InstantClock()
    fleet = Fleet(load_scenario(spec), clock)
    body = execution_input(size, with_csv=True, batch_size=1)
    return run_local(spec, "enable", body, clock=clock, fleet=fleet, name="scale-shape")


def test_the_run_enables_every_pair(same_shape_run: LocalRun) -> None:
    assert same_shape_run.result.status == "SUCCEEDED", (same_shape_run.result.error, same_shape_run.result.cause)
    assert same_shape_run.report is not None
    assert same_shape_run.report["summary"] == {"total": BATCHES * LARGE.regions, "ENABLED": BATCHES * LARGE.regions}
    assert same_shape_run.result.invocations["AcceptInvitations"] == BATCHES


def test_states_grow_with_batches_only(same_shape_run: LocalRun) -> None:
    assert same_shape_run.result.transitions == FIXED_STATES + BATCHES
    assert same_shape_run.result.transitions == FULL_RUN["state_transitions"]
    assert same_shape_run.result.transitions / LARGE.pairs <= MAX_TRANSITIONS_PER_PAIR


def test_history_events_at_1200_x_21(same_shape_run: LocalRun) -> None:
    assert same_shape_run.result.history_events == FULL_RUN["max_history_events"]
    assert same_shape_run.result.history_events <= MAX_HISTORY_EVENTS


def test_largest_payload_at_1200_x_21(same_shape_run: LocalRun) -> None:
    measured = same_shape_run.result.max_payload_bytes
    # The full run's counts have one more digit (per batch and per Region); nothing else grows with accounts.
    assert FULL_RUN["max_payload_bytes"] - 2 * (BATCHES + LARGE.regions) <= measured <= FULL_RUN["max_payload_bytes"]
    assert measured <= MAX_PAYLOAD_BYTES
