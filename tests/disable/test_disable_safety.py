"""The disable workflow's safety rails: graph deletion only when confirmed, dry runs, bad input, visible failure."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers.workflow import ADMIN, REGIONS, Runner, ids, member, member_in, operations, rows_by_pair, scenario


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"accounts": ids(1), "delete_graph": True, "confirm_delete_graph": ADMIN}, "delete_graph"),
        ({"all_members": True, "delete_graph": True}, "confirm_delete_graph"),
        ({"all_members": True, "delete_graph": True, "confirm_delete_graph": "999999999999"}, "confirm_delete_graph"),
        ({"all_members": True, "delete_graph": True, "confirm_delete_graph": int(ADMIN)}, "confirm_delete_graph"),
    ],
    ids=["subset", "no-confirmation", "wrong-account", "number-not-string"],
)
def test_delete_graph_without_all_members_and_the_exact_confirmation_is_refused_before_any_write(
    disable: Runner, fields: dict[str, Any], field: str
) -> None:
    spec = scenario([member_in(1), member_in(2)])
    run = disable(spec, **fields)
    assert (run.result.status, run.result.error) == ("FAILED", "InvalidInput")
    assert field in run.result.cause
    assert run.fleet.mutating_calls() == []
    assert run.report is None
    assert all(run.fleet.graph_arn(r) for r in REGIONS)
    assert run.fleet.member("us-east-1", member(1)["account_id"]).status == "ENABLED"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "all_members"),
        ({"accounts": ids(1), "all_members": True}, "not both"),
        ({"accounts": [{"account_id": "12345"}]}, "12345"),
        ({"accounts": [{"account_id": ADMIN}]}, ADMIN),
        ({"accounts": ids(1), "regions": ["us-east-9"]}, "us-east-9"),
        ({"accounts": [{"account_id": member(1)["account_id"], "email": "bad@"}]}, "accounts[0].email"),
        ({"accounts": ids(1), "disassociate_in_member": "yes"}, "disassociate_in_member"),
    ],
)
def test_invalid_input_is_rejected_before_any_write(disable: Runner, fields: dict[str, Any], expected: str) -> None:
    run = disable(scenario([member_in(1)]), **fields)
    assert (run.result.status, run.result.error) == ("FAILED", "InvalidInput")
    assert expected in run.result.cause
    assert run.fleet.mutating_calls() == [] and run.report is None


def test_confirmed_delete_graph_removes_every_member_then_deletes_each_graph(disable: Runner) -> None:
    spec = scenario([member_in(1), member_in(2, {"eu-west-1": "INVITED"})])
    run = disable(spec, all_members=True, delete_graph=True, confirm_delete_graph=ADMIN)
    rows = rows_by_pair(run)
    assert len(rows) == 3 and {r["status"] for r in rows.values()} == {"REMOVED"}
    assert all(run.fleet.graph_arn(r) is None for r in REGIONS)
    regions = {r["region"]: r for r in run.report["regions"]}
    for region in REGIONS:
        assert (regions[region]["status"], regions[region]["reason"]) == ("DONE", "GRAPH_DELETED")
        assert regions[region]["graph_deleted"] is True and regions[region]["graph_arn"]
    calls = [c.operation for c in run.fleet.calls if c.mutating]
    assert sorted(calls) == ["DeleteGraph", "DeleteGraph", "DeleteMembers", "DeleteMembers"]
    assert max(i for i, c in enumerate(run.fleet.calls) if c.operation == "DeleteMembers" and c.mutating) < min(
        i for i, c in enumerate(run.fleet.calls) if c.operation == "DeleteGraph"
    )
    assert run.result.status == "SUCCEEDED"


def test_delete_graph_takes_members_whose_removal_failed_with_it(disable: Runner) -> None:
    burst = {"type": "error_burst", "after_calls": 0, "duration_s": 10**9, "ops": ["DeleteMembers"]}
    spec = scenario([member_in(1, {"us-east-1": "ENABLED"})], regions=["us-east-1"], events=[burst])
    run = disable(spec, all_members=True, delete_graph=True, confirm_delete_graph=ADMIN)
    row = rows_by_pair(run)[(member(1)["account_id"], "us-east-1")]
    assert (row["status"], row["reason"], row["changed"]) == ("REMOVED", "GRAPH_DELETED", True)
    assert "DeleteMembers" in row["detail"]
    assert run.fleet.graph_arn("us-east-1") is None
    assert run.result.status == "SUCCEEDED"


def test_dry_run_writes_nothing_and_plans_every_removal_and_graph_deletion(disable: Runner) -> None:
    spec = scenario([member_in(1), member_in(2, faults=["no_role"]), member(3)])
    run = disable(
        spec, all_members=True, disassociate_in_member=True, delete_graph=True, confirm_delete_graph=ADMIN, dry_run=True
    )
    assert run.fleet.mutating_calls() == []
    rows = rows_by_pair(run)
    assert len(rows) == 4 and {(r["status"], r["changed"]) for r in rows.values()} == {("PLANNED", False)}
    healthy = rows[(member(1)["account_id"], "us-east-1")]
    assert healthy["reason"] is None and "would remove the member (ENABLED)" in healthy["detail"]
    assert "would delete" in healthy["detail"]
    assert rows[(member(2)["account_id"], "us-east-1")]["reason"] == "MEMBER_ACCESS_DENIED"
    assert {r["status"] for r in run.report["regions"]} == {"PLANNED"}
    assert all(run.fleet.graph_arn(r) for r in REGIONS)
    assert run.fleet.member("eu-west-1", member(1)["account_id"]).status == "ENABLED"
    assert run.result.status == "SUCCEEDED" and run.report["summary"] == {"total": 4, "PLANNED": 4}


def test_a_failed_row_ends_the_execution_failed_with_offboarding_incomplete_and_the_report_written(
    disable: Runner,
) -> None:
    burst = {
        "type": "error_burst",
        "after_calls": 0,
        "duration_s": 10**9,
        "ops": ["DeleteMembers"],
        "region": "eu-west-1",
    }
    spec = scenario([member_in(1), member_in(2)], events=[burst])
    run = disable(spec, accounts=ids(1, 2), name="offboard-partly")
    assert (run.result.status, run.result.error) == ("FAILED", "OffboardingIncomplete")
    assert json.loads(run.result.cause) == {"total": 4, "FAILED": 2, "REMOVED": 2}
    assert run.report is not None and run.report["execution"] == "offboard-partly"
    rows = rows_by_pair(run)
    for n in (1, 2):
        failed = rows[(member(n)["account_id"], "eu-west-1")]
        assert (failed["status"], failed["reason"], failed["member_status"]) == ("FAILED", "ERROR", "ENABLED")
        assert "DeleteMembers failed" in failed["detail"]
        assert run.fleet.member("eu-west-1", member(n)["account_id"]).status == "ENABLED"
        assert rows[(member(n)["account_id"], "us-east-1")]["status"] == "REMOVED"
    assert operations(run, "DeleteMembers")[0].region == "us-east-1"


def test_a_lambda_crash_in_remove_members_loses_no_account(disable: Runner) -> None:
    spec = scenario(
        [member_in(1), member_in(2)],
        lambda_faults=[{"task": "RemoveMembers", "error": "Lambda.ServiceException", "times": 2}],
    )
    run = disable(spec, accounts=ids(1, 2))
    assert run.report["summary"] == {"total": 4, "REMOVED": 4}
    assert run.result.status == "SUCCEEDED"


def test_a_graph_that_could_not_be_deleted_fails_the_region_and_the_execution(disable: Runner) -> None:
    burst = {
        "type": "error_burst",
        "after_calls": 0,
        "duration_s": 10**9,
        "ops": ["DeleteGraph"],
        "region": "eu-west-1",
    }
    spec = scenario([member_in(1)], events=[burst])
    run = disable(spec, all_members=True, delete_graph=True, confirm_delete_graph=ADMIN)
    assert (run.result.status, run.result.error) == ("FAILED", "OffboardingIncomplete")
    regions = {r["region"]: r for r in run.report["regions"]}
    assert (regions["eu-west-1"]["status"], regions["eu-west-1"]["reason"]) == ("FAILED", "GRAPH_NOT_DELETED")
    assert regions["eu-west-1"]["graph_deleted"] is False and run.fleet.graph_arn("eu-west-1")
    assert (regions["us-east-1"]["reason"], run.fleet.graph_arn("us-east-1")) == ("GRAPH_DELETED", None)
    assert {r["status"] for r in run.report["results"]} == {"REMOVED"}  # the members are out either way
