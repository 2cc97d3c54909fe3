"""Least privilege, measured: every IAM action granted is one the code calls, and every call is granted.

Local runs of both workflows (enable over a fleet that exercises every path: a graph to create and one to tag,
members to invite, repair and re-enable; disable with ``disassociate_in_member`` and ``delete_graph``) and each
trigger's handler record every boto3 call with the function that made it (the Task's function, its fan-out
threads included) and whether it was signed with the member role. Each call's IAM action is then compared with
the statements of that function's role, and the member role's calls with infra/member-role.yaml: a call without a
grant fails (AccessDenied on AWS), and a grant without a call fails (more privilege than needed), except the
deliberate ones listed in ``NOT_CALLED`` with the reason. The state machines' grants are compared with the Task
resources of their ASL.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from infra_cfn import MEMBER_ROLE, STATEMACHINES, as_list, load, permission_statements, resources
from infra_grants_runs import run_triggers, run_workflows

from detective_rollout.engine.dispatch import Dispatcher
from tasks import member_clients

MEMBER = "MemberRole"
#: botocore service name -> IAM service prefix, where they differ.
PREFIX = {"stepfunctions": "states"}
#: Calls whose IAM action is not ``<prefix>:<Operation>`` (Service Authorization Reference).
ACTION = {
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:HeadObject": "s3:GetObject",
}
#: Calls that need no grant: GetCallerIdentity works for every principal (AWS STS API Reference).
NEEDS_NO_GRANT = {"sts:GetCallerIdentity"}
#: Needed by a call although not a call: GetObject of a missing key answers 404 NoSuchKey only with
#: s3:ListBucket on the bucket, else 403 AccessDenied (GetObject - Amazon S3 API Reference), and the
#: work store and registry read a missing key as "not there".
IMPLIED = {"s3:GetObject": {"s3:ListBucket"}}
#: principal -> action -> why it is granted although no local run calls it.
NOT_CALLED: dict[str, dict[str, str]] = {
    "InviteMembersFunction": {
        "detective:GetMembers": "reads back accounts CreateMembers left unprocessed (invited meanwhile by another "
        "execution); the emulator processes every account it is given",
    },
    MEMBER: {
        "iam:CreateServiceLinkedRole": "with AllowGuardDutyEnable=true: an account's first GuardDuty detector creates "
        "GuardDuty's service-linked role on the caller's behalf during CreateDetector; the emulator has no IAM",
    },
    "RemoveMembersFunction": {
        "detective:GetMembers": "reads back accounts DeleteMembers left unprocessed; the emulator processes every one",
    },
}
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("grants_current_function", default=None)


def _action(service: str, operation: str) -> str:
    action = f"{PREFIX.get(service, service)}:{operation}"
    return ACTION.get(action, action)


@pytest.fixture(scope="module")
def called() -> dict[str, set[str]]:
    """principal (function logical id or MemberRole) -> IAM actions its calls need."""
    calls: dict[str, set[str]] = defaultdict(set)
    import botocore.client

    real_call = botocore.client.BaseClient._make_api_call
    real_run = Dispatcher._run
    real_submit = concurrent.futures.ThreadPoolExecutor.submit

    def record(self: Any, operation: str, params: Any) -> Any:
        function = _current.get()
        if function is not None:
            who = MEMBER if member_clients._signing.get() is not None else function
            calls[who].add(_action(self.meta.service_model.service_name, operation))
        return real_call(self, operation, params)

    def run(self: Dispatcher, function: Any, event: Any, request_id: str) -> Any:
        token = _current.set(function.logical_id)
        try:
            return real_run(self, function, event, request_id)
        finally:
            _current.reset(token)

    def submit(self: Any, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return real_submit(self, contextvars.copy_context().run, fn, *args, **kwargs)

    @contextmanager
    def as_function(logical_id: str) -> Iterator[None]:
        token = _current.set(logical_id)
        try:
            yield
        finally:
            _current.reset(token)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.client.BaseClient, "_make_api_call", record)
        patch.setattr(Dispatcher, "_run", run)
        patch.setattr(concurrent.futures.ThreadPoolExecutor, "submit", submit)
        run_workflows()
        run_triggers(as_function, patch.setenv)
    return {
        who: (actions | {i for a in actions for i in IMPLIED.get(a, ())}) - NEEDS_NO_GRANT
        for who, actions in calls.items()
    }


def _granted(template: dict[str, Any]) -> dict[str, set[str]]:
    """Function logical id -> actions its role allows (its own Policies, or the role it names)."""
    by_owner: dict[str, set[str]] = defaultdict(set)
    for statement in permission_statements(template):
        by_owner[statement.owner].update(statement.actions)
    granted = {}
    for name, function in resources(template, "AWS::Serverless::Function").items():
        role = function["Properties"].get("Role")
        granted[name] = by_owner[role["Fn::GetAtt"][0]] if role else by_owner[name]
    return granted


def test_the_runs_exercise_every_function_and_the_member_role(
    called: dict[str, set[str]], template: dict[str, Any]
) -> None:
    assert set(called) == set(resources(template, "AWS::Serverless::Function")) | {MEMBER}


def test_every_call_is_granted_and_every_grant_is_called(called: dict[str, set[str]], template: dict[str, Any]) -> None:
    granted = _granted(template)
    granted[MEMBER] = {a for s in permission_statements(load(MEMBER_ROLE)) for a in s.actions}
    problems = []
    for who in sorted(granted):
        missing = called.get(who, set()) - granted[who]
        exceptions = NOT_CALLED.get(who, {})
        unused = granted[who] - called.get(who, set()) - set(exceptions)
        stale = set(exceptions) - (granted[who] - called.get(who, set()))
        problems += [f"{who}: calls {a} without a grant" for a in sorted(missing)]
        problems += [f"{who}: granted {a}, which nothing calls" for a in sorted(unused)]
        problems += [f"{who}: NOT_CALLED lists {a}, which is called or not granted" for a in sorted(stale)]
    assert not problems, "\n".join(problems)


def _integrations(states: dict[str, Any]) -> set[str]:
    """IAM actions of the optimized integrations an ASL's Task states use (Lambda invoke, SNS, EventBridge)."""
    found: set[str] = set()
    for state in states.values():
        resource = str(state.get("Resource", ""))
        if state.get("Type") == "Task":
            service, _, api = resource.removeprefix("arn:aws:states:::").partition(":")
            found.add({"lambda": "lambda:InvokeFunction"}.get(service, f"{service}:{api[:1].upper()}{api[1:]}"))
        for key in ("Iterator", "ItemProcessor"):
            if key in state:
                found |= _integrations(state[key]["States"])
        for branch in state.get("Branches", []):
            found |= _integrations(branch["States"])
    return found


#: Step Functions' CloudWatch Logs delivery needs these on "*" (Logging Step Functions using CloudWatch Logs).
LOG_DELIVERY = {
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
}


@pytest.mark.parametrize("machine", ["EnableStateMachine", "DisableStateMachine"])
def test_state_machines_are_granted_exactly_their_integrations(template: dict[str, Any], machine: str) -> None:
    props = resources(template)[machine]["Properties"]
    asl = json.loads((STATEMACHINES / props["DefinitionUri"].rsplit("/", 1)[-1]).read_text())
    statements = [s for s in permission_statements(template) if s.owner == machine]
    granted = {a for s in statements for a in as_list(s.actions)}
    assert granted == _integrations(asl["States"]) | LOG_DELIVERY
