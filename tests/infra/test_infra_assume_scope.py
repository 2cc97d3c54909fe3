"""Who can reach member accounts, after the SAM transform too: only Lambda can become the two member-facing roles.

test_infra_iam.py proves the template's statements: only AcceptInvitationsRole and
DisassociateMembershipsRole hold sts:AssumeRole, on ``role/<MemberRoleName>`` only. This adds what it
leaves open: nobody but the Lambda service can assume those two roles (so no person or other service
inherits their reach), and the CloudFormation the SAM transform generates grants sts: to no other role.
"""

from __future__ import annotations

from typing import Any

from infra_cfn import as_list, resources
from infra_sam import translated

MEMBER_FACING = ("AcceptInvitationsRole", "DisassociateMembershipsRole")
MEMBER_ROLE_ARNS = [{"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/${MemberRoleName}"}]


def test_only_the_lambda_service_can_assume_the_roles_that_reach_member_accounts(template: dict[str, Any]) -> None:
    roles = resources(template, "AWS::IAM::Role")
    for name in MEMBER_FACING:
        trust = roles[name]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert trust == [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ], f"{name}: {trust}"


def test_member_facing_roles_serve_exactly_their_one_function(template: dict[str, Any]) -> None:
    users: dict[str, list[str]] = {}
    for name, resource in template["Resources"].items():
        role = resource.get("Properties", {}).get("Role")
        if isinstance(role, dict) and "Fn::GetAtt" in role:
            users.setdefault(role["Fn::GetAtt"][0], []).append(name)
    # AcceptPendingRoles makes AcceptInvitations' calls for the accounts whose member role came late
    # (tasks/accept_pending_roles.py): the same role, so member roles keep trusting exactly one principal.
    assert users.get("AcceptInvitationsRole") == ["AcceptInvitationsFunction", "AcceptPendingRolesFunction"]
    assert users.get("DisassociateMembershipsRole") == ["DisassociateMembershipsFunction"]


def test_after_the_sam_transform_no_other_role_may_call_sts() -> None:
    holders: dict[str, list[Any]] = {}
    scanned = []
    for name, resource in translated()["Resources"].items():
        if resource["Type"] not in ("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            continue
        scanned.append(name)
        props = resource["Properties"]
        documents = [p["PolicyDocument"] for p in props.get("Policies", [])]
        documents += [props["PolicyDocument"]] if "PolicyDocument" in props else []
        for document in documents:
            for statement in as_list(document.get("Statement", [])):
                actions = [str(a) for a in as_list(statement.get("Action", []))]
                if any(a.lower().startswith("sts:") or a == "*" for a in actions):
                    holders.setdefault(name, []).append((actions, as_list(statement.get("Resource", []))))
    assert "ValidateInputFunctionRole" in scanned and len(scanned) > 10, scanned  # the generated roles are there
    assert set(holders) == set(MEMBER_FACING), holders
    for name, grants in holders.items():
        assert grants == [(["sts:AssumeRole"], MEMBER_ROLE_ARNS)], f"{name}: {grants}"


def test_assume_role_is_unscoped_by_default_and_scoped_by_either_parameter(template: dict[str, Any]) -> None:
    """Off by default (invited accounts outside the organization stay reachable); one of two scopes when set."""
    params = template["Parameters"]
    assert params["MemberAccountIds"]["Type"] == "CommaDelimitedList" and params["MemberAccountIds"]["Default"] == ""
    assert params["MemberOrganizationId"]["Default"] == ""
    expected = {
        "Fn::If": [
            "HasMemberAccountIds",
            {"StringEquals": {"aws:ResourceAccount": {"Ref": "MemberAccountIds"}}},
            {
                "Fn::If": [
                    "HasMemberOrganization",
                    {"StringEquals": {"aws:ResourceOrgID": {"Ref": "MemberOrganizationId"}}},
                    {"Ref": "AWS::NoValue"},
                ]
            },
        ]
    }
    roles = resources(template, "AWS::IAM::Role")
    for name in MEMBER_FACING:
        statements = roles[name]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        (assume,) = [s for s in statements if s["Action"] == "sts:AssumeRole"]
        assert assume["Condition"] == expected, name
    (assertion,) = template["Rules"]["OneMemberScope"]["Assertions"]
    assert assertion["Assert"] == {
        "Fn::Or": [
            {"Fn::Equals": [{"Ref": "MemberOrganizationId"}, ""]},
            {"Fn::EachMemberEquals": [{"Ref": "MemberAccountIds"}, ""]},
        ]
    }


def test_the_external_id_is_no_echo(template: dict[str, Any]) -> None:
    """Kept out of DescribeStacks; documented as a confused-deputy guard, not a secret (docs/deploy.md)."""
    assert template["Parameters"]["MemberRoleExternalId"]["NoEcho"] is True
