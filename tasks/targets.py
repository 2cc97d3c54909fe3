"""Where each account of a batch has an invitation to accept: one small work file per batch.

InviteMembers knows, for every Region, which accounts it invited; AcceptInvitations needs that
for its batch only. Reading every Region's invite file in every batch would move the whole
fleet (1,200 accounts x 21 Regions) through S3 and JSON once per batch, so InviteMembers writes
``targets/<batch>.json`` - ``{account_id: [[region, graph_arn], ...]}`` for that batch's
accounts - and each batch reads just its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tasks.fanout import fan_out
from tasks.member import Target
from tasks.plan import Account, Plan
from tasks.workstore import WorkStore

Targets = dict[str, list[Target]]


def slice_name(batch: int) -> str:
    return f"targets/{batch}.json"


def targets_from_invites(plan: Plan, accounts: tuple[Account, ...], invites: Mapping[str, Any]) -> Targets:
    """Regions per account where an invitation is expected (dry run: every Region it was planned in).

    ``invites``: invite documents (``invite/<region>.json``) by Region, for the Regions that are ready.
    """
    targets: Targets = {}
    for region, invite in invites.items():
        members = invite.get("members") or {}
        graph_arn = invite.get("graph_arn") or ""
        for account in accounts:
            record = members.get(account.account_id)
            if record is None or not (plan.dry_run or record["expect_invitation"]):
                continue
            targets.setdefault(account.account_id, []).append(Target(region, graph_arn))
    return targets


def write_slices(store: WorkStore, plan: Plan, invites: Mapping[str, Any]) -> int:
    """Write every batch's targets (an empty slice too: its absence would mean "not written")."""

    def write(index: int) -> None:
        targets = targets_from_invites(plan, plan.batch(index), invites)
        store.put(slice_name(index), {"batch": index, "targets": {
            account_id: [[t.region, t.graph_arn] for t in found] for account_id, found in targets.items()}})

    failures = [r for r in fan_out(write, range(plan.batch_count)) if isinstance(r, Exception)]
    if failures:
        raise failures[0]
    return plan.batch_count


def read_slice(store: WorkStore, plan: Plan, batch: int) -> Targets:
    """The batch's targets; without a slice (an execution started before slices), from the invite files."""
    document = store.find(slice_name(batch))
    if document is not None:
        return {account_id: [Target(region, arn) for region, arn in found]
                for account_id, found in (document.get("targets") or {}).items()}  # fmt: skip
    invites = {r: doc for r in plan.regions if (doc := store.find(f"invite/{r}.json"))}
    return targets_from_invites(plan, plan.batch(batch), invites)
