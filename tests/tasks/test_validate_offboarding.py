"""State ValidateOffboarding over the emulated fleet: who leaves, where, whether graphs may go - before any write."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tasks import errors
from tests.helpers.states import REGIONS, DisableStates, member
from tests.helpers.tasks import REPORTS

Start = Callable[..., DisableStates]
ADMIN = "111111111111"
A1, A2 = (member(n)["account_id"] for n in (1, 2))


def written(states: DisableStates) -> list[str]:
    return [o["Key"] for o in states.s3.list_objects_v2(Bucket=REPORTS).get("Contents", [])]


def test_listed_accounts_are_planned_in_every_requested_region_and_the_plan_is_stored(disable_states: Start) -> None:
    states = disable_states([member(1), member(2)])
    run = states.validate(accounts=[{"account_id": A1}, {"account_id": A2}], batch_size=1)
    assert (run["workflow"], run["regions"], run["batches"], run["pair_count"]) == (
        "disable",
        sorted(REGIONS),
        [0, 1],
        4,
    )
    assert "work/disable/off-1/request.json" in written(states)
    assert states.work("request.json")["accounts"][0]["account_id"] == A1


def test_all_members_plans_every_current_member_of_each_regions_graph(disable_states: Start) -> None:
    states = disable_states(
        [
            member(1, existing_membership=dict.fromkeys(REGIONS, "ENABLED")),
            member(2, existing_membership={"us-east-1": "INVITED"}),
        ]
    )
    run = states.validate(all_members=True)
    accounts = {a["account_id"]: sorted(a["regions"]) for a in states.work("request.json")["accounts"]}
    assert accounts == {A1: sorted(REGIONS), A2: ["us-east-1"]}
    assert run["pair_count"] == 3 and states.fleet.mutating_calls() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"accounts": [{"account_id": A1}], "delete_graph": True}, 'delete_graph: needs "all_members": true'),
        ({"all_members": True, "delete_graph": True, "confirm_delete_graph": "999999999999"}, "confirm_delete_graph"),
        ({}, "accounts, accounts_csv, all_members: one of them is required"),
        ({"all_members": True, "accounts": [{"account_id": A1}]}, "all_members: give accounts / accounts_csv or"),
    ],
    ids=["delete-with-a-subset", "wrong-confirmation", "nobody", "both"],
)
def test_an_unsafe_or_unclear_request_is_refused_before_any_write(
    disable_states: Start, fields: dict[str, object], message: str
) -> None:
    states = disable_states([member(1, existing_membership={"us-east-1": "ENABLED"})])
    with pytest.raises(errors.InvalidInput) as raised:
        states.validate(**fields)
    assert message in raised.value.message
    assert written(states) == [] and states.fleet.mutating_calls() == []


def test_a_confirmed_graph_deletion_is_planned(disable_states: Start) -> None:
    states = disable_states([member(1, existing_membership={"us-east-1": "ENABLED"})])
    run = states.validate(all_members=True, delete_graph=True, confirm_delete_graph=ADMIN)
    assert run["delete_graph"] is True and run["all_members"] is True
