"""State DisassociateMemberships over the emulated fleet: each account of a batch leaves the graph from its own side.

An ENABLED membership is left (DisassociateMembership), a pending invitation declined (RejectInvitation); the
administrator having already removed the member leaves nothing to do; a role that cannot be assumed is that
account's record only.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.helpers.states import REGIONS, DisableStates, member

Start = Callable[..., DisableStates]
A1, A2, A3 = (member(n)["account_id"] for n in (1, 2, 3))
MEMBERSHIPS = {"us-east-1": "ENABLED", "eu-west-1": "INVITED"}


def outcomes(states: DisableStates, batch: int = 0) -> dict[str, dict[str, str]]:
    accounts = states.work(f"disassociate/{batch}.json")["accounts"]
    return {a: {r: rec["outcome"] for r, rec in found.get("regions", {}).items()} for a, found in accounts.items()}


def planned(states: DisableStates, *accounts: str, **fields: object) -> dict[str, object]:
    return states.validate(accounts=[{"account_id": a} for a in accounts], disassociate_in_member=True, **fields)


def test_members_leave_an_enabled_membership_and_decline_a_pending_invitation(disable_states: Start) -> None:
    states = disable_states([member(1, existing_membership=MEMBERSHIPS)])
    run = planned(states, A1)
    states.mark()
    output = states.disassociate(run, 0)
    assert output == {"batch": 0, "accounts": 1, "counts": {"DISASSOCIATED": 1, "REJECTED": 1}}
    assert outcomes(states) == {A1: {"us-east-1": "DISASSOCIATED", "eu-west-1": "REJECTED"}}
    assert sorted(op for op, account, _ in states.writes() if account == A1) == [
        "DisassociateMembership",
        "RejectInvitation",
    ]
    assert all(states.fleet.member(region, A1) is None for region in REGIONS)


def test_after_the_administrator_removed_them_members_have_nothing_to_leave(disable_states: Start) -> None:
    states = disable_states([member(1, existing_membership=MEMBERSHIPS)])
    run = planned(states, A1)
    states.remove(run)
    states.mark()
    output = states.disassociate(run, 0)
    assert output["counts"] == {"NO_MEMBERSHIP": 2} and states.writes() == []


def test_an_account_without_its_role_fails_alone(disable_states: Start) -> None:
    states = disable_states(
        [member(1, existing_membership=MEMBERSHIPS), member(2, existing_membership=MEMBERSHIPS, faults=["no_role"])]
    )
    run = planned(states, A1, A2)
    output = states.disassociate(run, 0)
    assert outcomes(states)[A2] == dict.fromkeys(REGIONS, "ACCESS_DENIED")
    assert outcomes(states)[A1] == {"us-east-1": "DISASSOCIATED", "eu-west-1": "REJECTED"}
    assert output["counts"]["ACCESS_DENIED"] == 2


def test_each_batch_works_on_its_own_accounts_only(disable_states: Start) -> None:
    members = [member(n, existing_membership={"us-east-1": "ENABLED"}) for n in (1, 2, 3)]
    states = disable_states(members)
    run = planned(states, A1, A2, A3, batch_size=2, regions=["us-east-1"])
    states.disassociate(run, 1)
    assert sorted(outcomes(states, 1)) == [A3]
    assert states.fleet.member("us-east-1", A3) is None and states.fleet.member("us-east-1", A1) is not None


def test_a_dry_run_plans_and_changes_nothing(disable_states: Start) -> None:
    states = disable_states([member(1, existing_membership=MEMBERSHIPS)])
    run = planned(states, A1, dry_run=True)
    states.mark()
    states.disassociate(run, 0)
    assert states.writes() == [] and set(outcomes(states)[A1].values()) == {"PLANNED"}
