"""The runs test_infra_grants.py watches: both workflows over a fleet that takes every path, and every trigger.

The fleet is chosen so each granted call happens: a graph that exists without the project tag (ListTagsForResource,
TagResource) and a Region without one (CreateGraph); members to invite, one VERIFICATION_FAILED to repair
(DeleteMembers, CreateMembers), one ACCEPTED_BUT_DISABLED to re-enable (StartMonitoringMember), a closed account
whose role is denied (Organizations DescribeAccount), one without GuardDuty (``member_guardduty: enable``:
GuardDuty CreateDetector in the member, StartMonitoringMember by AcceptInvitations); a member role that arrives late
(its GuardDuty enabled by AcceptPendingRoles) and one that never does (AcceptPendingRoles tries both again within the
retry window); a pending invitation
the disable run rejects in the member account, then every member removed and both graphs deleted - the enable run
also starts a data source package (UpdateDatasourcePackages); a second fleet, whose administrator is its organization's
Detective administrator, enables an organization account and sets AutoEnable (UpdateOrganizationConfiguration).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import boto3

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.local import run_local
from tasks import aws as tasks_aws
from tests.helpers.triggers import BUCKET, sample_event
from tests.helpers.workflow import member, scenario

REGIONS = ["us-east-1", "eu-west-1"]


def fleet_spec() -> dict[str, Any]:
    members = [
        member(1),
        member(2, existing_membership={"us-east-1": "ENABLED"}),
        member(3, existing_membership={"us-east-1": {"status": "VERIFICATION_FAILED", "email": "old-3@example.com"}}),
        member(4, existing_membership={"us-east-1": "ACCEPTED_BUT_DISABLED"}),
        member(5, existing_membership={"us-east-1": "INVITED"}),
        member(6, guardduty=False),
        member(7, faults=["closed"]),
        member(8, faults=[{"type": "no_role", "duration_s": 90}], guardduty=False),
        member(9, faults=["no_role"]),
    ]
    return scenario(
        members,
        administrator={"existing_graph_regions": ["us-east-1"]},
        organization={"accounts": {m["account_id"]: m["email"] for m in members}},
        member_role_allow_guardduty_enable=True,
    )


def _csv(members: list[dict[str, Any]]) -> str:
    return "".join(f"{m['account_id']},{m['email']}\n" for m in members)


def run_workflows() -> None:
    spec = fleet_spec()
    fleet = Fleet(load_scenario(spec), InstantClock())
    enabling = [m for m in spec["members"] if m["account_id"] != member(5)["account_id"]]
    enabled = run_local(
        spec,
        "enable",
        {
            "regions": REGIONS,
            "retry_access_denied_minutes": 5,
            "member_guardduty": "enable",
            "datasource_packages": ["EKS_AUDIT"],
        },
        csv_text=_csv(enabling),
        fleet=fleet,
        clock=fleet.clock,
        name="grants-en",
    )
    assert enabled.report is not None, (enabled.result.error, enabled.result.cause)
    some = {"regions": REGIONS, "disassociate_in_member": True}
    disabled = run_local(
        spec, "disable", some, csv_text=_csv(spec["members"][:2]), fleet=fleet, clock=fleet.clock, name="grants-dis-1"
    )
    assert disabled.report is not None, (disabled.result.error, disabled.result.cause)
    everything = {
        "all_members": True,
        "regions": REGIONS,
        "disassociate_in_member": True,
        "delete_graph": True,
        "confirm_delete_graph": spec["administrator"]["account_id"],
    }
    disabled = run_local(spec, "disable", everything, fleet=fleet, clock=fleet.clock, name="grants-dis-2")
    assert disabled.report is not None, (disabled.result.error, disabled.result.cause)
    run_organization()


def run_organization() -> None:
    """Enable on a fleet whose administrator is the organization's Detective administrator, with AutoEnable."""
    org_member = member(1)
    spec = scenario(
        [org_member],
        organization={"accounts": {org_member["account_id"]: org_member["email"]}, "detective_admin": True},
    )
    given = {"regions": REGIONS, "auto_enable_organization": True}
    run = run_local(spec, "enable", given, csv_text=_csv([org_member]), name="grants-org")
    assert run.report is not None, (run.result.error, run.result.cause)
    assert {r["enrollment"] for r in run.report["results"]} == {"ORGANIZATION"}


