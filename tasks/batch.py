"""Per-account work inside one batch task: concurrent, isolated, counted.

Shared by the states that visit member accounts (AcceptInvitations, DisassociateMemberships):
whatever goes wrong for one account becomes that account's record, never the batch's failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor

from tasks import errors
from tasks.log import keys, logger
from tasks.member import AccountResult
from tasks.plan import Account

#: Accounts handled at once inside one task invocation.
MAX_THREADS = 10

AccountWork = tuple[str, AccountResult]


def error_outcome(exc: errors.RolloutError) -> str:
    return "THROTTLED" if isinstance(exc, errors.Throttled) else "ERROR"


def role_failure_outcome(exc: errors.RolloutError) -> str:
    """The outcome for every Region of an account whose member role could not be assumed."""
    return "ACCESS_DENIED" if isinstance(exc, errors.AccessDenied) else error_outcome(exc)


def run_isolated(work: Callable[[Account], AccountWork], accounts: Iterable[Account]) -> dict[str, AccountResult]:
    """Run ``work`` for each account concurrently; an unexpected exception becomes that account's ``error``."""

    def isolated(account: Account) -> AccountWork:
        try:
            return work(account)
        except Exception as exc:  # noqa: BLE001 - one account's bug must not lose the batch
            logger.exception("account failed", extra=keys(account=account.account_id))
            return account.account_id, {"error": f"{type(exc).__name__}: {exc}"}

    todo = list(accounts)
    with ThreadPoolExecutor(max_workers=max(1, min(MAX_THREADS, len(todo)))) as pool:
        return dict(pool.map(isolated, todo))


def outcome_counts(results: Mapping[str, AccountResult]) -> dict[str, int]:
    """How many account-Regions ended with each outcome (an account-level error counts once as ERROR)."""
    counts: dict[str, int] = {}
    for result in results.values():
        for record in result.get("regions", {}).values():
            counts[record["outcome"]] = counts.get(record["outcome"], 0) + 1
        if "error" in result:
            counts["ERROR"] = counts.get("ERROR", 0) + 1
    return counts
