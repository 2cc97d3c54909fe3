"""State ``AcceptInvitations``: for one batch of member accounts, accept the invitations.

Each account's member role is assumed ONCE and used in all of its Regions. Accounts run
concurrently inside the batch and are isolated from each other: whatever happens to one
(AccessDenied, an opt-in Region it has not enabled, an invitation that is not visible yet,
throttling) becomes that account's record in ``accept/<batch>.json``; nothing is lost.

With ``retry_access_denied_minutes`` (vended accounts receive their role minutes later), an
AccessDenied account is kept PENDING_ACCESS and the state returns ``retry_at``; the state
machine waits and calls this state again, which then retries only the pending accounts.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from tasks import clock, errors, settings
from tasks.aws import Aws, default_aws, member_role_arn
from tasks.log import keys, logger
from tasks.member import MemberRecord, Target, accept_in_account
from tasks.plan import Account, Plan
from tasks.workstore import WorkStore

ACCESS_RETRY_INTERVAL = timedelta(seconds=60)
MAX_THREADS = 10


def accept_batch(
    admin: Aws,
    plan: Plan,
    accounts: tuple[Account, ...],
    targets: dict[str, list[Target]],
    role_name: str,
    external_id: str | None,
    now: datetime,
    previous: dict[str, dict[str, Any]] | None = None,
) -> tuple[dict[str, dict[str, Any]], str | None]:
    """Records by account id (``{"regions": {region: MemberRecord}}``) and when to retry pending ones."""
    results: dict[str, dict[str, Any]] = dict(previous or {})
    todo = [a for a in accounts if _needs_work(results.get(a.account_id), targets.get(a.account_id))]
    deadline = plan.options.get("access_denied_deadline")
    # Retry only while a whole interval still fits before the deadline: every loop of the state
    # machine then moves time forward by an interval, so the loop always ends.
    next_try = now + ACCESS_RETRY_INTERVAL
    may_retry = bool(deadline) and not plan.dry_run and next_try <= clock.parse_iso(str(deadline))

    def work(account: Account) -> tuple[str, dict[str, Any]]:
        account_targets = targets.get(account.account_id, [])
        try:
            member = admin.assume_role(
                member_role_arn(account.account_id, role_name), f"detective-rollout-{plan.execution}", external_id
            )
        except errors.RolloutError as exc:
            outcome = "PENDING_ACCESS" if isinstance(exc, errors.AccessDenied) and may_retry else None
            return account.account_id, _role_failure(account_targets, exc, outcome)
        records = accept_in_account(member, account_targets, plan.dry_run)
        return account.account_id, {"regions": {r: asdict(rec) for r, rec in records.items()}}

    with ThreadPoolExecutor(max_workers=max(1, min(MAX_THREADS, len(todo)))) as pool:
        for account_id, result in pool.map(_isolated(work), todo):
            results[account_id] = result
    pending = any(
        rec["outcome"] == "PENDING_ACCESS" for res in results.values() for rec in res.get("regions", {}).values()
    )
    return results, clock.iso(next_try) if pending else None


def _needs_work(previous: dict[str, Any] | None, targets: list[Target] | None) -> bool:
    if not targets:
        return False
    if previous is None:
        return True
    return any(rec["outcome"] == "PENDING_ACCESS" for rec in previous.get("regions", {}).values())


def _role_failure(targets: list[Target], exc: errors.RolloutError, outcome: str | None) -> dict[str, Any]:
    if outcome is None:
        outcome = "ACCESS_DENIED" if isinstance(exc, errors.AccessDenied) else _error_outcome(exc)
    detail = f"AssumeRole failed: {exc.message}"
    return {"regions": {t.region: asdict(MemberRecord(outcome, False, None, detail)) for t in targets}}


def _error_outcome(exc: errors.RolloutError) -> str:
    return "THROTTLED" if isinstance(exc, errors.Throttled) else "ERROR"


def _isolated(work: Any) -> Any:
    """Turn an unexpected exception for one account into an ERROR record for that account only."""

    def run(account: Account) -> tuple[str, dict[str, Any]]:
        try:
            result: tuple[str, dict[str, Any]] = work(account)
            return result
        except Exception as exc:  # noqa: BLE001 - one account's bug must not lose the batch
            logger.exception("account failed", extra=keys(account=account.account_id))
            return account.account_id, {"error": f"{type(exc).__name__}: {exc}"}

    return run


def targets_for(store: WorkStore, plan: Plan, batch: tuple[Account, ...], ready: list[str]) -> dict[str, list[Target]]:
    """Regions per account where an invitation is expected (dry run: every ready Region)."""
    targets: dict[str, list[Target]] = {}
    for region in ready:
        invite = store.find(f"invite/{region}.json")
        if not invite:
            continue
        for account in batch:
            record = invite["members"].get(account.account_id)
            if record is None or not (plan.dry_run or record["expect_invitation"]):
                continue
            graph_arn = invite.get("graph_arn") or ""
            targets.setdefault(account.account_id, []).append(Target(region, graph_arn))
    return targets


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    plan_ref, batch_index = event["plan"], int(event["batch"])
    config = settings.load()
    admin = default_aws()
    store = WorkStore(admin.client("s3"), config.report_bucket, "enable", plan_ref["execution"])
    plan = store.plan()
    batch = plan.batch(batch_index)
    ready = [r["region"] for r in event.get("regions", []) if r.get("status") == "READY"]
    name = f"accept/{batch_index}.json"
    previous = (store.find(name) or {}).get("accounts")
    results, retry_at = accept_batch(
        admin, plan, batch, targets_for(store, plan, batch, ready), config.member_role_name,
        config.member_role_external_id, clock.now(), previous,
    )
    store.put(name, {"batch": batch_index, "accounts": results})
    counts: dict[str, int] = {}
    for result in results.values():
        for rec in result.get("regions", {}).values():
            counts[rec["outcome"]] = counts.get(rec["outcome"], 0) + 1
        if "error" in result:
            counts["ERROR"] = counts.get("ERROR", 0) + 1
    logger.info("invitations accepted", extra={**keys(plan.execution), "batch": batch_index, **counts})
    return {"batch": batch_index, "accounts": len(batch), "counts": counts, "retry_at": retry_at}
