"""The trigger rules match the events they are for, and nothing else.

Patterns are matched with moto's EventBridge pattern engine against realistic sample events in
tests/infra/events/ (shapes from the Control Tower, Organizations/CloudTrail and S3 documentation).
The forwarding template must pass on every management-account event the main rules want.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from infra_cfn import resources
from moto.events.models import EventPattern

from tests.helpers.triggers import sample_event

BUCKET = "detective-rollout-reportbucket-1a2b3c4d5e6f"  # the sample S3 events' bucket

#: sample event -> the main template's rules (function.event) that must match it; all others must not.
EXPECTED = {
    "controltower-create-managed-account": {"VendingTriggerFunction.ControlTowerCreateManagedAccount"},
    "controltower-create-managed-account-failed": set(),
    "controltower-update-managed-account": {"VendingTriggerFunction.ControlTowerUpdateManagedAccount"},
    "organizations-create-account-result": {"VendingTriggerFunction.OrganizationsCreateAccountResult"},
    "organizations-close-account": {"OffboardingTriggerFunction.AccountClosedOrRemoved"},
    "organizations-remove-account": {"OffboardingTriggerFunction.AccountClosedOrRemoved"},
    "organizations-close-account-result": {"OffboardingTriggerFunction.AccountDeparted"},
    "organizations-account-departed": {"OffboardingTriggerFunction.AccountDeparted"},
    # recorded in the leaving account only: it never reaches the management account's bus (AccountDeparted does)
    "organizations-leave-organization": set(),
    "organizations-remove-account-failed": set(),
    "s3-rollout-uploaded": {"UploadTriggerFunction.AccountListUploaded"},
    "s3-registry-edited": set(),
    "s3-report-written": set(),
    "s3-rollout-not-csv": set(),
    "states-execution-failed": {"ExecutionAlertFunction.ExecutionEndedWithoutReport"},
    "states-disable-timed-out": {"ExecutionAlertFunction.ExecutionEndedWithoutReport"},
    "states-execution-succeeded": set(),
    "states-other-machine-failed": set(),
}
#: What the patterns' intrinsics resolve to for the sample events.
RESOLVED = {
    "ReportBucket": BUCKET,
    "EnableStateMachine": "arn:aws:states:eu-west-1:111111111111:stateMachine:dr-enable-detective",
    "DisableStateMachine": "arn:aws:states:eu-west-1:111111111111:stateMachine:dr-disable-detective",
}


def _resolve(value: Any) -> Any:
    """Replace the patterns' ``!Ref`` (bucket, state machines) by the sample events' values."""
    if isinstance(value, dict):
        if set(value) == {"Ref"}:
            return RESOLVED[value["Ref"]]
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    return value


def main_rules(template: dict[str, Any]) -> dict[str, EventPattern]:
    rules: dict[str, EventPattern] = {}
    for name, function in resources(template, "AWS::Serverless::Function").items():
        for event_name, event in function["Properties"].get("Events", {}).items():
            if event["Type"] == "Schedule":  # no pattern: the coverage run's clock (its own test below)
                continue
            assert event["Type"] == "EventBridgeRule", f"{name}.{event_name}"
            rules[f"{name}.{event_name}"] = EventPattern.load(json.dumps(_resolve(event["Properties"]["Pattern"])))
    return rules


def forwarding_rules(forwarding: dict[str, Any]) -> dict[str, EventPattern]:
    return {
        name: EventPattern.load(json.dumps(rule["Properties"]["EventPattern"]))
        for name, rule in resources(forwarding, "AWS::Events::Rule").items()
    }


def test_every_rule_is_exercised(template: dict[str, Any]) -> None:
    assert set(main_rules(template)) == set().union(*EXPECTED.values())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rules_match_exactly_the_expected_events(template: dict[str, Any], name: str) -> None:
    event = sample_event(name)
    matched = {rule for rule, pattern in main_rules(template).items() if pattern.matches_event(event)}
    assert matched == EXPECTED[name]


@pytest.mark.parametrize(
    "name", sorted(n for n, rules in EXPECTED.items() if rules and not n.startswith(("s3-", "states-")))
)
def test_forwarding_passes_every_management_event(forwarding: dict[str, Any], name: str) -> None:
    event = sample_event(name)
    assert any(p.matches_event(event) for p in forwarding_rules(forwarding).values()), name


def test_forwarding_does_not_forward_s3_or_unrelated_events(forwarding: dict[str, Any]) -> None:
    unrelated = dict(sample_event("organizations-close-account"))
    unrelated["detail"] = {**unrelated["detail"], "eventName": "ListAccounts"}
    for event in (sample_event("s3-rollout-uploaded"), unrelated):
        assert not any(p.matches_event(event) for p in forwarding_rules(forwarding).values())


def test_forwarding_targets_the_security_account_bus_with_retries_and_a_dead_letter_queue(
    forwarding: dict[str, Any],
) -> None:
    rules = resources(forwarding, "AWS::Events::Rule")
    for name, rule in rules.items():
        (target,) = rule["Properties"]["Targets"]
        assert target["Arn"] == {
            "Fn::Sub": ("arn:${AWS::Partition}:events:${SecurityAccountRegion}:${SecurityAccountId}:event-bus/default")
        }, name
        assert target["RoleArn"] == {"Fn::GetAtt": ["ForwardingRole", "Arn"]}
        assert target["RetryPolicy"] == {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}, name
        assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["ForwardingDeadLetterQueue", "Arn"]}}, name
    queue = resources(forwarding, "AWS::SQS::Queue")["ForwardingDeadLetterQueue"]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True and queue["MessageRetentionPeriod"] == 14 * 86400
    (policy,) = resources(forwarding, "AWS::SQS::QueuePolicy").values()
    allow, deny = policy["Properties"]["PolicyDocument"]["Statement"]
    assert allow["Principal"] == {"Service": "events.amazonaws.com"} and allow["Action"] == "sqs:SendMessage"
    sources = allow["Condition"]["ArnEquals"]["aws:SourceArn"]
    assert sorted(s["Fn::If"][1]["Fn::GetAtt"][0] for s in sources) == sorted(rules), "exactly the forwarding rules"
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


#: Events this account's own services put on its bus (no bus policy involved).
OWN_SOURCES = {"aws.s3", "aws.states"}


def test_bus_policies_admit_only_the_forwarded_sources_and_detail_types_the_rules_match(
    template: dict[str, Any],
) -> None:
    patterns = [
        event["Properties"]["Pattern"]
        for function in resources(template, "AWS::Serverless::Function").values()
        for event in function["Properties"].get("Events", {}).values()
        if "Pattern" in event["Properties"]  # a Schedule has none
    ]
    forwarded = [p for p in patterns if not set(p["source"]) <= OWN_SOURCES]
    sources = sorted({s for p in forwarded for s in p["source"]})
    detail_types = sorted({d for p in forwarded for d in p["detail-type"]})
    policies = resources(template, "AWS::Events::EventBusPolicy")
    management = policies["ManagementEventsBusPolicy"]
    assert management["Condition"] == "HasManagementAccount"
    assert management["Properties"]["Statement"]["Principal"] == {
        "AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${ManagementAccountId}:root"}
    }
    organization = policies["OrganizationEventsBusPolicy"]
    assert organization["Condition"] == "HasEventSourceOrganization"
    assert organization["Properties"]["Statement"]["Condition"]["StringEquals"]["aws:PrincipalOrgID"] == {
        "Ref": "EventSourceOrganizationId"
    }
    for policy in policies.values():
        statement = policy["Properties"]["Statement"]
        assert statement["Action"] == "events:PutEvents"
        condition = statement["Condition"]["StringEquals"]
        assert sorted(condition["events:source"]) == sources
        assert sorted(condition["events:detail-type"]) == detail_types


def test_the_reconciliation_schedule_runs_the_coverage_check_daily_on_by_default(template: dict[str, Any]) -> None:
    function = resources(template)["CoverageScheduleFunction"]["Properties"]
    schedule = function["Events"]["Reconciliation"]
    assert schedule["Type"] == "Schedule" and schedule["Properties"]["Schedule"] == {"Ref": "ReconciliationSchedule"}
    assert schedule["Properties"]["State"] == {"Fn::If": ["ReconciliationOn", "ENABLED", "DISABLED"]}
    assert template["Parameters"]["ReconciliationEnabled"]["Default"] == "true"
    assert template["Parameters"]["ReconciliationSchedule"]["Default"] == "rate(1 day)"
    assert template["Parameters"]["ReconcileMode"]["Default"] == "report"
    assert function["Environment"]["Variables"]["RECONCILE_MODE"] == {"Ref": "ReconcileMode"}
    assert "Events" not in resources(template)["EnableStateMachine"]["Properties"]  # no enable run on a schedule
