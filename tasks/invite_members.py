"""State ``InviteMembers``: bring every requested account of one Region into the graph.

Members already ENABLED or INVITED are left alone; VERIFICATION_FAILED members whose email is
now different are repaired (DeleteMembers + CreateMembers, as the console does);
ACCEPTED_BUT_DISABLED members get StartMonitoringMember; the rest are invited with
CreateMembers in chunks of 50. Every account gets one record in its Region's entry of
``invite.json`` - an error in one chunk never loses another chunk's accounts. Every Region's
entry is in that one document: one S3 write per invocation, one read for the report.

One invocation handles every READY Region of the per-Region outcome list concurrently
(tasks.region_outcomes), then writes each batch's accept targets (tasks.targets), so that
AcceptInvitations reads one small file per batch instead of every Region's invite file, and
VerifyMembers' small document of the accounts to verify (tasks.verify_members).

It also says until when the workflow must wait (``visible_at``): invitations need a while to
reach members, counted from when each was sent - Detective's InvitedTime of the newest
invitation an account will accept, plus ``invitation_wait_seconds``. Time this state spent
after sending is not waited again, and a run with no invitation to accept (a rerun over an
enabled fleet, a replay of accounts invited long ago) does not wait at all.

Organization accounts: where the administrator is the organization's Detective administrator,
CreateMembers enables an account of the organization instead of inviting it. The MemberDetail's
InvitationType (ListMembers, CreateMembers) says which an account is (tasks.enrollment); an
ORGANIZATION member never expects an invitation, so it is never an accept target: no AssumeRole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from tasks import clock, errors
from tasks.aws import default_aws, translate_errors
from tasks.contracts import InvitationsOutput, InviteDocument, RegionInvites, RegionsInput
from tasks.detective import chunks, create_members, delete_members, get_members, list_members
from tasks.enrollment import enrollment_of, waits_for_invitation
from tasks.fanout import all_or_raise, fan_out_within
from tasks.log import keys, logger
from tasks.plan import Account, Plan
from tasks.region_outcomes import Outcome, for_each_ready, ready_regions
from tasks.retrying import bounded
from tasks.targets import INVITED, write_slices
from tasks.verify_members import VERIFY_TARGETS, verify_targets
from tasks.workstore import WorkStore

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
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


def _decide(account: Account, member: MemberDetailTypeDef | None) -> str:
    if member is None:
        return "invite"
    status = member.get("Status")
    if status == "ACCEPTED_BUT_DISABLED":
        return "start_monitoring"
    if status == "VERIFICATION_FAILED" and (member.get("EmailAddress") or "").lower() != (account.email or "").lower():
        return "repair"
    return "none"


def invite_members(
    detective: DetectiveClient,
    plan: Plan,
    region: str,
    graph_arn: str | None,
    *,
    new_graph: bool = False,
    organization_admin: bool | None = None,
) -> dict[str, InviteRecord]:
    """``new_graph``: this execution just created the graph, so it has no members to list.

    ``organization_admin``: EnsureGraph found the administrator is the organization's Detective
    administrator here (a dry run says an account may be enabled rather than invited).
    """
    accounts = plan.accounts_in(region)
    existing = list_members(detective, graph_arn) if graph_arn and not new_graph else {}
    records: dict[str, InviteRecord] = {}
    to_invite: list[Account] = []
    to_repair: list[Account] = []
    for account in accounts:
        member = existing.get(account.account_id)
        prior = member.get("Status") if member else None
        enrollment = enrollment_of(member)
        action = _decide(account, member)
        if plan.dry_run:
            records[account.account_id] = InviteRecord(
                prior,
                action,
                prior,
                False,
                False,
                detail=_planned(action, prior, bool(organization_admin)),
                disabled_reason=member.get("DisabledReason") if member else None,
                enrollment=enrollment,
            )
        elif action == "invite":
            to_invite.append(account)
        elif action == "repair":
            to_repair.append(account)
        elif action == "start_monitoring":
            started = _start_monitoring(detective, graph_arn or "", account.account_id)
            records[account.account_id] = replace(started, enrollment=enrollment)
        else:
            detail = None
            if prior == "VERIFICATION_FAILED":
                detail = "the email must be the account's root email; the invitation was sent to the same email"
            waits = waits_for_invitation(prior, enrollment)
            records[account.account_id] = InviteRecord(
                prior,
                "none",
                prior,
                waits,
                False,
                detail=detail,
                invited_at=invited_at(member) if waits else None,
                enrollment=enrollment,
            )
    if plan.dry_run or not graph_arn:
        return records
    records.update(_repair(detective, plan, graph_arn, to_repair))
    records.update(_invite(detective, plan, graph_arn, to_invite, action="invite", prior=None))
    return records


def _planned(action: str, prior: str | None, organization_admin: bool = False) -> str:
    """What the run would do for a member found ``prior`` (a dry run's ``detail``; its outcome comes later)."""
    if action == "none":
        return {
            "ENABLED": "no change: already an enabled member",
            "VERIFICATION_FAILED": "no change: the input gives the email Detective could not verify before",
        }.get(str(prior), "would accept the invitation in the member account")
    if action == "invite" and organization_admin:
        return (
            "would add the account (CreateMembers): enabled at once if it is an organization account, "
            "else invited and accepted in the member account"
        )
    return {
        "invite": "would invite the account (CreateMembers; Detective then verifies the email is its root email) "
        "and accept the invitation in the member account",
        "repair": "would remove the VERIFICATION_FAILED member, invite it again with the new email and accept the "
        "invitation in the member account",
        "start_monitoring": "would ask Detective to start monitoring the ACCEPTED_BUT_DISABLED member",
    }[action]


def _start_monitoring(detective: DetectiveClient, graph_arn: str, account_id: str) -> InviteRecord:
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


def _repair(
    detective: DetectiveClient, plan: Plan, graph_arn: str, accounts: Sequence[Account]
) -> dict[str, InviteRecord]:
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
    records.update(_invite(detective, plan, graph_arn, removed, action="repair", prior="VERIFICATION_FAILED"))
    return records


def _invite(
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


def lambda_handler(event: RegionsInput, context: LambdaContext) -> InvitationsOutput:
    aws = default_aws()
    store = WorkStore.for_state(aws, event, "enable")
    plan = store.plan()
    invites: dict[str, RegionInvites] = {}
    by_region: dict[str, dict[str, InviteRecord]] = {}

    def invite(outcome: Outcome) -> Outcome:
        region, graph = outcome["region"], outcome.get("graph") or {}
        graph_arn = graph.get("graph_arn")
        records = invite_members(
            aws.client("detective", region),
            plan,
            region,
            graph_arn,
            new_graph=bool(graph.get("created")),
            organization_admin=graph.get("organization_admin"),
        )
        invites[region] = {
            "region": region,
            "graph_arn": graph_arn,
            "members": {k: v.document() for k, v in records.items()},
        }
        by_region[region] = records
        counts: dict[str, int] = {}
        for record in records.values():
            counts[record.action] = counts.get(record.action, 0) + 1
            if record.error:
                counts["errors"] = counts.get("errors", 0) + 1
        logger.info("members invited", extra={**keys(plan.execution, region=region), **counts})
        return {**outcome, "invite": {"region": region, "accounts": len(records), "counts": counts}}

    outcomes = for_each_ready(event["regions"], invite)
    store.put(INVITED, {"regions": invites})
    store.put(VERIFY_TARGETS, verify_targets(plan))
    ready = ready_regions(outcomes)
    write_slices(store, plan, {r: invites[r] for r in ready})
    ready_records = [record for region in ready for record in by_region[region].values()]
    wait = int(event["run"]["invitation_wait_seconds"])
    return {"regions": outcomes, "ready": ready, "visible_at": invitations_visible_at(ready_records, wait, clock.now())}
