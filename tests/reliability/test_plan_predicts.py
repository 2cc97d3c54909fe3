"""``--plan`` says what the run would do: each plan row predicts the run's row over the same fleet.

A fleet with every member state the run treats differently - ENABLED, INVITED (with and without
GuardDuty, with its role missing), VERIFICATION_FAILED given the same email and given a new one,
ACCEPTED_BUT_DISABLED without GuardDuty, with GuardDuty now and with too much volume, new accounts
with no role, an untrusted role, no GuardDuty, and healthy ones - is planned (a dry run), then
enabled. Each PLANNED row's ``reason`` is the run row's reason and its ``detail`` starts with the
run row's status. What only Detective decides during the run - whether a new email is the root
email, whether a new member's volume is too high - is not in this fleet: a plan cannot foresee it.
"""

from __future__ import annotations

from typing import Any

from tests.helpers.workflow import member, rows_by_pair, run_enable, scenario

DISABLED = {"status": "ACCEPTED_BUT_DISABLED", "disabled_reason": "VOLUME_UNKNOWN"}
TOO_HIGH = {"status": "ACCEPTED_BUT_DISABLED", "disabled_reason": "VOLUME_TOO_HIGH"}


def everywhere(state: Any) -> dict[str, Any]:
    return {"us-east-1": state, "eu-west-1": state}


MEMBERS: dict[str, dict[str, Any]] = {
    "enabled": member(1, existing_membership=everywhere("ENABLED"), faults=["no_role"]),
    "invited": member(2, existing_membership=everywhere("INVITED")),
    "invited, no GuardDuty": member(3, existing_membership=everywhere("INVITED"), guardduty=False),
    "invited, no role": member(4, existing_membership=everywhere("INVITED"), faults=["no_role"]),
    "verification failed, same email": member(
        5, existing_membership=everywhere("VERIFICATION_FAILED"), faults=["verification_fails"]
    ),
    "verification failed, new email": member(
        6, existing_membership=everywhere({"status": "VERIFICATION_FAILED", "email": "typo@example.com"})
    ),
    "disabled, no GuardDuty": member(7, existing_membership=everywhere(DISABLED), guardduty=False, faults=["no_role"]),
    "disabled, GuardDuty now": member(8, existing_membership=everywhere(DISABLED)),
    "disabled, volume too high": member(9, existing_membership=everywhere(TOO_HIGH), faults=["volume_too_high"]),
    "new, no role": member(10, faults=["no_role"]),
    "new, untrusted role": member(11, faults=["untrusted_role"]),
    "new, no GuardDuty": member(12, guardduty=False),
    "new": member(13),
}
EXPECTED = {
    "enabled": ("ENABLED", "ALREADY_ENABLED"),
    "invited": ("ENABLED", None),
    "invited, no GuardDuty": ("FAILED", "VOLUME_UNKNOWN"),
    "invited, no role": ("FAILED", "ACCESS_DENIED"),
    "verification failed, same email": ("FAILED", "VERIFICATION_FAILED"),
    "verification failed, new email": ("ENABLED", None),
    "disabled, no GuardDuty": ("FAILED", "VOLUME_UNKNOWN"),
    "disabled, GuardDuty now": ("ENABLED", None),
    "disabled, volume too high": ("FAILED", "VOLUME_TOO_HIGH"),
    "new, no role": ("FAILED", "ACCESS_DENIED"),
    "new, untrusted role": ("FAILED", "ACCESS_DENIED"),
    "new, no GuardDuty": ("FAILED", "VOLUME_UNKNOWN"),
    "new": ("ENABLED", None),
}


def test_every_plan_row_predicts_the_runs_row_over_the_same_fleet() -> None:
    spec = scenario(list(MEMBERS.values()), seed=4)
    plan = run_enable(spec, dry_run=True)
    assert plan.fleet.mutating_calls() == []
    run = run_enable(spec, fleet=plan.fleet)
    planned, done = rows_by_pair(plan), rows_by_pair(run)
    assert planned.keys() == done.keys()
    names = {m["account_id"]: name for name, m in MEMBERS.items()}
    for pair, row in done.items():
        predicted = planned[pair]
        what = f"{names[pair[0]]} in {pair[1]}: plan said {predicted['reason']}: {predicted['detail']}"
        assert (row["status"], row["reason"]) == EXPECTED[names[pair[0]]], what
        assert predicted["status"] == "PLANNED" and predicted["reason"] == row["reason"], what
        assert predicted["detail"].startswith(f"expected {row['status']}"), what


def test_the_plan_says_an_invited_member_would_be_accepted_and_a_failed_email_would_fail_again() -> None:
    spec = scenario([MEMBERS["invited"], MEMBERS["verification failed, same email"]], regions=["us-east-1"])
    rows = rows_by_pair(run_enable(spec, dry_run=True))
    invited = rows[(MEMBERS["invited"]["account_id"], "us-east-1")]
    assert invited["detail"] == "expected ENABLED: would accept the invitation in the member account"
    failed = rows[(MEMBERS["verification failed, same email"]["account_id"], "us-east-1")]
    assert failed["reason"] == "VERIFICATION_FAILED"
    assert failed["detail"].startswith("expected FAILED / VERIFICATION_FAILED: no change: the input gives the email")
