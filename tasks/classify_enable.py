"""Outcome mapping of the enable workflow (the report contract of issue 4), one row per pair.

Inputs are the per-Region outcome list (``$.prepare.regions``, tasks.region_outcomes), the per-batch
outcomes of AcceptBatches and the records (invite / accept / verify) the tasks left in the work store. The
administrator's final view of a member (VerifyMembers) is the truth; the other records explain it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from tasks.contracts import InviteDocument, RegionInvites, VerifiedMember, VerifiedRegion
from tasks.enrollment import ORGANIZATION
from tasks.member import AccountResult, RecordDocument
from tasks.plan import Plan
from tasks.report import RegionRow, Row, short
from tasks.targets import enable_guardduty

#: What ValidateInput writes: ``{region: [account_id, ...]}``, the requested accounts already ENABLED members
#: of the administrator's graph there before the run.
ENABLED_BEFORE = "enabled-before.json"
ROOT_EMAIL = "the email must be the account's root email address; fix it in the input and replay"
GUARDDUTY_ENABLED = "GuardDuty was enabled in the member by this run (CreateDetector)"
INVITED_REASONS = {
    "ACCESS_DENIED": "ACCESS_DENIED",
    "PENDING_ACCESS": "ACCESS_DENIED",
    "ACCOUNT_CLOSED": "ACCOUNT_CLOSED",
    "NOT_VISIBLE": "INVITATION_NOT_ACCEPTED",
    "THROTTLED": "THROTTLED",
    "ERROR": "ERROR",
}


@dataclass
class Evidence:
    """Everything the run recorded, by Region and account."""

    regions: dict[str, dict[str, Any]]
    invites: dict[str, RegionInvites] = field(default_factory=dict)  # region -> invite document
    accepts: dict[str, AccountResult] = field(default_factory=dict)  # account -> accept result
    failed_batches: dict[int, str] = field(default_factory=dict)  # batch -> error cause
    verified: dict[str, VerifiedRegion] = field(default_factory=dict)  # region -> verify document
    unverified: dict[str, str] = field(default_factory=dict)  # region -> why VerifyMembers failed
    enabled_before: dict[str, set[str]] = field(default_factory=dict)  # region -> accounts ENABLED before the run


def region_rows(evidence: Evidence, plan: Plan) -> list[RegionRow]:
    rows = []
    for region in plan.regions:
        outcome = evidence.regions.get(region, {})
        gate = outcome.get("guardduty") or {}
        graph = outcome.get("graph") or {}
        status = outcome.get("status")
        if status == "READY":
            status = "PLANNED" if plan.dry_run else "ENABLED"
        row: RegionRow = {
            "region": region,
            "graph_arn": graph.get("graph_arn") or (evidence.invites.get(region) or {}).get("graph_arn"),
            "guardduty_age_hours": gate.get("guardduty_age_hours"),
            "status": status or "FAILED",
            "reason": outcome.get("reason") if status != "ENABLED" else None,
            "detail": short(_region_detail(outcome, graph)),
            "organization_admin": graph.get("organization_admin"),
            "datasource_packages": graph.get("datasource_packages"),
            "notes": [{"topic": "auto_enable_organization", **graph["auto_enable"]}]
            if graph.get("auto_enable")
            else [],
        }
        if gate.get("gate") == "GUARDDUTY_TOO_YOUNG":
            row["qualifies_at"] = gate.get("qualifies_at")
        rows.append(row)
    return rows


def _region_detail(outcome: dict[str, Any], graph: dict[str, Any]) -> str | None:
    if "error" in outcome:
        return f"{outcome['error'].get('Error')}: {outcome['error'].get('Cause')}"
    planned = [graph["planned"]] if graph.get("planned") else []
    if planned or graph.get("changes_planned"):
        return "; ".join([*planned, *(graph.get("changes_planned") or [])])
    return (outcome.get("guardduty") or {}).get("detail") or ("no outcome recorded" if not outcome else None)


ENABLED_BY_ORGANIZATION = "organization account: enabled by the organization's Detective administrator (no invitation)"


def classify(evidence: Evidence, plan: Plan, account_id: str, region: str, batch: int) -> Row:
    """The pair's row, with how the account is a member and its package ingest states where Detective said them."""
    row = _classify(evidence, plan, account_id, region, batch)
    invite = ((evidence.invites.get(region) or {}).get("members") or {}).get(account_id) or {}
    member = ((evidence.verified.get(region) or {}).get("members") or {}).get(account_id) or {}
    enrollment = member.get("enrollment") or invite.get("enrollment")
    detail = row.detail
    if enrollment == ORGANIZATION and row.status == "ENABLED" and row.reason is None and detail is None:
        detail = ENABLED_BY_ORGANIZATION
    return replace(row, detail=detail, enrollment=enrollment, datasource_packages=member.get("datasource_packages"))


