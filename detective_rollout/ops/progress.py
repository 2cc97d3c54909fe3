"""Progress of an execution, read from its history: a JSON snapshot and its text rendering.

The same pure functions serve AWS (GetExecutionHistory) and the embedded engine (the same API on
moto), so what ``status`` shows locally is what it shows for a deployed rollout. Each phase is
either a Map of the workflow whose iterations end in known states (the ASL's states that close an
iteration: a batch of accounts), or a state that handles every Region at once and lists them in
its output (the per-Region outcome lists, ``items``); either way each item carries the Region or
batch, its status and counts, which is all a progress bar needs. Totals come from the validation
state's output (the plan): Regions, batches of accounts. ``render_progress`` is what ``status``
prints, and what tests check.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: The execution statuses that mean it is over (DescribeExecution's, plus PENDING_REDRIVE's end).
FINAL = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})
BAR_WIDTH = 28


@dataclass(frozen=True)
class Phase:
    """One progress bar: Map iterations that ended in ``ends`` (state entered or exited), by ``key``."""

    name: str
    unit: str  # "Regions" (items are Regions) or "accounts" (items are batches, weighed by their size)
    ends: tuple[str, ...]
    key: str  # "region" | "batch"
    entered: bool = False  # count on entering an end state (its input), not on leaving it
    skipped_by: str | None = None  # a state whose entry means the phase was not requested
    items: tuple[str, ...] = ()  # path in the end state's payload to its list of items (one per Region)
    tally: bool = True  # count the items' statuses and counts (False: only how many are done)


PHASES: dict[str, tuple[Phase, ...]] = {
    "enable": (
        Phase("regions checked", "Regions", ("CheckGuardDuty",), "region", items=("prepare", "regions"), tally=False),
        Phase("invitations sent", "Regions", ("InviteMembers",), "region", items=("prepare", "regions")),
        Phase("accepted", "accounts", ("AcceptInvitations", "BatchFailed"), "batch"),
        Phase("verified", "Regions", ("VerifyMembers",), "region", items=("verify", "regions"), tally=False),
    ),
    "disable": (
        Phase("members removed", "Regions", ("RemoveMembers",), "region", items=("remove", "regions")),
        Phase(
            "memberships left",
            "accounts",
            ("DisassociateMemberships", "BatchFailed"),
            "batch",
            skipped_by="NoMemberSide",
        ),
        Phase(
            "graphs deleted",
            "Regions",
            ("DeleteGraph",),
            "region",
            skipped_by="KeepGraphs",
            items=("graphs", "regions"),
        ),
    ),
}
_PLAN_STATES = ("ValidateInput", "ValidateOffboarding")
_REPORT_STATE = "WriteReport"


def _json(text: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _tally(output: Mapping[str, Any]) -> Counter[str]:
    """Counts an iteration's end state reports: its ``counts`` (or a task result's), else its status."""
    counts: Counter[str] = Counter()
    nested = [output] + [v for v in output.values() if isinstance(v, Mapping)]
    found = next((n["counts"] for n in nested if isinstance(n.get("counts"), Mapping)), None)
    if found:
        counts.update({str(k): int(v) for k, v in found.items() if isinstance(v, int)})
    if output.get("status") in ("SKIPPED", "FAILED"):
        counts[f"{output['status']} {output.get('reason') or ''}".strip()] += 1
    return counts


def _batch_size(plan: Mapping[str, Any], batch: int) -> int:
    size, accounts = int(plan.get("batch_size") or 1), int(plan.get("account_count") or 0)
    return max(0, min(size, accounts - batch * size))


def snapshot(
    events: Iterable[Mapping[str, Any]], *, execution: str, workflow: str, status: str, updated_at: str | None = None
) -> dict[str, Any]:
    """The progress of one execution from its history events (GetExecutionHistory's shape)."""
    plan: Mapping[str, Any] = {}
    summary: dict[str, Any] | None = None
    state: str | None = None
    entered: dict[str, list[Mapping[str, Any]]] = {}
    exited: dict[str, list[Mapping[str, Any]]] = {}
    for event in events:
        kind = str(event.get("type", ""))
        if kind.endswith("StateEntered"):
            details = event.get("stateEnteredEventDetails") or {}
            state = str(details.get("name"))
            entered.setdefault(state, []).append(_json(details.get("input")) or {})
        elif kind.endswith("StateExited"):
            details = event.get("stateExitedEventDetails") or {}
            name, output = str(details.get("name")), _json(details.get("output")) or {}
            exited.setdefault(name, []).append(output)
            if name in _PLAN_STATES and isinstance(output.get("plan"), Mapping):
                plan = output["plan"]
            if name == _REPORT_STATE:
                summary = ((output.get("report") or {}).get("Payload") or {}).get("summary")
    phases = [_phase(p, plan, entered, exited) for p in PHASES.get(workflow, ())]
    return {
        "execution": execution,
        "workflow": workflow,
        "status": status,
        "updated_at": updated_at,
        "state": state,
        "phases": phases,
        "summary": summary,
    }


def _phase(
    phase: Phase, plan: Mapping[str, Any], entered: Mapping[str, list[Any]], exited: Mapping[str, list[Any]]
) -> dict[str, Any]:
    source = entered if phase.entered else exited
    items: dict[Any, Mapping[str, Any]] = {}
    for end in phase.ends:
        for payload in _items(phase, source.get(end, [])):
            if isinstance(payload, Mapping) and phase.key in payload and payload.get("status") != "WAITING":
                items[payload[phase.key]] = payload  # a redriven iteration's (or a later call's) last end wins
    counts: Counter[str] = Counter()
    if not phase.entered and phase.tally:
        for payload in items.values():
            counts.update(_tally(payload))
    if phase.unit == "accounts":
        done = sum(_batch_size(plan, int(b)) for b in items if str(b).isdigit())
        total = int(plan.get("account_count") or 0)
    else:
        done, total = len(items), len(plan.get("regions") or [])
    skipped = bool(phase.skipped_by and phase.skipped_by in exited)
    return {
        "name": phase.name,
        "unit": phase.unit,
        "done": done,
        "total": total,
        "counts": dict(counts),
        "skipped": skipped,
    }


def _items(phase: Phase, payloads: Iterable[Any]) -> Iterable[Any]:
    """The end states' payloads, or the items listed at ``phase.items`` in each."""
    for payload in payloads:
        if not phase.items:
            yield payload
            continue
        found: Any = payload
        for step in phase.items:
            found = found.get(step) if isinstance(found, Mapping) else None
        yield from found if isinstance(found, list) else ()


# --- rendering ------------------------------------------------------------------------------------


def bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    filled = width if total and done >= total else (width * done // total if total else 0)
    return "[" + "#" * filled + "." * (width - filled) + "]"


def counts_text(counts: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items() if k != "total")


def render_progress(snap: Mapping[str, Any]) -> str:
    """The text ``status`` prints for one execution: a bar per phase and the counts by status."""
    head = f"{snap.get('workflow')} {snap.get('execution')}  {snap.get('status')}"
    if snap.get("status") == "RUNNING" and snap.get("state"):
        head += f"  (now: {snap['state']})"
    lines = [head]
    phases = snap.get("phases") or []
    width = max((len(p["name"]) for p in phases), default=0)
    for p in phases:
        if p.get("skipped"):
            lines.append(f"  {p['name'].ljust(width)}  not requested")
            continue
        total = p["total"] or "?"
        line = f"  {p['name'].ljust(width)}  {bar(p['done'], p['total'])}  {p['done']}/{total} {p['unit']}"
        if p.get("counts"):
            line += f"  ({counts_text(p['counts'])})"
        lines.append(line)
    summary = snap.get("summary")
    if summary:
        lines.append(f"  results: {summary.get('total', 0)} account-Regions: {counts_text(summary)}")
    return "\n".join(lines)
