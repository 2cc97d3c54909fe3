"""State WriteReport: one row per requested pair from the machine's state and the work documents, stored and summed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tasks.plan import Account, Plan
from tasks.report_page import render_html
from tasks.targets import INVITED
from tasks.verify_members import VERIFIED
from tasks.workstore import WorkStore, report_key
from tasks.write_report import gather, write_report
from tests.helpers.notifications import chatbot_notification
from tests.helpers.tasks import REPORTS, moto_s3, task_clock

MEMBER = "222222222222"
REGIONS = ("us-east-1", "eu-west-1")
PLAN = Plan(
    workflow="enable",
    execution="run-1",
    admin_account_id="111111111111",
    regions=REGIONS,
    accounts=(Account(MEMBER, "m@example.com", REGIONS),),
    batch_size=10,
    max_concurrency=10,
    dry_run=False,
    started_at="2026-01-01T00:00:00Z",
)
GRAPH = "arn:aws:detective:{}:111111111111:graph:abc"


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[WorkStore]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with moto_s3() as s3:
        yield WorkStore(s3, REPORTS, "enable", "run-1")


def record(region: str, status: str, **extra: Any) -> dict[str, Any]:
    return {"region": region, "graph_arn": GRAPH.format(region), "members": {MEMBER: {"status": status, **extra}}}


def ready(region: str) -> dict[str, Any]:
    return {"region": region, "status": "READY", "graph": {"graph_arn": GRAPH.format(region)}, "invite": {"sent": 1}}


def state(**parts: Any) -> dict[str, Any]:
    """The enable machine's state as WriteReport receives it."""
    return {"state": {"prepare": {"regions": [ready(r) for r in REGIONS]}, "batches": [], **parts}}


def statuses(found: dict[str, Any]) -> dict[str, str]:
    return {region: doc["members"][MEMBER]["status"] for region, doc in found.items()}


def test_every_region_is_read_from_the_one_invitation_and_the_one_verification_document(store: WorkStore) -> None:
    store.put(INVITED, {"regions": {r: record(r, "INVITED", expect_invitation=True) for r in REGIONS}})
    store.put(VERIFIED, {"attempt": 2, "regions": {r: record(r, "ENABLED") for r in REGIONS}})
    evidence = gather(store, PLAN, state())
    assert statuses(evidence.invites) == {"us-east-1": "INVITED", "eu-west-1": "INVITED"}
    assert statuses(evidence.verified) == {"us-east-1": "ENABLED", "eu-west-1": "ENABLED"}


def test_a_state_that_crashed_fails_the_regions_it_left_unfinished_with_its_error(store: WorkStore) -> None:
    crash = {"Error": "Runtime.ExitError", "Cause": "exit status 1"}
    event = state(prepare={"regions": [ready("us-east-1")]}, prepare_error=crash)
    evidence = gather(store, PLAN, event)
    assert evidence.regions["us-east-1"]["status"] == "READY"
    failed = {"region": "eu-west-1", "status": "FAILED", "reason": "ERROR", "error": crash}
    assert evidence.regions["eu-west-1"] == failed


def test_a_failed_batch_and_a_failed_verification_are_kept_as_their_causes(store: WorkStore) -> None:
    batch_error = {"Error": "States.Timeout", "Cause": "timed out"}
    event = state(
        batches=[{"batch": 0, "status": "FAILED", "error": batch_error}],
        verify_error={"Error": "Throttled", "Cause": "Rate exceeded"},
    )
    evidence = gather(store, PLAN, event)
    assert evidence.failed_batches == {0: "States.Timeout: timed out"}
    assert evidence.unverified == dict.fromkeys(REGIONS, "VerifyMembers failed: Throttled: Rate exceeded")


def one_enabled_one_failed(store: WorkStore) -> tuple[Any, Any]:
    """WriteReport over the member invited in both Regions and ENABLED in us-east-1 only: (output, stored report)."""
    store.put(INVITED, {"regions": {r: record(r, "INVITED", expect_invitation=True) for r in REGIONS}})
    store.put(VERIFIED, {"attempt": 1, "regions": {"us-east-1": record("us-east-1", "ENABLED")}})
    with task_clock():
        result = write_report(store._s3, REPORTS, store, PLAN, state())
    report = store.find_key(report_key("enable", "run-1"))
    assert report is not None
    return result, report


def test_the_report_has_one_row_per_pair_and_is_stored_under_the_execution(store: WorkStore) -> None:
    result, report = one_enabled_one_failed(store)
    rows = {(r["account_id"], r["region"]): r for r in report["results"]}
    assert sorted(rows) == [(MEMBER, "eu-west-1"), (MEMBER, "us-east-1")]
    assert rows[(MEMBER, "us-east-1")]["status"] == "ENABLED"
    assert rows[(MEMBER, "eu-west-1")]["status"] == "FAILED"
    assert result["summary"] == report["summary"] and report["summary"]["total"] == 2
    assert result["failed"] is True


def test_the_html_page_is_written_next_to_the_json_and_the_notification_names_both(store: WorkStore) -> None:
    result, report = one_enabled_one_failed(store)
    page = store._s3.get_object(Bucket=REPORTS, Key="reports/enable/run-1.html")

    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["Body"].read().decode() == render_html(report)  # the page `report --format html` shows
    assert result["report_html_key"] == "reports/enable/run-1.html"
    assert result["message"].splitlines()[-2:] == [
        f"Report: s3://{REPORTS}/reports/enable/run-1.json",
        f"Page: s3://{REPORTS}/reports/enable/run-1.html",
    ]
    assert result["event_detail"]["report_html"] == f"s3://{REPORTS}/reports/enable/run-1.html"


def test_the_topic_message_is_plain_text_for_email_and_a_chatbot_custom_notification_for_https(
    store: WorkStore,
) -> None:
    result, _report = one_enabled_one_failed(store)
    chatbot = chatbot_notification(result["sns_message"], result["message"])  # the email text: both keys, the counts
    assert chatbot["content"]["title"] == ":x: Detective rollout run-1"  # a FAILED row
    assert chatbot["metadata"]["eventType"] == "DetectiveRolloutFinished"
