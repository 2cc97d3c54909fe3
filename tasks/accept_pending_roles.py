"""State ``AcceptPendingRoles``: try every batch's accounts whose member role was missing again, all at once.

AcceptInvitations records an account whose role AssumeRole denies as PENDING_ACCESS while
``retry_access_denied_minutes`` allows (vended accounts receive their role minutes later). This
state then tries all of them again in one invocation; the state machine waits until the
``retry_at`` it returns and calls it again, until nothing is pending or the window has ended (the
last try records ACCESS_DENIED).

Why not a Retry inside the Map: each retry of a batch adds ~3 events to the execution's history,
and at a minute apart for 24 hours six pending batches pass the 25,000 events Step Functions keeps
per execution ("Step Functions service quotas": a hard quota; the execution then fails without its
report). Here one try covers every batch, and :func:`tasks.accept_invitations.retry_interval`
spaces the tries so there are at most MAX_ROLE_TRIES of them (~9 events each: Task, Choice, Wait)
whatever the window and the batch count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from tasks import clock, settings
from tasks.accept_invitations import accept_batch
from tasks.aws import Aws, default_aws
from tasks.batch import outcome_counts
from tasks.contracts import BatchResult, PendingRolesInput, PendingRolesOutput
from tasks.fanout import all_or_raise, fan_out
from tasks.log import keys, logger
from tasks.member import AccountResult, Target
from tasks.plan import Account, Plan
from tasks.targets import read_batch
from tasks.workstore import WorkStore

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

Loaded = tuple[int, Plan, tuple[Account, ...], dict[str, list[Target]], dict[str, AccountResult]]


def pending_batches(batches: Iterable[BatchResult]) -> list[int]:
    """The batches AcceptBatches left with account-Regions PENDING_ACCESS (a failed batch has no counts)."""
    return [int(b["batch"]) for b in batches if (b.get("counts") or {}).get("PENDING_ACCESS")]


def _still_pending(records: Mapping[str, AccountResult]) -> bool:
    regions = (r for record in records.values() for r in record.get("regions", {}).values())
    return any(r.get("outcome") == "PENDING_ACCESS" for r in regions)


def accept_pending(
    admin: Aws,
    store: WorkStore,
    batches: list[int],
    role_name: str,
    external_id: str | None,
    now: datetime,
) -> tuple[dict[str, int], str | None]:
    """One try for the pending accounts of ``batches``; each batch's record is rewritten. Counts, next try."""

    def load(index: int) -> Loaded:
        plan, accounts, targets = read_batch(store, index)
        records = (store.find(_accept_name(index)) or {}).get("accounts") or {}
        return index, plan, accounts, targets, records

    loaded = [b for b in all_or_raise(fan_out(load, batches)) if _still_pending(b[4])]
    if not loaded:
        return {}, None
    accounts = tuple(a for _, _, batch_accounts, _, _ in loaded for a in batch_accounts)
    targets = {k: v for _, _, _, batch_targets, _ in loaded for k, v in batch_targets.items()}
    previous = {k: v for _, _, _, _, records in loaded for k, v in records.items()}
    plan = loaded[0][1]
    results, retry_at = accept_batch(admin, plan, accounts, targets, role_name, external_id, now, previous)

    def write(batch: Loaded) -> None:
        index, _, batch_accounts, _, _ = batch
        mine = {a.account_id: results[a.account_id] for a in batch_accounts if a.account_id in results}
        store.put(_accept_name(index), {"batch": index, "accounts": mine})

    all_or_raise(fan_out(write, loaded))
    return outcome_counts(results), retry_at


def _accept_name(batch: int) -> str:
    return f"accept/{batch}.json"


def lambda_handler(event: PendingRolesInput, context: LambdaContext) -> PendingRolesOutput:
    config = settings.load()
    admin = default_aws()
    store = WorkStore.for_state(admin, event, "enable")
    batches = pending_batches(event.get("batches") or [])
    counts, retry_at = accept_pending(
        admin, store, batches, config.member_role_name, config.member_role_external_id, clock.now()
    )
    logger.info(
        "pending member roles tried",
        extra={**keys(event["run"]["execution"]), "batches": len(batches), "retry_at": retry_at, **counts},
    )
    return {"pending": retry_at is not None, "retry_at": retry_at, "counts": counts}
