"""The disable tasks' pure functions on cases the end-to-end runs cannot stage: crashes between a write
and its record, races, other administrators' graphs, a Plan that never confirmed graph deletion."""

from __future__ import annotations

from collections.abc import Iterator
from copy import deepcopy
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from tasks import aws, clock, errors
from tasks.aws import Aws, member_role_arn
from tasks.delete_graph import delete_graphs
from tasks.disassociate_memberships import leave_in_region
from tasks.plan import Account, Plan
from tasks.remove_members import remove_members
from tests.helpers.workflow import ADMIN, member, member_in, scenario

REGION = "us-east-1"
GRAPH = f"arn:aws:detective:{REGION}:{ADMIN}:graph:{'a' * 32}"


def plan_for(*numbers: int, **options: Any) -> Plan:
    accounts = tuple(Account(member(n)["account_id"], None, (REGION,)) for n in numbers)
    return Plan(
        "disable",
        "unit",
        ADMIN,
        (REGION,),
        accounts,
        10,
        10,
        False,
        "2026-01-01T00:00:00Z",
        options={"all_members": False, "disassociate_in_member": False, "delete_graph": False, **options},
    )


@pytest.fixture
def fleet_of() -> Iterator[Any]:
    contexts: list[Any] = []
    previous = clock.use(InstantClock())
    aws.reset()  # clients of another test's fleet must not leak in

    def make(*members: dict[str, Any]) -> Fleet:
        fleet = Fleet(load_scenario(scenario(list(members))), InstantClock())
        contexts.append(fleet.intercept())
        contexts[-1].__enter__()
        return fleet

    yield make
    for context in reversed(contexts):
        context.__exit__(None, None, None)
    clock.use(previous)
    aws.reset()


def test_retry_after_a_crash_past_delete_members_still_reports_the_accounts_removed(fleet_of: Any) -> None:
    fleet = fleet_of(member_in(1), member_in(2))
    detective = boto3.client("detective", region_name=REGION)
    stored: list[dict[str, Any]] = []
    remove_members(lambda _: detective, plan_for(1, 2), {}, lambda regions: stored.append(deepcopy(regions)))
    intent = stored[0][REGION]["members"]
    assert {r["outcome"] for r in intent.values()} == {"REMOVING"}  # recorded before DeleteMembers
    outcomes, document = remove_members(lambda _: detective, plan_for(1, 2), stored[0], lambda _: None)
    records = document[REGION]["members"].values()
    assert {(r["outcome"], r["changed"], r["prior_status"]) for r in records} == {("REMOVED", True, "ENABLED")}
    assert outcomes == [
        {
            "region": REGION,
            "status": "DONE",
            "graph_arn": fleet.graph_arn(REGION),
            "accounts": 2,
            "counts": {"REMOVED": 2},
        }
    ]
    assert len([c for c in fleet.calls if c.operation == "DeleteMembers"]) == 1


def test_an_account_delete_members_skips_because_it_left_meanwhile_is_not_a_member() -> None:
    detective = boto3.client("detective", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    gone, stuck = member(1)["account_id"], member(2)["account_id"]
    with Stubber(detective) as stub:
        stub.add_response("list_graphs", {"GraphList": [{"Arn": GRAPH}]})
        stub.add_response(
            "list_members", {"MemberDetails": [{"AccountId": a, "Status": "ENABLED"} for a in (gone, stuck)]}
        )
        stub.add_response(
            "delete_members",
            {
                "UnprocessedAccounts": [
                    {"AccountId": gone, "Reason": "not a member"},
                    {"AccountId": stuck, "Reason": "internal"},
                ]
            },
            {"GraphArn": GRAPH, "AccountIds": [gone, stuck]},
        )
        stub.add_response(
            "get_members", {"MemberDetails": [{"AccountId": stuck, "Status": "ENABLED"}], "UnprocessedAccounts": []}
        )
        _, document = remove_members(lambda _: detective, plan_for(1, 2), {}, lambda _: None)
    records = document[REGION]["members"]
    assert (records[gone]["outcome"], records[gone]["changed"]) == ("NOT_A_MEMBER", False)
    assert (records[stuck]["outcome"], records[stuck]["reason"]) == ("FAILED", "ERROR")
    assert "internal" in (records[stuck]["detail"] or "")


def test_delete_graph_refuses_a_plan_that_did_not_confirm_it_and_calls_nothing(fleet_of: Any) -> None:
    fleet = fleet_of(member_in(1))
    detective = boto3.client("detective", region_name=REGION)
    with pytest.raises(errors.InvalidInput, match="does not confirm"):
        delete_graphs(lambda _: detective, plan_for(1), {}, lambda _: None)
    assert fleet.calls == [] and fleet.graph_arn(REGION)


def test_delete_graph_retried_after_the_graph_is_gone_reports_it_deleted(fleet_of: Any) -> None:
    fleet = fleet_of(member_in(1, {REGION: "ENABLED"}))
    detective = boto3.client("detective", region_name=REGION)
    plan = plan_for(1, all_members=True, delete_graph=True)
    stored: list[dict[str, Any]] = []
    outcomes, first = delete_graphs(lambda _: detective, plan, {}, lambda regions: stored.append(deepcopy(regions)))
    assert stored[0][REGION]["outcome"] == "DELETING"  # recorded before DeleteGraph
    assert first[REGION]["outcome"] == "DELETED" and first[REGION]["members"] == [member(1)["account_id"]]
    assert outcomes == [
        {"region": REGION, "status": "DONE", "outcome": "DELETED", "graph_arn": first[REGION]["graph_arn"]}
    ]
    assert fleet.graph_arn(REGION) is None
    _, again = delete_graphs(lambda _: detective, plan, stored[0], lambda _: None)
    assert (again[REGION]["outcome"], again[REGION]["graph_arn"]) == ("DELETED", first[REGION]["graph_arn"])


def test_member_side_leaves_only_the_administrators_graph_not_another_one(fleet_of: Any) -> None:
    fleet = fleet_of(member_in(1), member(3))
    admin = Aws()
    other = admin.assume_role(member_role_arn(member(3)["account_id"], "DetectiveMemberRole"), "unit")
    other_graph = other.client("detective", REGION).create_graph()["GraphArn"]
    other.client("detective", REGION).create_members(
        GraphArn=other_graph, Accounts=[{"AccountId": member(1)["account_id"], "EmailAddress": "m1@example.com"}]
    )
    fleet.clock.sleep(60)  # verification
    one = admin.assume_role(member_role_arn(member(1)["account_id"], "DetectiveMemberRole"), "unit")
    record = leave_in_region(one, REGION, ADMIN, dry_run=False)
    assert (record.outcome, record.changed) == ("DISASSOCIATED", True)
    assert fleet.member(REGION, member(1)["account_id"]) is None
    invitations = one.client("detective", REGION).list_invitations()["Invitations"]
    assert [(i["GraphArn"], i["Status"]) for i in invitations] == [(other_graph, "INVITED")]
