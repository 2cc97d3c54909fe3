"""The disable workflow end to end: which accounts leave, what the report says, what the fleet looks like after."""

from __future__ import annotations

from tests.helpers.workflow import REGIONS, Runner, ids, member, member_in, mutating, operations, rows_by_pair, scenario


def test_removing_a_subset_removes_only_those_accounts_and_leaves_the_others_enabled(disable: Runner) -> None:
    spec = scenario([member_in(1), member_in(2), member_in(3)])
    run = disable(spec, accounts=ids(1, 2), name="offboard-subset")
    rows = rows_by_pair(run)
    assert set(rows) == {(member(n)["account_id"], r) for n in (1, 2) for r in REGIONS}
    assert all(r["status"] == "REMOVED" and r["changed"] and r["reason"] is None for r in rows.values())
    assert all(r["member_status"] is None and r["detail"] == "was ENABLED" for r in rows.values())
    for region in REGIONS:
        assert run.fleet.member(region, member(1)["account_id"]) is None
        assert run.fleet.member(region, member(2)["account_id"]) is None
        assert run.fleet.member(region, member(3)["account_id"]).status == "ENABLED"
        assert run.fleet.graph_arn(region) is not None
    assert run.result.status == "SUCCEEDED"
    assert run.result.output["summary"] == {"total": 4, "REMOVED": 4}
    assert run.result.output["report_key"] == "reports/disable/offboard-subset.json"
    assert run.report["workflow"] == "disable" and run.report["summary"] == {"total": 4, "REMOVED": 4}
    assert {r["status"] for r in run.report["regions"]} == {"DONE"}
    assert not any("guardduty_age_hours" in r for r in run.report["regions"])
    assert {c.operation for c in mutating(run)} == {"DeleteMembers"}
    assert len(operations(run, "DeleteMembers")) == 2  # one chunk per Region


def test_enable_then_disable_a_subset_keeps_the_rest_enabled(enable: Runner, disable: Runner) -> None:
    spec = scenario([member(1), member(2), member(3)])
    enabled = enable(spec)
    assert enabled.report is not None and enabled.report["summary"] == {"total": 6, "ENABLED": 6}
    run = disable(spec, fleet=enabled.fleet, accounts=ids(2))
    rows = rows_by_pair(run)
    assert {r["status"] for r in rows.values()} == {"REMOVED"} and len(rows) == 2
    for region in REGIONS:
        assert run.fleet.member(region, member(2)["account_id"]) is None
        assert run.fleet.member(region, member(1)["account_id"]).status == "ENABLED"
        assert run.fleet.member(region, member(3)["account_id"]).status == "ENABLED"


def test_all_members_removes_each_regions_current_members_and_nothing_else(disable: Runner) -> None:
    spec = scenario(
        [
            member_in(1, {"us-east-1": "ENABLED"}),
            member_in(2, {"us-east-1": "INVITED", "eu-west-1": "ACCEPTED_BUT_DISABLED"}),
            member_in(3, {"eu-west-1": "VERIFICATION_FAILED"}),
            member(4),  # in the scenario, never a member: no row
        ]
    )
    run = disable(spec, all_members=True)
    rows = rows_by_pair(run)
    expected = {
        (member(1)["account_id"], "us-east-1"),
        (member(2)["account_id"], "us-east-1"),
        (member(2)["account_id"], "eu-west-1"),
        (member(3)["account_id"], "eu-west-1"),
    }
    assert set(rows) == expected
    assert {r["status"] for r in rows.values()} == {"REMOVED"}
    assert rows[(member(2)["account_id"], "eu-west-1")]["detail"] == "was ACCEPTED_BUT_DISABLED"
    for n in (1, 2, 3, 4):
        assert all(run.fleet.member(r, member(n)["account_id"]) is None for r in REGIONS)
    assert run.result.status == "SUCCEEDED"
    assert all(run.fleet.graph_arn(r) for r in REGIONS)  # graphs stay without delete_graph


def test_account_that_is_not_a_member_is_not_a_member_with_changed_false_not_an_error(disable: Runner) -> None:
    spec = scenario([member_in(1, {"us-east-1": "ENABLED"}), member(2)])
    run = disable(spec, accounts=ids(1, 2))
    rows = rows_by_pair(run)
    assert rows[(member(1)["account_id"], "us-east-1")]["status"] == "REMOVED"
    for key in [
        (member(1)["account_id"], "eu-west-1"),
        (member(2)["account_id"], "us-east-1"),
        (member(2)["account_id"], "eu-west-1"),
    ]:
        assert (rows[key]["status"], rows[key]["changed"], rows[key]["reason"]) == ("NOT_A_MEMBER", False, None)
    assert run.result.status == "SUCCEEDED"
    assert run.report["summary"] == {"total": 4, "NOT_A_MEMBER": 3, "REMOVED": 1}


def test_region_without_a_graph_reports_not_a_member_and_no_graph(disable: Runner) -> None:
    spec = scenario([member_in(1, {"us-east-1": "ENABLED"})])
    run = disable(spec, accounts=ids(1))
    row = rows_by_pair(run)[(member(1)["account_id"], "eu-west-1")]
    assert (row["status"], row["changed"]) == ("NOT_A_MEMBER", False)
    assert "no behavior graph" in row["detail"]
    region = next(r for r in run.report["regions"] if r["region"] == "eu-west-1")
    assert (region["status"], region["reason"], region["graph_arn"]) == ("DONE", "NO_GRAPH", None)


