"""A closed or suspended member account is FAILED / ACCOUNT_CLOSED (offboard it), where Organizations says so.

The administrator asks Organizations DescribeAccount about an account whose member role it could not
assume; where it may not ask (no delegated administration: AccessDenied), the row stays ACCESS_DENIED.
"""

from __future__ import annotations

from typing import Any

from tasks.actions import ACTIONS
from tests.helpers.workflow import Runner, member, rows_by_pair, scenario

CLOSED, NO_ROLE, HEALTHY = member(1, faults=["closed"]), member(2, faults=["no_role"]), member(3)


def organization(*members: dict[str, Any]) -> dict[str, Any]:
    return {"accounts": {m["account_id"]: m["email"] for m in members}}


def reasons(rows: dict[tuple[str, str], dict[str, Any]], account: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(r["status"], r["reason"]) for (a, _), r in rows.items() if a == account["account_id"]}


def test_a_closed_account_is_account_closed_and_a_missing_role_stays_access_denied(enable: Runner) -> None:
    run = enable(scenario([CLOSED, NO_ROLE, HEALTHY], organization=organization(CLOSED, NO_ROLE, HEALTHY)))
    rows = rows_by_pair(run)
    assert reasons(rows, CLOSED) == {("FAILED", "ACCOUNT_CLOSED")}
    assert reasons(rows, NO_ROLE) == {("FAILED", "ACCESS_DENIED")}
    assert reasons(rows, HEALTHY) == {("ENABLED", None)}
    closed_row = rows[(CLOSED["account_id"], "us-east-1")]
    assert "SUSPENDED" in closed_row["detail"] or "CLOSED" in closed_row["detail"]
    asked = {c.account_id for c in run.fleet.calls if c.operation == "DescribeAccount" and c.error is None}
    assert asked == {"111111111111"}  # the administrator asked, about the two accounts it could not assume into


def test_the_report_actions_say_offboard_the_closed_account_and_deploy_the_role_to_the_other(enable: Runner) -> None:
    run = enable(scenario([CLOSED, NO_ROLE, HEALTHY], organization=organization(CLOSED, NO_ROLE, HEALTHY)))
    assert run.report is not None
    assert run.report["actions"] == [
        {
            "action": ACTIONS["ACCOUNT_CLOSED"],
            "reason": "ACCOUNT_CLOSED",
            "accounts": [CLOSED["account_id"]],
            "pairs": 2,
        },
        {
            "action": ACTIONS["ACCESS_DENIED"],
            "reason": "ACCESS_DENIED",
            "accounts": [NO_ROLE["account_id"]],
            "pairs": 2,
        },
    ]


def test_where_describe_account_is_denied_a_closed_account_stays_access_denied(enable: Runner) -> None:
    run = enable(scenario([CLOSED, HEALTHY]))  # no organization section: DescribeAccount is AccessDenied
    rows = rows_by_pair(run)
    assert reasons(rows, CLOSED) == {("FAILED", "ACCESS_DENIED")}
    denied = [c for c in run.fleet.calls if c.operation == "DescribeAccount"]
    assert denied and all(c.error == "AccessDeniedException" for c in denied)


def test_a_closed_account_is_not_retried_for_its_role(enable: Runner) -> None:
    run = enable(scenario([CLOSED], organization=organization(CLOSED)), retry_access_denied_minutes=30)
    assert reasons(rows_by_pair(run), CLOSED) == {("FAILED", "ACCOUNT_CLOSED")}
    assumed = [c for c in run.fleet.calls if c.operation == "AssumeRole"]
    assert len(assumed) == 1  # once: a closed account never receives its role


def test_the_plan_predicts_account_closed(enable: Runner) -> None:
    run = enable(scenario([CLOSED], organization=organization(CLOSED)), dry_run=True)
    assert reasons(rows_by_pair(run), CLOSED) == {("PLANNED", "ACCOUNT_CLOSED")}
