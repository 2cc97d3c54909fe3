"""State ``InviteMembers``: bring every requested account of one Region into the graph.

Members already ENABLED or INVITED are left alone; VERIFICATION_FAILED members whose email is
now different are repaired (DeleteMembers + CreateMembers, as the console does);
ACCEPTED_BUT_DISABLED members get StartMonitoringMember; the rest are invited with
CreateMembers in chunks of 50 (those calls and their records: tasks.invite_writes). Every
account gets one record in its Region's entry of ``invite.json``. Every Region's entry is in
that one document: one S3 write per invocation, one read for the report.

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
ORGANIZATION member never expects an invitation, so it never accepts one (tasks.targets says when
``member_guardduty: enable`` still gives it member-side GuardDuty work).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tasks import clock
from tasks.aws import default_aws
from tasks.contracts import InvitationsOutput, RegionInvites, RegionsInput
from tasks.detective import list_members
from tasks.enrollment import enrollment_of, waits_for_invitation
from tasks.invite_writes import InviteRecord, invitations_visible_at, invite, invited_at, repair, start_monitoring
from tasks.log import keys, logger
from tasks.plan import Account, Plan
from tasks.region_outcomes import Outcome, for_each_ready, ready_regions
from tasks.targets import INVITED, write_slices
from tasks.verify_members import VERIFY_TARGETS, verify_targets
from tasks.workstore import WorkStore

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from types_boto3_detective import DetectiveClient
    from types_boto3_detective.type_defs import MemberDetailTypeDef


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
            started = start_monitoring(detective, graph_arn or "", account.account_id)
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
    records.update(repair(detective, plan, graph_arn, to_repair))
    records.update(invite(detective, plan, graph_arn, to_invite, action="invite", prior=None))
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
