"""tasks.classify_disable: the disable report's row for each pair, from a real offboarding's state and documents.

The states run over the emulated fleet (tests.helpers.states); the rows are what WriteReport would write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tasks.classify_disable import disable_report
from tasks.plan import Plan
from tasks.report import Row
from tasks.workstore import WorkStore
from tests.helpers.states import REGIONS, DisableStates, member
from tests.helpers.tasks import REPORTS

Start = Callable[..., DisableStates]
ADMIN = "111111111111"
A1, A2 = (member(n)["account_id"] for n in (1, 2))


def report(states: DisableStates, run: dict[str, Any], **state: Any) -> dict[tuple[str, str], Row]:
    store = WorkStore(states.s3, REPORTS, "disable", states.execution)
    _, rows = disable_report(store, Plan.from_json(states.work("request.json")), {"state": {"run": run, **state}})
    return {(r.account_id, r.region): r for r in rows}


def test_a_removed_member_is_removed_with_its_status_before_and_a_non_member_is_unchanged(
    disable_states: Start,
) -> None:
    states = disable_states([member(1, existing_membership={"us-east-1": "ENABLED"}), member(2)])
    run = states.validate(accounts=[{"account_id": A1}, {"account_id": A2}], regions=["us-east-1"])
    rows = report(states, run, remove=states.remove(run))
    removed = rows[(A1, "us-east-1")]
    assert (removed.status, removed.member_status, removed.changed) == ("REMOVED", None, True)
    assert "ENABLED" in (removed.detail or "")
    assert (rows[(A2, "us-east-1")].status, rows[(A2, "us-east-1")].changed) == ("NOT_A_MEMBER", False)


def test_every_requested_pair_has_exactly_one_row_even_when_remove_members_crashed(disable_states: Start) -> None:
    states = disable_states([member(1, existing_membership=dict.fromkeys(REGIONS, "ENABLED"))])
    run = states.validate(accounts=[{"account_id": A1}])
    rows = report(states, run, remove_error={"Error": "Runtime.ExitError", "Cause": "exit status 1"})
    assert sorted(rows) == [(A1, r) for r in sorted(REGIONS)]
    assert {row.status for row in rows.values()} == {"FAILED"}
    assert all("Runtime.ExitError" in (row.detail or "") for row in rows.values())


def test_a_member_side_that_could_not_run_keeps_the_row_removed_with_member_access_denied(
    disable_states: Start,
) -> None:
    states = disable_states([member(1, existing_membership={"us-east-1": "ENABLED"}, faults=["no_role"])])
    run = states.validate(accounts=[{"account_id": A1}], regions=["us-east-1"], disassociate_in_member=True)
    remove = states.remove(run)
    batches = [{"batch": 0, "status": "DONE", "counts": states.disassociate(run, 0)["counts"]}]
    row = report(states, run, remove=remove, batches=batches)[(A1, "us-east-1")]
    assert (row.status, row.reason) == ("REMOVED", "MEMBER_ACCESS_DENIED")


def test_a_deleted_graph_is_reported_and_a_dry_run_only_plans(disable_states: Start) -> None:
    states = disable_states([member(1, existing_membership={"us-east-1": "ENABLED"})])
    confirmed = {"all_members": True, "delete_graph": True, "confirm_delete_graph": ADMIN, "regions": ["us-east-1"]}
    dry = states.validate(**confirmed, dry_run=True)
    planned = report(states, dry, remove=states.remove(dry), graphs=states.delete_graphs(dry))[(A1, "us-east-1")]
    assert (planned.status, planned.changed) == ("PLANNED", False)
    real = DisableStates(states.fleet, states.s3, execution="off-2")
    run = real.validate(**confirmed)
    rows = report(real, run, remove=real.remove(run), graphs=real.delete_graphs(run))
    assert rows[(A1, "us-east-1")].status == "REMOVED" and states.fleet.graph_arn("us-east-1") is None
