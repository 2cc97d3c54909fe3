"""State ``VerifyMembers``: the administrator's view of every requested member, in every ready Region.

What to verify comes from a small document InviteMembers writes once, ``verify-targets.json``:
the requested accounts and their emails, grouped by the Regions they were requested in (at
1,200 accounts x 21 Regions ~60 KB, where ``request.json`` is ~430 KB), so none of the up to
``MAX_ATTEMPTS`` calls reads the Plan. Reads member status with GetMembers (50 per call), all
Regions concurrently in one invocation, and records every Region's in one document,
``verify.json``: one S3 write per attempt, and one read for the report. A Region whose
verification failed this time keeps its previous attempt's record there. While some member is
still VERIFICATION_IN_PROGRESS it asks the state machine to wait and call again (``retry``), at
most ``MAX_ATTEMPTS`` times; what is still in progress then is reported as VERIFICATION_TIMEOUT.
The attempt number is kept in the same document, so the call needs no counter in the state's input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tasks.aws import default_aws
from tasks.contracts import (
    RegionsInput,
    Verification,
    VerificationOutput,
    VerifiedMember,
    VerifiedRegion,
    VerifyTargets,
)
from tasks.detective import get_members
from tasks.enrollment import enrollment_of
from tasks.fanout import fan_out
from tasks.log import keys, logger
from tasks.plan import Plan
from tasks.region_outcomes import Outcome, error_of, retried
from tasks.workstore import WorkStore

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from types_boto3_detective import DetectiveClient
    from types_boto3_detective.type_defs import MemberDetailTypeDef

MAX_ATTEMPTS = 8
#: ``{"attempt": n, "regions": {region: {"region", "attempt", "members"}}}``.
VERIFIED = "verify.json"
#: ``{"groups": [{"regions": [...], "emails": {account_id: lower-case email or ""}}]}``, by InviteMembers.
VERIFY_TARGETS = "verify-targets.json"


def verify_targets(plan: Plan) -> VerifyTargets:
    """The document VerifyMembers works from: each account's email, grouped by the Regions it was requested in."""
    groups: dict[tuple[str, ...], dict[str, str]] = {}
    for account in plan.accounts:
        groups.setdefault(account.regions, {})[account.account_id] = (account.email or "").lower()
    return {"groups": [{"regions": list(regions), "emails": emails} for regions, emails in groups.items()]}


def wanted_in(targets: VerifyTargets, region: str) -> dict[str, str]:
    """The accounts requested in ``region``, with the email each should have (lower case)."""
    wanted: dict[str, str] = {}
    for group in targets["groups"]:
        if region in group["regions"]:
            wanted.update(group["emails"])
    return wanted


def verify_members(
    detective: DetectiveClient, wanted: Mapping[str, str], graph_arn: str | None
) -> dict[str, VerifiedMember]:
    """Member status by account id; accounts that are not members are absent.

    ``wanted``: the Region's requested accounts and the (lower-case) email each should have.
    """
    if not graph_arn:
        return {}
    members = get_members(detective, graph_arn, list(wanted))
    return {account_id: _verified(m, wanted.get(account_id)) for account_id, m in members.items()}


def _verified(member: MemberDetailTypeDef, email: str | None) -> VerifiedMember:
    """A member's record: status, why disabled, whether the email matches, InvitationType, and - where GetMembers
    reports them - its data source packages' ingest states (MemberDetail.DatasourcePackageIngestStates)."""
    record: VerifiedMember = {
        "status": member.get("Status"),
        "disabled_reason": member.get("DisabledReason"),
        "email_matches": email == (member.get("EmailAddress") or "").lower(),
        "enrollment": enrollment_of(member),
    }
    if states := member.get("DatasourcePackageIngestStates"):
        record["datasource_packages"] = {str(package): str(state) for package, state in states.items()}
    return record


def lambda_handler(event: RegionsInput, context: LambdaContext) -> VerificationOutput:
    aws = default_aws()
    store = WorkStore.for_state(aws, event, "enable")
    execution = str(event["run"]["execution"])
    found = store.find_all([VERIFY_TARGETS, VERIFIED])
    targets = found[VERIFY_TARGETS] or store.get(VERIFY_TARGETS)  # get: raises naming the missing document
    previous = found[VERIFIED] or {}
    attempt = int(previous.get("attempt", 0)) + 1
    records: dict[str, VerifiedRegion] = dict(previous.get("regions") or {})
    outcomes: list[Outcome] = event["regions"]
    ready = [o for o in outcomes if o.get("status") == "READY"]

    def verify(outcome: Outcome) -> Verification:
        region = outcome["region"]
        graph_arn = (outcome.get("graph") or {}).get("graph_arn")
        members = verify_members(aws.client("detective", region), wanted_in(targets, region), graph_arn)
        records[region] = {"region": region, "attempt": attempt, "members": members}
        pending = sum(1 for m in members.values() if m["status"] == "VERIFICATION_IN_PROGRESS")
        logger.info("members verified", extra={**keys(execution, region=region), "pending": pending})
        return {"region": region, "verified": True, "pending": pending}

    done = {o["region"]: r for o, r in zip(ready, fan_out(retried(verify), ready), strict=True)}
    regions = [_verification(o["region"], done.get(o["region"])) for o in outcomes]
    store.put(VERIFIED, {"attempt": attempt, "regions": records})
    pending = sum(int(r.get("pending") or 0) for r in regions)
    return {"regions": regions, "attempt": attempt, "pending": pending, "retry": pending > 0 and attempt < MAX_ATTEMPTS}


def _verification(region: str, result: Verification | Exception | None) -> Verification:
    """A Region's verification: verified (with its pending count), nothing to verify, or the error."""
    if result is None:
        return {"region": region, "verified": False}
    if isinstance(result, Exception):
        return {"region": region, "verified": False, "error": error_of(result)}
    return result
