"""The scheduled coverage run over the emulated fleet and moto (S3, SNS, Step Functions): files, change-only
notifications, and heal's enable input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.sns.models import sns_backends

from tasks import errors
from tasks.aws import Aws
from tasks.problems import Problems
from tasks.report import per_protocol_message
from tasks.triggers.coverage_schedule import Schedule, changes, lambda_handler, message, scheduled_coverage
from tasks.validate_input import enable_options
from tasks.validation import check_request
from tests.helpers.notifications import chatbot_notification
from tests.helpers.tasks import ADMIN, NOW, SETTINGS, administrator_fleet, fleet_for_tasks

BUCKET = "reports"
ENABLED, INVITED, GONE = "200000000001", "200000000002", "200000000003"
UNREGISTERED = "200000000009"


@dataclass
class World:
    fleet: Any
    s3: Any
    sqs: Any
    queue: str
    schedule: Schedule
    sfn: Any

    def run(self, event_id: str = "event-1", **changes: Any) -> dict[str, Any]:
        return scheduled_coverage(Aws(), replace(self.schedule, **changes), NOW, event_id)

    def messages(self) -> list[str]:
        received = self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"])["Message"] for m in received]

    def latest(self) -> dict[str, Any]:
        return dict(json.loads(self.s3.get_object(Bucket=BUCKET, Key="coverage/latest.json")["Body"].read()))


def _member(account: str, status: str | None) -> dict[str, Any]:
    existing = dict.fromkeys(["us-east-1", "eu-west-1"], status) if status else {}
    return {"account_id": account, "email": f"a{account[-1]}@example.com", "existing_membership": existing}


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    members = [_member(ENABLED, "ENABLED"), _member(INVITED, "INVITED"), _member(GONE, "ENABLED")]
    with mock_aws(), fleet_for_tasks(administrator_fleet(members), monkeypatch) as fleet:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        registry = "".join(f"{m['account_id']},{m['email']}\n" for m in members)
        s3.put_object(Bucket=BUCKET, Key="registry/accounts.csv", Body=registry.encode())
        sns, sqs = boto3.client("sns", region_name="us-east-1"), boto3.client("sqs", region_name="us-east-1")
        topic = sns.create_topic(Name="results")["TopicArn"]
        queue = sqs.create_queue(QueueName="inbox")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        machine = sfn.create_state_machine(
            name="dr-enable-detective",
            definition='{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}',
            roleArn=f"arn:aws:iam::{ADMIN}:role/sfn",
        )["stateMachineArn"]
        schedule = Schedule(BUCKET, topic, machine, regions=("us-east-1", "eu-west-1"))
        yield World(fleet, s3, sqs, queue, schedule, sfn)


def test_a_run_writes_the_timestamped_and_latest_json_and_html(world: World) -> None:
    outcome = world.run()
    assert outcome["keys"] == [
        "coverage/2026-01-02T03-04-05Z.json",
        "coverage/2026-01-02T03-04-05Z.html",
        "coverage/latest.json",
        "coverage/latest.html",
    ]
    assert world.latest()["summary"] == {"total": 6, "COVERED": 4, "NOT_COVERED": 2, "UNLISTED": 0}
    page = world.s3.get_object(Bucket=BUCKET, Key="coverage/latest.html")["Body"].read().decode()
    assert page.startswith("<!DOCTYPE html>") and INVITED in page


def test_nothing_changed_since_the_previous_run_publishes_nothing(world: World) -> None:
    first = world.run()
    assert first["published"] and "Newly NOT_COVERED (2):" in world.messages()[0]  # the first run: all is new
    second = world.run(event_id="event-2")
    assert not second["published"] and world.messages() == []
    assert second["changes"] == {"NOT_COVERED": 0, "UNLISTED": 0, "COVERED": 0}


def test_a_removed_member_and_an_unregistered_one_are_published_with_the_disable_command(world: World) -> None:
    world.run()
    world.messages()
    graph = world.fleet.graph_arn("us-east-1")
    boto3.client("detective", region_name="us-east-1").delete_members(GraphArn=graph, AccountIds=[GONE])
    registry = f"{ENABLED},a1@example.com\n{INVITED},a2@example.com\n"  # GONE is registered again below
    world.s3.put_object(Bucket=BUCKET, Key="registry/accounts.csv", Body=registry.encode())
    outcome = world.run(event_id="event-2")
    assert outcome["published"] and outcome["changes"] == {"NOT_COVERED": 0, "UNLISTED": 1, "COVERED": 0}
    (text,) = world.messages()
    assert f"Newly UNLISTED (1):\n  {GONE} eu-west-1" in text
    assert f"detective-rollout disable --accounts <CSV of {GONE}> --regions eu-west-1" in text
    world.s3.put_object(Bucket=BUCKET, Key="registry/accounts.csv", Body=(registry + f"{GONE},a3@x.com\n").encode())
    again = world.run(event_id="event-3")
    (removed,) = world.messages()
    assert again["changes"]["NOT_COVERED"] == 1 and f"  {GONE} us-east-1 NOT_A_MEMBER" in removed


def test_pairs_that_became_covered_are_published(world: World) -> None:
    world.run()
    world.messages()
    yesterday = world.latest()
    for row in yesterday["results"]:
        if row["account_id"] == ENABLED:
            row["state"], row["reason"] = "NOT_COVERED", "NOT_A_MEMBER"  # not yet enabled the day before
    world.s3.put_object(Bucket=BUCKET, Key="coverage/latest.json", Body=json.dumps(yesterday).encode())
    outcome = world.run(event_id="event-2")
    assert outcome["changes"] == {"NOT_COVERED": 0, "UNLISTED": 0, "COVERED": 2}
    (text,) = world.messages()
    assert f"Newly COVERED (2):\n  {ENABLED} eu-west-1\n  {ENABLED} us-east-1" in text
    assert text.startswith(f"Detective coverage of {ADMIN} at 2026-01-02T03:04:05Z: total 6, COVERED 4, NOT_COVERED 2")


def test_a_change_whose_publish_failed_is_published_by_the_retry(world: World) -> None:
    gone = world.schedule.topic_arn + "-deleted"
    with pytest.raises(errors.RolloutError):
        world.run(topic_arn=gone)  # SNS refused: the invocation fails and Lambda retries it
    assert world.messages() == []
    retry = world.run()
    assert retry["published"] and "Newly NOT_COVERED (2):" in world.messages()[0]


def test_the_change_is_text_for_email_and_a_chatbot_custom_notification_for_slack(world: World) -> None:
    world.run()
    topic = world.schedule.topic_arn
    ((_, published, subject, _, _),) = sns_backends[topic.split(":")[4]]["us-east-1"].topics[topic].sent_notifications
    (text,) = world.messages()
    chatbot = chatbot_notification(published, text)
    assert chatbot["content"]["title"] == f":warning: {subject}"
    assert chatbot["metadata"]["eventType"] == "DetectiveCoverageChanged"


def test_a_first_run_over_a_large_fleet_publishes_a_message_within_the_sns_limit() -> None:
    accounts = [f"{300000000000 + n}" for n in range(3000)]
    rows = [
        {"account_id": a, "region": r, "state": state, "reason": "NOT_A_MEMBER" if state == "NOT_COVERED" else None}
        for a, state in zip(accounts, ["NOT_COVERED", "UNLISTED"] * 1500, strict=True)
        for r in ("us-east-1", "eu-west-1")
    ]
    summary = {"total": 6000, "COVERED": 0, "NOT_COVERED": 3000, "UNLISTED": 3000}
    document = {"administrator": ADMIN, "generated_at": "2026-01-02T03:04:05Z", "summary": summary, "results": rows}
    text = message(document, changes(None, document), ["coverage/latest.json", "coverage/latest.html"])
    published = per_protocol_message(text, "Detective coverage changed", icon=":warning:", event_type="x")
    assert len(published.encode()) < 262_144  # SNS Publish refuses a bigger message (Publish, Amazon SNS API)
    assert "Newly NOT_COVERED (3000):" in text and "Newly UNLISTED (3000):" in text
    assert f"  {accounts[0]} eu-west-1 NOT_A_MEMBER" in text and text.count(" more: coverage/latest.html") == 2
    assert "disable --accounts <CSV of the 1500 UNLISTED accounts in coverage/latest.json>" in text


def test_a_pair_seen_for_the_first_time_covered_is_no_change() -> None:
    current = {"results": [{"account_id": ENABLED, "region": "us-east-1", "state": "COVERED"}]}
    assert changes({"results": []}, current) == {"NOT_COVERED": [], "UNLISTED": [], "COVERED": []}
    assert changes(None, current)["COVERED"] == []


def test_heal_starts_enable_for_the_fixable_pairs_with_source_reconcile(world: World) -> None:
    graph = world.fleet.graph_arn("us-east-1")
    boto3.client("detective", region_name="us-east-1").delete_members(GraphArn=graph, AccountIds=[GONE])
    young = world.run(mode="heal", invited_after_hours=48)  # INVITED a day ago: too young to heal
    started = world.sfn.describe_execution(executionArn=young["heal"]["execution_arn"])
    assert json.loads(started["input"]) == {
        "accounts": [{"account_id": GONE, "email": "a3@example.com", "regions": ["us-east-1"]}],
        "regions": ["us-east-1"],
        "source": "reconcile",
    }
    old = world.run(event_id="event-2", mode="heal", invited_after_hours=12)
    healed = json.loads(world.sfn.describe_execution(executionArn=old["heal"]["execution_arn"])["input"])
    assert healed["accounts"] == [
        {"account_id": INVITED, "email": "a2@example.com", "regions": ["eu-west-1", "us-east-1"]},
        {"account_id": GONE, "email": "a3@example.com", "regions": ["us-east-1"]},
    ]
    problems = Problems()
    check_request(healed, enable_options(SETTINGS), problems, require_email=True)
    assert problems.items == []  # what ValidateInput accepts
    assert world.run(event_id="event-3")["heal"] is None  # report mode starts nothing


def test_heal_leaves_the_administrator_out_when_the_registry_lists_it(world: World) -> None:
    registry = f"{ADMIN},admin@example.com\n{ENABLED},a1@example.com\n{INVITED},a2@example.com\n"
    world.s3.put_object(Bucket=BUCKET, Key="registry/accounts.csv", Body=registry.encode())
    outcome = world.run(mode="heal", invited_after_hours=12)
    healed = json.loads(world.sfn.describe_execution(executionArn=outcome["heal"]["execution_arn"])["input"])
    assert [a["account_id"] for a in healed["accounts"]] == [INVITED]  # enable refuses its own administrator


def test_heal_never_starts_anything_for_unlisted_members(world: World) -> None:
    world.s3.put_object(Bucket=BUCKET, Key="registry/accounts.csv", Body=f"{ENABLED},a1@example.com\n".encode())
    outcome = world.run(mode="heal")
    assert outcome["summary"]["UNLISTED"] == 4 and outcome["heal"] is None
    assert world.sfn.list_executions(stateMachineArn=world.schedule.enable_arn)["executions"] == []


def test_the_handler_reads_its_settings_from_the_environment(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "REPORT_BUCKET": BUCKET,
        "RESULTS_TOPIC_ARN": world.schedule.topic_arn,
        "ENABLE_STATE_MACHINE_ARN": world.schedule.enable_arn,
        "RECONCILE_MODE": "heal",
        "HEAL_INVITED_AFTER_HOURS": "1",
        "COVERAGE_REGIONS": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    outcome = lambda_handler({"id": "7bf73129-1428-4cd3-a780-95db273d1602"}, None)
    assert outcome["summary"]["total"] == 3 and outcome["heal"]["status"] == "STARTED"
    assert outcome["heal"]["execution_name"] == "reconcile-7bf73129-1428-4cd3-a780-95db273d1602"
    monkeypatch.setenv("RECONCILE_MODE", "fix")
    with pytest.raises(ValueError, match="RECONCILE_MODE: expected report or heal, got 'fix'"):
        lambda_handler({"id": "x"}, None)
