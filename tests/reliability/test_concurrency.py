"""Two executions started at once over overlapping accounts: both end with the truth, nothing is corrupted.

Both run on ONE engine over ONE fleet (``LocalEngine.start`` twice, then ``result`` for each), so
their Map iterations interleave on the same graphs, members and invitations as two executions on
AWS would. Every step must be idempotent against the other run's writes.
"""

from __future__ import annotations

import pytest

from detective_rollout.clocks import InstantClock
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
    # (Both runs may call CreateGraph in a Region: the second gets the first one's ARN, as the API reference says.)
    for region in spec["regions"]:
        named = {r["graph_arn"] for ran in runs for r in ran.run.report["regions"] if r["region"] == region}
        assert named == {fleet.graph_arn(region)} and None not in named
        for m in MEMBERS:
            found = fleet.member(region, m["account_id"])
            assert found is not None and (found.status, found.email) == ("ENABLED", m["email"])
    # And each report is its own: the reports name their execution, and no row crossed over.
    assert [ran.run.report["execution"] for ran in runs] == ["overlap-a", "overlap-b"]


def test_an_account_another_execution_invited_meanwhile_is_taken_as_invited_not_as_an_error() -> None:
    """The race the end-to-end runs rarely hit: CreateMembers finds the account already invited by the other run."""
    import boto3

    from tasks.invite_members import invite_members
    from tasks.plan import Account, Plan

    spec = scenario(MEMBERS[:2], regions=["us-east-1"], administrator={"existing_graph_regions": ["us-east-1"]})
    fleet = Fleet(load_scenario(spec), InstantClock())
    accounts = tuple(Account(m["account_id"], m["email"], ("us-east-1",)) for m in MEMBERS[:2])
    plan = Plan("enable", "race-1", "111111111111", ("us-east-1",), accounts, 10, 10, False, "2026-01-01T00:00:00Z")
    with fleet.intercept():
        detective = boto3.client("detective", region_name="us-east-1")
        graph_arn = fleet.graph_arn("us-east-1")
        other = MEMBERS[1]
        detective.create_members(
            GraphArn=graph_arn,  # the other execution, between our ListMembers and CreateMembers
            Accounts=[{"AccountId": other["account_id"], "EmailAddress": other["email"]}],
        )
        records = invite_members(detective, plan, "us-east-1", graph_arn, new_graph=True)

    mine, theirs = records[MEMBERS[0]["account_id"]], records[other["account_id"]]
    assert (mine.action, mine.changed, mine.expect_invitation, mine.error) == ("invite", True, True, None)
    assert (theirs.action, theirs.changed, theirs.expect_invitation, theirs.error) == ("none", False, True, None)
    assert theirs.member_status in {"VERIFICATION_IN_PROGRESS", "INVITED"}
