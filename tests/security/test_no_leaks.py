"""Nobody learns what they should not: no credentials and no unmasked invitation email in logs, causes, notifications.

One enable execution over a fleet whose faults drive the task code down its error paths
(verification failing on a wrong email, a missing role, throttling past every retry, an invisible
invitation, a crashed batch) runs with every task logger captured at DEBUG; then the logs, every
cause in the execution history, the SNS notification and the EventBridge summary are searched for
the member role credentials STS issued and for every email of the fleet. The notifications carry
the summary and where the report is - not its rows.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.engine import LocalEngine
from detective_rollout.engine.metrics import history_events
from detective_rollout.local import STATEMACHINES, TEMPLATE
from tasks import aws as tasks_aws
from tasks.log import logger as task_logger
from tests.helpers.workflow import ADMIN, member, scenario
from tests.reliability.harness import WALL_LIMIT_S, enable_input

#: Batches of two, one at a time (``max_concurrency`` 1), so the one crash hits the first batch - the two
#: healthy members - and every other member's fault reaches the report. With concurrent batches the
#: crash hit whichever batch was invoked first, and now and then that one held the AccessDenied member.
SPEC = scenario(
    [
        member(2),
        member(6),
        member(1, faults=["verification_fails"]),
        member(3, faults=[{"type": "throttle", "ops": ["AcceptInvitation", "ListInvitations"], "rate": 1.0}]),
        member(4, faults=[{"type": "slow_invitation", "duration_s": 86400}]),
        member(5, faults=["no_role"]),
    ],
    lambda_faults=[{"task": "AcceptInvitations", "error": "crash", "times": 1}],
    throttle_rate=0.05,
    seed=7,
)


class Recording(logging.Handler):
    """Keeps every formatted record (the JSON line CloudWatch would get), exception tracebacks included."""

    def __init__(self, formatter: logging.Formatter | None) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        if formatter is not None:
            self.setFormatter(formatter)

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@dataclass(frozen=True)
class Captured:
    status: str
    error: str | None
    cause: str | None
    logs: list[str]
    history: list[dict[str, Any]]
    notifications: list[tuple[str | None, str]]  # (subject, message)
    report: dict[str, Any] | None
    credentials: list[str]  # every access key id, secret key and session token STS issued to the tasks
    emails: list[str]  # every email of the fleet (as the input gives it and as AWS knows it)


@pytest.fixture(scope="module")
def captured() -> Iterator[Captured]:
    fleet = Fleet(load_scenario(SPEC), InstantClock())
    issued: list[str] = []
    real_assume = tasks_aws.Aws.assume_role

    def assume_role(self: tasks_aws.Aws, role_arn: str, session_name: str, external_id: str | None = None) -> Any:
        member_aws = real_assume(self, role_arn, session_name, external_id)
        issued.extend(member_aws._credentials.values())
        return member_aws

    log = logging.getLogger(task_logger.name)
    recording = Recording(getattr(task_logger, "registered_formatter", None))
    level = log.level
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tasks_aws.Aws, "assume_role", assume_role)
        log.addHandler(recording)
        log.setLevel(logging.DEBUG)
        tasks_aws.reset()
        try:
            engine_at = LocalEngine(fleet, fleet.clock, template=str(TEMPLATE), statemachines_dir=str(STATEMACHINES))
            with engine_at as engine:
                name = "leak-check"
                arn = engine.start(
                    "enable-detective",
                    enable_input(SPEC["members"], SPEC["regions"], batch_size=2, max_concurrency=1),
                    name=name,
                )
                result = engine.result(arn, timeout=WALL_LIMIT_S)
                from moto.sns.models import sns_backends
                from moto.stepfunctions.parser.models import stepfunctions_parser_backends

                execution = stepfunctions_parser_backends[engine.account_id][engine.region].describe_execution(arn)
                history = [dict(e) for e in history_events(execution)]
                topic = engine.substitutions("enable-detective")["ResultsTopicArn"]
                sent = sns_backends[engine.account_id][topic.split(":")[3]].topics[topic].sent_notifications
                bucket = engine.substitutions("enable-detective")["ReportBucket"]
                report = engine.find_json(bucket, f"reports/enable/{name}.json")
        finally:
            log.removeHandler(recording)
            log.setLevel(level)
    emails = sorted({m.email for m in fleet.scenario.members} | {m.root_email for m in fleet.scenario.members})
    yield Captured(
        result.status,
        result.error,
        result.cause,
        recording.lines,
        history,
        [(subject, message) for _, message, subject, _, _ in sent],
        report,
        issued,
        emails,
    )


def leaks(texts: list[str], secrets: list[str]) -> list[str]:
    return sorted({s for s in secrets for text in texts if s in text})


def causes(history: list[dict[str, Any]]) -> list[str]:
    """Every error cause the execution history holds (Task, Map iteration, Fail and execution events)."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key.lower() == "cause" and inner is not None:
                    found.append(str(inner))
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(history)
    return found


