"""What to do about each report reason, and the report's ``actions``: the rows that need attention grouped by fix.

The operator's question after a run is "what do I do now", once per fix, not once per row: every
FAILED or SKIPPED row's reason has one action, and ``rollup`` groups the rows by it, with the
accounts it concerns and how many account x Region pairs. WriteReport stores the rollup as the
report's ``actions``; the HTML page, the terminal table and the CSV show the same texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

ACTIONS: dict[str, str] = {
    "ACCESS_DENIED": "Deploy the member-role StackSet to the account (or fix the role's trust policy), then replay.",
    "ACCOUNT_CLOSED": "Offboard it (disable --accounts ...): Organizations says the account is closed or suspended.",
    "VERIFICATION_FAILED": "Use the account's root email in the input, then replay (the member is deleted and "
    "re-invited).",
    "VOLUME_TOO_HIGH": "Raise Detective's data-volume quota or split graphs; Detective enables the member when it can.",
    "VOLUME_UNKNOWN": "Enable GuardDuty in the member account in this Region, then replay.",
    "INVITATION_NOT_ACCEPTED": "Replay: the invitation was not visible or not accepted in time.",
    "VERIFICATION_TIMEOUT": "Replay later: Detective was still verifying the member.",
    "MEMBER_QUOTA_EXCEEDED": "Offboard accounts from the graph first (1,200 members per graph).",
    "THROTTLED": "Replay: AWS throttled the calls until the retries ran out.",
    "ERROR": "Read the detail (the AWS error); replay once its cause is fixed.",
    "GRAPH_NOT_DELETED": "Read the detail; delete the graph again with disable --delete-graph.",
    "GUARDDUTY_NOT_ENABLED": "Enable GuardDuty in the administrator account in this Region, then rerun.",
    "GUARDDUTY_TOO_YOUNG": "Rerun after the time the Region qualifies (its Region row has qualifies_at).",
    "REGION_NOT_ENABLED": "Enable the opt-in Region in the member account, or ignore the row.",
    "ADMIN_REGION_NOT_ENABLED": "Enable the opt-in Region in the administrator account, then rerun.",
}
#: What fixes each reason of a ``coverage`` row (tasks/coverage.py); the rollout's texts where the fix is the same.
COVERAGE_ACTIONS: dict[str, str] = {
    "NOT_A_MEMBER": "Run enable for the account in this Region (it invites the account and accepts the invitation).",
    "NO_GRAPH": "Run enable in this Region: it creates the behavior graph, then invites and accepts the accounts.",
    "ADMIN_REGION_NOT_ENABLED": ACTIONS["ADMIN_REGION_NOT_ENABLED"],
    "INVITED": "Run enable for the account: its member role accepts the open invitation.",
    "VERIFICATION_IN_PROGRESS": "Wait: Detective is still verifying the member; check coverage again later.",
    "VERIFICATION_FAILED": "Put the account's root email in the list, then run enable (the member is deleted and "
    "re-invited).",
    "VOLUME_TOO_HIGH": ACTIONS["VOLUME_TOO_HIGH"],
    "VOLUME_UNKNOWN": "Enable GuardDuty in the member account in this Region, then run enable.",
    "UNLISTED": "Add the account to the list if it belongs there; else offboard it with disable --accounts "
    "(a CSV naming it) --regions (this Region).",
}
#: A COVERED row's action: the member is ENABLED.
COVERED_ACTION = "None: Detective covers the account here."
#: Row statuses that need someone to act; the others (ENABLED, REMOVED, PLANNED, ...) have no action.
NEEDS_ACTION = ("FAILED", "SKIPPED")
_UNKNOWN = "Read the detail; replay once its cause is fixed."


def action(reason: str | None) -> str:
    """What to do about ``reason`` (a disable row's ``MEMBER_`` reasons share the enable side's action)."""
    if not reason:
        return _UNKNOWN
    return ACTIONS.get(reason, ACTIONS.get(reason.removeprefix("MEMBER_"), _UNKNOWN))


def row_action(row: Mapping[str, Any]) -> str | None:
    """The action of one report row, or None when the row needs none."""
    return action(row.get("reason")) if row.get("status") in NEEDS_ACTION else None


def rollup(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows that need attention, grouped by action and reason: FAILED groups first, then SKIPPED ones.

    ``[{"action", "reason", "accounts": [ids in first-seen order], "pairs": N}]``.
    """
    groups: dict[tuple[int, str, str], tuple[dict[str, None], list[int]]] = {}
    for row in rows:
        status = row.get("status")
        if status not in NEEDS_ACTION:
            continue
        reason = str(row.get("reason") or "ERROR")
        key = (NEEDS_ACTION.index(str(status)), action(reason), reason)
        accounts, pairs = groups.setdefault(key, ({}, [0]))
        accounts[str(row["account_id"])] = None
        pairs[0] += 1
    return [
        {"action": key[1], "reason": key[2], "accounts": list(accounts), "pairs": pairs[0]}
        for key, (accounts, pairs) in sorted(groups.items(), key=lambda item: item[0][0])
    ]


def actions_of(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The report's ``actions``, or (a report written without them) the same rollup of its rows."""
    stored = report.get("actions")
    return list(stored) if isinstance(stored, list) else rollup(report.get("results", []))


def describe(entry: Mapping[str, Any]) -> str:
    """One line per action: ``<action> 3 accounts, 9 pairs (ACCESS_DENIED): 333..., 999..., 101...``."""
    accounts, pairs = len(entry["accounts"]), int(entry["pairs"])
    counted = f"{accounts} account{'s' if accounts != 1 else ''}, {pairs} pair{'s' if pairs != 1 else ''}"
    return f"{entry['action']} {counted} ({entry['reason']}): {', '.join(entry['accounts'])}"
