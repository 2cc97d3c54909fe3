"""InviteMembers' membership writes in one Region, and the InviteRecord each requested account gets.

The administrator's calls that bring accounts into the graph: CreateMembers in chunks of 50 (a few
chunks in flight, each retried within bounds), the repair of a VERIFICATION_FAILED member given a new
email (DeleteMembers + CreateMembers, as the console does), and StartMonitoringMember for an
ACCEPTED_BUT_DISABLED member. Each account's answer becomes its InviteRecord - an error in one chunk
never loses another chunk's accounts - and the records say until when invitations need to propagate
(:func:`invitations_visible_at`). tasks.invite_members decides which account gets which call.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from tasks import clock, errors
from tasks.aws import translate_errors
from tasks.contracts import InviteDocument
from tasks.detective import chunks, create_members, delete_members, get_members
from tasks.enrollment import enrollment_of, waits_for_invitation
from tasks.fanout import all_or_raise, fan_out_within
from tasks.plan import Account, Plan
from tasks.retrying import bounded

if TYPE_CHECKING:
    from types_boto3_detective import DetectiveClient
    from types_boto3_detective.type_defs import MemberDetailTypeDef


@dataclass(frozen=True)
class InviteRecord:
    prior_status: str | None
    action: str  # none | invite | repair | start_monitoring
    member_status: str | None
    expect_invitation: bool
    changed: bool
    error: str | None = None
    detail: str | None = None
    #: When the invitation the account waits on was sent (ISO 8601 UTC), where Detective said so.
    invited_at: str | None = None
    #: The DisabledReason of a member found ACCEPTED_BUT_DISABLED (a dry run predicts from it).
    disabled_reason: str | None = None
    #: The member's InvitationType: ORGANIZATION (enabled by the organization's Detective administrator) or
    #: INVITATION; None while it is not a member.
    enrollment: str | None = None

    def document(self) -> InviteDocument:
        """The record as ``invite.json`` stores it (every field, as ``asdict`` would give it)."""
        return {
            "prior_status": self.prior_status,
            "action": self.action,
            "member_status": self.member_status,
            "expect_invitation": self.expect_invitation,
            "changed": self.changed,
            "error": self.error,
            "detail": self.detail,
            "invited_at": self.invited_at,
            "disabled_reason": self.disabled_reason,
            "enrollment": self.enrollment,
        }


def error_reason(exc: errors.RolloutError) -> str:
    if isinstance(exc, errors.QuotaExceeded):
        return "MEMBER_QUOTA_EXCEEDED"
    if isinstance(exc, errors.Throttled):
        return "THROTTLED"
    return "ERROR"


def _failed(prior: str | None, action: str, error: str, detail: str, changed: bool = False) -> InviteRecord:
    """An account this state could not bring into the graph (its member status is unchanged)."""
    return InviteRecord(prior, action, prior, False, changed, error=error, detail=detail)


def invited_at(member: MemberDetailTypeDef | None) -> str | None:
    """The member's InvitedTime as ISO 8601 UTC (microseconds kept), None when absent."""
    moment = (member or {}).get("InvitedTime")
    if not isinstance(moment, datetime):
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def invitations_visible_at(records: Iterable[InviteRecord], wait_seconds: int, now: datetime) -> str | None:
    """When every invitation an account will accept has had ``wait_seconds`` to propagate; None: nothing to wait for.

    An account expecting an invitation whose sending time is unknown counts as invited ``now``
    (the full wait from the state's end). Rounded up to the whole second: Step Functions' timestamps
    carry whole seconds, and the wait must never end early.
    """
    sent = [clock.parse_iso(r.invited_at) if r.invited_at else now for r in records if r.expect_invitation]
    if not sent:
        return None
    moment = max(sent) + timedelta(seconds=wait_seconds)
    if moment.microsecond:
        moment = moment.replace(microsecond=0) + timedelta(seconds=1)
    return clock.iso(moment)


def start_monitoring(detective: DetectiveClient, graph_arn: str, account_id: str) -> InviteRecord:
    """StartMonitoringMember for an ACCEPTED_BUT_DISABLED member; a failure is the record's error."""
    try:
        with translate_errors():
            detective.start_monitoring_member(GraphArn=graph_arn, AccountId=account_id)
    except errors.RolloutError as exc:
        return InviteRecord(
            "ACCEPTED_BUT_DISABLED",
            "start_monitoring",
            "ACCEPTED_BUT_DISABLED",
            False,
            False,
            error=exc.code,
            detail=f"StartMonitoringMember failed: {exc.message}",
        )
    # Not ``changed`` yet: the membership changes only if the member leaves ACCEPTED_BUT_DISABLED, which the
    # report learns from the final status (tasks.classify_enable).
    return InviteRecord("ACCEPTED_BUT_DISABLED", "start_monitoring", "ACCEPTED_BUT_DISABLED", False, False)


