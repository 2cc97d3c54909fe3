"""State AcceptInvitations over the emulated fleet: one batch's accounts accept in every Region they were invited in.

The batch reads its slice (InviteMembers' targets/<batch>.json) and records accept/<batch>.json; one account's
trouble (no role, an invitation not visible yet, a Region it has not enabled) never touches another's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from tasks import clock, errors
from tasks.accept_invitations import accept_batch
from tasks.aws import Aws
from tasks.member import Target
from tasks.plan import Account, Plan
from tests.helpers.states import REGIONS, EnableStates, member

Start = Callable[..., EnableStates]
A1, A2, A3 = (member(n)["account_id"] for n in (1, 2, 3))


def invited(states: EnableStates, **fields: Any) -> dict[str, Any]:
    """The run summary after InviteMembers, with the invitations given a minute to reach the members."""
    run = states.validate(**fields)
    states.prepare(run, until="AcceptInvitations")
    states.fleet.clock.sleep(60)
    states.since = len(states.fleet.calls)
    return run


def outcomes(states: EnableStates, batch: int, account_id: str) -> dict[str, str]:
    regions = states.work(f"accept/{batch}.json")["accounts"][account_id]["regions"]
    return {region: record["outcome"] for region, record in regions.items()}


def test_every_account_of_the_batch_accepts_in_every_region_and_only_that_batch(enable_states: Start) -> None:
    states = enable_states([member(1), member(2), member(3)])
    run = invited(states, batch_size=2)
    output = states.accept(run, 0)
    assert output == {"batch": 0, "accounts": 2, "counts": {"ACCEPTED": 4}}
    for region in REGIONS:
        assert states.fleet.member(region, A1).status == "ENABLED"
        assert states.fleet.member(region, A2).status == "ENABLED"
        assert states.fleet.member(region, A3).status == "INVITED"  # batch 1's account
    assert outcomes(states, 0, A1) == dict.fromkeys(REGIONS, "ACCEPTED")
    assumed = [c.account_id for c in states.fleet.calls[states.since :] if c.operation == "AssumeRole"]
    assert sorted(assumed) == [states.fleet.scenario.administrator.account_id] * 2  # one AssumeRole per account


def test_an_account_without_its_role_is_access_denied_and_the_others_still_accept(enable_states: Start) -> None:
    states = enable_states([member(1), member(2, faults=["no_role"])])
    run = invited(states)
    output = states.accept(run, 0)
    assert output["counts"] == {"ACCEPTED": 2, "ACCESS_DENIED": 2}
    assert outcomes(states, 0, A2) == dict.fromkeys(REGIONS, "ACCESS_DENIED")
    assert {states.fleet.member(r, A1).status for r in REGIONS} == {"ENABLED"}
    assert {states.fleet.member(r, A2).status for r in REGIONS} == {"INVITED"}


def test_a_role_missing_within_the_window_is_recorded_pending_for_accept_pending_roles(
    enable_states: Start,
) -> None:
    late_role = {"type": "no_role", "duration_s": 90}
    states = enable_states([member(1), member(2, faults=[late_role])])
    run = invited(states, retry_access_denied_minutes=30)
    output = states.accept(run, 0)
    assert output["counts"] == {"ACCEPTED": 2, "PENDING_ACCESS": 2}
    assert outcomes(states, 0, A2) == dict.fromkeys(REGIONS, "PENDING_ACCESS")
    assert {states.fleet.member(r, A2).status for r in REGIONS} == {"INVITED"}  # tried again later, not here


def test_an_invitation_not_visible_yet_is_recorded_as_not_visible(enable_states: Start) -> None:
    slow = {"type": "slow_invitation", "duration_s": 3600}
    states = enable_states([member(1, faults=[slow])])
    run = invited(states, regions=["us-east-1"])
    output = states.accept(run, 0)
    assert output["counts"] == {"NOT_VISIBLE": 1}
    assert states.fleet.member("us-east-1", A1).status == "INVITED"


def test_a_dry_run_plans_the_acceptance_and_changes_nothing(enable_states: Start) -> None:
    states = enable_states([member(1)])
    run = invited(states, dry_run=True)
    output = states.accept(run, 0)
    assert output["counts"] == {"PLANNED": 2}
    assert [c for c in states.fleet.calls[states.since :] if c.mutating] == []


class Denied:
    """An administrator whose AssumeRole into every member role is AccessDenied (and Organizations says nothing)."""

    def assume_role(self, *_: Any) -> Aws:
        raise errors.AccessDenied("AccessDenied: not authorized to perform: sts:AssumeRole", code="AccessDenied")

    def client(self, *_: Any) -> Any:
        raise errors.AccessDenied("AccessDenied: organizations", code="AccessDeniedException")


def test_a_denied_role_is_access_denied_where_invited_but_no_member_role_where_an_organization_account() -> None:
    account = Account(A1, "m1@example.com", REGIONS)
    plan = Plan("enable", "x", "111111111111", REGIONS, (account,), 50, 1, False, "2026-01-01T00:00:00Z")
    targets = {A1: [Target(REGIONS[0], "arn:graph:0"), Target(REGIONS[1], "arn:graph:1", organization=True)]}
    results, retry_at = accept_batch(cast(Aws, Denied()), plan, (account,), targets, "Role", None, clock.now())
    records = results[A1]["regions"]
    assert records[REGIONS[0]]["outcome"] == "ACCESS_DENIED"
    organization = records[REGIONS[1]]
    assert organization["outcome"] == "ORGANIZATION" and organization["guardduty_error"] is not None
    assert organization["guardduty_error"].startswith("organization account: it has no member role")
    assert retry_at is None
