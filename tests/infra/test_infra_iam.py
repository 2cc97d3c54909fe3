"""Least privilege: no wildcard actions, ``*`` resources only where the service allows nothing narrower,
member roles assumable only by the two task roles that need them, and nothing else can assume them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from infra_cfn import Statement, as_list, permission_statements, resources

#: Actions that support no resource-level permissions (Service Authorization Reference), so a
#: statement granting them must say Resource "*". Each entry says why it is needed at all.
STAR_RESOURCE_ALLOWED = {
    "detective:ListGraphs": "find the administrator's graph in a Region (no resource type)",
    "detective:CreateGraph": "EnsureGraph creates the graph; its ARN does not exist before the call",
    "detective:ListInvitations": "members list their own invitations (no resource type)",
    "guardduty:ListDetectors": "read GuardDuty presence/age (no resource type)",
    "guardduty:CreateDetector": "member_guardduty enable: the member's detector does not exist before the call",
    "account:ListRegions": "Regions the caller's own account has enabled (opt-in Regions); reads only the caller",
    "logs:CreateLogDelivery": "Step Functions log delivery to CloudWatch Logs (no resource type)",
    "logs:GetLogDelivery": "Step Functions log delivery (no resource type)",
    "logs:UpdateLogDelivery": "Step Functions log delivery (no resource type)",
    "logs:DeleteLogDelivery": "Step Functions log delivery (no resource type)",
    "logs:ListLogDeliveries": "Step Functions log delivery (no resource type)",
    "logs:PutResourcePolicy": "Step Functions log delivery (no resource type)",
    "logs:DescribeResourcePolicies": "Step Functions log delivery (no resource type)",
    "logs:DescribeLogGroups": "Step Functions log delivery (no resource type)",
}
MEMBER_ASSUMING_ROLES = {"AcceptInvitationsRole", "DisassociateMembershipsRole"}
MEMBER_ROLE_ACTIONS = {
    "detective:ListInvitations",
    "detective:AcceptInvitation",
    "detective:RejectInvitation",
    "detective:DisassociateMembership",
    "guardduty:ListDetectors",
}
#: Granted only with the StackSet's AllowGuardDutyEnable=true (a Condition; default false).
MEMBER_ROLE_GUARDDUTY_ENABLE = {"guardduty:CreateDetector", "iam:CreateServiceLinkedRole"}
ALLOWED_MANAGED_POLICIES = {"AWSLambdaBasicExecutionRole", "AWSXrayWriteOnlyAccess"}


def _all_statements(*templates: dict[str, Any]) -> list[Statement]:
    return [s for t in templates for s in permission_statements(t)]


def test_templates_have_statements(template: dict[str, Any], member_role: dict[str, Any]) -> None:
    assert len(_all_statements(template)) > 30 and len(_all_statements(member_role)) >= 2


def test_no_wildcard_actions(template: dict[str, Any], member_role: dict[str, Any], forwarding: dict[str, Any]) -> None:
    for statement in _all_statements(template, member_role, forwarding):
        assert statement.effect == "Allow", f"{statement.where}: identity policies only allow"
        assert "NotAction" not in statement.body and "NotResource" not in statement.body, statement.where
        for action in statement.actions:
            assert "*" not in action, f"{statement.where}: wildcard action {action}"


def test_star_resources_only_for_actions_without_resource_level_permissions(
    template: dict[str, Any], member_role: dict[str, Any], forwarding: dict[str, Any]
) -> None:
    for statement in _all_statements(template, member_role, forwarding):
        if "*" in statement.resources:
            assert statement.resources == ["*"], f"{statement.where}: mixes '*' with scoped resources"
            unexplained = set(statement.actions) - set(STAR_RESOURCE_ALLOWED)
            assert not unexplained, f"{statement.where}: Resource '*' for {sorted(unexplained)}"


def test_every_statement_has_resources(template: dict[str, Any], member_role: dict[str, Any]) -> None:
    for statement in _all_statements(template, member_role):
        assert statement.resources, f"{statement.where}: no Resource"


def test_functions_use_inline_statements_only(template: dict[str, Any]) -> None:
    """No SAM policy templates or managed policies: every permission is visible (and checked) here."""
    for name, function in resources(template, "AWS::Serverless::Function").items():
        props = function["Properties"]
        if "Role" in props:
            assert "Policies" not in props, name
            continue
        for policy in as_list(props.get("Policies", [])):
            assert isinstance(policy, dict) and set(policy) == {"Statement"}, f"{name}: {policy}"


def test_roles_attach_only_basic_managed_policies(template: dict[str, Any]) -> None:
    for name, role in resources(template, "AWS::IAM::Role").items():
        for arn in role["Properties"].get("ManagedPolicyArns", []):
            if arn in ({"Ref": "OperatorPolicy"}, {"Ref": "CoveragePolicy"}):
                continue
            assert arn["Fn::Sub"].rsplit("/", 1)[-1] in ALLOWED_MANAGED_POLICIES, f"{name}: {arn}"


def test_only_member_facing_roles_may_assume_roles(template: dict[str, Any]) -> None:
    holders = {s.owner for s in _all_statements(template) if any(a.startswith("sts:") for a in s.actions)}
    assert holders == MEMBER_ASSUMING_ROLES
    for statement in _all_statements(template):
        if "sts:AssumeRole" in statement.actions:
            assert statement.actions == ["sts:AssumeRole"]
            assert statement.resources == [{"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/${MemberRoleName}"}]


def test_member_assuming_functions_use_the_fixed_name_roles(template: dict[str, Any]) -> None:
    functions = resources(template, "AWS::Serverless::Function")
    for accepting in ("AcceptInvitationsFunction", "AcceptPendingRolesFunction"):
        assert functions[accepting]["Properties"]["Role"] == {"Fn::GetAtt": ["AcceptInvitationsRole", "Arn"]}
    assert functions["DisassociateMembershipsFunction"]["Properties"]["Role"] == {
        "Fn::GetAtt": ["DisassociateMembershipsRole", "Arn"]
    }
    roles = resources(template, "AWS::IAM::Role")
    assert roles["AcceptInvitationsRole"]["Properties"]["RoleName"] == {"Ref": "AcceptInvitationsRoleName"}
    assert roles["DisassociateMembershipsRole"]["Properties"]["RoleName"] == {"Ref": "DisassociateMembershipsRoleName"}
    assert [k for k, f in functions.items() if "Role" in f["Properties"]] == [
        "AcceptInvitationsFunction",
        "AcceptPendingRolesFunction",
        "DisassociateMembershipsFunction",
    ]


def test_detective_resources_are_own_graphs(template: dict[str, Any]) -> None:
    own_graphs = {"Fn::Sub": "arn:${AWS::Partition}:detective:*:${AWS::AccountId}:graph:*"}
    for statement in _all_statements(template):
        if any(a.startswith("detective:") for a in statement.actions) and statement.resources != ["*"]:
            assert statement.resources == [own_graphs], statement.where


def test_s3_access_stays_in_the_report_bucket_prefixes(template: dict[str, Any]) -> None:
    prefixes = {"work/*", "reports/*", "registry/*", "rollouts/*", "coverage/*"}
    for statement in _all_statements(template):
        if not any(a.startswith("s3:") for a in statement.actions):
            continue
        for resource in statement.resources:
            if resource == {"Fn::GetAtt": ["ReportBucket", "Arn"]}:
                assert statement.actions == ["s3:ListBucket"], statement.where
                continue
            base, _, prefix = resource["Fn::Sub"].partition("/")
            assert base == "${ReportBucket.Arn}" and prefix in prefixes, f"{statement.where}: {resource}"


def test_reports_are_written_only_by_write_report(template: dict[str, Any]) -> None:
    writers = {
        s.owner
        for s in _all_statements(template)
        if "s3:PutObject" in s.actions and {"Fn::Sub": "${ReportBucket.Arn}/reports/*"} in s.resources
    }
    assert writers == {"WriteReportFunction"}


@pytest.mark.parametrize("machine", ["EnableStateMachine", "DisableStateMachine"])
def test_state_machines_invoke_only_their_functions(template: dict[str, Any], machine: str) -> None:
    props = resources(template)[machine]["Properties"]
    own = {v["Fn::GetAtt"][0] for k, v in props["DefinitionSubstitutions"].items() if k.endswith("FunctionArn")}
    statements = [s for s in _all_statements(template) if s.owner == machine]
    invoked: set[str] = set()
    for statement in statements:
        if "lambda:InvokeFunction" in statement.actions:
            assert statement.actions == ["lambda:InvokeFunction"]
            for resource in statement.resources:
                invoked.add(
                    resource["Fn::GetAtt"][0]
                    if "Fn::GetAtt" in resource
                    else resource["Fn::Sub"].split(".Arn}")[0].lstrip("${")
                )
        if "sns:Publish" in statement.actions:
            assert statement.resources == [{"Ref": "ResultsTopic"}]
        if "events:PutEvents" in statement.actions:
            assert statement.resources == [
                {
                    "Fn::Sub": (
                        "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${SummaryEventBusName}"
                    )
                }
            ]
    assert invoked == own


def test_operator_policy(template: dict[str, Any]) -> None:
    statements = [s for s in _all_statements(template) if s.owner == "OperatorPolicy"]
    actions = {a for s in statements for a in s.actions}
    assert {
        "states:RedriveExecution",
        "states:StartExecution",
        "states:DescribeExecution",
        "states:GetExecutionHistory",
        "states:ListExecutions",
        "s3:GetObject",
    } <= actions
    assert not any(r == "*" for s in statements for r in s.resources)


def test_coverage_policy_grants_the_coverage_commands_reads_only(template: dict[str, Any]) -> None:
    statements = [s for s in _all_statements(template) if s.owner == "CoveragePolicy"]
    granted = {a: s.resources for s in statements for a in s.actions}
    assert set(granted) == {"detective:ListMembers", "detective:ListGraphs", "account:ListRegions", "s3:GetObject"}
    assert granted["s3:GetObject"] == [{"Fn::Sub": "${ReportBucket.Arn}/coverage/*"}]
    role = resources(template, "AWS::IAM::Role")["OperatorRole"]["Properties"]
    assert role["ManagedPolicyArns"] == [{"Ref": "OperatorPolicy"}, {"Ref": "CoveragePolicy"}]


def test_member_role_trust_is_pinned(member_role: dict[str, Any], template: dict[str, Any]) -> None:
    (role,) = resources(member_role, "AWS::IAM::Role").values()
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Effect"] == "Allow" and trust["Action"] == "sts:AssumeRole"
    assert set(trust["Principal"]) == {"AWS"}
    assert trust["Principal"]["AWS"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:iam::${AdministratorAccountId}:role/${AcceptInvitationsRoleName}"},
        {"Fn::Sub": "arn:${AWS::Partition}:iam::${AdministratorAccountId}:role/${DisassociateMembershipsRoleName}"},
    ]
    assert "sts:ExternalId" in json.dumps(trust["Condition"]), "optional ExternalId condition"
    params, main = member_role["Parameters"], template["Parameters"]
    for name in ("MemberRoleName", "AcceptInvitationsRoleName", "DisassociateMembershipsRoleName"):
        assert params[name]["Default"] == main[name]["Default"], f"{name} defaults differ between templates"
    assert role["Properties"]["RoleName"] == {"Ref": "MemberRoleName"}


def test_member_role_allows_exactly_the_listed_actions(member_role: dict[str, Any]) -> None:
    statements = _all_statements(member_role)
    assert {a for s in statements for a in s.actions} == MEMBER_ROLE_ACTIONS | MEMBER_ROLE_GUARDDUTY_ENABLE
    policy = member_role["Resources"]["MemberRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    conditional = [s["Fn::If"] for s in policy["Statement"] if "Fn::If" in s]
    assert {s[1]["Action"] for s in conditional} == MEMBER_ROLE_GUARDDUTY_ENABLE
    assert all(s[0] == "GuardDutyEnableAllowed" and s[2] == {"Ref": "AWS::NoValue"} for s in conditional)
    assert member_role["Conditions"]["GuardDutyEnableAllowed"] == {
        "Fn::Equals": [{"Ref": "AllowGuardDutyEnable"}, "true"]
    }
    assert member_role["Parameters"]["AllowGuardDutyEnable"]["Default"] == "false"
    slr = next(s[1] for s in conditional if s[1]["Action"] == "iam:CreateServiceLinkedRole")
    assert slr["Condition"] == {"StringEquals": {"iam:AWSServiceName": "guardduty.amazonaws.com"}}
    admin_graphs = {"Fn::Sub": "arn:${AWS::Partition}:detective:*:${AdministratorAccountId}:graph:*"}
    for statement in statements:
        scoped = [
            a
            for a in statement.actions
            if a in {"detective:AcceptInvitation", "detective:RejectInvitation", "detective:DisassociateMembership"}
        ]
        if scoped:
            assert statement.resources == [admin_graphs], "members may only join/leave the administrator's graphs"
