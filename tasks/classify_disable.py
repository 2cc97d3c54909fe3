"""Outcome mapping of the disable workflow (the report contract of issue 5), one row per pair.

Row statuses: REMOVED (out of the graph thanks to this run), NOT_A_MEMBER (was not a member:
``changed: false``, not an error), SKIPPED (the administrator has not enabled the Region),
FAILED (still a member, or unknown), PLANNED (dry run). ``member_status`` is the status the
administrator sees after the run (None once the account is out); the status before is in
``detail``. Inputs: the per-Region outcome lists of RemoveMembers and DeleteGraph, the
DisassociateBatches Map's batch outcomes, and the work documents of RemoveMembers
(``remove.json``), DisassociateMemberships (``disassociate/<batch>.json``) and DeleteGraph
(``graph.json``).

The administrator's removal decides the row; the member side only qualifies it: a member side
that could not run (closed account, role missing) keeps a REMOVED row REMOVED with reason
MEMBER_ACCESS_DENIED and the failure in ``detail``. Where the administrator's removal failed,
the member leaving (or DeleteGraph taking the member with the graph) still gets it REMOVED.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tasks.delete_graph import GRAPHS, GraphRecord, unplanned_members
from tasks.disassociate_memberships import PROBLEMS, result_name
from tasks.enrollment import ORGANIZATION
from tasks.member import AccountResult, RecordDocument
from tasks.plan import Plan
from tasks.remove_members import REMOVED, REMOVING, RemoveEntry
from tasks.report import RegionRow, Row, short
from tasks.workstore import WorkStore

MEMBER_LEFT = frozenset({"DISASSOCIATED", "REJECTED"})


@dataclass
class Evidence:
    """Everything the run recorded, by Region, batch and account."""

    regions: dict[str, dict[str, Any]]  # region -> RemoveMembers outcome
    removed: dict[str, RemoveEntry] = field(default_factory=dict)  # region -> remove.json entry
    member_side: dict[str, AccountResult] = field(default_factory=dict)  # account -> disassociate result
    failed_batches: dict[int, str] = field(default_factory=dict)  # batch -> error cause
    graphs: dict[str, GraphRecord] = field(default_factory=dict)  # region -> graph.json record
    failed_graphs: dict[str, str] = field(default_factory=dict)  # region -> error cause


def _cause(error: dict[str, Any] | None) -> str:
    error = error or {}
    return f"{error.get('Error')}: {error.get('Cause')}"


def _join(*parts: str | None) -> str | None:
    return "; ".join(p for p in parts if p) or None


def _failed_everywhere(plan: Plan, error: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A state that crashed after its retries (its Catch's error): every Region FAILED with it."""
    return [{"region": r, "status": "FAILED", "reason": "ERROR", "error": error} for r in plan.regions] if error else []


def gather(store: WorkStore, plan: Plan, event: Mapping[str, Any]) -> Evidence:
    """The evidence from the machine's state (``event["state"]``) and the work documents.

    RemoveMembers and DeleteGraph list every Region's outcome (``remove.regions``,
    ``graphs.regions``); where one crashed, its Catch left ``remove_error`` / ``graphs_error``
    instead, which every Region then reports.
    """
    state = event["state"]
    removed = (state.get("remove") or {}).get("regions") or _failed_everywhere(plan, state.get("remove_error"))
    graphs = (state.get("graphs") or {}).get("regions") or _failed_everywhere(plan, state.get("graphs_error"))
    evidence = Evidence(regions={r["region"]: r for r in removed})
    member_side = (
        [result_name(i) for i in range(plan.batch_count)] if plan.options.get("disassociate_in_member") else []
    )
    found = store.find_all([REMOVED, GRAPHS, *member_side])
    evidence.removed.update((found[REMOVED] or {}).get("regions") or {})
    evidence.graphs.update((found[GRAPHS] or {}).get("regions") or {})
    for batch in state.get("batches") or []:
        if batch.get("status") == "FAILED":
            evidence.failed_batches[int(batch["batch"])] = _cause(batch.get("error"))
    for name in member_side:
        if done := found[name]:
            evidence.member_side.update(done.get("accounts", {}))
    for graph in graphs:
        if graph.get("status") == "FAILED":
            evidence.failed_graphs[graph["region"]] = _cause(graph.get("error"))
    return evidence


def _admin_record(evidence: Evidence, account_id: str, region: str) -> dict[str, Any]:
    """RemoveMembers' record of the pair, or a FAILED one saying why there is none."""
    entry = evidence.removed.get(region)
    record = entry["members"].get(account_id) if entry else None
    outcome = evidence.regions.get(region)
    why = _cause(outcome.get("error")) if outcome and "error" in outcome else None
    if record and record["outcome"] != REMOVING:
        return dict(record)
    if record:  # intent recorded, then the state failed: the removal is unconfirmed
        return {
            **record,
            "outcome": "FAILED",
            "reason": "ERROR",
            "changed": False,
            "detail": _join("RemoveMembers failed before confirming the removal", why),
        }
    detail = why or ("the Region was not processed" if outcome is None else "RemoveMembers recorded nothing for it")
    return {"outcome": "FAILED", "prior_status": None, "changed": False, "reason": "ERROR", "detail": detail}


def _member_record(evidence: Evidence, plan: Plan, account_id: str, region: str, batch: int) -> RecordDocument | None:
    """DisassociateMemberships' record of the pair (None when the member side was not asked for)."""
    if not plan.options.get("disassociate_in_member") or region in plan.admin_disabled_regions:
        return None
    result = evidence.member_side.get(account_id)
    if result is None:
        failed = evidence.failed_batches.get(batch)
        detail = f"DisassociateMemberships failed for the batch: {failed}" if failed else "nothing recorded for it"
        return {"outcome": "ERROR", "detail": detail}
    if "error" in result:
        return {"outcome": "ERROR", "detail": result["error"]}
    return (result.get("regions") or {}).get(region)


