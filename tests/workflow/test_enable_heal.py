"""The scheduled coverage run's heal mode: the enable input it builds, run by the real enable machine.

tasks.triggers.coverage_schedule computes coverage over the registry and, in heal mode, starts the
enable workflow with :func:`heal_input`'s document. Here that very document runs on the embedded
engine over the emulated fleet: the pairs enabling fixes end ENABLED, the report says the run came
from the reconciliation, and a member nobody registered stays a member (heal never offboards).
"""

from __future__ import annotations

from typing import Any

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.local import run_local
from tasks import aws
from tasks.aws import Aws
from tasks.coverage import Listed, compute_coverage
from tasks.triggers.coverage_schedule import heal_input
from tests.helpers.workflow import REGIONS, member, mutating, rows_by_pair, scenario

#: Invited a day before the run by the emulator's seed; heal takes invitations older than 12 hours.
NEW, COVERED, OLD_INVITE, UNREGISTERED, DISABLED = (
    member(1),
    member(2, existing_membership={"us-east-1": "ENABLED"}),
    member(3, existing_membership={"us-east-1": "INVITED"}),
    member(4, existing_membership={"us-east-1": "ENABLED"}),
    member(5, existing_membership={"us-east-1": "ACCEPTED_BUT_DISABLED"}),  # DisabledReason VOLUME_UNKNOWN
)
REGISTRY = [Listed(m["account_id"], m["email"]) for m in (NEW, COVERED, OLD_INVITE, DISABLED)]


def coverage(fleet: Fleet) -> dict[str, Any]:
    """The document the schedule computes, over the registry, at the fleet's time."""
    aws.reset()
    try:
        with fleet.intercept():
            return compute_coverage(Aws(), REGISTRY, REGIONS, fleet.clock.now())
    finally:
        aws.reset()


def reasons(document: dict[str, Any]) -> dict[tuple[str, str], str | None]:
    return {(r["account_id"], r["region"]): r["reason"] or r["state"] for r in document["results"]}


def test_heals_enable_input_runs_on_the_enable_machine_and_covers_every_fixable_pair() -> None:
    spec = scenario([NEW, COVERED, OLD_INVITE, UNREGISTERED, DISABLED], administrator={"existing_graph_regions": []})
    clock = InstantClock()
    fleet = Fleet(load_scenario(spec), clock)
    new, covered, invited, unregistered, disabled = (
        m["account_id"] for m in (NEW, COVERED, OLD_INVITE, UNREGISTERED, DISABLED)
    )
    before = coverage(fleet)
    assert reasons(before) == {
        (new, "us-east-1"): "NOT_A_MEMBER",
        (new, "eu-west-1"): "NO_GRAPH",
        (covered, "us-east-1"): "COVERED",
        (covered, "eu-west-1"): "NO_GRAPH",
        (invited, "us-east-1"): "INVITED",
        (invited, "eu-west-1"): "NO_GRAPH",
        (unregistered, "us-east-1"): "UNLISTED",
        (disabled, "us-east-1"): "VOLUME_UNKNOWN",
        (disabled, "eu-west-1"): "NO_GRAPH",
    }

    payload = heal_input(before, REGISTRY, invited_after_hours=12, now=clock.now())
    assert payload is not None and unregistered not in {a["account_id"] for a in payload["accounts"]}
    run = run_local(spec, "enable", payload, clock=clock, fleet=fleet)

    assert run.report is not None and run.report["request"]["source"] == "reconcile"
    healed = {
        pair
        for pair, reason in reasons(before).items()
        if reason in {"NOT_A_MEMBER", "NO_GRAPH", "INVITED", "VOLUME_UNKNOWN"}
    }
    rows = rows_by_pair(run)
    assert set(rows) == healed
    assert {pair: rows[pair]["status"] for pair in healed} == dict.fromkeys(healed, "ENABLED")
    offboarding = {"DeleteMembers", "DisassociateMembership", "DeleteGraph"}
    assert [c.operation for c in mutating(run) if c.operation in offboarding] == []

    after = coverage(fleet)
    assert after["summary"] == {"total": 9, "COVERED": 8, "NOT_COVERED": 0, "UNLISTED": 1}
    assert reasons(after)[(unregistered, "us-east-1")] == "UNLISTED"  # still a member: reported, not removed
