"""``doctor``: a read-only pre-flight check of everything a rollout needs, one line per check.

On AWS: the credentials and the account they belong to, the Region, the stack and its outputs,
DescribeStateMachine on both machines and a listing of ``reports/``, the administrator's GuardDuty
detector and its age per Region, and for ``--accounts`` whether the member role can be assumed.
Locally (``--local SCENARIO.json``): the same checks that exist there - the emulated
administrator's credentials, the local deployment the engine reads, GuardDuty ages, member roles.
Only read calls (and AssumeRole, which writes nothing) are made. What the caller is not allowed to
call is "not checked", never guessed: on AWS a member role trusts only the rollout's task roles, so
an AssumeRole refused to the operator says nothing about the role (IAM User Guide, "How to use
trust policies in IAM roles").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from detective_rollout.ops.aws_errors import explain

OK, FAILED, NOT_CHECKED = "ok", "failed", "not checked"
_MARKS = {OK: "✓", FAILED: "✗", NOT_CHECKED: "-"}
#: Error codes meaning "the caller may not make this call" (so the thing itself was not checked).
_DENIED = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"})


_NO_GUARDDUTY = "the operator policy does not grant guardduty:ListDetectors/GetDetector (Resource *)"


@dataclass(frozen=True)
class Check:
    """One line of the doctor's answer: what was checked, how it went, what was found or what to do."""

    name: str
    outcome: str  # ok | failed | not checked
    detail: str

    def line(self) -> str:
        suffix = " (not checked)" if self.outcome == NOT_CHECKED else ""
        return f"{_MARKS[self.outcome]} {self.name}{suffix}: {self.detail}"


@dataclass(frozen=True)
class Deployment:
    """What the checks need of a deployment: both machines, the bucket, the member role's settings."""

    machines: dict[str, str]
    bucket: str
    member_role: str | None
    external_id: str | None


def attempt(name: str, call: Callable[[], Check], denied: str) -> Check:
    """Run one check's calls; an AWS error becomes its failed line, a refused permission "not checked"."""
    try:
        return call()
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in _DENIED:
            return Check(name, NOT_CHECKED, f"{code}: {denied}")
        return Check(name, FAILED, (explain(exc) or (str(exc), 1))[0])
    except BotoCoreError as exc:
        return Check(name, FAILED, (explain(exc) or (str(exc), 1))[0])


def identity(sts: Any) -> tuple[Check, str | None]:
    """GetCallerIdentity: whose credentials these are (the account is the administrator's)."""
    found: list[str] = []

    def call() -> Check:
        me = sts.get_caller_identity()
        found.append(str(me["Account"]))
        return Check("credentials", OK, f"{me['Arn']} (account {me['Account']})")

    check = attempt("credentials", call, "STS refused GetCallerIdentity")
    return check, (found[0] if found else None)


def deployment_access(sfn: Any, s3: Any, deployment: Deployment) -> list[Check]:
    """DescribeStateMachine on both machines and a one-key listing of ``reports/`` in the bucket."""
    checks = []
    for workflow, arn in deployment.machines.items():

        def describe(workflow: str = workflow, arn: str = arn) -> Check:
            status = sfn.describe_state_machine(stateMachineArn=arn).get("status", "ACTIVE")
            if status != "ACTIVE":
                return Check(f"{workflow} state machine", FAILED, f"{arn} is {status}: deploy the stack again")
            return Check(f"{workflow} state machine", OK, arn)

        checks.append(
            attempt(
                f"{workflow} state machine",
                describe,
                "the operator policy lacks states:DescribeStateMachine (update the stack to get it)",
            )
        )

    def listing() -> Check:
        s3.list_objects_v2(Bucket=deployment.bucket, Prefix="reports/", MaxKeys=1)
        return Check("report bucket", OK, f"s3://{deployment.bucket}/reports/ can be listed")

    checks.append(attempt("report bucket", listing, f"s3:ListBucket on {deployment.bucket} with prefix reports/"))
    return checks


def guardduty(client_for: Callable[[str], Any], regions: Sequence[str], now: datetime) -> list[Check]:
    """The administrator's detector per Region and its age against Detective's 48-hour rule."""
    from tasks.check_guard_duty import check_guard_duty

    min_age = 48.0  # the enable workflow's default guardduty_min_age_hours

    def one(region: str) -> Check:
        name = f"GuardDuty {region}"
        gate = check_guard_duty(client_for(region), region, min_age, now)
        if gate.gate == "READY":
            return Check(name, OK, f"detector enabled {gate.guardduty_age_hours:.1f} h ago")
        if gate.gate == "GUARDDUTY_TOO_YOUNG":
            return Check(
                name,
                FAILED,
                f"detector enabled {gate.guardduty_age_hours:.1f} h ago, Detective wants {min_age:g} h: "
                f"enable waits until {_moment(gate.qualifies_at)} (or pass --guardduty-wait skip)",
            )
        return Check(name, FAILED, f"{gate.detail}: enable GuardDuty in {region} (its rows are SKIPPED until then)")

    checks = []
    for region in regions:

        def call(region: str = region) -> Check:
            return one(region)

        checks.append(attempt(f"GuardDuty {region}", call, _NO_GUARDDUTY))
    return checks


def _moment(iso: str | None) -> str:
    """``2026-12-07T12:03:00Z`` as ``2026-12-07 12:03 UTC``."""
    return f"{iso[:10]} {iso[11:16]} UTC" if iso else "an unknown time"


def member_roles(
    sts: Any, accounts: Iterable[str], role_name: str, external_id: str | None, *, trusted_caller: bool
) -> list[Check]:
    """AssumeRole into each account's member role (nothing else: credentials are dropped at once).

    ``trusted_caller``: the caller is a principal the member roles trust (the local emulated
    administrator); otherwise a refusal says nothing about the role and is "not checked".
    """
    checks = []
    for account in accounts:
        arn = f"arn:aws:iam::{account}:role/{role_name}"
        name = f"member role {account}"
        params: dict[str, Any] = {"RoleArn": arn, "RoleSessionName": "detective-rollout-doctor"}
        if external_id:
            params["ExternalId"] = external_id
        try:
            sts.assume_role(**params)
            checks.append(Check(name, OK, f"{arn} can be assumed"))
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code not in _DENIED:
                checks.append(Check(name, FAILED, (explain(exc) or (str(exc), 1))[0]))
            elif trusted_caller:
                checks.append(
                    Check(name, FAILED, f"{arn} cannot be assumed: deploy the member-role StackSet to {account}")
                )
            else:
                checks.append(
                    Check(
                        name,
                        NOT_CHECKED,
                        f"AssumeRole on {arn} was refused to these credentials; the member role trusts only the "
                        "rollout's task roles, so this says nothing about it (`enable --plan` checks from them)",
                    )
                )
        except BotoCoreError as exc:
            checks.append(Check(name, FAILED, (explain(exc) or (str(exc), 1))[0]))
    return checks


def render(checks: Sequence[Check]) -> tuple[str, int]:
    """The lines to print and the exit code: 1 when a check failed, else 0 ("not checked" is no failure)."""
    code = 1 if any(c.outcome == FAILED for c in checks) else 0
    return "\n".join(c.line() for c in checks), code
