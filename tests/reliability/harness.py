"""The no-account-lost harness: run the enable workflow under a fault, check the invariant, replay without it.

The invariant (issue 9), checked by :func:`check_invariant` for every fault of the matrix:

1. the execution ends, within a bounded wall time (:data:`WALL_LIMIT_S`) and a bounded clock time;
2. every requested account x Region appears exactly once in the report, and nothing else does;
3. every row tells the truth: its status agrees with the administrator's graph in the emulated fleet
   (:func:`untruthful_rows`);
4. a replay - the enable workflow rerun on the same fleet over the FAILED pairs, once the fault is gone
   (:func:`without_faults`) - converges: every requested pair ENABLED (:func:`replay_converges`).

The fleets are small (a few accounts x two Regions) so the whole matrix stays fast; each fault is
injected by the emulator's seeded fault model, so a failing example replays identically.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.engine import LocalEngine
from detective_rollout.local import STATEMACHINES, TEMPLATE, LocalRun
from tasks import aws as tasks_aws
from tests.helpers.workflow import member, rows_by_pair, scenario

__all__ = [
    "Pair",
    "Ran",
    "check_invariant",
    "enable_input",
    "execute",
    "member",
    "pairs_of",
    "replay_converges",
    "rows_by_pair",
    "run_enable",
    "scenario",
    "untruthful_rows",
    "without_faults",
]

Pair = tuple[str, str]

#: Wall seconds one execution may take before the test calls it a hang (CI runs two workers on two cores).
WALL_LIMIT_S = 150.0
#: Clock hours one execution may take: Waits and retries are bounded, so a run that needs more is looping.
CLOCK_LIMIT_H = 6.0
#: How an execution may end: the report's verdict (green, or red with RolloutIncomplete) - never TIMED_OUT/ABORTED.
ENDINGS = {("SUCCEEDED", None), ("FAILED", "RolloutIncomplete")}

#: What the administrator's graph must show for a row of each status / reason (None: not a member).
MEMBER_FOR = {
    ("ENABLED", None): {"ENABLED"},
    ("ENABLED", "ALREADY_ENABLED"): {"ENABLED"},
    ("FAILED", "VOLUME_TOO_HIGH"): {"ACCEPTED_BUT_DISABLED"},
    ("FAILED", "VOLUME_UNKNOWN"): {"ACCEPTED_BUT_DISABLED"},
    ("FAILED", "VERIFICATION_FAILED"): {"VERIFICATION_FAILED"},
    ("FAILED", "VERIFICATION_TIMEOUT"): {"VERIFICATION_IN_PROGRESS"},
    ("FAILED", "ACCESS_DENIED"): {"INVITED"},
    ("FAILED", "INVITATION_NOT_ACCEPTED"): {"INVITED"},
}
#: Any other FAILED row (ERROR, THROTTLED, MEMBER_QUOTA_EXCEEDED) must not hide an enabled member.
NOT_ENABLED = {None, "INVITED", "VERIFICATION_IN_PROGRESS", "VERIFICATION_FAILED", "ACCEPTED_BUT_DISABLED"}


@dataclass(frozen=True)
class Ran:
    """One execution: what the engine and the report said, the pairs it was asked for, and what it cost."""

    run: LocalRun
    requested: frozenset[Pair]
    wall_s: float
    clock_s: float

    @property
    def rows(self) -> dict[Pair, dict[str, Any]]:
        return rows_by_pair(self.run)

    @property
    def fleet(self) -> Fleet:
        return self.run.fleet

    def failed(self) -> list[Pair]:
        return sorted(pair for pair, row in self.rows.items() if row["status"] == "FAILED")

    def unfinished(self) -> list[Pair]:
        """Requested pairs not ENABLED: FAILED, SKIPPED because of the fault, or all of them without a report."""
        if self.run.report is None:
            return sorted(self.requested)
        return sorted(pair for pair, row in self.rows.items() if row["status"] != "ENABLED")


def enable_input(accounts: Sequence[dict[str, Any]], regions: Sequence[str], **fields: Any) -> dict[str, Any]:
    """The console input for ``accounts`` (scenario members or ``{account_id, email[, regions]}``)."""
    keep = ("account_id", "email", "regions")
    return {"accounts": [{k: a[k] for k in keep if k in a} for a in accounts], "regions": list(regions), **fields}


def pairs_of(execution_input: dict[str, Any]) -> frozenset[Pair]:
    top = execution_input["regions"]
    return frozenset((a["account_id"], r) for a in execution_input["accounts"] for r in a.get("regions", top))


def execute(fleet: Fleet, inputs: Sequence[tuple[str, dict[str, Any]]]) -> list[Ran]:
    """Start every ``(name, input)`` on ONE engine over ``fleet`` at once, then wait for each (bounded)."""
    tasks_aws.reset()
    clock = fleet.clock
    began, wall = clock.now(), time.monotonic()
    with LocalEngine(fleet, clock, template=str(TEMPLATE), statemachines_dir=str(STATEMACHINES)) as engine:
        bucket = engine.substitutions("enable-detective")["ReportBucket"]
        arns = [engine.start("enable-detective", execution_input, name=name) for name, execution_input in inputs]
        results = [engine.result(arn, timeout=WALL_LIMIT_S) for arn in arns]
        reports = [engine.find_json(bucket, f"reports/enable/{name}.json") for name, _ in inputs]
    wall_s, clock_s = time.monotonic() - wall, (clock.now() - began).total_seconds()
    return [
        Ran(LocalRun(result, report, fleet), pairs_of(execution_input), wall_s, clock_s)
        for result, report, (_, execution_input) in zip(results, reports, inputs, strict=True)
    ]


def run_enable(
    spec: dict[str, Any],
    fleet: Fleet | None = None,
    *,
    name: str = "run-1",
    accounts: Sequence[dict[str, Any]] | None = None,
    **fields: Any,
) -> Ran:
    """One enable execution over ``spec``'s members (or ``accounts``) in ``spec``'s Regions."""
    fleet = fleet or Fleet(load_scenario(spec), InstantClock())
    regions = fields.pop("regions", spec["regions"])
    execution_input = enable_input(spec["members"] if accounts is None else accounts, regions, **fields)
    (ran,) = execute(fleet, [(name, execution_input)])
    return ran


def untruthful_rows(ran: Ran) -> list[str]:
    """Rows whose status the administrator's graph contradicts, described (empty: every row is true)."""
    lies = []
    for (account_id, region), row in sorted(ran.rows.items()):
        found = ran.fleet.member(region, account_id)
        actual = found.status if found else None
        status, reason = row["status"], row["reason"]
        if row["member_status"] is not None and row["member_status"] != actual:
            lies.append(f"{account_id}/{region}: member_status {row['member_status']}, graph says {actual}")
        if (status, reason) in MEMBER_FOR:
            allowed = MEMBER_FOR[(status, reason)]
        elif status == "FAILED":
            # ERROR / THROTTLED: with a member status, that status (checked above) must not be ENABLED;
            # without one the row says the final status is unknown, which is true whatever the graph holds.
            allowed = NOT_ENABLED if row["member_status"] is not None else NOT_ENABLED | {"ENABLED"}
        else:  # SKIPPED: this run did nothing there
            allowed = NOT_ENABLED | {"ENABLED"} if not row["changed"] else set()
        if actual not in allowed:
            lies.append(f"{account_id}/{region}: {status}/{reason}, graph says {actual}")
        if reason == "VOLUME_TOO_HIGH" and found is not None and found.disabled_reason != reason:
            lies.append(f"{account_id}/{region}: {reason}, graph says {found.disabled_reason}")
    return lies


