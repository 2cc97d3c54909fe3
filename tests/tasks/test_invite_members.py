"""State InviteMembers over the emulated fleet: who is invited, repaired or restarted, and what it leaves behind.

The state's input is the machine's: the run summary ValidateInput returned and the Region outcomes after EnsureGraph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tasks.invite_members import lambda_handler
from tests.helpers.states import REGIONS, EnableStates, member

Start = Callable[..., EnableStates]


def invite(states: EnableStates, **fields: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Runs the states before InviteMembers, then InviteMembers; ``states.since`` marks where its calls start."""
    run = states.validate(**fields)
    regions = states.prepare(run, until="InviteMembers")
    states.since = len(states.fleet.calls)
    return run, lambda_handler({"run": run, "regions": regions}, None)


def calls(states: EnableStates, operation: str) -> list[str]:
    """The Regions of InviteMembers' successful ``operation`` calls."""
    return [c.region for c in states.fleet.calls[states.since :] if c.operation == operation and c.error is None]


def writes(states: EnableStates) -> list[str]:
    return [c.operation for c in states.fleet.calls[states.since :] if c.mutating]


def test_new_accounts_are_invited_in_every_region_and_each_batch_gets_its_targets(enable_states: Start) -> None:
    states = enable_states([member(1), member(2), member(3)])
    run, output = invite(states, batch_size=2)
    for region in REGIONS:
        for n in (1, 2, 3):
            assert states.fleet.member(region, member(n)["account_id"]).status == "VERIFICATION_IN_PROGRESS"
    assert [o["invite"]["counts"] for o in output["regions"]] == [{"invite": 3}, {"invite": 3}]
    assert output["ready"] == sorted(REGIONS)
    invited = states.work("invite.json")["regions"]
    assert invited["us-east-1"]["members"][member(1)["account_id"]]["expect_invitation"] is True
    assert sorted(states.work("targets/0.json")["targets"]) == [member(1)["account_id"], member(2)["account_id"]]
    assert sorted(states.work("targets/1.json")["targets"]) == [member(3)["account_id"]]
    assert output["visible_at"] == "2026-01-02T03:05:06Z"  # newest invitation's second + invitation_wait_seconds


def test_members_already_enabled_are_left_alone_and_nothing_waits(enable_states: Start) -> None:
    enabled = dict.fromkeys(REGIONS, "ENABLED")
    states = enable_states([member(1, existing_membership=enabled), member(2, existing_membership=enabled)])
    _, output = invite(states)
    assert writes(states) == []
    assert [o["invite"]["counts"] for o in output["regions"]] == [{"none": 2}, {"none": 2}]
    assert output["visible_at"] is None


def test_a_verification_failed_member_with_a_new_email_is_deleted_and_invited_again(enable_states: Start) -> None:
    failed = {"us-east-1": {"status": "VERIFICATION_FAILED", "email": "old@example.com"}}
    states = enable_states([member(1, existing_membership=failed)])
    _, output = invite(states, regions=["us-east-1"])
    assert output["regions"][0]["invite"]["counts"] == {"repair": 1}
    assert calls(states, "DeleteMembers") == ["us-east-1"] and calls(states, "CreateMembers") == ["us-east-1"]
    record = states.work("invite.json")["regions"]["us-east-1"]["members"][member(1)["account_id"]]
    assert (record["prior_status"], record["action"], record["changed"]) == ("VERIFICATION_FAILED", "repair", True)


def test_an_accepted_but_disabled_member_is_asked_to_start_monitoring(enable_states: Start) -> None:
    states = enable_states([member(1, existing_membership={"us-east-1": "ACCEPTED_BUT_DISABLED"})])
    _, output = invite(states, regions=["us-east-1"])
    assert output["regions"][0]["invite"]["counts"] == {"start_monitoring": 1}
    assert calls(states, "StartMonitoringMember") == ["us-east-1"]


def test_a_dry_run_plans_the_invitations_and_changes_nothing(enable_states: Start) -> None:
    states = enable_states([member(1), member(2)])
    _, output = invite(states, dry_run=True)
    assert writes(states) == []
    record = states.work("invite.json")["regions"]["eu-west-1"]["members"][member(2)["account_id"]]
    assert record["action"] == "invite" and record["detail"].startswith("would invite the account")
    assert output["visible_at"] is None


def test_a_region_that_is_not_ready_is_passed_through_untouched(enable_states: Start) -> None:
    states = enable_states([member(1)], guardduty_age_hours={"us-east-1": 72})  # no detector in eu-west-1
    _, output = invite(states, guardduty_wait="skip")
    skipped = next(o for o in output["regions"] if o["region"] == "eu-west-1")
    assert skipped["status"] == "SKIPPED" and "invite" not in skipped
    assert calls(states, "CreateMembers") == ["us-east-1"]
    assert output["ready"] == ["us-east-1"]
