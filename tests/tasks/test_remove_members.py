"""State RemoveMembers over the emulated fleet: the requested accounts leave the administrator's graphs everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.helpers.states import REGIONS, DisableStates, member

Start = Callable[..., DisableStates]
A1, A2, A3 = (member(n)["account_id"] for n in (1, 2, 3))
BOTH = {"us-east-1": "ENABLED", "eu-west-1": "INVITED"}


def records(states: DisableStates, region: str) -> dict[str, tuple[str, str | None, bool]]:
    found = states.work("remove.json")["regions"][region]["members"]
    return {a: (r["outcome"], r["prior_status"], r["changed"]) for a, r in found.items()}


def ids(*accounts: str) -> list[dict[str, str]]:
    return [{"account_id": a} for a in accounts]


def test_members_are_removed_and_accounts_that_are_not_members_say_so_unchanged(disable_states: Start) -> None:
    states = disable_states([member(1, existing_membership=BOTH), member(2), member(3, existing_membership=BOTH)])
    run = states.validate(accounts=ids(A1, A2))
    states.mark()
    output = states.remove(run)
    assert [(o["region"], o["status"], o["counts"]) for o in output["regions"]] == [
        (region, "DONE", {"NOT_A_MEMBER": 1, "REMOVED": 1}) for region in sorted(REGIONS)
    ]
    assert records(states, "us-east-1") == {A1: ("REMOVED", "ENABLED", True), A2: ("NOT_A_MEMBER", None, False)}
    assert records(states, "eu-west-1")[A1] == ("REMOVED", "INVITED", True)
    for region in REGIONS:
        assert states.fleet.member(region, A1) is None
        assert states.fleet.member(region, A3) is not None  # not requested: untouched
    assert sorted(states.writes()) == [("DeleteMembers", "111111111111", r) for r in sorted(REGIONS)]


def test_a_rerun_over_a_finished_offboarding_changes_nothing(disable_states: Start) -> None:
    states = disable_states([member(1, existing_membership=BOTH)])
    run = states.validate(accounts=ids(A1))
    states.remove(run)
    rerun = DisableStates(states.fleet, states.s3, execution="off-2")
    run = rerun.validate(accounts=ids(A1))
    rerun.mark()
    output = rerun.remove(run)
    assert rerun.writes() == []
    assert {o["counts"]["NOT_A_MEMBER"] for o in output["regions"]} == {1}


def test_all_members_removes_every_member_the_graph_has(disable_states: Start) -> None:
    states = disable_states(
        [member(1, existing_membership=BOTH), member(2, existing_membership={"us-east-1": "ENABLED"})]
    )
    run = states.validate(all_members=True)
    states.remove(run)
    assert records(states, "us-east-1") == {A1: ("REMOVED", "ENABLED", True), A2: ("REMOVED", "ENABLED", True)}
    assert all(states.fleet.member(r, a) is None for r in REGIONS for a in (A1, A2))


def test_a_dry_run_plans_the_removals_and_deletes_nothing(disable_states: Start) -> None:
    states = disable_states([member(1, existing_membership=BOTH)])
    run = states.validate(accounts=ids(A1), dry_run=True)
    states.mark()
    states.remove(run)
    assert states.writes() == []
    assert records(states, "us-east-1")[A1][0] == "PLANNED"
    assert states.fleet.member("us-east-1", A1) is not None


def test_a_region_without_a_graph_has_nobody_to_remove(disable_states: Start) -> None:
    states = disable_states([member(1, existing_membership={"us-east-1": "ENABLED"})])
    run = states.validate(accounts=ids(A1))
    output: dict[str, Any] = {o["region"]: o for o in states.remove(run)["regions"]}
    assert output["us-east-1"]["counts"] == {"REMOVED": 1}
    assert output["eu-west-1"]["graph_arn"] is None
    assert records(states, "eu-west-1")[A1][0] == "NOT_A_MEMBER"
