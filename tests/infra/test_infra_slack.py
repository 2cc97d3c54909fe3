"""Optional Slack delivery of the results topic: an AWS Chatbot channel only when both Slack parameters are set.

The stack is evaluated as CloudFormation would for a set of parameter values (its Conditions), on the
template and on what the SAM transform makes of it: without the parameters nothing Slack exists; with
both, one SlackChannelConfiguration subscribed to the results topic, capped at read-only by its guardrail,
and its role, which only Chatbot of this account can assume and which holds no permission.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from infra_sam import translated

SLACK = {"SlackWorkspaceId": "T0123ABCD", "SlackChannelId": "C0123ABCD"}
SLACK_RESOURCES = {"SlackChannel", "SlackChannelRole"}


def _value(expression: Any, params: dict[str, str], conditions: dict[str, Any]) -> Any:
    """A condition expression's value (the functions Conditions may use)."""
    if not isinstance(expression, dict):
        return expression
    ((function, args),) = expression.items()
    if function == "Ref":
        return params[args]
    if function == "Condition":
        return _value(conditions[args], params, conditions)
    values = [_value(a, params, conditions) for a in args] if isinstance(args, list) else args
    if function == "Fn::Join":
        return values[0].join(values[1] if isinstance(values[1], list) else [values[1]])
    return {
        "Fn::Equals": lambda: values[0] == values[1],
        "Fn::Not": lambda: not values[0],
        "Fn::And": lambda: all(values),
        "Fn::Or": lambda: any(values),
    }[function]()


def deployed(template: dict[str, Any], given: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The resources CloudFormation creates for the parameter values ``given`` (the rest at their defaults)."""
    params = {n: str(s.get("Default", "")) for n, s in template["Parameters"].items()}
    params.update(given)
    conditions = template.get("Conditions", {})
    holds = {name: bool(_value(body, params, conditions)) for name, body in conditions.items()}
    return {k: r for k, r in template["Resources"].items() if "Condition" not in r or holds[r["Condition"]]}


@pytest.fixture(scope="module", params=["template", "after the SAM transform"])
def stack(request: pytest.FixtureRequest, template: dict[str, Any]) -> dict[str, Any]:
    return template if request.param == "template" else translated()


@pytest.mark.parametrize(
    "given",
    [{}, {"SlackWorkspaceId": "T0123ABCD"}, {"SlackChannelId": "C0123ABCD"}],
    ids=["no Slack parameter", "workspace only", "channel only"],
)
def test_without_both_slack_parameters_nothing_slack_is_created(stack: dict[str, Any], given: dict[str, str]) -> None:
    created = deployed(stack, given)
    assert not SLACK_RESOURCES & set(created)
    assert not [k for k, r in created.items() if r["Type"].startswith("AWS::Chatbot::")]


def test_with_both_the_channel_is_subscribed_to_the_results_topic_with_a_read_only_guardrail(
    stack: dict[str, Any],
) -> None:
    created = deployed(stack, SLACK)
    assert set(created) >= SLACK_RESOURCES
    (channel,) = [r for r in created.values() if r["Type"] == "AWS::Chatbot::SlackChannelConfiguration"]
    props = channel["Properties"]
    assert props["SnsTopicArns"] == [{"Ref": "ResultsTopic"}]
    assert props["SlackWorkspaceId"] == {"Ref": "SlackWorkspaceId"}
    assert props["SlackChannelId"] == {"Ref": "SlackChannelId"}
    assert props["GuardrailPolicies"] == [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess"}]
    assert props["IamRoleArn"] == {"Fn::GetAtt": ["SlackChannelRole", "Arn"]}


def test_the_channel_role_is_chatbots_of_this_account_only_and_holds_no_permission(stack: dict[str, Any]) -> None:
    role = deployed(stack, SLACK)["SlackChannelRole"]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "chatbot.amazonaws.com"} and trust["Action"] == "sts:AssumeRole"
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    assert "Policies" not in role and "ManagedPolicyArns" not in role


def test_the_slack_parameters_take_real_ids_and_default_to_empty(template: dict[str, Any]) -> None:
    for name, example in SLACK.items():
        spec = template["Parameters"][name]
        assert spec["Default"] == ""
        assert re.fullmatch(spec["AllowedPattern"], example) and re.fullmatch(spec["AllowedPattern"], "")
        assert not re.fullmatch(spec["AllowedPattern"], "C0123 ABCD")
