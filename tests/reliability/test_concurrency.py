"""Two executions started at once over overlapping accounts: both end with the truth, nothing is corrupted.

Both run on ONE engine over ONE fleet (``LocalEngine.start`` twice, then ``result`` for each), so
their Map iterations interleave on the same graphs, members and invitations as two executions on
AWS would. Every step must be idempotent against the other run's writes.
"""

from __future__ import annotations

import pytest

from detective_rollout.clock import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from tests.reliability.harness import check_invariant, enable_input, execute, member, scenario

MEMBERS = [member(n) for n in range(1, 6)]


@pytest.mark.parametrize(
    ("seed", "throttle_rate"),
    [(1, 0.0), (2, 0.0), (3, 0.2)],
    ids=["seed1", "seed2", "seed3-throttled-20pct"],
)
def test_two_executions_started_at_once_over_overlapping_accounts_both_end_with_the_truth(
    seed: int, throttle_rate: float
) -> None:
    spec = scenario(MEMBERS, seed=seed, throttle_rate=throttle_rate)
    fleet = Fleet(load_scenario(spec), InstantClock())
    first = enable_input(MEMBERS[:4], spec["regions"], batch_size=2)  # accounts 1-4
    second = enable_input(MEMBERS[1:], spec["regions"], batch_size=2)  # accounts 2-5: 2-4 overlap

    runs = execute(fleet, [("overlap-a", first), ("overlap-b", second)])

    for ran in runs:
        check_invariant(ran)
        assert {r["status"] for r in ran.rows.values()} == {"ENABLED"}, ran.rows
        assert ran.run.result.status == "SUCCEEDED"
    # Nothing corrupted: one graph per Region, every account a member once, with its own email.
    created = [c for c in fleet.calls if c.operation == "CreateGraph" and c.error is None]
    assert sorted(c.region for c in created) == sorted(spec["regions"])
    for region in spec["regions"]:
        for m in MEMBERS:
            found = fleet.member(region, m["account_id"])
            assert found is not None and (found.status, found.email) == ("ENABLED", m["email"])
    # And each report is its own: the reports name their execution, and no row crossed over.
    assert [ran.run.report["execution"] for ran in runs] == ["overlap-a", "overlap-b"]