def repair(
    detective: DetectiveClient, plan: Plan, graph_arn: str, accounts: Sequence[Account]
) -> dict[str, InviteRecord]:
    """DeleteMembers + CreateMembers for VERIFICATION_FAILED members given a new email, as the console does."""
    records: dict[str, InviteRecord] = {}
    removed: list[Account] = []
    for chunk in chunks(accounts):
        try:
            for attempt in bounded(errors.RetryableError):
                with attempt:
                    unprocessed = delete_members(detective, graph_arn, [a.account_id for a in chunk])
        except errors.RolloutError as exc:
            for a in chunk:
                records[a.account_id] = _failed(
                    "VERIFICATION_FAILED", "repair", exc.code, f"DeleteMembers failed: {exc.message}"
                )
            continue
        for a in chunk:
            if a.account_id in unprocessed:
                records[a.account_id] = _failed(
                    "VERIFICATION_FAILED",
                    "repair",
                    "ERROR",
                    f"DeleteMembers did not process it: {unprocessed[a.account_id]}",
                )
            else:
                removed.append(a)
    records.update(invite(detective, plan, graph_arn, removed, action="repair", prior="VERIFICATION_FAILED"))
    return records


def invite(
    detective: DetectiveClient, plan: Plan, graph_arn: str, accounts: Sequence[Account], action: str, prior: str | None
) -> dict[str, InviteRecord]:
    """CreateMembers for ``accounts``, a few 50-account chunks in flight; one record per account."""
    # An exception is a bug, not an AWS answer (those are records): it fails the Region.
    done = all_or_raise(
        fan_out_within(
            lambda chunk: _invite_chunk(detective, plan, graph_arn, chunk, action, prior), list(chunks(accounts))
        )
    )
    return {account_id: record for records in done for account_id, record in records.items()}


def _invite_chunk(
    detective: DetectiveClient, plan: Plan, graph_arn: str, chunk: Sequence[Account], action: str, prior: str | None
) -> dict[str, InviteRecord]:
    records: dict[str, InviteRecord] = {}
    message = plan.options.get("invitation_message")
    quiet = bool(plan.options.get("disable_email_notification", False))
    try:
        for attempt in bounded(errors.RetryableError):
            with attempt:
                members, unprocessed = create_members(
                    detective, graph_arn, [(a.account_id, a.email or "") for a in chunk], message, quiet
                )
    except errors.RolloutError as exc:
        for a in chunk:
            detail = f"CreateMembers failed: {exc.message}"
            records[a.account_id] = _failed(prior, action, error_reason(exc), detail, changed=action == "repair")
        return records
    invited_meanwhile = (
        _members_now(detective, graph_arn, [a for a in chunk if a.account_id not in members])
        if action == "invite"
        else {}
    )
    for a in chunk:
        if a.account_id in members:
            records[a.account_id] = _member_record(members[a.account_id], prior, action, True)
        elif a.account_id in invited_meanwhile:  # by a concurrent execution: as if it had been listed
            found = invited_meanwhile[a.account_id]
            records[a.account_id] = _member_record(found, found.get("Status"), "none", False)
        else:
            reason = unprocessed.get(a.account_id, "not returned by CreateMembers")
            records[a.account_id] = _failed(
                prior, action, "ERROR", f"CreateMembers did not process it: {reason}", changed=action == "repair"
            )
    return records


def _member_record(member: MemberDetailTypeDef, prior: str | None, action: str, changed: bool) -> InviteRecord:
    """What CreateMembers (or a later read) answered for an account: invited, or enabled as an organization account."""
    status, enrollment = member.get("Status"), enrollment_of(member)
    waits = waits_for_invitation(status, enrollment)
    at = invited_at(member) if waits else None
    return InviteRecord(prior, action, status, waits, changed, invited_at=at, enrollment=enrollment)


def _members_now(
    detective: DetectiveClient, graph_arn: str, accounts: Sequence[Account]
) -> dict[str, MemberDetailTypeDef]:
    """Which of ``accounts`` CreateMembers left out are members after all (invited by another execution)."""
    if not accounts:
        return {}
    try:
        return get_members(detective, graph_arn, [a.account_id for a in accounts])
    except errors.RolloutError:
        return {}  # they stay reported as not processed
