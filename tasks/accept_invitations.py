"""State ``AcceptInvitations``: for one batch of member accounts, accept the invitations.

Each account's member role is assumed ONCE and used in all of its Regions. The work is flat so
that many calls are in flight at once (tasks.fanout): first every account's AssumeRole, then
every account x Region AcceptInvitation, then - only for members Detective left
ACCEPTED_BUT_DISABLED without a volume verdict - whether the member has GuardDuty there.
Accounts and pairs are isolated from each other: whatever happens to one (AccessDenied, an
opt-in Region it has not enabled, an invitation that is not visible yet, throttling) becomes
its record in ``accept/<batch>.json``; nothing is lost.

An account whose role is denied may be closed or suspended rather than missing its role: the
administrator asks Organizations (tasks.organizations, where it may) and such an account's pairs
are ACCOUNT_CLOSED (to be offboarded), never retried.

With ``retry_access_denied_minutes`` (vended accounts receive their role minutes later), an
AccessDenied account is recorded PENDING_ACCESS and counted; after the Map, AcceptPendingRoles
tries every batch's pending accounts again at once, every :func:`retry_interval`, until the
window ends (tasks/accept_pending_roles.py says why the wait is not a Retry here).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tasks import clock, errors, settings
from tasks.aws import Aws, default_aws, member_role_arn
from tasks.batch import outcome_counts, role_failure_outcome
from tasks.contracts import BatchInput, BatchOutput
from tasks.detective import chunks, get_members
from tasks.fanout import fan_out
from tasks.log import keys, logger
from tasks.member import (
    AccountResult,
    MemberRecord,
    RecordDocument,
    Target,
    accept_in_region,
    document,
    has_guardduty,
)
from tasks.member_guardduty import create_detector, start_monitoring
from tasks.organizations import closed_state
from tasks.plan import Account, Plan
from tasks.targets import enable_guardduty, read_batch
from tasks.workstore import WorkStore

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from types_boto3_detective.type_defs import MemberDetailTypeDef

#: The shortest wait between two tries of a pending member role.
ACCESS_RETRY_INTERVAL = timedelta(seconds=60)
#: At most this many tries of pending member roles per execution, however long the window: each is
#: ~9 history events (Task, Choice, Wait) against Step Functions' 25,000 per execution.
MAX_ROLE_TRIES = 96
_ACCEPTED = ("ACCEPTED", "ALREADY_ACCEPTED", "ORGANIZATION")
#: An ORGANIZATION member's record where its member role could not be assumed (``member_guardduty: enable``).
NO_ORGANIZATION_ROLE = (
    "organization account: it has no member role to enable GuardDuty through (AssumeRole failed: {why}); "
    "enable GuardDuty in the account (infra/member-guardduty.yaml) or deploy the member role, then replay"
)

Pair = tuple[str, Aws, Target]  # account id, its member role, a Region to accept in


def accept_batch(
    admin: Aws,
    plan: Plan,
    accounts: tuple[Account, ...],
    targets: dict[str, list[Target]],
    role_name: str,
    external_id: str | None,
    now: datetime,
    previous: Mapping[str, AccountResult] | None = None,
) -> tuple[dict[str, AccountResult], str | None]:
    """Records by account id (``{"regions": {region: MemberRecord}}``) and when to retry pending ones."""
    results: dict[str, AccountResult] = dict(previous or {})
    todo = [a for a in accounts if _needs_work(results.get(a.account_id), targets.get(a.account_id))]
    deadline = plan.options.get("access_denied_deadline")
    # Retry only while a whole interval still fits before the deadline: every retry then moves
    # time forward by an interval, so the retries always end.
    next_try = now + retry_interval(plan)
    may_retry = bool(deadline) and not plan.dry_run and next_try <= clock.parse_iso(str(deadline))

    def assume(account: Account) -> Aws:
        return admin.assume_role(
            member_role_arn(account.account_id, role_name), f"detective-rollout-{plan.execution}", external_id
        )

    assumed = fan_out(assume, todo)
    closed = _closed_accounts(admin, [a.account_id for a, m in zip(todo, assumed, strict=True) if _denied(m)])
    pairs: list[Pair] = []
    for account, member in zip(todo, assumed, strict=True):
        account_targets = targets.get(account.account_id, [])
        if isinstance(member, errors.AccessDenied) and account.account_id in closed:
            why = f"the account is {closed[account.account_id]} in AWS Organizations (DescribeAccount); "
            results[account.account_id] = _role_failure(account_targets, member, "ACCOUNT_CLOSED", why)
        elif isinstance(member, errors.RolloutError):
            outcome = "PENDING_ACCESS" if isinstance(member, errors.AccessDenied) and may_retry else None
            invited = [t for t in account_targets if not t.organization]
            results[account.account_id] = _role_failure(invited, member, outcome) if invited else {"regions": {}}
            results[account.account_id]["regions"].update(_no_organization_role(account_targets, member))
        elif isinstance(member, Exception):  # a bug, not an AWS answer: this account only
            logger.error("account failed", extra={**keys(account=account.account_id), "error": repr(member)})
            results[account.account_id] = {"error": f"{type(member).__name__}: {member}"}
        else:
            results[account.account_id] = {"regions": {}}
            pairs += [(account.account_id, member, target) for target in account_targets]

    def accept(pair: Pair) -> MemberRecord:
        _, member, target = pair
        if target.organization and plan.dry_run:  # whether it has GuardDuty decides what the run would do
            return MemberRecord("ORGANIZATION", False, has_guardduty(member, target.region))
        if target.organization:  # enabled by the administrator: no invitation to accept, only GuardDuty to probe
            return MemberRecord("ORGANIZATION", False, None)
        return accept_in_region(member, target.region, target.graph_arn, plan.dry_run, probe_guardduty=False)

    records = [_as_record(r) for r in fan_out(accept, pairs)]
    if not plan.dry_run:
        records = _explain_disabled(admin, pairs, records, enable_guardduty(plan))
    for (account_id, _, target), record in zip(pairs, records, strict=True):
        results[account_id]["regions"][target.region] = document(record)
    pending = any(
        rec["outcome"] == "PENDING_ACCESS" for res in results.values() for rec in res.get("regions", {}).values()
    )
    return results, clock.iso(next_try) if pending else None


def retry_interval(plan: Plan) -> timedelta:
    """The wait between tries of pending member roles: a minute, or longer so the window holds MAX_ROLE_TRIES."""
    minutes = int(plan.options.get("retry_access_denied_minutes") or 0)
    return max(ACCESS_RETRY_INTERVAL, timedelta(seconds=math.ceil(minutes * 60 / MAX_ROLE_TRIES)))


def _denied(member: Aws | Exception) -> bool:
    return isinstance(member, errors.AccessDenied)


def _closed_accounts(admin: Aws, account_ids: list[str]) -> dict[str, str]:
    """Of the accounts whose role was denied, those Organizations says are closed or suspended (id -> state)."""
    states = fan_out(lambda account_id: closed_state(admin, account_id), account_ids)
    return {a: s for a, s in zip(account_ids, states, strict=True) if isinstance(s, str)}


def _as_record(result: MemberRecord | Exception) -> MemberRecord:
    if isinstance(result, Exception):  # a bug for one pair: that pair's record, never the batch's failure
        return MemberRecord("ERROR", False, None, f"{type(result).__name__}: {result}")
    return result


def _explain_disabled(
    admin: Aws, pairs: list[Pair], records: list[MemberRecord], enable: bool = False
) -> list[MemberRecord]:
    """Note whether the member has GuardDuty where Detective left it ACCEPTED_BUT_DISABLED / VOLUME_UNKNOWN.

    The administrator reads the accepted members' status (GetMembers, 50 per call); only those
    members' GuardDuty is probed, instead of one more call for every account x Region. With
    ``enable`` (``member_guardduty: enable``) a member found without GuardDuty gets a detector,
    then Detective is asked to monitor it (tasks.member_guardduty).
    """
    accepted: dict[tuple[str, str], list[str]] = {}
    for (account_id, _, target), record in zip(pairs, records, strict=True):
        if record.outcome in _ACCEPTED:
            accepted.setdefault((target.region, target.graph_arn), []).append(account_id)
    lookups = [(region, arn, chunk) for (region, arn), ids in accepted.items() for chunk in chunks(ids)]

    def status(lookup: tuple[str, str, Sequence[str]]) -> dict[str, MemberDetailTypeDef]:
        region, arn, ids = lookup
        return get_members(admin.client("detective", region), arn, list(ids))

    unknown: set[tuple[str, str]] = set()
    for (region, _, _), found in zip(lookups, fan_out(status, lookups), strict=True):
        if isinstance(found, Exception):
            logger.warning("member status not readable", extra={**keys(region=region), "error": repr(found)})
            continue
        unknown |= {
            (account_id, region)
            for account_id, m in found.items()
            if m.get("Status") == "ACCEPTED_BUT_DISABLED" and m.get("DisabledReason") != "VOLUME_TOO_HIGH"
        }
    probe = [i for i, (account_id, _, target) in enumerate(pairs) if (account_id, target.region) in unknown]
    probed = fan_out(lambda i: has_guardduty(pairs[i][1], pairs[i][2].region), probe)
    out = list(records)
    for i, guardduty in zip(probe, probed, strict=True):
        out[i] = replace(out[i], member_guardduty=None if isinstance(guardduty, Exception) else guardduty)
    if enable:
        out = _enable_guardduty(admin, pairs, out, [i for i in probe if out[i].member_guardduty is False])
    return out


def _enable_guardduty(
    admin: Aws, pairs: list[Pair], records: list[MemberRecord], which: list[int]
) -> list[MemberRecord]:
    """A detector in each member of ``which`` (member role), then StartMonitoringMember for those that got one."""
    made = fan_out(lambda i: create_detector(pairs[i][1], pairs[i][2].region), which)
    out, started = list(records), []
    for i, why in zip(which, made, strict=True):
        if why is None:
            out[i] = replace(out[i], changed=True, member_guardduty=True, guardduty_enabled=True)
            started.append(i)
        else:
            out[i] = replace(out[i], guardduty_error=str(why))

    def monitor(i: int) -> str | None:
        account_id, _, target = pairs[i]
        return start_monitoring(admin.client("detective", target.region), target.graph_arn, account_id)

    for i, status in zip(started, fan_out(monitor, started), strict=True):
        account_id, _, target = pairs[i]
        logger.info(
            "member GuardDuty enabled",
            extra={**keys(account=account_id, region=target.region), "status": repr(status)},
        )
    return out


def _needs_work(previous: AccountResult | None, targets: list[Target] | None) -> bool:
    if not targets:
        return False
    if previous is None:
        return True
    return any(rec["outcome"] == "PENDING_ACCESS" for rec in previous.get("regions", {}).values())


def _no_organization_role(targets: Iterable[Target], exc: errors.RolloutError) -> dict[str, RecordDocument]:
    """An ORGANIZATION member's Regions when its role is denied: GuardDuty could not be enabled, no ACCESS_DENIED.

    The organization path never needs a member role, so the row stays what Detective says
    (ACCEPTED_BUT_DISABLED / VOLUME_UNKNOWN) with why GuardDuty was not enabled.
    """
    why = NO_ORGANIZATION_ROLE.format(why=exc.message)
    record = MemberRecord("ORGANIZATION", False, None, why, guardduty_error=why)
    return {t.region: document(record) for t in targets if t.organization}


def _role_failure(
    targets: Iterable[Target], exc: errors.RolloutError, outcome: str | None, why: str = ""
) -> AccountResult:
    if outcome is None:
        outcome = role_failure_outcome(exc)
    detail = f"{why}AssumeRole failed: {exc.message}"
    return {"regions": {t.region: document(MemberRecord(outcome, False, None, detail)) for t in targets}}


def lambda_handler(event: BatchInput, context: LambdaContext) -> BatchOutput:
    batch_index = int(event["batch"])
    config = settings.load()
    admin = default_aws()
    store = WorkStore.for_state(admin, event, "enable")
    plan, batch, targets = read_batch(store, batch_index)
    name = f"accept/{batch_index}.json"
    previous = (store.find(name) or {}).get("accounts")
    results, retry_at = accept_batch(
        admin,
        plan,
        batch,
        targets,
        config.member_role_name,
        config.member_role_external_id,
        clock.now(),
        previous,
    )
    store.put(name, {"batch": batch_index, "accounts": results})
    counts = outcome_counts(results)
    logger.info(
        "invitations accepted", extra={**keys(plan.execution), "batch": batch_index, "retry_at": retry_at, **counts}
    )
    return {"batch": batch_index, "accounts": len(batch), "counts": counts}
