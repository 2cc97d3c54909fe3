"""Property: over random small fleets and random fault schedules, nothing is lost, rows are true, replays converge.

Hypothesis draws a fleet (1-4 accounts x 1-2 Regions, an opt-in Region among them), per-account
faults, fleet-wide throttle/5xx rates, scenario events (error bursts, a role removed, a graph
deleted, a Region disabled) and Lambda faults; the harness runs the real ASL and checks the
invariant of tests/reliability/harness.py. The default run is a few derandomized (seeded)
examples; ``-m soak`` runs many more.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.catalog import ENABLE_TASKS
from tests.reliability.harness import check_invariant, member, replay_converges, run_enable, scenario

REGION_POOL = ("us-east-1", "eu-west-1", "ap-east-1")
OPT_IN = "ap-east-1"

MEMBER_FAULTS = st.one_of(
    st.sampled_from(["no_role", "untrusted_role", "volume_too_high", "verification_fails"]),
    st.builds(lambda d: {"type": "slow_invitation", "duration_s": d}, st.sampled_from([30, 120, 86400])),
    st.builds(
        lambda ops, rate: {"type": "throttle", "ops": ops, "rate": rate},
        st.sampled_from([["AcceptInvitation", "ListInvitations"], ["AssumeRole"], ["CreateMembers"]]),
        st.sampled_from([0.3, 1.0]),
    ),
)
LAMBDA_FAULTS = st.builds(
    lambda task, error, times: {"task": task, "error": error, "times": times},
    st.sampled_from(ENABLE_TASKS[1:]),  # a ValidateInput crash has its own matrix row (no report by design)
    st.sampled_from(["crash", "Lambda.ServiceException", "Lambda.TooManyRequestsException"]),
    st.integers(1, 2),
)


@st.composite
def fleets(draw: st.DrawFn) -> dict[str, Any]:
    """A scenario with a random fault schedule (every fault one an operator can fix, so a replay can converge)."""
    regions = draw(st.lists(st.sampled_from(REGION_POOL), min_size=1, max_size=2, unique=True))
    count = draw(st.integers(1, 4))
    members = [member(n, faults=draw(st.lists(MEMBER_FAULTS, max_size=2))) for n in range(1, count + 1)]
    ids = [m["account_id"] for m in members]
    early = st.integers(0, 30)  # clock seconds: before the verification, which starts after a 60 s Wait
    events = draw(
        st.lists(
            st.one_of(
                st.builds(
                    lambda after, calls: {"type": "error_burst", "after_calls": after, "calls": calls},
                    st.integers(0, 80),
                    st.integers(1, 30),
                ),
                st.builds(
                    lambda account, after: {"type": "role_removed", "account_id": account, "after_s": after},
                    st.sampled_from(ids),
                    early,
                ),
                st.builds(
                    lambda region, after: {"type": "graph_deleted", "region": region, "after_s": after},
                    st.sampled_from(regions),
                    early,
                ),
                *(
                    [st.builds(lambda after: {"type": "region_disabled", "region": OPT_IN, "after_s": after}, early)]
                    if OPT_IN in regions
                    else []
                ),
            ),
            max_size=2,
        )
    )
    return scenario(
        members,
        regions=regions,
        administrator={"guardduty_age_hours": dict.fromkeys(REGION_POOL, 72)},
        throttle_rate=draw(st.sampled_from([0.0, 0.1, 0.3])),
        error_rate=draw(st.sampled_from([0.0, 0.1])),
        events=events,
        lambda_faults=draw(st.lists(LAMBDA_FAULTS, max_size=2)),
        seed=draw(st.integers(0, 2**16)),
    )


def check_fleet(spec: dict[str, Any]) -> None:
    ran = run_enable(spec, batch_size=2)
    check_invariant(ran)
    replay_converges(ran, spec, batch_size=2)


@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(spec=fleets())
def test_random_fleet_and_fault_schedule_loses_nothing_and_replays_to_enabled(spec: dict[str, Any]) -> None:
    check_fleet(spec)


@pytest.mark.soak
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spec=fleets())
def test_soak_random_fleet_and_fault_schedule_loses_nothing_and_replays_to_enabled(spec: dict[str, Any]) -> None:
    check_fleet(spec)
