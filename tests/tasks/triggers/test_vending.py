"""tasks.triggers.vending: the right account, email from Organizations or the registry, one execution per event."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.stub import ANY

from tasks.triggers import vending
from tasks.triggers.common import TriggerError
from tests.helpers.notifications import chatbot_notification
from tests.helpers.triggers import BUCKET, ENABLE_ARN, TOPIC_ARN, StubbedAws, body, sample_event, stubbed

CT_EVENT = "controltower-create-managed-account"
CT_ACCOUNT = "444455556666"
CT_EVENT_ID = "5d2f9b3c-8d2a-4a53-b1d4-3e0c6b1f2a10"
SUBJECT = f"detective-rollout: no root email for vended account {CT_ACCOUNT}"


def _start(event: dict[str, Any], sfn: Any, orgs: Any, s3: Any, sns: Any) -> Any:
    return vending.start_for_vended_account(
        event,
        sfn=sfn,
        organizations=orgs,
        s3=s3,
        sns=sns,
        state_machine_arn=ENABLE_ARN,
        bucket=BUCKET,
        topic_arn=TOPIC_ARN,
        retry_access_denied_minutes=30,
    )


def _expected_input(account: str, email: str) -> str:
    payload = {
        "accounts": [{"account_id": account, "email": email}],
        "regions": "all",
        "retry_access_denied_minutes": 30,
        "source": "vending-event",
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


@pytest.mark.parametrize(
    ("name", "account"),
    [
        ("controltower-create-managed-account", "444455556666"),
        ("controltower-update-managed-account", "444455557777"),
        ("organizations-create-account-result", "012345678901"),
    ],
)
def test_vended_account_from_each_event_kind(name: str, account: str) -> None:
    assert vending.vended_account(sample_event(name)).account_id == account


def test_failed_vending_is_not_acted_on() -> None:
    with pytest.raises(TriggerError, match="did not succeed"):
        vending.vended_account(sample_event("controltower-create-managed-account-failed"))


def test_email_from_organizations_starts_the_enable_machine() -> None:
    event = sample_event(CT_EVENT)
    name = f"vending-{CT_ACCOUNT}-{CT_EVENT_ID}"
    with stubbed("stepfunctions", "organizations", "s3", "sns") as (sfn, sfn_s, orgs, orgs_s, s3, _, sns, _):
        orgs_s.add_response(
            "describe_account",
            {"Account": {"Id": CT_ACCOUNT, "Email": "root+pay@example.com"}},
            {"AccountId": CT_ACCOUNT},
        )
        sfn_s.add_response(
            "start_execution",
            {
                "executionArn": f"{ENABLE_ARN.replace('stateMachine', 'execution')}:{name}",
                "startDate": "2026-03-02T10:22:00Z",
            },
            {"stateMachineArn": ENABLE_ARN, "name": name, "input": _expected_input(CT_ACCOUNT, "root+pay@example.com")},
        )
        result = _start(event, sfn, orgs, s3, sns)
    assert result.status == "STARTED" and result.execution_name == name


def test_email_from_registry_when_organizations_is_not_permitted() -> None:
    event = sample_event("organizations-create-account-result")
    registry = "account_id,email\n12345678901,ops@example.com\n"  # leading zero lost by a spreadsheet
    with stubbed("stepfunctions", "organizations", "s3", "sns") as (sfn, sfn_s, orgs, orgs_s, s3, s3_s, sns, _):
        orgs_s.add_client_error("describe_account", "AccessDeniedException", http_status_code=403)
        s3_s.add_response("get_object", {"Body": body(registry)}, {"Bucket": BUCKET, "Key": "registry/accounts.csv"})
        sfn_s.add_response(
            "start_execution",
            {"executionArn": "arn:x", "startDate": "2026-03-03T08:01:00Z"},
            {
                "stateMachineArn": ENABLE_ARN,
                "name": "vending-012345678901-8a51c26f-b05d-4d86-a407-612f9e4c5d43",
                "input": _expected_input("012345678901", "ops@example.com"),
            },
        )
        result = _start(event, sfn, orgs, s3, sns)
    assert result.status == "STARTED"


def test_duplicate_delivery_is_success() -> None:
    event = sample_event(CT_EVENT)
    with stubbed("stepfunctions", "organizations", "s3", "sns") as (sfn, sfn_s, orgs, orgs_s, s3, _, sns, _):
        orgs_s.add_response("describe_account", {"Account": {"Id": CT_ACCOUNT, "Email": "root@example.com"}})
        sfn_s.add_client_error("start_execution", "ExecutionAlreadyExists", "Execution Already Exists: 'arn'")
        result = _start(event, sfn, orgs, s3, sns)
    assert result.status == "ALREADY_STARTED"
    assert result.execution_arn.endswith(f":execution:dr-enable-detective:vending-{CT_ACCOUNT}-{CT_EVENT_ID}")


@pytest.mark.parametrize("registry", [None, "222222222222,other@example.com\n"])
def test_missing_email_is_a_clear_notified_error(registry: str | None) -> None:
    event = sample_event(CT_EVENT)
    published: list[dict[str, Any]] = []
    with stubbed("stepfunctions", "organizations", "s3", "sns") as (sfn, _, orgs, orgs_s, s3, s3_s, sns, sns_s):
        sns.meta.events.register("provide-client-params.sns.Publish", lambda params, **_: published.append(params))
        orgs_s.add_client_error("describe_account", "AWSOrganizationsNotInUseException")
        if registry is None:
            s3_s.add_client_error("get_object", "NoSuchKey", http_status_code=404)
        else:
            s3_s.add_response("get_object", {"Body": body(registry)})
        sns_s.add_response(
            "publish",
            {"MessageId": "m-1"},
            {
                "TopicArn": TOPIC_ARN,
                "Subject": SUBJECT,
                "Message": ANY,
                "MessageStructure": "json",
            },
        )
        with pytest.raises(vending.MissingEmail) as raised:
            _start(event, sfn, orgs, s3, sns)
    message = str(raised.value)
    (published_message,) = [p["Message"] for p in published]
    chatbot = chatbot_notification(published_message, message)  # email and Slack: the same explanation
    assert chatbot["content"]["title"] == f":warning: {SUBJECT}"
    assert chatbot["metadata"]["eventType"] == "DetectiveVendedAccountMissingEmail"
    assert CT_ACCOUNT in message and "payments-prod" in message and "root email" in message
    assert f"s3://{BUCKET}/registry/accounts.csv" in message and "AWSOrganizationsNotInUseException" in message


def test_throttled_lookup_is_raised_for_eventbridge_to_retry() -> None:
    with stubbed("stepfunctions", "organizations", "s3", "sns") as (sfn, _, orgs, orgs_s, s3, _, sns, _):
        orgs_s.add_client_error("describe_account", "TooManyRequestsException", http_status_code=429)
        with pytest.raises(ClientError):
            _start(sample_event(CT_EVENT), sfn, orgs, s3, sns)


def test_handler_reports_missing_email_without_raising(monkeypatch: pytest.MonkeyPatch) -> None:
    """A retry cannot find the email either: the handler returns (no duplicate notifications)."""
    monkeypatch.setenv("ENABLE_STATE_MACHINE_ARN", ENABLE_ARN)
    monkeypatch.setenv("REPORT_BUCKET", BUCKET)
    monkeypatch.setenv("RESULTS_TOPIC_ARN", TOPIC_ARN)
    monkeypatch.setenv("RETRY_ACCESS_DENIED_MINUTES", "30")
    with stubbed("stepfunctions", "organizations", "s3", "sns") as (sfn, _, orgs, orgs_s, s3, s3_s, sns, sns_s):
        orgs_s.add_client_error("describe_account", "AccessDeniedException", http_status_code=403)
        s3_s.add_client_error("get_object", "NoSuchKey", http_status_code=404)
        sns_s.add_response("publish", {"MessageId": "m-2"})
        clients = StubbedAws({"stepfunctions": sfn, "organizations": orgs, "s3": s3, "sns": sns})
        monkeypatch.setattr(vending, "default_aws", lambda: clients)
        result = vending.lambda_handler(sample_event(CT_EVENT), None)
    assert result["status"] == "MISSING_EMAIL" and CT_ACCOUNT in result["error"]
