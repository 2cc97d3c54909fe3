"""What the tool does in member accounts, observed: it assumes only the member role, only in requested accounts.

The infra tests prove the IAM side (only the AcceptInvitations and DisassociateMemberships roles
may call sts:AssumeRole, only on ``role/<MemberRoleName>``, and only Lambda can assume those two).
Here the code side is watched while both workflows run: every AssumeRole names the configured
member role of an account the execution was asked about, comes from one of those two tasks, at
most once per account and execution, under a session name that says which execution it was.
"""

from __future__ import annotations

import traceback
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.local import run_local
from tasks import aws as tasks_aws
from tests.helpers.workflow import member, scenario

ROLE = "DetectiveMemberRole"


@dataclass(frozen=True)
class Assumed:
    role_arn: str
    session_name: str
    caller: str  # the tasks module that asked


@pytest.fixture
def assumed(monkeypatch: pytest.MonkeyPatch) -> list[Assumed]:
    calls: list[Assumed] = []
    real = tasks_aws.Aws.assume_role

    def spy(self: tasks_aws.Aws, role_arn: str, session_name: str, external_id: str | None = None) -> Any:
        modules = [f.filename.rsplit("/", 1)[-1] for f in traceback.extract_stack() if "/tasks/" in f.filename]
        callers = [m for m in modules if m not in ("aws.py", "retrying.py", "fanout.py", "batch.py")]
        calls.append(Assumed(role_arn, session_name, callers[-1] if callers else "?"))
        return real(self, role_arn, session_name, external_id)

    monkeypatch.setattr(tasks_aws.Aws, "assume_role", spy)
    return calls


def test_enable_and_disable_assume_only_the_member_role_of_requested_accounts_once_each(
    assumed: list[Assumed],
) -> None:
    spec = scenario([member(1), member(2, faults=["no_role"]), member(3), member(4)])
    requested = [m for m in spec["members"] if m["account_id"] != member(4)["account_id"]]  # 4 is never asked about
    fleet = Fleet(load_scenario(spec), InstantClock())
    accounts = [{"account_id": m["account_id"], "email": m["email"]} for m in requested]
    enabled = run_local(spec, "enable", {"accounts": accounts, "regions": spec["regions"]}, fleet=fleet, name="en-1")
    assert enabled.report is not None
    during_enable = list(assumed)
    disabled = run_local(
        spec,
        "disable",
        {
            "accounts": [{"account_id": a["account_id"]} for a in accounts],
            "regions": spec["regions"],
            "disassociate_in_member": True,
        },
        fleet=fleet,
        name="dis-1",
    )
    assert disabled.report is not None
    during_disable = assumed[len(during_enable) :]

    allowed = {f"arn:aws:iam::{a['account_id']}:role/{ROLE}" for a in accounts}
    for calls, execution, task in (
        (during_enable, "en-1", "accept_invitations.py"),
        (during_disable, "dis-1", "disassociate_memberships.py"),
    ):
        assert calls, f"{execution}: no role was assumed: the test proves nothing"
        assert {c.role_arn for c in calls} <= allowed, calls
        assert {c.caller for c in calls} == {task}
        assert max(Counter(c.role_arn for c in calls).values()) == 1, "a member role was assumed twice"
        assert all(c.session_name == f"detective-rollout-{execution}" for c in calls)