def check_invariant(ran: Ran) -> None:
    """Points 1-3 of the invariant for one execution (raises AssertionError naming what broke)."""
    result = ran.run.result
    assert (result.status, result.error if result.status == "FAILED" else None) in ENDINGS, (
        f"the execution ended {result.status} {result.error}: {result.cause}"
    )
    assert ran.wall_s < WALL_LIMIT_S, f"took {ran.wall_s:.0f} s of wall time"
    assert ran.clock_s < CLOCK_LIMIT_H * 3600, f"took {ran.clock_s / 3600:.1f} h of clock time"
    assert ran.run.report is not None, "no report was written"
    rows = ran.rows  # asserts that no pair appears twice
    assert set(rows) == ran.requested, (
        f"missing {sorted(ran.requested - set(rows))}, unrequested {sorted(set(rows) - ran.requested)}"
    )
    summary = ran.run.report["summary"]
    assert summary["total"] == len(ran.requested)
    assert sum(v for k, v in summary.items() if k != "total") == summary["total"]
    assert (result.status == "FAILED") == bool(summary.get("FAILED")), (result.status, summary)
    lies = untruthful_rows(ran)
    assert not lies, "rows contradict the fleet: " + "; ".join(lies)


def without_faults(fleet: Fleet, spec: dict[str, Any]) -> Fleet:
    """The same fleet (graphs, members, credentials, clock) after every injected fault was fixed.

    Per-account faults, fleet-wide throttle/error rates, scenario events and Lambda faults are gone;
    what events did to the fleet is undone where an operator would undo it (a removed role is
    redeployed, a disabled Region re-enabled, an error burst over); invitations that were held back
    are visible. A member AWS knows under another root email keeps it: fixing that is the input's job.
    """
    loaded = load_scenario(spec)
    members = []
    for raw in spec["members"]:
        known = loaded.member_account(raw["account_id"])
        assert known is not None
        members.append({**{k: v for k, v in raw.items() if k != "faults"}, "root_email": known.root_email})
    clean = {
        **copy.deepcopy(spec),
        "members": members,
        "events": [],
        "lambda_faults": [],
        "throttle_rate": 0,
        "error_rate": 0,
    }
    state = fleet.to_state()
    inner = state["fleet"]
    inner.update(bursts=[], removed_roles=[], disabled_regions={}, fired_events=[])
    for graph in inner["graphs"].values():
        for m in graph["members"]:
            m["visible_at"] = None
    return Fleet.from_state(load_scenario(clean), state, fleet.clock)