def test_rerun_after_removal_is_a_no_op_with_changed_false_and_no_writes(disable: Runner) -> None:
    spec = scenario([member_in(1), member_in(2)])
    first = disable(spec, accounts=ids(1, 2), disassociate_in_member=True)
    assert first.report["summary"] == {"total": 4, "REMOVED": 4}
    before = len(first.fleet.calls)
    again = disable(spec, fleet=first.fleet, accounts=ids(1, 2), disassociate_in_member=True)
    rows = rows_by_pair(again)
    assert {(r["status"], r["changed"]) for r in rows.values()} == {("NOT_A_MEMBER", False)}
    assert mutating(again, since=before) == []
    assert again.result.status == "SUCCEEDED"


def test_member_side_cleanup_reports_a_closed_account_and_a_missing_role_without_failing(disable: Runner) -> None:
    spec = scenario([member_in(1), member_in(2, faults=["closed"]), member_in(3, faults=["no_role"])])
    run = disable(spec, accounts=ids(1, 2, 3), disassociate_in_member=True)
    rows = rows_by_pair(run)
    for region in REGIONS:
        ok = rows[(member(1)["account_id"], region)]
        assert (ok["status"], ok["reason"]) == ("REMOVED", None)
        for n in (2, 3):
            gone = rows[(member(n)["account_id"], region)]
            assert (gone["status"], gone["reason"], gone["changed"]) == ("REMOVED", "MEMBER_ACCESS_DENIED", True)
            assert "AssumeRole failed" in gone["detail"]
            assert run.fleet.member(region, member(n)["account_id"]) is None
    assert run.result.status == "SUCCEEDED"
    assumed = [c for c in run.fleet.calls if c.operation == "AssumeRole"]
    assert len([c for c in assumed if c.error is None]) == 1  # once for the healthy account, not per Region
    assert operations(run, "ListInvitations")  # the member side looked, and found nothing left


def test_member_side_leaves_the_graph_when_the_administrators_removal_failed(disable: Runner) -> None:
    burst = {"type": "error_burst", "after_calls": 0, "duration_s": 10**9, "ops": ["DeleteMembers"]}
    spec = scenario([member_in(1), member_in(2, {"us-east-1": "INVITED"})], events=[burst])
    run = disable(spec, accounts=ids(1, 2), regions=["us-east-1"], disassociate_in_member=True)
    rows = rows_by_pair(run)
    enabled, invited = rows[(member(1)["account_id"], "us-east-1")], rows[(member(2)["account_id"], "us-east-1")]
    assert (enabled["status"], enabled["changed"]) == ("REMOVED", True)
    assert "DisassociateMembership" in enabled["detail"] and "DeleteMembers failed" in enabled["detail"]
    assert (invited["status"], invited["changed"]) == ("REMOVED", True)
    assert "RejectInvitation" in invited["detail"]
    assert run.fleet.member("us-east-1", member(1)["account_id"]) is None
    assert run.fleet.member("us-east-1", member(2)["account_id"]) is None
    assert {c.operation for c in mutating(run)} == {"DisassociateMembership", "RejectInvitation"}
    assert run.result.status == "SUCCEEDED"


def test_more_than_fifty_members_are_removed_in_chunks_of_fifty(disable: Runner) -> None:
    spec = scenario([member_in(n) for n in range(1, 56)])
    run = disable(spec, all_members=True)
    assert run.report["summary"] == {"total": 110, "REMOVED": 110}
    calls = operations(run, "DeleteMembers")
    assert sorted(c.region for c in calls) == ["eu-west-1", "eu-west-1", "us-east-1", "us-east-1"]
    assert all(run.fleet.member(r, member(n)["account_id"]) is None for n in range(1, 56) for r in REGIONS)


def test_throttling_at_twenty_percent_loses_no_account(disable: Runner) -> None:
    spec = scenario([member_in(n) for n in range(1, 13)], throttle_rate=0.2)
    run = disable(spec, accounts=ids(*range(1, 13)), disassociate_in_member=True, batch_size=4)
    rows = rows_by_pair(run)
    assert len(rows) == 24
    assert {r["status"] for r in rows.values()} == {"REMOVED"}, [r for r in rows.values() if r["status"] != "REMOVED"]
    assert any(c.error for c in run.fleet.calls), "the scenario should have throttled some calls"
    assert all(run.fleet.member(r, member(n)["account_id"]) is None for n in range(1, 13) for r in REGIONS)


def test_admin_opt_in_region_not_enabled_is_skipped(disable: Runner) -> None:
    spec = scenario(
        [member_in(1, {"us-east-1": "ENABLED"})],
        regions=["us-east-1", "ap-east-1"],
        administrator={"opted_out_regions": ["ap-east-1"]},
    )
    run = disable(spec, accounts=ids(1))
    rows = rows_by_pair(run)
    skipped = rows[(member(1)["account_id"], "ap-east-1")]
    assert (skipped["status"], skipped["reason"], skipped["changed"]) == ("SKIPPED", "ADMIN_REGION_NOT_ENABLED", False)
    assert rows[(member(1)["account_id"], "us-east-1")]["status"] == "REMOVED"
    region = next(r for r in run.report["regions"] if r["region"] == "ap-east-1")
    assert (region["status"], region["reason"]) == ("SKIPPED", "ADMIN_REGION_NOT_ENABLED")
    assert not [c for c in run.fleet.calls if c.region == "ap-east-1" and c.service == "detective"]
    assert run.report["request"]["input"]["accounts"] == ids(1)
