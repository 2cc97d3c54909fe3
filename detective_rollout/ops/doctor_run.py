"""Where ``doctor`` runs its checks (:mod:`detective_rollout.ops.doctor`): on AWS, or on the local engine.

On AWS the checks follow each other's needs: without a Region or credentials the ones that need
them are listed as "not checked" with the reason, so the answer is always one line per check.
Locally the engine's deployment (infra/template.yaml as ``sam deploy`` would create it) and the
scenario's fleet answer the same calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from detective_rollout.ops.aws_errors import NO_CREDENTIALS, NO_REGION, explain
from detective_rollout.ops.doctor import (
    FAILED,
    NOT_CHECKED,
    OK,
    Check,
    Deployment,
    attempt,
    deployment_access,
    guardduty,
    identity,
    member_roles,
)
from detective_rollout.ops.exits import fail
from detective_rollout.ops.inputs import parse_regions, read_accounts_file

_PARAMETERS = ("MemberRoleName", "MemberRoleExternalId")


def account_ids(accounts: str | None) -> list[str]:
    """``--accounts``: the account ids of a local CSV (bad rows exit 2 like enable's)."""
    if not accounts:
        return []
    from tasks.errors import InvalidInput
    from tasks.problems import Problems
    from tasks.validation import parse_accounts_csv

    text, uri = read_accounts_file(accounts)
    if text is None:
        fail(f"--accounts: doctor reads a local CSV file, not {uri}")
    problems = Problems()
    entries = parse_accounts_csv(text.encode(), problems, require_email=False)
    try:
        problems.raise_if_any()
    except InvalidInput as exc:
        fail(f"--accounts: {accounts}: {exc}")
    return [e.account_id for e in entries]


def chosen_regions(regions: str | None, default: Sequence[str]) -> list[str]:
    parsed = parse_regions(regions)
    if parsed == "all":
        fail("--regions: doctor checks named Regions (e.g. --regions us-east-1,eu-west-1), not 'all'")
    return list(parsed) if isinstance(parsed, list) else list(default)


def _stack(cloudformation: Any, stack_name: str) -> tuple[Check, Deployment | None]:
    from detective_rollout.ops.backend import NotFound
    from detective_rollout.ops.deployed import Deployment as Stack

    found: list[Deployment] = []

    def call() -> Check:
        try:
            stack = Stack.from_stack(cloudformation, stack_name)
        except NotFound as exc:
            return Check(f"stack {stack_name}", FAILED, f"{exc}: deploy it (sam deploy) or pass --stack-name")
        described = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
        values = {p["ParameterKey"]: p.get("ParameterValue") for p in described.get("Parameters", [])}
        external = values.get("MemberRoleExternalId") or None
        found.append(Deployment(dict(stack.machines), stack.bucket, values.get("MemberRoleName"), external))
        return Check(f"stack {stack_name}", OK, f"outputs name both state machines and the bucket {stack.bucket}")

    check = attempt(f"stack {stack_name}", call, "the caller lacks cloudformation:DescribeStacks on the stack")
    return check, (found[0] if found else None)


def aws_checks(
    factory: Any, profile: str | None, region: str | None, stack_name: str, accounts: list[str], regions: str | None
) -> list[Check]:
    from botocore.exceptions import ProfileNotFound

    try:
        session = factory.aws_session(profile, region)
    except ProfileNotFound as exc:
        return [Check("profile", FAILED, (explain(exc) or (str(exc), 1))[0])]
    home = session.region_name
    checks = [Check("Region", OK, home) if home else Check("Region", FAILED, NO_REGION)]
    account = None
    if session.get_credentials() is None:
        checks.append(Check("credentials", FAILED, NO_CREDENTIALS))
    else:  # STS answers in every Region: the credentials are checked even without --region
        check, account = identity(session.client("sts", region_name=home or "us-east-1"))
        checks.append(check)
    gd_regions = chosen_regions(regions, [home] if home else [])
    if not home or account is None:
        missing = " and ".join(w for w, ok in (("a Region", home), ("working credentials", account)) if not ok)
        later = [
            f"stack {stack_name}",
            *(f"GuardDuty {r}" for r in gd_regions),
            *(f"member role {a}" for a in accounts),
        ]
        return checks + [Check(name, NOT_CHECKED, f"needs {missing}") for name in later]
    stack_check, deployment = _stack(session.client("cloudformation"), stack_name)
    checks.append(stack_check)
    if deployment is not None:
        checks += deployment_access(session.client("stepfunctions"), session.client("s3"), deployment)
    checks += guardduty(lambda r: session.client("guardduty", region_name=r), gd_regions, _now())
    if accounts and deployment is None:
        checks += [Check(f"member role {a}", NOT_CHECKED, "needs the stack (its MemberRoleName)") for a in accounts]
    elif accounts and deployment is not None:
        role = deployment.member_role or "DetectiveMemberRole"
        hidden = deployment.external_id is not None and set(deployment.external_id) == {"*"}  # NoEcho
        if hidden:
            checks += [
                Check(f"member role {a}", NOT_CHECKED, "the stack's MemberRoleExternalId is hidden (NoEcho)")
                for a in accounts
            ]
        else:
            checks += member_roles(session.client("sts"), accounts, role, deployment.external_id, trusted_caller=False)
    return checks


def local_checks(factory: Any, scenario: str, accounts: list[str], regions: str | None) -> list[Check]:
    """The checks that exist on the embedded engine, over the scenario's fleet (--state-dir's if given)."""
    from detective_rollout.engine import LocalEngine
    from detective_rollout.local import STATEMACHINES, TEMPLATE, WORKFLOW_MACHINES

    clock = factory.clock()
    fleet = factory.fleet(scenario, clock)
    world = fleet.scenario
    with LocalEngine(fleet, clock, template=str(TEMPLATE), statemachines_dir=str(STATEMACHINES)) as engine:
        sts = engine.client("sts")
        checks = [Check("Region", OK, f"{engine.region} (the scenario's home Region)")]
        check, account = identity(sts)
        checks.append(check)
        machines = {w: engine.state_machine_arn(m) for w, m in WORKFLOW_MACHINES.items()}
        bucket = engine.substitutions(WORKFLOW_MACHINES["enable"])["ReportBucket"]
        checks.append(
            Check("local deployment", OK, f"{TEMPLATE.name} names both state machines and the bucket {bucket}")
        )
        deployment = Deployment(machines, bucket, world.member_role, world.member_role_external_id)
        checks += deployment_access(engine.client("stepfunctions"), engine.client("s3"), deployment)
        gd_regions = chosen_regions(regions, world.regions)
        checks += guardduty(lambda r: engine.client("guardduty", r), gd_regions, clock.now())
        members = accounts or [m.account_id for m in world.members]
        checks += member_roles(
            sts, members, world.member_role, world.member_role_external_id, trusted_caller=account is not None
        )
    return checks


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)
