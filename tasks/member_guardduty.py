"""Members without GuardDuty (input ``member_guardduty: enable``): a detector in the member, then Detective monitors it.

Detective leaves a member whose account has no GuardDuty detector ACCEPTED_BUT_DISABLED /
VOLUME_UNKNOWN. With ``member_guardduty: enable`` the member side - already signed with the
member role - creates an enabled detector there (GuardDuty CreateDetector, ``Enable`` true: "You
can have only one detector per account per Region", Amazon GuardDuty API Reference), then the
administrator asks Detective to start monitoring the member (StartMonitoringMember: "If Detective
enabled the member account, then the new status is ENABLED. If Detective cannot enable the member
account, the status remains ACCEPTED_BUT_DISABLED", Amazon Detective API Reference), reading the
status back, a bounded number of times on the task clock, until Detective can size it.

The member role may create the detector only when its StackSet's ``AllowGuardDutyEnable`` is true
(infra/member-role.yaml); otherwise CreateDetector is AccessDenied and the row says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasks import errors
from tasks.aws import Aws, translate_errors
from tasks.detective import get_members
from tasks.retrying import bounded

if TYPE_CHECKING:
    from types_boto3_detective import DetectiveClient

#: The row's detail when the member role may not create a detector.
NOT_ALLOWED = "member role may not enable GuardDuty (AllowGuardDutyEnable=false)"
#: Tries of StartMonitoringMember: waits of 5, 10, 20, 40 s (~75 s of clock time) between them.
MONITOR_ATTEMPTS = 5


class StillDisabled(errors.RetryableError):
    """Detective cannot size the member yet: it stays ACCEPTED_BUT_DISABLED."""


def create_detector(member: Aws, region: str) -> str | None:
    """Create an enabled GuardDuty detector in the member's ``region``; None when done, else why not."""
    try:
        with translate_errors():
            member.client("guardduty", region).create_detector(Enable=True)
    except errors.AccessDenied:
        return NOT_ALLOWED
    except errors.RolloutError as exc:
        return f"GuardDuty CreateDetector failed: {exc.message}"
    return None


def start_monitoring(detective: DetectiveClient, graph_arn: str, account_id: str) -> str | None:
    """Ask Detective to monitor the member until it is ENABLED (bounded); its last status, None if unreadable."""
    status: str | None = None
    try:
        for attempt in bounded(StillDisabled, attempts=MONITOR_ATTEMPTS, first_wait=5, max_wait=40):
            with attempt:
                try:
                    with translate_errors():
                        detective.start_monitoring_member(GraphArn=graph_arn, AccountId=account_id)
                except errors.Conflict:
                    pass  # no longer ACCEPTED_BUT_DISABLED: the status read below says what it is
                status = get_members(detective, graph_arn, [account_id]).get(account_id, {}).get("Status")
                if status == "ACCEPTED_BUT_DISABLED":
                    raise StillDisabled(f"Detective has not enabled member {account_id} yet")
    except StillDisabled:
        return "ACCEPTED_BUT_DISABLED"
    except errors.RolloutError:
        return status
    return status
