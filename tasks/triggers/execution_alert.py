"""An execution of either workflow ended without its report -> say so on the results topic.

EventBridge's "Step Functions Execution Status Change" event (FAILED, TIMED_OUT, ABORTED) invokes
this function. Two failures come after the report was written and announced by PublishSummary
(``RolloutIncomplete``, ``OffboardingIncomplete``): those are not announced twice. Every other end
(``InputRejected``, ``ValidationFailed``, ``ReportNotWritten``, a time-out, an abort) would otherwise
tell nobody, so it is published with the machine, the execution, the error, the cause and a console
link: the text for email, an AWS Chatbot custom notification for Slack (one message per protocol).

Why a function and not an input transformer straight to SNS: the error and cause come from
DescribeExecution (the API reference documents both fields), so the filter on the error and the
message never depend on which fields the status-change event carries; and the topic keeps the AWS
managed key, which EventBridge cannot publish with (docs/deploy.md, "Failure alerts").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tasks.aws import default_aws
from tasks.log import logger
from tasks.triggers.common import TriggerError, detail, publish_to_topic, required_env

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from types_boto3_sns import SNSClient
    from types_boto3_stepfunctions import SFNClient
    from types_boto3_stepfunctions.type_defs import DescribeExecutionOutputTypeDef

#: Fail states reached after WriteReport and PublishSummary: the report and its summary already said it.
ANNOUNCED_ERRORS = frozenset({"RolloutIncomplete", "OffboardingIncomplete"})
ALERTED_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED")
#: SNS messages carry up to 256 KB; a cause is cut well below that so the message stays readable.
CAUSE_MAX = 4000
#: The Chatbot notification's ``metadata.eventType``: what a Slack reader or a filter groups alerts by.
EVENT_TYPE = "DetectiveExecutionEndedWithoutReport"


@dataclass(frozen=True)
class Alert:
    status: str  # PUBLISHED | SKIPPED
    execution_arn: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"status": self.status, "execution_arn": self.execution_arn, "reason": self.reason}


def console_link(execution_arn: str) -> str:
    """The Step Functions console page of an execution (its Region is the ARN's fourth field)."""
    region = execution_arn.split(":")[3]
    return f"https://{region}.console.aws.amazon.com/states/home?region={region}#/v2/executions/details/{execution_arn}"


def alert_message(execution: DescribeExecutionOutputTypeDef) -> tuple[str, str]:
    """(subject, message) for an execution that ended without its report. The input is never included."""
    arn = str(execution["executionArn"])
    machine = str(execution.get("stateMachineArn", "")).rsplit(":", 1)[-1]
    name = str(execution.get("name") or arn.rsplit(":", 1)[-1])
    status = str(execution.get("status"))
    error = str(execution.get("error") or "(none)")
    cause = str(execution.get("cause") or "(none)")
    if len(cause) > CAUSE_MAX:
        cause = cause[:CAUSE_MAX] + f"... ({len(cause) - CAUSE_MAX} more characters in the console)"
    subject = f"detective-rollout: {machine} execution {status} without a report"[:100]
    message = (
        f"The {machine} execution {name} ended {status} without writing its report, so no summary was sent.\n"
        f"State machine: {execution.get('stateMachineArn', '')}\n"
        f"Execution: {arn}\n"
        f"Error: {error}\n"
        f"Cause: {cause}\n"
        f"Console: {console_link(arn)}\n"
        "Fix the cause, then start the run again or redrive it (docs/deploy.md, section 5)."
    )
    return subject, message


def alert_for_event(event: dict[str, Any], *, sfn: SFNClient, sns: SNSClient, topic_arn: str) -> Alert:
    """Publish the alert unless the execution's end was already announced with its report."""
    info = detail(event)
    arn = info.get("executionArn")
    if not isinstance(arn, str) or not arn:
        raise TriggerError("the status-change event has no detail.executionArn")
    if info.get("status") not in ALERTED_STATUSES:
        return Alert("SKIPPED", arn, f"status {info.get('status')!r} is not one of {ALERTED_STATUSES}")
    execution = sfn.describe_execution(executionArn=arn)
    if execution.get("status") == "FAILED" and execution.get("error") in ANNOUNCED_ERRORS:
        return Alert("SKIPPED", arn, f"{execution['error']}: announced with the report by PublishSummary")
    subject, message = alert_message(execution)
    publish_to_topic(sns, topic_arn, subject, message, icon=":x:", event_type=EVENT_TYPE)
    return Alert("PUBLISHED", arn, str(execution.get("error") or execution.get("status")))


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    """EventBridge target; an error here is retried twice, then the event itself goes to the topic."""
    topic_arn = required_env("RESULTS_TOPIC_ARN")
    aws = default_aws()
    alert = alert_for_event(event, sfn=aws.client("stepfunctions"), sns=aws.client("sns"), topic_arn=topic_arn)
    logger.info("execution ended", extra=alert.to_dict())
    return alert.to_dict()
