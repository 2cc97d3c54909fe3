"""The trigger rules match the events they are for, and nothing else.

Patterns are matched with moto's EventBridge pattern engine against realistic sample events in
tests/infra/events/ (shapes from the Control Tower, Organizations/CloudTrail and S3 documentation).
The forwarding template must pass on every management-account event the main rules want.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from infra_cfn import resources, sample_event
from moto.events.models import EventPattern

BUCKET = "detective-rollout-reportbucket-1a2b3c4d5e6f"  # the sample S3 events' bucket

#: sample event -> the main template's rules (function.event) that must match it; all others must not.
EXPECTED = {
    "controltower-create-managed-account": {"VendingTriggerFunction.ControlTowerCreateManagedAccount"},
    "controltower-create-managed-account-failed": set(),
    "controltower-update-managed-account": {"VendingTriggerFunction.ControlTowerUpdateManagedAccount"},
    "organizations-create-account-result": {"VendingTriggerFunction.OrganizationsCreateAccountResult"},
    "organizations-close-account": {"OffboardingTriggerFunction.AccountLeftOrganization"},
    "organizations-remove-account": {"OffboardingTriggerFunction.AccountLeftOrganization"},
    "organizations-leave-organization": {"OffboardingTriggerFunction.AccountLeftOrganization"},
    "organizations-remove-account-failed": set(),
    "s3-rollout-uploaded": {"UploadTriggerFunction.AccountListUploaded"},
    "s3-registry-edited": set(),
    "s3-report-written": set(),
    "s3-rollout-not-csv": set(),
}


def _resolve(value: Any) -> Any:
    """Replace ``!Ref ReportBucket`` by the sample bucket name (the only intrinsic the patterns use)."""
    if isinstance(value, dict):
        if value == {"Ref": "ReportBucket"}:
            return BUCKET
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    return value


def main_rules(template: dict[str, Any]) -> dict[str, EventPattern]:
    rules: dict[str, EventPattern] = {}
    for name, function in resources(template, "AWS::Serverless::Function").items():
        for event_name, event in function["Properties"].get("Events", {}).items():
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


@pytest.mark.parametrize("name", sorted(n for n, rules in EXPECTED.items() if rules and not n.startswith("s3-")))
def test_forwarding_passes_every_management_event(forwarding: dict[str, Any], name: str) -> None:
    event = sample_event(name)
    assert any(p.matches_event(event) for p in forwarding_rules(forwarding).values()), name


def test_forwarding_does_not_forward_s3_or_unrelated_events(forwarding: dict[str, Any]) -> None:
    unrelated = dict(sample_event("organizations-close-account"))
    unrelated["detail"] = {**unrelated["detail"], "eventName": "ListAccounts"}
    for event in (sample_event("s3-rollout-uploaded"), unrelated):
        assert not any(p.matches_event(event) for p in forwarding_rules(forwarding).values())


def test_forwarding_targets_the_security_account_bus(forwarding: dict[str, Any]) -> None:
    for name, rule in resources(forwarding, "AWS::Events::Rule").items():
        (target,) = rule["Properties"]["Targets"]
        assert target["Arn"] == {
            "Fn::Sub": ("arn:${AWS::Partition}:events:${SecurityAccountRegion}:${SecurityAccountId}:event-bus/default")
        }, name
        assert target["RoleArn"] == {"Fn::GetAtt": ["ForwardingRole", "Arn"]}


def test_bus_policy_admits_only_the_configured_sources(template: dict[str, Any]) -> None:
    policies = resources(template, "AWS::Events::EventBusPolicy")
    management = policies["ManagementEventsBusPolicy"]
    assert management["Condition"] == "HasManagementAccount"
    assert management["Properties"]["Statement"]["Principal"] == {
        "AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${ManagementAccountId}:root"}
    }
    organization = policies["OrganizationEventsBusPolicy"]
    assert organization["Condition"] == "HasEventSourceOrganization"
    assert organization["Properties"]["Statement"]["Condition"] == {
        "StringEquals": {"aws:PrincipalOrgID": {"Ref": "EventSourceOrganizationId"}}
    }
    for policy in policies.values():
        assert policy["Properties"]["Statement"]["Action"] == "events:PutEvents"


def test_reconciliation_schedule_is_off_by_default(template: dict[str, Any]) -> None:
    schedule = resources(template)["EnableStateMachine"]["Properties"]["Events"]["Reconciliation"]
    assert schedule["Type"] == "Schedule"
    assert schedule["Properties"]["State"] == {"Fn::If": ["ReconciliationOn", "ENABLED", "DISABLED"]}
    assert template["Parameters"]["ReconciliationEnabled"]["Default"] == "false"
    payload = schedule["Properties"]["Input"]["Fn::Sub"].replace("${ReportBucket}", BUCKET)
    assert json.loads(payload) == {
        "accounts_csv": f"s3://{BUCKET}/registry/accounts.csv",
        "regions": "all",
        "source": "schedule",
    }
