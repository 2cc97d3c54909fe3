"""State VerifyMembers over the emulated fleet: the administrator's final view of every member, attempt by attempt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tasks.verify_members import MAX_ATTEMPTS
from tests.helpers.states import REGIONS, EnableStates, member

Start = Callable[..., EnableStates]
A1, A2 = (member(n)["account_id"] for n in (1, 2))


def accepted(states: EnableStates, **fields: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The run summary and ``$.prepare.regions`` after InviteMembers and every batch's AcceptInvitations."""
    run = states.validate(**fields)
    regions = states.prepare(run, until="VerifyMembers")
    states.fleet.clock.sleep(60)
    for batch in run["batches"]:
        states.accept(run, batch)
    return run, regions


def statuses(states: EnableStates, region: str) -> dict[str, str]:
    return {k: v["status"] for k, v in states.work("verify.json")["regions"][region]["members"].items()}


def test_enabled_members_are_verified_in_one_attempt_and_recorded_in_one_document(enable_states: Start) -> None:
    states = enable_states([member(1), member(2)])
    run, regions = accepted(states)
    output = states.verify(run, regions)
    assert output == {
        "regions": [{"region": r, "verified": True, "pending": 0} for r in sorted(REGIONS)],
        "attempt": 1,
        "pending": 0,
        "retry": False,
    }
    for region in REGIONS:
        assert statuses(states, region) == {A1: "ENABLED", A2: "ENABLED"}
    record = states.work("verify.json")["regions"]["us-east-1"]["members"][A1]
    assert record["email_matches"] is True and record["disabled_reason"] is None


def test_members_still_in_verification_ask_for_another_attempt_which_is_counted(enable_states: Start) -> None:
    states = enable_states([member(1)], fleet={"verification_delay_s": 600})
    run = states.validate()
    regions = states.prepare(run, until="VerifyMembers")
    first = states.verify(run, regions)
    assert (first["attempt"], first["pending"], first["retry"]) == (1, 2, True)
    assert statuses(states, "us-east-1") == {A1: "VERIFICATION_IN_PROGRESS"}
    states.fleet.clock.sleep(600)
    second = states.verify(run, regions)
    assert (second["attempt"], second["pending"], second["retry"]) == (2, 0, False)
    assert statuses(states, "us-east-1") == {A1: "INVITED"}


def test_after_the_last_attempt_the_machine_stops_asking_even_if_some_are_pending(enable_states: Start) -> None:
    states = enable_states([member(1)], fleet={"verification_delay_s": 100_000})
    run = states.validate(regions=["us-east-1"])
    regions = states.prepare(run, until="VerifyMembers")
    outputs = [states.verify(run, regions) for _ in range(MAX_ATTEMPTS)]
    assert [o["retry"] for o in outputs] == [True] * (MAX_ATTEMPTS - 1) + [False]
    assert outputs[-1]["attempt"] == MAX_ATTEMPTS and outputs[-1]["pending"] == 1


def test_a_member_left_accepted_but_disabled_is_reported_with_its_reason(enable_states: Start) -> None:
    states = enable_states([member(1, guardduty={"us-east-1": False}), member(2)])
    run, regions = accepted(states, regions=["us-east-1"])
    states.verify(run, regions)
    record = states.work("verify.json")["regions"]["us-east-1"]["members"]
    assert record[A1]["status"] == "ACCEPTED_BUT_DISABLED" and record[A1]["disabled_reason"]
    assert record[A2]["status"] == "ENABLED"


def test_a_region_that_is_not_ready_is_not_read(enable_states: Start) -> None:
    states = enable_states([member(1)], guardduty_age_hours={"us-east-1": 72})
    run, regions = accepted(states, guardduty_wait="skip")
    since = len(states.fleet.calls)
    output = states.verify(run, regions)
    assert {"region": "eu-west-1", "verified": False} in output["regions"]
    assert {c.region for c in states.fleet.calls[since:]} == {"us-east-1"}
