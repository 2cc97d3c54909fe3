"""The workflows' Task states called one after another, as the ASL passes their data, over the emulated fleet.

Task-level tests stop the chain where their state starts, then call that state's handler with the input the
state machine would give it (statemachines/enable-detective.asl.json's Parameters) and assert on the fleet,
the work store and the output. S3 is moto's (the reports bucket), the other services the fleet's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

from detective_rollout.emulator import Fleet
from tasks import (
    accept_invitations,
    check_guard_duty,
    delete_graph,
    disassociate_memberships,
    ensure_graph,
    invite_members,
    remove_members,
    validate_input,
    validate_offboarding,
    verify_members,
)
from tests.helpers.tasks import ADMIN, REPORTS

REGIONS = ["us-east-1", "eu-west-1"]


def member(n: int, **extra: Any) -> dict[str, Any]:
    """Member ``n`` of a scenario: a deterministic id and email."""
    return {"account_id": f"{200000000000 + n:012d}", "email": f"member{n}@example.com", **extra}


def fleet_spec(
    members: list[dict[str, Any]], fleet: dict[str, Any] | None = None, **administrator: Any
) -> dict[str, Any]:
    """A fleet in REGIONS whose administrator's GuardDuty is old enough; ``administrator`` fields merged in, ``fleet``
    the scenario's other top-level fields (e.g. ``verification_delay_s``)."""
    return {
        "administrator": {"account_id": ADMIN, "guardduty_age_hours": dict.fromkeys(REGIONS, 72), **administrator},
        "regions": REGIONS,
        "member_role": "DetectiveMemberRole",
        "members": members,
        "seed": 1,
        **(fleet or {}),
    }


@dataclass
class WorkflowStates:
    """What both workflows' chains share: the fleet, moto's S3, the execution and where the state under test began."""

    fleet: Fleet
    s3: Any
    execution: str
    #: Where the calls of the state under test start in ``fleet.calls`` (:meth:`mark`).
    since: int = 0
    workflow: ClassVar[str]

    def mark(self) -> None:
        """The state under test's calls start here."""
        self.since = len(self.fleet.calls)

    def writes(self) -> list[tuple[str, str, str]]:
        """(operation, account, Region) of the successful writes since :meth:`mark`."""
        return [(c.operation, c.account_id, c.region) for c in self.fleet.calls[self.since :] if c.mutating]

    def work(self, name: str) -> Any:
        """A work document of this execution, parsed."""
        key = f"work/{self.workflow}/{self.execution}/{name}"
        return json.loads(self.s3.get_object(Bucket=REPORTS, Key=key)["Body"].read())


@dataclass
class EnableStates(WorkflowStates):
    """One enable execution's state data, advanced a Task state at a time."""

    execution: str = "run-1"
    workflow: ClassVar[str] = "enable"

    def validate(self, **fields: Any) -> dict[str, Any]:
        """ValidateInput over the scenario's members and REGIONS (``fields`` override): the machine's ``$.run``."""
        accounts = [{"account_id": m.account_id, "email": m.email} for m in self.fleet.scenario.members]
        event = {"input": {"accounts": accounts, "regions": REGIONS, **fields}, "execution": self.execution}
        return validate_input.lambda_handler(event, None)

    def prepare(self, run: dict[str, Any], until: str = "InviteMembers") -> list[dict[str, Any]]:
        """``$.prepare.regions`` after CheckGuardDuty, EnsureGraph and InviteMembers, stopping before ``until``."""
        regions: list[dict[str, Any]] = check_guard_duty.lambda_handler({"run": run}, None)["regions"]
        if until == "EnsureGraph":
            return regions
        regions = ensure_graph.lambda_handler({"run": run, "regions": regions}, None)["regions"]
        if until == "InviteMembers":
            return regions
        return list(invite_members.lambda_handler({"run": run, "regions": regions}, None)["regions"])

    def accept(self, run: dict[str, Any], batch: int) -> dict[str, Any]:
        """AcceptInvitations for ``batch``, with the Map's ItemSelector input."""
        event = {"batch": batch, "run": {"workflow": run["workflow"], "execution": run["execution"]}}
        return accept_invitations.lambda_handler(event, None)

    def verify(self, run: dict[str, Any], regions: list[dict[str, Any]]) -> dict[str, Any]:
        return verify_members.lambda_handler({"run": run, "regions": regions}, None)


@dataclass
class DisableStates(WorkflowStates):
    """One disable execution's state data, a Task state at a time (statemachines/disable-detective.asl.json)."""

    execution: str = "off-1"
    workflow: ClassVar[str] = "disable"

    def validate(self, **fields: Any) -> dict[str, Any]:
        """ValidateOffboarding over REGIONS (``fields`` give the accounts and options): the machine's ``$.run``."""
        event = {"input": {"regions": REGIONS, **fields}, "execution": self.execution}
        return validate_offboarding.lambda_handler(event, None)

    def remove(self, run: dict[str, Any]) -> dict[str, Any]:
        return remove_members.lambda_handler({"run": run}, None)

    def disassociate(self, run: dict[str, Any], batch: int) -> dict[str, Any]:
        event = {"batch": batch, "run": {"workflow": run["workflow"], "execution": run["execution"]}}
        return disassociate_memberships.lambda_handler(event, None)

    def delete_graphs(self, run: dict[str, Any]) -> dict[str, Any]:
        return delete_graph.lambda_handler({"run": run}, None)