def test_the_run_exercised_the_error_paths(captured: Captured) -> None:
    assert (captured.status, captured.error) == ("FAILED", "RolloutIncomplete")
    assert captured.credentials, "no member role was assumed: the test proves nothing about credentials"
    reasons = {r["reason"] for r in captured.report["results"]} if captured.report else set()
    assert {"VERIFICATION_FAILED", "ACCESS_DENIED", "ERROR"} <= reasons, reasons
    logged = {json.loads(line).get("message") for line in captured.logs}
    assert {"input validated", "invitations accepted", "report written"} <= logged, logged
    assert len(causes(captured.history)) >= 2


def test_task_logs_hold_no_credentials_and_no_unmasked_email(captured: Captured) -> None:
    assert leaks(captured.logs, captured.credentials) == []
    assert leaks(captured.logs, captured.emails) == []


def test_execution_causes_hold_no_credentials_and_no_unmasked_email(captured: Captured) -> None:
    texts = [captured.cause or "", *causes(captured.history)]
    assert leaks(texts, captured.credentials) == []
    assert leaks(texts, captured.emails) == []


def test_execution_history_after_validation_holds_no_email_and_no_credentials(captured: Captured) -> None:
    """Past ValidateInput every state passes references (the plan is in S3), so no payload repeats an email."""
    validated = next(
        i
        for i, e in enumerate(captured.history)
        if e.get("type") == "TaskStateExited"
        and (e.get("stateExitedEventDetails") or {}).get("name") == "ValidateInput"
    )
    later = [json.dumps(e, default=str) for e in captured.history[validated + 1 :]]
    assert len(later) > 20, "the history ends at validation"
    assert leaks(later, captured.credentials) == []
    assert leaks(later, captured.emails) == []


def test_notifications_carry_the_summary_and_the_report_location_not_its_rows(captured: Captured) -> None:
    assert len(captured.notifications) == 1
    subject, message = captured.notifications[0]
    assert subject == "Detective rollout finished"
    assert "s3://" in message and "reports/enable/leak-check.json" in message
    # One message per protocol (MessageStructure json): the text for email, a Chatbot notification for HTTPS.
    assert "reports/enable/leak-check.html" in json.loads(message)["default"]
    summary = captured.report["summary"] if captured.report else {}
    assert f"{summary['total']} account-Regions" in message
    member_ids = [m["account_id"] for m in SPEC["members"]]
    assert leaks([message], member_ids + [ADMIN]) == []
    assert leaks([message], captured.emails + captured.credentials) == []
    scheduled = [
        json.dumps(e, default=str)
        for e in captured.history
        if e.get("type") == "TaskScheduled"
        and "events" in json.dumps(e.get("taskScheduledEventDetails", {}).get("resourceType", ""))
    ]
    assert scheduled, "no EventBridge summary was sent"
    assert leaks(scheduled, member_ids + captured.emails + captured.credentials) == []
