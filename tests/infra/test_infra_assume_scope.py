"""Who can reach member accounts, after the SAM transform too: only Lambda can become the two member-facing roles.

test_infra_iam.py proves the template's statements: only AcceptInvitationsRole and
DisassociateMembershipsRole hold sts:AssumeRole, on ``role/<MemberRoleName>`` only. This adds what it
leaves open: nobody but the Lambda service can assume those two roles (so no person or other service
inherits their reach), and the CloudFormation the SAM transform generates grants sts: to no other role.
"""

from __future__ import annotations

import copy
from typing import Any

from infra_cfn import TEMPLATE, as_list, resources

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
    assert users.get("AcceptInvitationsRole") == ["AcceptInvitationsFunction"]
    assert users.get("DisassociateMembershipsRole") == ["DisassociateMembershipsFunction"]


def _translated() -> dict[str, Any]:
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator
    from samtranslator.yaml_helper import yaml_parse

    source = yaml_parse(TEMPLATE.read_text())
    packaged = copy.deepcopy(source)
    packaged["Globals"]["Function"]["CodeUri"] = "s3://artifacts/lambda.zip"
    for resource in resources(packaged, "AWS::Serverless::StateMachine").values():
        resource["Properties"]["DefinitionUri"] = "s3://artifacts/definition.asl.json"
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name="eu-west-1"))
    params = {"AWS::Region": "eu-west-1", "AWS::AccountId": "111111111111", "AWS::Partition": "aws"}
    output: dict[str, Any] = translator.translate(packaged, parameter_values=params, get_managed_policy_map=dict)
    return output


def test_after_the_sam_transform_no_other_role_may_call_sts() -> None:
    holders: dict[str, list[Any]] = {}
    scanned = []
    for name, resource in _translated()["Resources"].items():
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