def replay_converges(
    ran: Ran, spec: dict[str, Any], *, name: str = "replay-1", pairs: Iterable[Pair] | None = None, **fields: Any
) -> Ran:
    """Rerun over the pairs not ENABLED (or ``pairs``) with every fault removed; assert that it converged.

    Each account is replayed with the email AWS knows for it (the operator corrects the input) and
    only in its failed Regions. Returns the replay's run; the fleet then has every requested pair ENABLED.
    """
    fleet = without_faults(ran.fleet, spec)
    todo = sorted(ran.unfinished() if pairs is None else pairs)
    if todo:
        regions: dict[str, list[str]] = {}
        for account_id, region in todo:
            regions.setdefault(account_id, []).append(region)
        root = {m.account_id: m.root_email for m in fleet.scenario.members}
        accounts = [{"account_id": a, "email": root[a], "regions": r} for a, r in regions.items()]
        top = sorted({r for _, r in todo})
        (replay,) = execute(fleet, [(name, enable_input(accounts, top, **fields))])
        check_invariant(replay)
        assert {pair: row["status"] for pair, row in replay.rows.items()} == dict.fromkeys(todo, "ENABLED"), replay.rows
    else:
        replay = Ran(ran.run, frozenset(), 0.0, 0.0)
    not_enabled = {(a, r): getattr(fleet.member(r, a), "status", None) for a, r in sorted(ran.requested)}
    not_enabled = {pair: status for pair, status in not_enabled.items() if status != "ENABLED"}
    assert not not_enabled, f"not ENABLED after the replay: {not_enabled}"
    return replay
