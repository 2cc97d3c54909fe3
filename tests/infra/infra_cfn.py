"""Reading the CloudFormation/SAM templates in infra/ as plain data (and the sample events), for the infra tests.

Short-form tags become their long form (``!GetAtt A.Arn`` -> ``{"Fn::GetAtt": ["A", "Arn"]}``), so
assertions read the template exactly as CloudFormation will, without any AWS call.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
STATEMACHINES = ROOT / "statemachines"
TEMPLATE = INFRA / "template.yaml"
MEMBER_ROLE = INFRA / "member-role.yaml"
EVENT_FORWARDING = INFRA / "event-forwarding.yaml"


class _Loader(yaml.SafeLoader):
    pass


def _construct_tag(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    if suffix == "Condition":
        return {"Condition": value}
    return {f"Fn::{suffix}": value}


_Loader.add_multi_constructor("!", _construct_tag)


def load(path: Path) -> dict[str, Any]:
    data = yaml.load(path.read_text(), Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    assert isinstance(data, dict)
    return data


def resources(template: dict[str, Any], *types: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if not types or v["Type"] in types}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@dataclass(frozen=True)
class Statement:
    where: str  # "ValidateInputFunction Policies[0] Statement[1]"
    owner: str  # logical id of the resource the policy belongs to
    body: dict[str, Any]

    @property
    def effect(self) -> str:
        return str(self.body.get("Effect"))

    @property
    def actions(self) -> list[str]:
        return [str(a) for a in as_list(self.body.get("Action", []))]

    @property
    def resources(self) -> list[Any]:
        return as_list(self.body.get("Resource", []))


def _statements(owner: str, where: str, document: Any) -> Iterator[Statement]:
    if not isinstance(document, dict):
        return
    for i, body in enumerate(as_list(document.get("Statement", []))):
        for branch in _branches(body):
            yield Statement(where=f"{owner} {where} Statement[{i}]", owner=owner, body=branch)


def _branches(body: Any) -> list[dict[str, Any]]:
    """A statement, or the statements of a ``!If`` (a grant that depends on a parameter counts as granted)."""
    if isinstance(body, dict) and "Fn::If" in body:
        return [b for b in body["Fn::If"][1:] if isinstance(b, dict) and "Effect" in b]
    return [body]


def permission_statements(template: dict[str, Any]) -> Iterator[Statement]:
    """Every identity-policy statement (functions, state machines, roles, managed policies; not trust policies)."""
    for name, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        kind = resource["Type"]
        if kind in ("AWS::Serverless::Function", "AWS::Serverless::StateMachine"):
            for i, policy in enumerate(as_list(props.get("Policies", []))):
                yield from _statements(name, f"Policies[{i}]", policy)
        elif kind == "AWS::IAM::Role":
            for i, policy in enumerate(props.get("Policies", [])):
                yield from _statements(name, f"Policies[{i}]", policy["PolicyDocument"])
        elif kind in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"):
            yield from _statements(name, "PolicyDocument", props["PolicyDocument"])


def substitution_placeholders(text: str) -> set[str]:
    """``${Name}`` placeholders of an ASL file (not ``$.path`` / ``$$.Context`` JSONPath)."""
    return set(re.findall(r"\$\{([A-Za-z0-9_:.]+)\}", text))


def snake(name: str) -> str:
    """PascalCase state name -> module name: CheckGuardDuty -> check_guard_duty."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