def _classify(evidence: Evidence, plan: Plan, account_id: str, region: str, batch: int) -> Row:
    outcome = evidence.regions.get(region)
    if outcome is None:
        return Row(account_id, region, "FAILED", None, "ERROR", "the Region was not processed", False)
    if outcome.get("status") == "SKIPPED":
        detail = (outcome.get("guardduty") or {}).get("detail")
        if account_id in evidence.enabled_before.get(region, ()):
            # Skipping the Region changes nothing for a member that is already enabled: report what it is.
            detail = short(f"already an enabled member; the run skipped the Region: {detail}")
            return Row(account_id, region, "ENABLED", "ENABLED", "ALREADY_ENABLED", detail, False)
        return Row(account_id, region, "SKIPPED", None, outcome.get("reason"), detail, False)
    if outcome.get("status") != "READY":
        return Row(account_id, region, "FAILED", None, "ERROR", short(_region_detail(outcome, {})), False)
    invite = ((evidence.invites.get(region) or {}).get("members") or {}).get(account_id)
    accept: RecordDocument = ((evidence.accepts.get(account_id) or {}).get("regions") or {}).get(region) or {}
    if invite is None:
        return Row(account_id, region, "FAILED", None, "ERROR", "InviteMembers recorded nothing for it", False)
    changed = wrote(invite, accept, None)
    if plan.dry_run:
        return _planned(account_id, region, invite, accept, enable_guardduty(plan))
    if region in evidence.unverified:
        # The administrator could not read the final status: say so, never report a stale one.
        return Row(
            account_id,
            region,
            "FAILED",
            None,
            "ERROR",
            short(f"the member's final status could not be read: {evidence.unverified[region]}"),
            changed,
        )
    verified = evidence.verified.get(region)
    member = (verified or {}).get("members", {}).get(account_id) if verified else None
    status = member["status"] if member else (None if verified else invite.get("member_status"))
    return _by_status(
        account_id,
        region,
        status,
        member or {},
        invite,
        accept,
        wrote(invite, accept, status),
        evidence.failed_batches.get(batch),
    )


def wrote(invite: InviteDocument, accept: RecordDocument, status: str | None) -> bool:
    """A row's ``changed``: this execution changed the pair's membership.

    It did when it created the member (CreateMembers), re-created it with a new email (DeleteMembers
    + CreateMembers), accepted its invitation (AcceptInvitation), created the member's GuardDuty
    detector (``member_guardduty: enable``), or asked Detective to start monitoring an
    ACCEPTED_BUT_DISABLED member that is ENABLED afterwards. A call that leaves the membership as it
    was (StartMonitoringMember answered while the member stays ACCEPTED_BUT_DISABLED, a failed call)
    changed nothing, so every row that fails the same way for the same prior state has the same value.
    """
    if invite.get("changed") or accept.get("changed"):
        return True
    return invite.get("action") == "start_monitoring" and not invite.get("error") and status == "ENABLED"


def _planned(account_id: str, region: str, invite: InviteDocument, accept: RecordDocument, enable: bool = False) -> Row:
    """A dry run's row: PLANNED, with the ``reason`` the run's row would have and ``detail`` saying what it would do.

    The prediction follows the run's own rules (tasks.targets.member_side says which members the
    run works in, _by_status how their final status becomes a row): an ENABLED member stays
    ALREADY_ENABLED; an INVITED member's invitation would be accepted; a VERIFICATION_FAILED member
    given the same email stays VERIFICATION_FAILED; a member whose role the dry run could not use
    fails as the run would; a member without GuardDuty ends VOLUME_UNKNOWN. What only Detective
    decides during the run (an email's verification, a data volume too high) is not foreseen.
    """
    reason = planned_reason(invite, accept)
    detail = str(invite.get("detail") or "")
    if reason in INVITED_REASONS.values() or reason == "REGION_NOT_ENABLED":
        detail = f"{detail}; expected to fail: {accept.get('detail')}"
    elif reason == "VOLUME_UNKNOWN" and accept.get("guardduty_error"):  # an organization account without a role
        detail = f"{detail}; {accept['guardduty_error']}"
    elif reason == "VOLUME_UNKNOWN" and accept.get("member_guardduty") is False and enable:
        reason = None  # member_guardduty: enable
        detail = f"{detail}; would enable GuardDuty in the member (needs the member role's AllowGuardDutyEnable=true)"
    elif reason == "VOLUME_UNKNOWN" and accept.get("member_guardduty") is False:
        detail = f"{detail}; the member has no GuardDuty detector in {region}"
    detail = f"expected {planned_status(reason)}{f' / {reason}' if reason else ''}: {detail}"
    return Row(account_id, region, "PLANNED", invite.get("prior_status"), reason, short(detail), False)


