"""What each report reason means and what to do about it - for readers who never open the README.

The HTML report puts the "what to do" next to every failure, so the person who receives it (a
security lead, an account owner) can act on it alone. Same wording as the README's outcome table.
"""

from __future__ import annotations

REMEDIES: dict[str, str] = {
    "ACCESS_DENIED": "Deploy the member-role StackSet to the account (or fix the role's trust policy), then replay.",
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


def remedy(reason: str | None) -> str:
    if not reason:
        return "Read the detail; replay once its cause is fixed."
    return REMEDIES.get(reason, REMEDIES.get(reason.removeprefix("MEMBER_"), "Read the detail; replay once fixed."))