#: "DisassociateMembership" (Amazon Detective API Reference): it "cannot be called by an organization account in the
#: organization behavior graph"; the administrator's DeleteMembers is the only way out.
ORGANIZATION_REMOVAL = (
    "organization account: removed with DeleteMembers (an organization account cannot leave with "
    "DisassociateMembership; no member-side step)"
)


def classify(evidence: Evidence, plan: Plan, account_id: str, region: str, batch: int) -> Row:
    admin = _admin_record(evidence, account_id, region)
    enrollment = admin.get("enrollment")
    member = _member_record(evidence, plan, account_id, region, batch)
    if enrollment == ORGANIZATION:
        member = None  # nothing to do in the member: its record (a role missing, say) does not qualify the row
    graph: Mapping[str, Any] = evidence.graphs.get(region) or {}
    reason = note = None
    if member and member["outcome"] in PROBLEMS:
        reason, note = f"MEMBER_{member['outcome']}", f"member side: {member.get('detail')}"
    elif enrollment == ORGANIZATION and admin["outcome"] in ("REMOVED", "PLANNED"):
        note = ORGANIZATION_REMOVAL

    def row(status: str, member_status: str | None, why: str | None, detail: str | None, changed: bool) -> Row:
        return Row(account_id, region, status, member_status, why, short(detail), changed, enrollment)

    outcome, prior = admin["outcome"], admin.get("prior_status")
    was = f"was {prior}" if prior else None
    if outcome == "SKIPPED":
        return row("SKIPPED", None, admin.get("reason"), admin.get("detail"), False)
    if outcome == "PLANNED":
        graph_plan = graph.get("detail") if graph.get("outcome") == "PLANNED" else None
        return row("PLANNED", prior, reason, _join(admin.get("detail"), graph_plan, note), False)
    if outcome == "REMOVED":
        return row("REMOVED", None, reason, _join(was, admin.get("detail"), note), True)
    left = member is not None and member["outcome"] in MEMBER_LEFT
    deleted = graph.get("outcome") == "DELETED" and account_id in graph.get("members", [])
    if outcome == "NOT_A_MEMBER" and not (left or deleted):
        return row("NOT_A_MEMBER", None, reason, _join(admin.get("detail"), note), False)
    failed = admin.get("detail") if outcome == "FAILED" else None
    if left:
        assert member is not None
        return row("REMOVED", None, None, _join(member.get("detail"), failed and f"the administrator: {failed}"), True)
    if deleted:
        how = "DeleteGraph removed it with the graph"
        return row("REMOVED", None, "GRAPH_DELETED", _join(how, failed and f"DeleteMembers: {failed}"), True)
    return row(
        "FAILED",
        prior,
        admin.get("reason") or "ERROR",
        _join(was, admin.get("detail"), note),
        bool(admin.get("changed")),
    )


def _region_status(evidence: Evidence, plan: Plan, region: str) -> tuple[str, str | None, str | None]:
    outcome = evidence.regions.get(region) or {}
    graph: Mapping[str, Any] = evidence.graphs.get(region) or {}
    if region in plan.admin_disabled_regions:
        return "SKIPPED", "ADMIN_REGION_NOT_ENABLED", f"the administrator account has not enabled {region}"
    if outcome.get("status") != "DONE":
        return "FAILED", "ERROR", _cause(outcome["error"]) if "error" in outcome else "the Region was not processed"
    if region in evidence.failed_graphs:
        return "FAILED", "GRAPH_NOT_DELETED", evidence.failed_graphs[region]
    if plan.dry_run:
        return "PLANNED", None, graph.get("detail")
    if graph.get("outcome") == "DELETED":
        extra = unplanned_members(plan, evidence.graphs[region])
        added = f"it also took {len(extra)} members added after validation: {', '.join(extra)}" if extra else None
        return "DONE", "GRAPH_DELETED", added
    if not _removed_graph(evidence, region):
        return "DONE", "NO_GRAPH", f"no behavior graph in {region}"
    return "DONE", None, None


def _removed_graph(evidence: Evidence, region: str) -> str | None:
    """The graph RemoveMembers found in the Region (None: none, or nothing recorded)."""
    entry = evidence.removed.get(region)
    return entry["graph_arn"] if entry else None


def region_rows(evidence: Evidence, plan: Plan) -> list[RegionRow]:
    rows: list[RegionRow] = []
    for region in plan.regions:
        status, reason, detail = _region_status(evidence, plan, region)
        graph: Mapping[str, Any] = evidence.graphs.get(region) or {}
        rows.append(
            {
                "region": region,
                "graph_arn": _removed_graph(evidence, region) or graph.get("graph_arn"),
                "status": status,
                "reason": reason,
                "detail": short(detail),
                "graph_deleted": graph.get("outcome") == "DELETED",
            }
        )
    return rows


def disable_report(store: WorkStore, plan: Plan, event: Mapping[str, Any]) -> tuple[list[RegionRow], list[Row]]:
    """The report's ``regions`` and ``results`` of a disable execution."""
    evidence = gather(store, plan, event)
    index = {a.account_id: i // plan.batch_size for i, a in enumerate(plan.accounts)}
    rows = [classify(evidence, plan, acct, region, index[acct]) for acct, region in plan.pairs()]
    return region_rows(evidence, plan), rows