def leave_as_member(fleet: Fleet) -> None:
    """The member side of DisassociateMemberships where the administrator's removal did not happen.

    In the runs above RemoveMembers always succeeds first, so the member finds nothing to leave; here the
    member leaves the ENABLED membership (DisassociateMembership) and declines the INVITED one (RejectInvitation).
    """
    from tasks.aws import default_aws, member_role_arn
    from tasks.disassociate_memberships import leave_in_region

    admin = fleet.scenario.administrator.account_id
    for n, outcome in ((2, "DISASSOCIATED"), (5, "REJECTED")):
        role = member_role_arn(member(n)["account_id"], "DetectiveMemberRole")
        record = leave_in_region(default_aws().assume_role(role, "grants"), "us-east-1", admin, False)
        assert record.outcome == outcome, record


def run_triggers(as_function: Callable[[str], AbstractContextManager[None]], env: Callable[[str, str], None]) -> None:
    """Each trigger's handler against moto (Step Functions, S3, SNS) and the fleet (Organizations)."""
    from moto import mock_aws

    from tasks.triggers import coverage_schedule, execution_alert, offboarding, upload, vending

    spec = fleet_spec()
    fleet = Fleet(load_scenario(spec), InstantClock())
    region = "us-east-1"
    with mock_aws(), fleet.intercept():
        tasks_aws.reset()
        env("AWS_DEFAULT_REGION", region)
        sfn, sns, s3 = (boto3.client(s, region_name=region) for s in ("stepfunctions", "sns", "s3"))
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="registry/accounts.csv", Body=b"222233334444,registered@example.com\n")
        topic = sns.create_topic(Name="results")["TopicArn"]
        role = f"arn:aws:iam::{spec['administrator']['account_id']}:role/sfn"
        definition = '{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}'
        machine = sfn.create_state_machine(name="dr-enable-detective", definition=definition, roleArn=role)
        settings = {
            "ENABLE_STATE_MACHINE_ARN": machine["stateMachineArn"],
            "DISABLE_STATE_MACHINE_ARN": machine["stateMachineArn"],
            "REPORT_BUCKET": BUCKET,
            "RESULTS_TOPIC_ARN": topic,
            "RETRY_ACCESS_DENIED_MINUTES": "30",
        }
        for name, value in settings.items():
            env(name, value)
        known = sample_event("controltower-create-managed-account")
        known["detail"]["serviceEventDetails"]["createManagedAccountStatus"]["account"]["accountId"] = member(1)[
            "account_id"
        ]
        registered = sample_event("organizations-close-account")  # reused only for its id
        with as_function("VendingTriggerFunction"):
            vending.lambda_handler(known, None)  # the email from Organizations DescribeAccount
            unknown = sample_event("organizations-create-account-result")  # not in the organization
            unknown["detail"]["serviceEventDetails"]["createAccountStatus"]["accountId"] = "222233334444"
            vending.lambda_handler({**unknown, "id": registered["id"]}, None)  # the email from the registry
            unknown["detail"]["serviceEventDetails"]["createAccountStatus"]["accountId"] = "222233335555"
            vending.lambda_handler(unknown, None)  # in neither: the notice on the topic
        with as_function("UploadTriggerFunction"):
            upload.lambda_handler(sample_event("s3-rollout-uploaded"), None)
        with as_function("OffboardingTriggerFunction"):
            offboarding.lambda_handler(sample_event("organizations-close-account"), None)
        execution = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name="ended")["executionArn"]
        ended = sample_event("states-execution-failed")
        ended["detail"] = {**ended["detail"], "executionArn": execution}
        with as_function("ExecutionAlertFunction"):
            assert execution_alert.lambda_handler(ended, None)["status"] == "PUBLISHED"
        env("RECONCILE_MODE", "heal")  # the registry's account is NOT_COVERED: heal starts enable for it
        with as_function("CoverageScheduleFunction"):
            healed = coverage_schedule.lambda_handler({"id": "coverage-run"}, None)
        assert healed["published"] and healed["heal"]["status"] == "STARTED", healed
        with as_function("DisassociateMembershipsFunction"):
            leave_as_member(fleet)
    tasks_aws.reset()
