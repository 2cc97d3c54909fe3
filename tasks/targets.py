"""Where each account of a batch has an invitation to accept: one small work file per batch.

InviteMembers knows, for every Region, which accounts it invited; AcceptInvitations needs that
for its batch only. Reading every Region's invite file in every batch would move the whole
fleet (1,200 accounts x 21 Regions) through S3 and JSON once per batch, so InviteMembers writes
``targets/<batch>.json`` - ``{account_id: [[region, graph_arn, organization], ...]}`` for that batch's
accounts - and each batch reads just its own. The slice also carries the batch's accounts and the
plan without its account list, so a batch never reads ``request.json`` either (at 1,200 accounts
x 21 Regions that is ~430 KB of JSON, read and parsed once per batch).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tasks.contracts import InviteDocument, RegionInvites
from tasks.enrollment import ORGANIZATION
from tasks.fanout import all_or_raise, fan_out
from tasks.member import Target
from tasks.plan import Account, Plan
from tasks.workstore import WorkStore

Targets = dict[str, list[Target]]
#: What InviteMembers writes: ``{"regions": {region: {"region", "graph_arn", "members"}}}``.
INVITED = "invite.json"


def slice_name(batch: int) -> str:
    return f"targets/{batch}.json"


def targets_from_invites(plan: Plan, accounts: tuple[Account, ...], invites: Mapping[str, RegionInvites]) -> Targets:
    """Regions per account where the member side has work (:func:`member_side`).

    ``invites``: invite records (the Regions of ``invite.json``) by Region, for the Regions that are ready.
    """
    targets: Targets = {}
    for region, invite in invites.items():
        members = invite.get("members") or {}
        graph_arn = invite.get("graph_arn") or ""
        for account in accounts:
            record = members.get(account.account_id)
            if record is None or not member_side(record, plan.dry_run, enable_guardduty(plan)):
                continue
            organization = record.get("enrollment") == ORGANIZATION
            targets.setdefault(account.account_id, []).append(Target(region, graph_arn, organization))
    return targets


def enable_guardduty(plan: Plan) -> bool:
    """Input ``member_guardduty: enable``: members without GuardDuty get a detector from the run."""
    return plan.options.get("member_guardduty") == "enable"


def member_side(record: InviteDocument, dry_run: bool, guardduty: bool = False) -> bool:
    """Whether the member account has work in this Region: an invitation to accept, or (``guardduty``) a detector.

    With ``guardduty`` (``member_guardduty: enable``) an ACCEPTED_BUT_DISABLED member has member-side
    work too: a GuardDuty detector where it has none. A dry run checks exactly the accounts the run
    would work in - the ones it would invite or re-invite and the ones INVITED already - plus the
    ACCEPTED_BUT_DISABLED ones, whose GuardDuty decides what StartMonitoringMember would do; a
    member that would stay as it is is not touched.

    An ORGANIZATION member has no invitation to accept; with ``guardduty`` one that is (or CreateMembers
    left it) ACCEPTED_BUT_DISABLED is a target too, for its GuardDuty only (docs/organizations.md).
    """
    action, prior = record.get("action"), record.get("prior_status")
    if not dry_run:
        disabled = action == "start_monitoring" or (
            record.get("enrollment") == ORGANIZATION and record.get("member_status") == "ACCEPTED_BUT_DISABLED"
        )
        return bool(record["expect_invitation"]) or (guardduty and disabled and not record.get("error"))
    if record.get("enrollment") == ORGANIZATION:  # enabled by the administrator: nothing to accept in the member
        return guardduty and action == "start_monitoring"  # only its GuardDuty decides what the run would do
    return action in ("invite", "repair", "start_monitoring") or prior in ("INVITED", "VERIFICATION_IN_PROGRESS")


def write_slices(store: WorkStore, plan: Plan, invites: Mapping[str, RegionInvites]) -> int:
    """Write every batch's targets (an empty slice too: its absence would mean "not written")."""

    def write(index: int) -> None:
        targets = targets_from_invites(plan, plan.batch(index), invites)
        store.put(
            slice_name(index),
            {
                **plan.batch_document(index),
                "targets": {
                    account_id: [[t.region, t.graph_arn, t.organization] for t in found]
                    for account_id, found in targets.items()
                },
            },
        )

    all_or_raise(fan_out(write, range(plan.batch_count)))
    return plan.batch_count


def read_batch(store: WorkStore, batch: int) -> tuple[Plan, tuple[Account, ...], Targets]:
    """The plan (with this batch's accounts only), the batch's accounts and their targets, from the batch's slice.

    InviteMembers writes every batch's slice before any batch starts; a missing one is a WorkStoreError.
    """
    document = store.get(slice_name(batch))
    plan = Plan.from_batch_document(document)
    return plan, plan.accounts, _targets(document)


def _targets(document: Mapping[str, Any]) -> Targets:
    return {account_id: [Target(*target) for target in found] for account_id, found in document["targets"].items()}
