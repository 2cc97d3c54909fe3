"""State ``RemoveMembers``: take the requested accounts out of the administrator's graph in one Region.

ListMembers says who is a member now; DeleteMembers removes those in chunks of 50. An account
that is not a member is NOT_A_MEMBER with ``changed: false`` - not an error - so rerunning a
finished offboarding is a no-op. A chunk that fails (throttled beyond retries, ...) marks only its
own accounts FAILED. Every requested account gets one record in ``remove/<region>.json``.

Before deleting, the state records its intent (REMOVING). If the Lambda dies after DeleteMembers
and the state machine retries, the retry finds those accounts gone and still reports them REMOVED
by this execution instead of NOT_A_MEMBER.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from tasks import errors
from tasks.aws import default_aws
from tasks.detective import chunks, delete_members, get_members, list_graph_arns, list_members
from tasks.invite_members import error_reason
from tasks.log import keys, logger
from tasks.plan import Plan
from tasks.retrying import bounded
from tasks.workstore import WorkStore

WORKFLOW = "disable"
REMOVING = "REMOVING"


@dataclass(frozen=True)
class RemoveRecord:
    outcome: str  # REMOVED | NOT_A_MEMBER | SKIPPED | FAILED | PLANNED | REMOVING (intent only)
    prior_status: str | None  # the member status before this execution (None: not a member)
    changed: bool
    reason: str | None = None
    detail: str | None = None


Checkpoint = Callable[[str | None, dict[str, RemoveRecord]], None]


def remove_members(
    detective: Any, plan: Plan, region: str, previous: dict[str, dict[str, Any]] | None, checkpoint: Checkpoint
) -> tuple[str | None, dict[str, RemoveRecord]]:
    """(graph ARN, record by account id); ``previous`` is an earlier attempt's document in this execution."""
    accounts = [a.account_id for a in plan.accounts_in(region)]
    if region in plan.admin_disabled_regions:
        detail = f"the administrator account has not enabled the opt-in Region {region}"
        return None, {a: RemoveRecord("SKIPPED", None, False, "ADMIN_REGION_NOT_ENABLED", detail) for a in accounts}
    arns = list_graph_arns(detective)
    if not arns:
        return None, {
            a: RemoveRecord("NOT_A_MEMBER", None, False, None, f"no behavior graph in {region}") for a in accounts
        }
    graph_arn = arns[0]
    members = list_members(detective, graph_arn)
    records: dict[str, RemoveRecord] = {}
    to_remove: list[tuple[str, str | None]] = []
    for account_id in accounts:
        status = members[account_id].get("Status") if account_id in members else None
        earlier = (previous or {}).get(account_id) or {}
        if account_id not in members and earlier.get("outcome") in (REMOVING, "REMOVED"):
            records[account_id] = RemoveRecord(
                "REMOVED", earlier.get("prior_status"), True, detail="removed by an earlier attempt of this state"
            )
        elif account_id not in members:
            records[account_id] = RemoveRecord("NOT_A_MEMBER", None, False, detail=f"not a member in {region}")
        elif plan.dry_run:
            records[account_id] = RemoveRecord("PLANNED", status, False, detail=f"would remove the member ({status})")
        else:
            to_remove.append((account_id, status))
    if to_remove:
        checkpoint(graph_arn, {**records, **{a: RemoveRecord(REMOVING, s, False) for a, s in to_remove}})
    for chunk in chunks(to_remove):
        records.update(_delete_chunk(detective, graph_arn, chunk))
    return graph_arn, records


def _delete_chunk(detective: Any, graph_arn: str, chunk: Sequence[tuple[str, str | None]]) -> dict[str, RemoveRecord]:
    prior = dict(chunk)
    try:
        for attempt in bounded(errors.RetryableError):
            with attempt:
                unprocessed = delete_members(detective, graph_arn, list(prior))
    except errors.RolloutError as exc:
        return {
            a: RemoveRecord("FAILED", s, False, error_reason(exc), f"DeleteMembers failed: {exc.message}")
            for a, s in prior.items()
        }
    records = {a: RemoveRecord("REMOVED", s, True) for a, s in prior.items() if a not in unprocessed}
    if unprocessed:
        records.update(_unprocessed(detective, graph_arn, unprocessed, prior))
    return records


def _unprocessed(
    detective: Any, graph_arn: str, unprocessed: dict[str, str], prior: dict[str, str | None]
) -> dict[str, RemoveRecord]:
    """DeleteMembers skipped these: gone meanwhile (NOT_A_MEMBER) or really not removed (FAILED)."""
    try:
        still = get_members(detective, graph_arn, list(unprocessed))
    except errors.RolloutError as exc:
        still, why = dict.fromkeys(unprocessed, {}), f"; GetMembers failed too: {exc.message}"
    else:
        why = ""
    return {
        a: RemoveRecord("FAILED", prior[a], False, "ERROR", f"DeleteMembers did not process it: {reason}{why}")
        if a in still
        else RemoveRecord("NOT_A_MEMBER", None, False, detail=f"no longer a member: {reason}")
        for a, reason in unprocessed.items()
    }


def document(region: str, graph_arn: str | None, records: dict[str, RemoveRecord]) -> dict[str, Any]:
    return {"region": region, "graph_arn": graph_arn, "members": {k: asdict(v) for k, v in records.items()}}


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    region = event["region"]
    aws = default_aws()
    store = WorkStore.for_state(aws, event, WORKFLOW)
    plan = store.plan()
    name = f"remove/{region}.json"
    previous = (store.find(name) or {}).get("members")

    def checkpoint(graph_arn: str | None, records: dict[str, RemoveRecord]) -> None:
        store.put(name, document(region, graph_arn, records))

    graph_arn, records = remove_members(aws.client("detective", region), plan, region, previous, checkpoint)
    checkpoint(graph_arn, records)
    counts: dict[str, int] = {}
    for record in records.values():
        counts[record.outcome] = counts.get(record.outcome, 0) + 1
    logger.info("members removed", extra={**keys(plan.execution, region=region), **counts})
    return {"region": region, "graph_arn": graph_arn, "accounts": len(records), "counts": counts}
