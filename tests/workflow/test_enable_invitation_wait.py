"""How long the enable workflow waits for invitations: ``invitation_wait_seconds`` after the newest was sent.

The wait (WaitForInvitations) ends at InviteMembers' ``visible_at``. What is checked is what a
member sees: when its acceptance happened (the emulator's UpdatedTime) against when its
invitation was sent (InvitedTime), on the instant clock, where only waits move time.
"""

from __future__ import annotations

from datetime import timedelta

from detective_rollout.emulator.state import Member
from detective_rollout.local import LocalRun
from tests.helpers.workflow import Runner, member, rows_by_pair, scenario

REGIONS = ("us-east-1", "eu-west-1")


def _members(run: LocalRun, accounts: list[dict[str, str]]) -> list[Member]:
    found = [run.fleet.member(region, a["account_id"]) for a in accounts for region in REGIONS]
    assert None not in found, f"a membership is missing: {found}"
    return [m for m in found if m is not None]


def test_acceptance_starts_the_wait_after_the_newest_invitation_not_the_oldest(enable: Runner) -> None:
    members = [member(1), member(2, existing_membership={"us-east-1": "INVITED"}), member(3)]
    run = enable(scenario(members), invitation_wait_seconds=300)

    assert {r["status"] for r in rows_by_pair(run).values()} == {"ENABLED"}
    found = _members(run, members)
    newest = max(m.invited_time for m in found)
    assert min(m.updated_time for m in found) >= newest + timedelta(seconds=300)


def test_accounts_invited_long_ago_are_accepted_without_waiting_again(enable: Runner) -> None:
    # Invited a day before the run (the emulator's existing memberships): already visible to members.
    members = [member(n, existing_membership=dict.fromkeys(REGIONS, "INVITED")) for n in (1, 2)]
    run = enable(scenario(members))

    assert {r["status"] for r in rows_by_pair(run).values()} == {"ENABLED"}
    accepted = max(m.updated_time for m in _members(run, members))
    assert accepted - run.fleet.started_at < timedelta(seconds=60)


def test_a_rerun_over_an_enabled_fleet_does_not_wait_for_invitations(enable: Runner) -> None:
    members = [member(1), member(2)]
    spec = scenario(members)
    first = enable(spec)
    assert {r["status"] for r in rows_by_pair(first).values()} == {"ENABLED"}

    before = first.fleet.clock.now()
    rerun = enable(spec, fleet=first.fleet, name="rerun")

    assert rerun.result.status == "SUCCEEDED", (rerun.result.error, rerun.result.cause)
    assert {r["status"] for r in rows_by_pair(rerun).values()} == {"ENABLED"}
    assert rerun.fleet.clock.now() - before < timedelta(seconds=60)
    assert rerun.fleet.mutating_calls() == first.fleet.mutating_calls()  # nothing written the second time
