"""RedriveExecution: the eligibility rules on recorded DescribeExecution responses, and the CLI's
redrive path through real boto3 clients answered by botocore's Stubber (moto lacks the call)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from detective_rollout.clocks import InstantClock
from detective_rollout.ops.factory import Factory
from detective_rollout.ops.redrive import redrive_decision
from tests.helpers.ops import make_cli, no_sleep

RECORDED = json.loads((Path(__file__).parent / "fixtures" / "describe-executions.json").read_text())
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
ENABLE_MACHINE = RECORDED["uncaught_error"]["stateMachineArn"]
DISABLE_MACHINE = ENABLE_MACHINE.replace("enable-detective", "disable-detective")


def decide(case: str, events: int = 120, report: bool = False) -> tuple[bool, str]:
    decision = redrive_decision(RECORDED[case], history_events=events, report_exists=report, now=NOW)
    return decision.eligible, decision.reason


@pytest.mark.parametrize(
    ("case", "events", "report", "eligible", "why"),
    [
        ("uncaught_error", 120, False, True, "stopped FAILED without a report"),
        ("aborted_without_redrive_fields", 24_998, False, True, "stopped ABORTED"),
        ("aborted_without_redrive_fields", 24_999, False, False, "fewer than 24999"),
        ("timed_out_20_days_ago", 120, False, False, "more than 14 days ago"),
        ("rollout_incomplete", 180, True, False, "re-run its final Fail state"),
        ("running", 40, False, False, "it is RUNNING"),
        ("not_redrivable", 120, False, False, "max redrive count"),
        ("express", 10, False, False, "Express executions"),
    ],
)
def test_redrive_eligibility(case: str, events: int, report: bool, eligible: bool, why: str) -> None:
    decided, reason = decide(case, events, report)
    assert decided is eligible and why in reason, reason


class StubbedSession:
    """A boto3 session whose clients are real but answered by Stubbers (calls checked against the models)."""

    def __init__(self) -> None:
        session = boto3.Session(region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
        self.clients = {s: session.client(s) for s in ("cloudformation", "stepfunctions", "s3")}
        self.stubs = {s: Stubber(c) for s, c in self.clients.items()}

    def client(self, service: str) -> Any:
        return self.clients[service]


class StubFactory(Factory):
    def __init__(self, session: StubbedSession) -> None:
        super().__init__(sleep=no_sleep)
        self.session = session

    def clock(self) -> Any:
        return InstantClock(NOW)

    def aws_session(self, profile: str | None, region: str | None) -> Any:
        return self.session


def _stack(stubs: dict[str, Stubber]) -> None:
    outputs = {
        "EnableStateMachineArn": ENABLE_MACHINE,
        "DisableStateMachineArn": DISABLE_MACHINE,
        "ReportBucketName": "reports-bucket",
    }
    stubs["cloudformation"].add_response(
        "describe_stacks",
        {
            "Stacks": [
                {
                    "StackName": "detective-rollout",
                    "CreationTime": NOW,
                    "StackStatus": "UPDATE_COMPLETE",
                    "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()],
                }
            ]
        },
        {"StackName": "detective-rollout"},
    )


def _describe(stub: Stubber, description: dict[str, Any]) -> None:
    response = {**description, "startDate": datetime.fromtimestamp(description["startDate"], UTC)}
    if "stopDate" in description:
        response["stopDate"] = datetime.fromtimestamp(description["stopDate"], UTC)
    stub.add_response("describe_execution", response, {"executionArn": description["executionArn"]})


def test_replay_redrives_an_execution_that_stopped_without_a_report() -> None:
    session = StubbedSession()
    stubs, recorded = session.stubs, RECORDED["uncaught_error"]
    arn = recorded["executionArn"]
    _stack(stubs)
    _describe(stubs["stepfunctions"], recorded)
    stubs["s3"].add_client_error(
        "get_object",
        "NoSuchKey",
        http_status_code=404,
        expected_params={"Bucket": "reports-bucket", "Key": f"reports/enable/{recorded['name']}.json"},
    )
    _describe(stubs["stepfunctions"], recorded)
    stubs["stepfunctions"].add_response(
        "get_execution_history",
        {"events": [{"timestamp": NOW, "type": "ExecutionStarted", "id": 1}]},
        {"executionArn": arn, "maxResults": 1000},
    )
    stubs["stepfunctions"].add_response("redrive_execution", {"redriveDate": NOW}, {"executionArn": arn})
    for stub in stubs.values():
        stub.activate()
    result = make_cli(StubFactory(session))("replay", recorded["name"], "--no-wait")
    assert result.exit_code == 0, result.output + result.stderr
    assert f"redriving {recorded['name']}: it stopped FAILED without a report" in result.output
    for stub in stubs.values():
        stub.assert_no_pending_responses()


def test_replay_refuses_to_redrive_what_aws_would_refuse() -> None:
    session = StubbedSession()
    stubs, recorded = session.stubs, RECORDED["timed_out_20_days_ago"]
    _stack(stubs)
    _describe(stubs["stepfunctions"], recorded)
    stubs["s3"].add_client_error("get_object", "NoSuchKey", http_status_code=404)
    _describe(stubs["stepfunctions"], recorded)
    stubs["stepfunctions"].add_response("get_execution_history", {"events": []})
    for stub in stubs.values():
        stub.activate()
    result = make_cli(StubFactory(session))("replay", recorded["name"])
    assert result.exit_code == 2 and "more than 14 days ago" in result.stderr
