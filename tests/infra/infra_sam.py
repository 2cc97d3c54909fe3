"""The SAM transform CloudFormation runs, offline (aws-sam-translator), and a resolver for the names it leaves.

``translated()`` is what CloudFormation deploys: the template after ``sam package`` (S3 code and definition
locations) and the transform. ``resolve_strings`` evaluates the intrinsics that build names (Ref, Sub, Join,
Select, Split, If) to every string they can produce, for checks that must hold whatever the stack name.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from infra_cfn import TEMPLATE, resources

REGION, ACCOUNT = "eu-west-1", "111111111111"


@cache
def _translated(stack_name: str) -> dict[str, Any]:
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator
    from samtranslator.yaml_helper import yaml_parse

    packaged = copy.deepcopy(yaml_parse(TEMPLATE.read_text()))
    packaged["Globals"]["Function"]["CodeUri"] = "s3://artifacts/lambda.zip"
    for resource in resources(packaged, "AWS::Serverless::StateMachine").values():
        resource["Properties"]["DefinitionUri"] = "s3://artifacts/definition.asl.json"
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=REGION))
    params = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws", "AWS::StackName": stack_name}
    output: dict[str, Any] = translator.translate(packaged, parameter_values=params, get_managed_policy_map=dict)
    return output


def translated(stack_name: str = "detective-rollout") -> dict[str, Any]:
    """The translated template (a deep copy: callers may change it)."""
    return copy.deepcopy(_translated(stack_name))


def pseudo_parameters(stack_name: str) -> dict[str, str]:
    stack_id = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{stack_name}/51af3dc0-da77-11e4-872e-1234567db123"
    return {
        "AWS::StackName": stack_name,
        "AWS::StackId": stack_id,
        "AWS::Region": REGION,
        "AWS::AccountId": ACCOUNT,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
    }


def resolve_strings(value: Any, names: dict[str, str]) -> list[Any]:
    """Every value ``value`` can take (both branches of each Fn::If); ``names`` maps Refs to strings."""
    if isinstance(value, str | int | float):
        return [value]
    if isinstance(value, list):
        combos: list[list[Any]] = [[]]
        for item in value:
            combos = [c + [v] for c in combos for v in resolve_strings(item, names)]
        return combos
    assert isinstance(value, dict) and len(value) == 1, value
    ((fn, arg),) = value.items()
    if fn == "Ref":
        assert arg in names, f"!Ref {arg}: no value for it in this check"
        return [names[arg]]
    if fn == "Fn::If":
        return resolve_strings(arg[1], names) + resolve_strings(arg[2], names)
    if fn == "Fn::Sub":
        text, local = (arg, {}) if isinstance(arg, str) else arg
        options = [text]
        for placeholder in set(re.findall(r"\$\{([^}!]+)\}", text)):
            values = resolve_strings(local[placeholder], names) if placeholder in local else [names[placeholder]]
            options = [o.replace("${" + placeholder + "}", str(v)) for o in options for v in values]
        return options
    if fn == "Fn::Join":
        return [str(arg[0]).join(str(p) for p in parts) for parts in resolve_strings(arg[1], names)]
    if fn == "Fn::Split":
        return [str(s).split(arg[0]) for s in resolve_strings(arg[1], names)]
    if fn == "Fn::Select":
        return [lst[int(arg[0])] for lst in resolve_strings(arg[1], names)]
    raise AssertionError(f"{fn} in a name: extend resolve_strings")
