"""State ``VerifyMembers``: the administrator's view of every requested member in one Region.

Reads member status with GetMembers (50 per call) and records it in ``verify/<region>.json``.
While some member is still VERIFICATION_IN_PROGRESS it asks the state machine to wait and call
again (``retry``), at most ``MAX_ATTEMPTS`` times; what is still in progress then is reported
as VERIFICATION_TIMEOUT.
"""

from __future__ import annotations

from typing import Any

from tasks import settings
from tasks.aws import default_aws
from tasks.detective import get_members
from tasks.log import keys, logger
from tasks.plan import Plan
from tasks.workstore import WorkStore

MAX_ATTEMPTS = 8


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
    plan_ref, region, attempt = event["plan"], event["region"], int(event.get("attempt", 1))
    aws = default_aws()
    store = WorkStore(aws.client("s3"), settings.load().report_bucket, "enable", plan_ref["execution"])
    plan = store.plan()
    invite = store.find(f"invite/{region}.json") or {}
    members = verify_members(aws.client("detective", region), plan, region, invite.get("graph_arn"))
    store.put(f"verify/{region}.json", {"region": region, "attempt": attempt, "members": members})
    pending = sum(1 for m in members.values() if m["status"] == "VERIFICATION_IN_PROGRESS")
    logger.info("members verified", extra={**keys(plan.execution, region=region), "pending": pending})
    return {
        "region": region,
        "attempt": attempt,
        "pending": pending,
        "retry": pending > 0 and attempt < MAX_ATTEMPTS,
        "next_attempt": attempt + 1,
    }
