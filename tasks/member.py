"""Member-side work in one account (already assumed), Region by Region.

Accepts the administrator's invitation where it is INVITED, waits (bounded, on the task clock)
for an invitation that is not visible yet, and notes whether the member has GuardDuty there,
which explains an ACCEPTED_BUT_DISABLED / VOLUME_UNKNOWN outcome.

AcceptInvitation is called directly, without listing invitations first: one call per account
and Region instead of two, and its answer says everything ListInvitations would have -
ResourceNotFoundException while the invitation is not visible, ConflictException once the
membership is no longer INVITED (already accepted).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from tasks import errors
from tasks.aws import Aws, translate_errors
from tasks.detective import list_invitations
from tasks.retrying import bounded

if TYPE_CHECKING:
    from types_boto3_detective import DetectiveClient

#: Tries while an invitation is not visible yet: waits of 5, 10, 20, 40, 60 s (~2 min of clock time).
VISIBILITY_ATTEMPTS = 6


@dataclass(frozen=True)
class Target:
    """A Region where the account has an invitation to accept (or, in a dry run, to check).

    ``organization``: the account is an ORGANIZATION member there (``member_guardduty: enable`` only): it
    has no invitation to accept, only GuardDuty to enable through its member role, if it has one.
    """

    region: str
    graph_arn: str
    organization: bool = False


@dataclass(frozen=True)
class MemberRecord:
    # ACCEPTED | ALREADY_ACCEPTED | ORGANIZATION | REGION_NOT_ENABLED | ACCESS_DENIED | PENDING_ACCESS | NOT_VISIBLE
    # | THROTTLED | ERROR | PLANNED
    outcome: str
    changed: bool
    member_guardduty: bool | None
    detail: str | None = None
    #: ``member_guardduty: enable``: this run created the member's GuardDuty detector here
    guardduty_enabled: bool = False
    #: ``member_guardduty: enable``: why the member's GuardDuty could not be enabled
    guardduty_error: str | None = None


class RecordDocument(TypedDict, total=False):
    """A MemberRecord as a batch's results store it (``accept/<n>.json``, the disassociate results).

    ``document`` writes every key; a report's reader also builds partial ones (an outcome and a detail).
    """

    outcome: str
    changed: bool
    member_guardduty: bool | None
    detail: str | None
    guardduty_enabled: bool
    guardduty_error: str | None


class AccountResult(TypedDict, total=False):
    """One account's entry of a batch's results: each Region's record, or the error that stopped the account."""

    regions: dict[str, RecordDocument]
    error: str


def document(record: MemberRecord) -> RecordDocument:
    """The record as stored (what ``asdict`` gives, without its recursive deep copy: ~20 us a record)."""
    return {
        "outcome": record.outcome,
        "changed": record.changed,
        "member_guardduty": record.member_guardduty,
        "detail": record.detail,
        "guardduty_enabled": record.guardduty_enabled,
        "guardduty_error": record.guardduty_error,
    }


class InvitationNotVisible(errors.RetryableError):
    """The administrator invited the account but the member cannot see the invitation yet."""


def accept_in_account(member: Aws, targets: list[Target], dry_run: bool) -> dict[str, MemberRecord]:
    return {t.region: accept_in_region(member, t.region, t.graph_arn, dry_run) for t in targets}


def accept_in_region(
    member: Aws, region: str, graph_arn: str, dry_run: bool, *, probe_guardduty: bool = True
) -> MemberRecord:
    """``probe_guardduty=False``: leave ``member_guardduty`` None (a batch probes only the members that need it)."""
    detective = member.client("detective", region)
    try:
        if dry_run:
            list_invitations(detective)  # proves the role works and the Region is enabled
            # whether the member has GuardDuty decides ENABLED or ACCEPTED_BUT_DISABLED / VOLUME_UNKNOWN
            guardduty = has_guardduty(member, region)
            return MemberRecord("PLANNED", False, guardduty, "would accept the invitation in the member account")
        changed = False
        for attempt in bounded(InvitationNotVisible, attempts=VISIBILITY_ATTEMPTS, first_wait=5, max_wait=60):
            with attempt:
                changed = _accept(detective, graph_arn)
        guardduty = has_guardduty(member, region) if probe_guardduty else None
        return MemberRecord("ACCEPTED" if changed else "ALREADY_ACCEPTED", changed, guardduty)
    except errors.RegionNotEnabled:
        return MemberRecord(
            "REGION_NOT_ENABLED", False, None, f"the member account has not enabled the opt-in Region {region}"
        )
    except InvitationNotVisible as exc:
        return MemberRecord("NOT_VISIBLE", False, None, exc.message)
    except errors.AccessDenied as exc:
        return MemberRecord("ACCESS_DENIED", False, None, exc.message)
    except errors.Throttled as exc:
        return MemberRecord("THROTTLED", False, None, exc.message)
    except errors.RolloutError as exc:
        return MemberRecord("ERROR", False, None, exc.message)


def _accept(detective: DetectiveClient, graph_arn: str) -> bool:
    """Accept the invitation to ``graph_arn``; False when it was already accepted."""
    try:
        with translate_errors():
            detective.accept_invitation(GraphArn=graph_arn)
    except errors.ResourceNotFound as exc:
        raise InvitationNotVisible(f"no invitation to {graph_arn} is visible to the member yet") from exc
    except errors.Conflict:
        return False  # already accepted (by a previous or concurrent execution): no longer INVITED
    return True


def has_guardduty(member: Aws, region: str) -> bool | None:
    """Whether the member has an enabled GuardDuty detector in ``region`` (None when unknown)."""
    try:
        with translate_errors():
            return bool(member.client("guardduty", region).list_detectors().get("DetectorIds"))
    except errors.RolloutError:
        return None