def planned_reason(invite: InviteDocument, accept: RecordDocument) -> str | None:
    """The reason the run's row would have (None: ENABLED by this run)."""
    action, prior = invite.get("action"), invite.get("prior_status")
    if invite.get("error"):
        return str(invite["error"])
    if action == "none" and prior == "ENABLED":
        return "ALREADY_ENABLED"
    if action == "none" and prior == "VERIFICATION_FAILED":
        return "VERIFICATION_FAILED"
    if action == "start_monitoring":  # administrator side only: the member's GuardDuty decides
        if invite.get("disabled_reason") == "VOLUME_TOO_HIGH":
            return "VOLUME_TOO_HIGH"
        return None if accept.get("member_guardduty") is True else "VOLUME_UNKNOWN"
    outcome = accept.get("outcome")
    if outcome == "REGION_NOT_ENABLED":
        return "REGION_NOT_ENABLED"
    if outcome not in (None, "PLANNED"):
        return INVITED_REASONS.get(str(outcome), str(outcome))
    return "VOLUME_UNKNOWN" if accept.get("member_guardduty") is False else None


def planned_status(reason: str | None) -> str:
    """The status a run's row has with ``reason``: ENABLED, SKIPPED or FAILED."""
    if reason in (None, "ALREADY_ENABLED"):
        return "ENABLED"
    return "SKIPPED" if reason == "REGION_NOT_ENABLED" else "FAILED"


def _by_status(
    account_id: str,
    region: str,
    status: str | None,
    member: VerifiedMember,
    invite: InviteDocument,
    accept: RecordDocument,
    changed: bool,
    batch_error: str | None,
) -> Row:
    def row(result: str, reason: str | None, detail: str | None) -> Row:
        return Row(account_id, region, result, status, reason, short(detail), changed)

    if accept.get("outcome") == "REGION_NOT_ENABLED" and status != "ENABLED":
        return row("SKIPPED", "REGION_NOT_ENABLED", accept.get("detail"))
    if status == "ENABLED":
        already = invite.get("prior_status") == "ENABLED"
        return row(
            "ENABLED",
            "ALREADY_ENABLED" if already else None,
            GUARDDUTY_ENABLED if accept.get("guardduty_enabled") else None,
        )
    if status == "ACCEPTED_BUT_DISABLED":
        if member.get("disabled_reason") == "VOLUME_TOO_HIGH":
            return row("FAILED", "VOLUME_TOO_HIGH", "the graph's data volume would exceed Detective's quota")
        if accept.get("guardduty_error"):  # member_guardduty: enable, and the member role could not
            return row("FAILED", "VOLUME_UNKNOWN", accept["guardduty_error"])
        if accept.get("guardduty_enabled"):
            return row(
                "FAILED", "VOLUME_UNKNOWN", f"{GUARDDUTY_ENABLED}, but Detective could not size it yet; replay later"
            )
        no_gd = accept.get("member_guardduty") is False
        why = f"the member has no GuardDuty detector in {region}" if no_gd else "Detective cannot size the data volume"
        return row("FAILED", "VOLUME_UNKNOWN", f"{why}; Detective enables the member when it can")
    if status == "VERIFICATION_FAILED":
        return row("FAILED", "VERIFICATION_FAILED", ROOT_EMAIL)
    if status == "VERIFICATION_IN_PROGRESS":
        return row("FAILED", "VERIFICATION_TIMEOUT", "Detective was still verifying the account when polling ended")
    if status == "INVITED":
        if batch_error and not accept:
            return row("FAILED", "ERROR", f"AcceptInvitations failed for the batch: {batch_error}")
        reason = INVITED_REASONS.get(accept.get("outcome", ""), "INVITATION_NOT_ACCEPTED")
        return row("FAILED", reason, accept.get("detail") or "the invitation was not accepted")
    if invite.get("error"):
        return row("FAILED", invite["error"], invite.get("detail"))
    return row("FAILED", "ERROR", f"not a member of the graph after the run (was {invite.get('prior_status')})")
