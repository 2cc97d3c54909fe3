"""State ``VerifyMembers``: the administrator's view of every requested member, in every ready Region.

Reads member status with GetMembers (50 per call), all Regions concurrently in one invocation,
and records every Region's in one document, ``verify.json``: one S3 write per attempt instead of
one per Region, and one read for the report. A Region whose verification failed this time keeps
its previous attempt's record there. While some member is still VERIFICATION_IN_PROGRESS it asks
the state machine to wait and call again (``retry``), at most ``MAX_ATTEMPTS`` times; what is
still in progress then is reported as VERIFICATION_TIMEOUT. The attempt number is kept in the
same document, so the call needs no counter in the state's input.
"""

from __future__ import annotations

from typing import Any

from tasks.aws import default_aws
from tasks.detective import get_members
from tasks.fanout import fan_out
from tasks.log import keys, logger
from tasks.plan import Plan
from tasks.region_outcomes import Outcome, error_of, retried
from tasks.workstore import WorkStore

MAX_ATTEMPTS = 8
#: ``{"attempt": n, "regions": {region: {"region", "attempt", "members"}}}``.
VERIFIED = "verify.json"


def verify_members(detective: Any, plan: Plan, region: str, graph_arn: str | None) -> dict[str, dict[str, Any]]:
    """Member status by account id; accounts that are not members are absent."""
    if not graph_arn:
        return {}
    wanted = {a.account_id: (a.email or "").lower() for a in plan.accounts_in(region)}
    members = get_members(detective, graph_arn, list(wanted))
    return {
        account_id: {
            "status": m.get("Status"),
            "disabled_reason": m.get("DisabledReason"),
            "email_matches": wanted.get(account_id) == (m.get("EmailAddress") or "").lower(),
        }
        for account_id, m in members.items()
    }


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    aws = default_aws()
    store = WorkStore.for_state(aws, event, "enable")
    plan = store.plan()
    previous = store.find(VERIFIED) or {}
    attempt = int(previous.get("attempt", 0)) + 1
    records: dict[str, dict[str, Any]] = dict(previous.get("regions") or {})
    outcomes: list[Outcome] = event["regions"]
    ready = [o for o in outcomes if o.get("status") == "READY"]

    def verify(outcome: Outcome) -> Outcome:
        region = outcome["region"]
        members = verify_members(
            aws.client("detective", region), plan, region, (outcome.get("graph") or {}).get("graph_arn")
        )
        records[region] = {"region": region, "attempt": attempt, "members": members}
        pending = sum(1 for m in members.values() if m["status"] == "VERIFICATION_IN_PROGRESS")
        logger.info("members verified", extra={**keys(plan.execution, region=region), "pending": pending})
        return {"region": region, "verified": True, "pending": pending}

    done = {o["region"]: r for o, r in zip(ready, fan_out(retried(verify), ready), strict=True)}
    regions = [_verification(o["region"], done.get(o["region"])) for o in outcomes]
    store.put(VERIFIED, {"attempt": attempt, "regions": records})
    pending = sum(int(r.get("pending") or 0) for r in regions)
    return {"regions": regions, "attempt": attempt, "pending": pending, "retry": pending > 0 and attempt < MAX_ATTEMPTS}


def _verification(region: str, result: Outcome | Exception | None) -> Outcome:
    """What the per-Region verification branches used to report: verified, nothing to verify, or the error."""
    if result is None:
        return {"region": region, "verified": False}
    if isinstance(result, Exception):
        return {"region": region, "verified": False, "error": error_of(result)}
    return result
