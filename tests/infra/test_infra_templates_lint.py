"""The templates are valid CloudFormation/SAM: cfn-lint (offline, SAM schemas) and, if installed, the SAM translator."""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from infra_cfn import INFRA, TEMPLATE, load, resources


def _cfn_lint() -> str:
    beside = Path(sys.executable).parent / "cfn-lint"
    found = str(beside) if beside.exists() else shutil.which("cfn-lint")
    assert found, "cfn-lint is not installed (it is a dev dependency in pyproject.toml)"
    return found


def test_cfn_lint_passes_on_every_template() -> None:
    """One cfn-lint run over infra/*.yaml (SAM templates are validated against SAM's schemas, offline)."""
    paths = [str(p) for p in sorted(INFRA.glob("*.yaml"))]
    result = subprocess.run([_cfn_lint(), *paths], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"cfn-lint:\n{result.stdout}{result.stderr}"


def test_every_template_is_in_infra() -> None:
    assert {p.name for p in INFRA.glob("*.yaml")} >= {
        "template.yaml",
        "member-role.yaml",
        "event-forwarding.yaml",
        "member-guardduty.yaml",
    }


def test_the_member_guardduty_stackset_template_enables_one_detector() -> None:
    """The StackSets way to give members GuardDuty before the rollout: one enabled detector per instance."""
    template = load(INFRA / "member-guardduty.yaml")
    assert {n: r["Type"] for n, r in template["Resources"].items()} == {"Detector": "AWS::GuardDuty::Detector"}
    assert template["Resources"]["Detector"]["Properties"]["Enable"] is True


def _packaged(template: dict[str, Any]) -> dict[str, Any]:
    """What `sam package` would upload: local CodeUri/DefinitionUri replaced by S3 locations."""
    packaged = copy.deepcopy(template)
    packaged["Globals"]["Function"]["CodeUri"] = "s3://artifacts/lambda.zip"
    for resource in resources(packaged, "AWS::Serverless::StateMachine").values():
        resource["Properties"]["DefinitionUri"] = "s3://artifacts/definition.asl.json"
    return packaged


def test_sam_translator_transforms_the_template() -> None:
    """The SAM transform CloudFormation runs accepts the template."""
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.public.exceptions import InvalidDocumentException
    from samtranslator.translator.translator import Translator
    from samtranslator.yaml_helper import yaml_parse

    source = yaml_parse(TEMPLATE.read_text())
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name="eu-west-1"))
    params = {"AWS::Region": "eu-west-1", "AWS::AccountId": "111111111111", "AWS::Partition": "aws"}
    try:
        output = translator.translate(_packaged(source), parameter_values=params, get_managed_policy_map=dict)
    except InvalidDocumentException as exc:  # pragma: no cover - failure path
        pytest.fail("; ".join(cause.message for cause in exc.causes))
    kinds = {r["Type"] for r in output["Resources"].values()}
    assert "AWS::StepFunctions::StateMachine" in kinds and "AWS::Lambda::Function" in kinds
    assert not any(t.startswith("AWS::Serverless::") for t in kinds)
    allowed_managed = {
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
    }
    for name, resource in output["Resources"].items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        for arn in resource["Properties"].get("ManagedPolicyArns", []):
            if isinstance(arn, str):
                assert arn in allowed_managed, f"{name} attaches {arn}"
