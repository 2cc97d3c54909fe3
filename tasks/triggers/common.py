"""What every trigger shares: execution names derived from the event, a duplicate-safe start, the topic message.

EventBridge delivers at least once. Deriving the execution name from the event id makes a second
delivery of the same event collide with the first execution instead of starting a second one:
Step Functions refuses it with ExecutionAlreadyExists (or returns the running execution when the
input is identical), and both mean "already done" to a trigger.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from tasks.report import per_protocol_message

if TYPE_CHECKING:
    from types_boto3_sns import SNSClient
    from types_boto3_stepfunctions import SFNClient

#: Step Functions execution names: 1-80 characters; we keep to [A-Za-z0-9_-] so names are also
#: safe in CloudWatch metrics/log names and in the report key reports/<workflow>/<name>.json.
NAME_MAX = 80
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


class TriggerError(Exception):
    """An event this trigger cannot act on; the message says why and what to do."""


def execution_name(prefix: str, *parts: str, event_id: str) -> str:
    """``<prefix>-<parts...>-<event id>``: readable, unique per event, at most 80 safe characters.

    The event id is kept whole (it is what makes the name unique); the descriptive parts are
    shortened when the total would exceed the limit.
    """
    event = _UNSAFE.sub("-", event_id).strip("-")
    if not event:
        raise TriggerError("the event has no id; cannot derive a duplicate-safe execution name")
    head = "-".join(p for p in (_UNSAFE.sub("-", x).strip("-") for x in (prefix, *parts)) if p)
    room = NAME_MAX - len(event) - 1
    if room <= 0:
        return event[:NAME_MAX]
    return f"{head[:room].rstrip('-')}-{event}" if head else event


@dataclass(frozen=True)
class StartResult:
    status: str  # STARTED | ALREADY_STARTED
    execution_name: str
    execution_arn: str
    input: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def log_keys(self) -> dict[str, str]:
        """What to log: the input holds root emails, which stay out of the logs."""
        return {"status": self.status, "execution_name": self.execution_name, "execution_arn": self.execution_arn}


def execution_arn(state_machine_arn: str, name: str) -> str:
    """The ARN an execution of ``state_machine_arn`` named ``name`` has (or would have)."""
    return state_machine_arn.replace(":stateMachine:", ":execution:", 1) + ":" + name


def start_execution(sfn: SFNClient, state_machine_arn: str, name: str, payload: dict[str, Any]) -> StartResult:
    """StartExecution; a duplicate delivery (ExecutionAlreadyExists) is success, not an error."""
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    try:
        response = sfn.start_execution(stateMachineArn=state_machine_arn, name=name, input=body)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
            raise
        return StartResult("ALREADY_STARTED", name, execution_arn(state_machine_arn, name), payload)
    return StartResult("STARTED", name, str(response["executionArn"]), payload)


def required_env(name: str) -> str:
    """A setting the template must define; a clear error when the deployment forgot it."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise TriggerError(f"environment variable {name} is not set (see infra/template.yaml)")
    return value


def event_id(event: dict[str, Any]) -> str:
    value = event.get("id")
    if not isinstance(value, str) or not value:
        raise TriggerError("the event has no 'id'; is this an EventBridge event?")
    return value


def detail(event: dict[str, Any]) -> dict[str, Any]:
    value = event.get("detail")
    if not isinstance(value, dict):
        raise TriggerError("the event has no 'detail' object; is this an EventBridge event?")
    return value


def publish_to_topic(sns: SNSClient, topic_arn: str, subject: str, text: str, *, icon: str, event_type: str) -> None:
    """Publish ``text`` to the results topic as :func:`tasks.report.per_protocol_message`.

    Email gets ``text`` and ``subject``; the HTTPS subscription AWS Chatbot's Slack channel makes gets
    the custom notification titled ``icon subject``, the only message format Chatbot shows in Slack.
    """
    message = per_protocol_message(text, subject, icon=icon, event_type=event_type)
    sns.publish(TopicArn=topic_arn, Subject=subject, Message=message, MessageStructure="json")
