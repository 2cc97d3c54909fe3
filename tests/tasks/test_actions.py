"""The report's action rollup: rows that need attention grouped by what fixes them (tasks.actions)."""

from __future__ import annotations

from typing import Any

from tasks.actions import ACTIONS, action, actions_of, describe, rollup, row_action


def row(account: str, region: str, status: str, reason: str | None = None) -> dict[str, Any]:
    return {"account_id": account, "region": region, "status": status, "reason": reason}


ROWS = [
    row("333333333333", "us-east-1", "FAILED", "ACCESS_DENIED"),
    row("222222222222", "us-east-1", "ENABLED"),
    row("777777777777", "ap-east-1", "SKIPPED", "REGION_NOT_ENABLED"),
    row("333333333333", "eu-west-1", "FAILED", "ACCESS_DENIED"),
    row("555555555555", "us-east-1", "FAILED", "VERIFICATION_FAILED"),
    row("999999999999", "us-east-1", "FAILED", "ACCESS_DENIED"),
    row("101010101010", "us-east-1", "FAILED", "ACCOUNT_CLOSED"),
]


def test_failures_are_grouped_by_fix_with_their_accounts_and_pairs_failed_before_skipped() -> None:
    assert rollup(ROWS) == [
        {
            "action": ACTIONS["ACCESS_DENIED"],
            "reason": "ACCESS_DENIED",
            "accounts": ["333333333333", "999999999999"],
            "pairs": 3,
        },
        {
            "action": ACTIONS["VERIFICATION_FAILED"],
            "reason": "VERIFICATION_FAILED",
            "accounts": ["555555555555"],
            "pairs": 1,
        },
        {"action": ACTIONS["ACCOUNT_CLOSED"], "reason": "ACCOUNT_CLOSED", "accounts": ["101010101010"], "pairs": 1},
        {
            "action": ACTIONS["REGION_NOT_ENABLED"],
            "reason": "REGION_NOT_ENABLED",
            "accounts": ["777777777777"],
            "pairs": 1,
        },
    ]


def test_a_closed_account_is_offboarded_not_given_the_stackset() -> None:
    assert action("ACCOUNT_CLOSED").startswith("Offboard it (disable --accounts ...)")
    assert "StackSet" in action("ACCESS_DENIED")


def test_rows_that_need_nothing_have_no_action_and_skipped_rows_have_theirs() -> None:
    assert row_action(row("222222222222", "us-east-1", "ENABLED", "ALREADY_ENABLED")) is None
    assert row_action(row("1", "r", "PLANNED", "ACCESS_DENIED")) is None
    assert (
        row_action(row("777777777777", "ap-east-1", "SKIPPED", "REGION_NOT_ENABLED")) == ACTIONS["REGION_NOT_ENABLED"]
    )
    assert action("MEMBER_ACCESS_DENIED") == ACTIONS["ACCESS_DENIED"]
    assert action("SOMETHING_NEW").startswith("Read the detail")


def test_a_report_written_without_actions_gets_the_same_rollup_from_its_rows() -> None:
    assert actions_of({"results": ROWS}) == rollup(ROWS)
    assert actions_of({"results": ROWS, "actions": []}) == []


def test_one_line_per_action_names_the_counts_reason_and_accounts() -> None:
    line = describe(rollup(ROWS)[0])
    assert line == f"{ACTIONS['ACCESS_DENIED']} 2 accounts, 3 pairs (ACCESS_DENIED): 333333333333, 999999999999"
