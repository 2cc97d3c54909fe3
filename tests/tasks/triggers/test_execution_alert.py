"""tasks.triggers.execution_alert: executions that end without their report are announced on the results topic;
nothing is announced twice.

The function is exercised with botocore's Stubber (real clients, real parameter validation). The rule that invokes
it is checked against sample events in tests/infra/test_infra_event_patterns.py, its grants in test_infra_iam.py,
its retries and the topic's policy in tests/infra/test_infra_execution_alert.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tasks.triggers.execution_alert import CAUSE_MAX, alert_for_event, alert_message, console_link
from tests.helpers.notifications import chatbot_notification
from tests.helpers.triggers import TOPIC_ARN, sample_event, stubbed

EVENT = sample_event("states-execution-failed")
ARN = EVENT["detail"]["executionArn"]
MACHINE = EVENT["detail"]["stateMachineArn"]


def _described(status: str, error: str | None = None, cause: str | None = None) -> dict[str, Any]:
    described: dict[str, Any] = {
        "executionArn": ARN,
        "stateMachineArn": MACHINE,
        "name": EVENT["detail"]["name"],
        "status": status,
        "startDate": "2026-03-06T08:15:00Z",
        "input": '{"accounts": [{"account_id": "222233334444", "email": "root@example.com"}]}',
    }
    if error:
        described["error"] = error
    if cause:
        described["cause"] = cause
    return described


def _run(event: dict[str, Any], described: dict[str, Any] | None) -> tuple[Any, list[dict[str, Any]]]:
    published: list[dict[str, Any]] = []
    with stubbed("stepfunctions", "sns") as (sfn, sfn_s, sns, sns_s):
        if described is not None:
            sfn_s.add_response("describe_execution", described, {"executionArn": ARN})
        sns.meta.events.register("provide-client-params.sns.Publish", lambda params, **_: published.append(params))
        if described is not None and described.get("error") not in ("RolloutIncomplete", "OffboardingIncomplete"):
            sns_s.add_response("publish", {"MessageId": "m-1"})
        alert = alert_for_event(event, sfn=sfn, sns=sns, topic_arn=TOPIC_ARN)
    return alert, published


@pytest.mark.parametrize(
    ("status", "error", "cause"),
    [
        ("FAILED", "ValidationFailed", "accounts[0].email: 'root@' is not an email address"),
        ("FAILED", "InputRejected", "regions: expected a list or 'all', got 7"),
        ("FAILED", "ReportNotWritten", "WriteReport: AccessDenied on reports/enable/run.json"),
        ("TIMED_OUT", None, None),
        ("ABORTED", None, None),
    ],
)
def test_an_execution_that_ended_without_its_report_is_announced_with_error_cause_and_link(
    status: str, error: str | None, cause: str | None
) -> None:
    alert, published = _run(
        {**EVENT, "detail": {**EVENT["detail"], "status": status}}, _described(status, error, cause)
    )
    assert alert.status == "PUBLISHED"
    (message,) = published
    assert message["TopicArn"] == TOPIC_ARN and message["MessageStructure"] == "json"
    _, body = alert_message(_described(status, error, cause))
    chatbot_notification(message["Message"], body)  # email gets the text below, Slack the same text via Chatbot
    assert f"ended {status} without writing its report" in body
    assert f"Execution: {ARN}" in body and f"State machine: {MACHINE}" in body
    assert f"Error: {error or '(none)'}" in body and f"Cause: {cause or '(none)'}" in body
    assert console_link(ARN) in body and console_link(ARN).startswith("https://eu-west-1.console.aws.amazon.com/")
    assert "root@example.com" not in body, "the execution input (root emails) stays out of the message"
    assert len(message["Subject"]) <= 100 and status in message["Subject"]


@pytest.mark.parametrize("error", ["RolloutIncomplete", "OffboardingIncomplete"])
def test_failures_announced_by_publish_summary_are_not_announced_twice(error: str) -> None:
    alert, published = _run(EVENT, _described("FAILED", error, "3 of 40 rows FAILED"))
    assert alert.status == "SKIPPED" and error in alert.reason
    assert published == []


def test_a_succeeded_execution_is_not_announced_nor_described() -> None:
    alert, published = _run({**EVENT, "detail": {**EVENT["detail"], "status": "SUCCEEDED"}}, None)
    assert alert.status == "SKIPPED" and published == []


def test_the_alert_reaches_slack_as_a_chatbot_notification_titled_with_the_subject() -> None:
    described = _described("FAILED", "ValidationFailed", "accounts[0].email: 'root@' is not an email address")
    _, (message,) = _run(EVENT, described)
    subject, text = alert_message(described)
    chatbot = chatbot_notification(message["Message"], text)
    assert message["Subject"] == subject
    assert chatbot["content"]["title"] == f":x: {subject}"
    assert chatbot["metadata"]["eventType"] == "DetectiveExecutionEndedWithoutReport"
    assert chatbot["metadata"]["summary"].startswith("The dr-enable-detective execution ")
    assert "root@example.com" not in message["Message"], "neither copy carries the execution input"


def test_a_long_cause_is_cut_and_says_how_much_is_left() -> None:
    _, published = _run(EVENT, _described("FAILED", "States.Runtime", "x" * (CAUSE_MAX + 123)))
    assert "... (123 more characters in the console)" in json.loads(published[0]["Message"])["default"]
