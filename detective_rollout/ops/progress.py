"""Progress of an execution, read from its history: a JSON snapshot and its text rendering.

The same pure functions serve AWS (GetExecutionHistory) and the embedded engine (the same API on
moto), so what ``status`` shows locally is what it shows for a deployed rollout. Each phase is
either a Map of the workflow whose iterations end in known states (the ASL's states that close an
iteration: a batch of accounts), or a state that handles every Region at once and lists them in
its output (the per-Region outcome lists, ``items``); either way each item carries the Region or
batch, its status and counts, which is all a progress bar needs. Totals come from the validation
state's output (``$.run``, the run summary): Regions, batches of accounts. ``render_progress`` is what ``status``
prints, and what tests check.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tasks.actions import ACTIONS
from tasks.nesting import parse_json_or_none

#: The execution statuses that mean it is over (DescribeExecution's, plus PENDING_REDRIVE's end).
FINAL = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})
#: Upper-case words progress may show: outcome statuses, and the reasons of the README's table (tasks.actions).
STATUSES = frozenset(
    {"ACCEPTED", "ALREADY_ACCEPTED", "ENABLED", "ALREADY_ENABLED", "FAILED", "SKIPPED", "PLANNED", "REMOVED"}
    | {"NOT_A_MEMBER", "DISASSOCIATED", "REJECTED", "DELETED"}
)
BAR_WIDTH = 28
SHOWN_CODES = STATUSES | frozenset(ACTIONS)


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
    counted: str = "pairs"  # what one unit of the counts is (an account x Region pair, or a Region)


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
            counted="Regions",
        ),
    ),
}
_RUN_STATES = ("ValidateInput", "ValidateOffboarding")
#: Wait states: what each waits for (from its input) - ``status`` and a foreground run say it while it runs.
_WAITS = {
    "WaitForGuardDuty": "GuardDuty",
    "WaitForInvitations": "the invitations to reach the member accounts",
    "WaitForVerification": "Detective to verify the members",
}
_REPORT_STATE = "WriteReport"


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


def _batch_size(run: Mapping[str, Any], batch: int) -> int:
    size, accounts = int(run.get("batch_size") or 1), int(run.get("account_count") or 0)
    return max(0, min(size, accounts - batch * size))


def snapshot(
    events: Iterable[Mapping[str, Any]], *, execution: str, workflow: str, status: str, updated_at: str | None = None
) -> dict[str, Any]:
    """The progress of one execution from its history events (GetExecutionHistory's shape)."""
    run: Mapping[str, Any] = {}
    summary: dict[str, Any] | None = None
    state: str | None = None
    entered: dict[str, list[Mapping[str, Any]]] = {}
    exited: dict[str, list[Mapping[str, Any]]] = {}
    waiting: dict[str, Any] | None = None
    for event in events:
        kind = str(event.get("type", ""))
        if kind.endswith("StateEntered"):
            details = event.get("stateEnteredEventDetails") or {}
            state = str(details.get("name"))
            entered.setdefault(state, []).append(parse_json_or_none(details.get("input")) or {})
            waiting = _waiting(state, entered[state][-1], run) if state in _WAITS else None
        elif kind.endswith("StateExited"):
            details = event.get("stateExitedEventDetails") or {}
            name, output = str(details.get("name")), parse_json_or_none(details.get("output")) or {}
            exited.setdefault(name, []).append(output)
            if waiting is not None and waiting["state"] == name:
                waiting = None
            if name in _RUN_STATES and isinstance(output.get("run"), Mapping):
                run = output["run"]
            if name == _REPORT_STATE:
                summary = ((output.get("report") or {}).get("Payload") or {}).get("summary")
    phases = [_phase(p, run, entered, exited) for p in PHASES.get(workflow, ())]
    return {
        "execution": execution,
        "workflow": workflow,
        "status": status,
        "updated_at": updated_at,
        "state": state,
        "phases": phases,
        "summary": summary,
        "waiting": waiting if status == "RUNNING" else None,
    }


def _waiting(state: str, payload: Mapping[str, Any], run: Mapping[str, Any]) -> dict[str, Any]:
    """What the Wait state ``state`` waits for and until when (None: a fixed pause, the time is not in the input)."""
    found = payload.get("prepare")
    prepare: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    until: Any = None
    what = _WAITS[state]
    if state == "WaitForGuardDuty":
        young = [str(r.get("region")) for r in prepare.get("regions") or [] if r.get("status") == "WAITING"]
        hours = run.get("guardduty_min_age_hours", 48)
        what = f"GuardDuty in {', '.join(young) or 'a Region'} to reach {hours:g} h"
        until = prepare.get("wait_until")
    elif state == "WaitForInvitations":
        until = prepare.get("visible_at")
    return {"state": state, "for": what, "until": until if isinstance(until, str) else None}


def _phase(
    phase: Phase, run: Mapping[str, Any], entered: Mapping[str, list[Any]], exited: Mapping[str, list[Any]]
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
        done = sum(_batch_size(run, int(b)) for b in items if str(b).isdigit())
        total = int(run.get("account_count") or 0)
    else:
        done, total = len(items), len(run.get("regions") or [])
    skipped = bool(phase.skipped_by and phase.skipped_by in exited)
    return {
        "name": phase.name,
        "unit": phase.unit,
        "done": done,
        "total": total,
        "counts": dict(counts),
        "counted": phase.counted,
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


def shown_counts(counts: Mapping[str, Any]) -> dict[str, int]:
    """The counts with the codes the report uses: a task's own code becomes the report's reason for it
    (NOT_VISIBLE -> INVITATION_NOT_ACCEPTED), and a code that is neither a status nor a reason in the
    README's table is not shown."""
    from tasks.classify_enable import INVITED_REASONS

    shown: Counter[str] = Counter()
    for key, value in counts.items():
        words = [INVITED_REASONS.get(w, w) for w in str(key).split()]
        known = [w for w in words if not w.isupper() or w in SHOWN_CODES]
        if known and isinstance(value, int):
            shown[" ".join(known)] += value
    return dict(shown)


def phase_line(p: Mapping[str, Any], width: int = 0, with_bar: bool = True) -> str:
    """One phase: the bar counts units processed (Regions or accounts), the parenthesis counts outcomes."""
    if p.get("skipped"):
        return f"{p['name'].ljust(width)}  not requested"
    total = p["total"] or "?"
    drawn = f"{bar(p['done'], p['total'])}  " if with_bar else ""
    line = f"{p['name'].ljust(width)}  {drawn}{p['done']}/{total} {p['unit']} processed"
    counts = shown_counts(p.get("counts") or {})
    if counts:
        line += f"  ({p.get('counted', 'pairs')}: {counts_text(counts)})"
    return line


def waiting_line(waiting: Mapping[str, Any], now: str | None) -> str:
    """``waiting for GuardDuty in eu-west-1 to reach 48 h: 2026-12-07 12:03 UTC, 37 h 58 min from now``."""
    until = waiting.get("until")
    if not until:
        return f"waiting for {waiting['for']}"
    from datetime import datetime

    moment = datetime.fromisoformat(str(until).replace("Z", "+00:00"))
    text = f"waiting for {waiting['for']}: {moment:%Y-%m-%d %H:%M} UTC"
    if now:
        left = (moment - datetime.fromisoformat(now.replace("Z", "+00:00"))).total_seconds()
        text += f", {_duration(left)} from now"
    return text


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def render_progress(snap: Mapping[str, Any]) -> str:
    """The text ``status`` prints for one execution: a bar per phase and the counts by status."""
    head = f"{snap.get('workflow')} {snap.get('execution')}  {snap.get('status')}"
    if snap.get("status") == "RUNNING" and snap.get("state"):
        head += f"  (now: {snap['state']})"
    lines = [head]
    if snap.get("status") == "RUNNING" and snap.get("waiting"):
        lines.append(f"  {waiting_line(snap['waiting'], snap.get('updated_at'))}")
    phases = snap.get("phases") or []
    width = max((len(p["name"]) for p in phases), default=0)
    lines += [f"  {phase_line(p, width)}" for p in phases]
    summary = snap.get("summary")
    if summary:
        lines.append(f"  results: {summary.get('total', 0)} account-Regions: {counts_text(summary)}")
    return "\n".join(lines)
