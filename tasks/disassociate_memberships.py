"""State ``DisassociateMemberships``: for one batch of accounts, clean up from the member side.

Runs after RemoveMembers (only with ``disassociate_in_member``), so usually the member sees no
membership left and there is nothing to do. It matters where the administrator's removal did not
happen: the member leaves with DisassociateMembership where it is ENABLED, or declines with
RejectInvitation where it is still INVITED. Only the administrator's graphs are touched - a
member may belong to other graphs, which are none of this workflow's business.

The batch's accounts and the plan come from its own work document (``batches/<batch>.json``,
written by ValidateOffboarding), not from the whole ``request.json``. Each member role is
assumed ONCE per account and used in all of its Regions; accounts run concurrently and are
isolated from each other (the AcceptInvitations pattern, sharing its helpers). An account that
is already gone - closed, role missing - is recorded as ACCESS_DENIED for its Regions and
reported, never fatal: the administrator-side removal stands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasks import errors, settings
from tasks.aws import Aws, default_aws, member_role_arn
from tasks.batch import outcome_counts, role_failure_outcome, run_isolated
from tasks.contracts import BatchInput, BatchOutput
from tasks.detective import disassociate_membership, list_invitations, reject_invitation
from tasks.log import keys, logger
from tasks.member import AccountResult, MemberRecord, document
from tasks.plan import Account, Plan
from tasks.workstore import WorkStore

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from types_boto3_detective import DetectiveClient
    from types_boto3_detective.type_defs import MemberDetailTypeDef

WORKFLOW = "disable"
#: Member-side outcomes that leave something undone (the report shows them as MEMBER_<outcome>).
PROBLEMS = frozenset({"ACCESS_DENIED", "THROTTLED", "ERROR"})


def batch_name(batch: int) -> str:
    """The batch's work document: :meth:`tasks.plan.Plan.batch_document`, written by ValidateOffboarding."""
    return f"batches/{batch}.json"


def result_name(batch: int) -> str:
    """The batch's records: ``{"batch", "accounts": {account_id: {"regions": {region: MemberRecord}}}}``."""
    return f"disassociate/{batch}.json"


def leave_in_region(member: Aws, region: str, admin_account_id: str, dry_run: bool) -> MemberRecord:
    """Leave (or, in a dry run, look at) the administrator's graph in ``region``, as the member."""
    detective = member.client("detective", region)
    try:
        mine = [i for i in list_invitations(detective) if _graph_owner(i) == admin_account_id]
        if not mine:
            return MemberRecord("NO_MEMBERSHIP", False, None, "the member sees no membership in the graph")
        if dry_run:
            statuses = ", ".join(str(i.get("Status")) for i in mine)
            return MemberRecord("PLANNED", False, None, f"the member still sees its membership ({statuses})")
        results = [_leave(detective, i) for i in mine]
    except errors.RegionNotEnabled:
        return MemberRecord(
            "REGION_NOT_ENABLED", False, None, f"the member account has not enabled the opt-in Region {region}"
        )
    except errors.RolloutError as exc:
        return MemberRecord(role_failure_outcome(exc), False, None, exc.message)
    return next((r for r in results if r.changed), results[0])


def _graph_owner(invitation: MemberDetailTypeDef) -> str:
    arn = str(invitation.get("GraphArn") or "")
    return str(invitation.get("AdministratorId") or (arn.split(":")[4] if arn.count(":") >= 5 else ""))


def _leave(detective: DetectiveClient, invitation: MemberDetailTypeDef) -> MemberRecord:
    graph_arn, status = str(invitation["GraphArn"]), invitation.get("Status")
    if status not in ("ENABLED", "INVITED"):
        return MemberRecord(
            "NOT_ENABLED", False, None, f"the membership is {status}: only the administrator can remove it"
        )
    try:
        if status == "ENABLED":
            disassociate_membership(detective, graph_arn)
            return MemberRecord("DISASSOCIATED", True, None, "the member left the graph (DisassociateMembership)")
        reject_invitation(detective, graph_arn)
        return MemberRecord("REJECTED", True, None, "the member declined the invitation (RejectInvitation)")
    except (errors.Conflict, errors.ResourceNotFound) as exc:  # changed meanwhile: nothing left to leave
        return MemberRecord("NOT_ENABLED", False, None, exc.message)


def disassociate_batch(
    admin: Aws, plan: Plan, accounts: tuple[Account, ...], role_name: str, external_id: str | None
) -> dict[str, AccountResult]:
    """Records by account id: ``{"regions": {region: MemberRecord}}`` or ``{"error": ...}``."""

    def work(account: Account) -> tuple[str, AccountResult]:
        regions = [r for r in account.regions if r not in plan.admin_disabled_regions]
        if not regions:
            return account.account_id, {"regions": {}}
        try:
            member = admin.assume_role(
                member_role_arn(account.account_id, role_name), f"detective-rollout-{plan.execution}", external_id
            )
        except errors.RolloutError as exc:
            failed = MemberRecord(role_failure_outcome(exc), False, None, f"AssumeRole failed: {exc.message}")
            return account.account_id, {"regions": dict.fromkeys(regions, document(failed))}
        records = {r: document(leave_in_region(member, r, plan.admin_account_id, plan.dry_run)) for r in regions}
        return account.account_id, {"regions": records}

    return run_isolated(work, accounts)


def lambda_handler(event: BatchInput, context: LambdaContext) -> BatchOutput:
    batch_index = int(event["batch"])
    config = settings.load()
    admin = default_aws()
    store = WorkStore.for_state(admin, event, WORKFLOW)
    plan = Plan.from_batch_document(store.get(batch_name(batch_index)))
    results = disassociate_batch(admin, plan, plan.accounts, config.member_role_name, config.member_role_external_id)
    store.put(result_name(batch_index), {"batch": batch_index, "accounts": results})
    counts = outcome_counts(results)
    logger.info("member side cleaned up", extra={**keys(plan.execution), "batch": batch_index, **counts})
    return {"batch": batch_index, "accounts": len(results), "counts": counts}
