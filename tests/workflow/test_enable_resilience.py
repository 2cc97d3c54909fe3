"""The enable workflow under load and faults: chunking, throttling, crashes, reruns, bad input."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.helpers.workflow import ADMIN, Runner, member, rows_by_pair, scenario


def test_sixty_members_are_invited_in_chunks_of_at_most_fifty(enable: Runner) -> None:
    spec = scenario([member(n) for n in range(1, 61)], regions=["us-east-1"])
    run = enable(spec, batch_size=25)
    rows = rows_by_pair(run)
    assert len(rows) == 60
    assert {r["status"] for r in rows.values()} == {"ENABLED"}
    creates = [c for c in run.fleet.calls if c.operation == "CreateMembers" and c.error is None]
    assert len(creates) == 2


def test_twenty_percent_throttling_loses_nothing(enable: Runner) -> None:
    spec = scenario([member(n) for n in range(1, 16)], throttle_rate=0.2, seed=3)
    run = enable(spec)
    rows = rows_by_pair(run)
    assert len(rows) == 30
    assert Counter(r["status"] for r in rows.values()) == {"ENABLED": 30}
    assert any(c.error == "TooManyRequestsException" for c in run.fleet.calls), "no throttling was injected"


def test_lambda_crash_in_a_batch_loses_no_account(enable: Runner) -> None:
    spec = scenario(
        [member(n) for n in range(1, 7)],
        lambda_faults=[{"task": "AcceptInvitations", "error": "crash", "times": 1}],
    )
    run = enable(spec, batch_size=2)
    rows = rows_by_pair(run)
    assert len(rows) == 12
    failed = [r for r in rows.values() if r["status"] == "FAILED"]
    # The crashed batch's two accounts stay INVITED and are reported with the crash; the rest are enabled.
    assert len(failed) == 4
    assert all(r["reason"] == "ERROR" and "AcceptInvitations failed" in r["detail"] for r in failed)
    assert run.result.error == "RolloutIncomplete"


def test_lambda_service_errors_are_retried_by_the_state_machine(enable: Runner) -> None:
    spec = scenario(
        [member(1), member(2)],
        lambda_faults=[{"task": "AcceptInvitations", "error": "Lambda.ServiceException", "times": 2}],
    )
    run = enable(spec)
    assert {r["status"] for r in rows_by_pair(run).values()} == {"ENABLED"}
    assert run.result.invocations["AcceptInvitations"] >= 3


def test_rerun_over_a_done_fleet_changes_nothing(enable: Runner) -> None:
    spec = scenario([member(1), member(2)])
    first = enable(spec, tags={"team": "security"})
    assert {r["status"] for r in rows_by_pair(first).values()} == {"ENABLED"}
    writes_before = len(first.fleet.mutating_calls())
    second = enable(spec, fleet=first.fleet, tags={"team": "security"})
    rows = rows_by_pair(second)
    assert {(r["status"], r["reason"], r["changed"]) for r in rows.values()} == {("ENABLED", "ALREADY_ENABLED", False)}
    assert len(second.fleet.mutating_calls()) == writes_before


def test_dry_run_plans_every_pair_and_writes_nothing(enable: Runner) -> None:
    spec = scenario([member(1), member(2, faults=["no_role"])])
    run = enable(spec, dry_run=True)
    rows = rows_by_pair(run)
    assert len(rows) == 4
    assert {r["status"] for r in rows.values()} == {"PLANNED"}
    assert rows[(member(2)["account_id"], "us-east-1")]["reason"] == "ACCESS_DENIED"
    assert "invite" in rows[(member(1)["account_id"], "us-east-1")]["detail"]
    assert run.fleet.mutating_calls() == []
    assert run.result.status == "SUCCEEDED"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"accounts": [{"account_id": "12345", "email": "a@example.com"}]}, "12345"),
        ({"accounts": [{"account_id": "222222222222", "email": "not-an-email"}]}, "accounts[0].email"),
        ({"accounts": [{"account_id": ADMIN, "email": "a@example.com"}]}, ADMIN),
        ({"accounts": []}, "accounts"),
        ({"regions": ["us-east-9"]}, "us-east-9"),
        ({"guardduty_wait": "sometimes"}, "guardduty_wait"),
        (
            {
                "accounts": [
                    {"account_id": "222222222222", "email": "a@example.com"},
                    {"account_id": "222222222222", "email": "b@example.com"},
                ]
            },
            "222222222222",
        ),
    ],
)
def test_invalid_input_is_rejected_before_any_write(enable: Runner, fields: dict, expected: str) -> None:
    spec = scenario([member(1)])
    run = enable(spec, **fields)
    assert run.result.status == "FAILED"
    assert run.result.error == "InvalidInput"
    assert expected in run.result.cause
    assert "a@example.com" not in run.result.cause and "b@example.com" not in run.result.cause
    assert run.fleet.mutating_calls() == []
    assert run.report is None
