"""Upload and offboarding triggers, and the execution names every trigger derives from its event."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from infra_cfn import sample_event
from infra_stubs import BUCKET, DISABLE_ARN, ENABLE_ARN, stubbed

from tasks.triggers import offboarding, upload
from tasks.triggers.common import NAME_MAX, TriggerError, execution_name

STARTED = {"executionArn": "arn:aws:states:eu-west-1:111111111111:execution:x:y", "startDate": "2026-03-05T09:30:01Z"}


def _json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


# --- execution names ---------------------------------------------------------------------------


def test_names_are_safe_bounded_and_keep_the_event_id() -> None:
    event_id = "d0a6b7b4-0502-42db-b95d-b6715e4a9298"
    name = execution_name("csv", "wave 2/ünïcode:[x]" * 10, event_id=event_id)
    assert len(name) <= NAME_MAX and name.endswith(event_id) and name.startswith("csv-wave-2-")
    assert re.fullmatch(r"[A-Za-z0-9_-]+", name)
    assert execution_name("csv", "w", event_id=event_id) == execution_name("csv", "w", event_id=event_id)
    assert execution_name("csv", "w", event_id=event_id) != execution_name("csv", "w", event_id="other-id")


def test_an_event_without_id_is_refused() -> None:
    with pytest.raises(TriggerError, match="no id"):
        execution_name("csv", "x", event_id="")


# --- upload ------------------------------------------------------------------------------------


def test_rollout_csv_starts_the_enable_machine_over_that_object() -> None:
    event = sample_event("s3-rollout-uploaded")
    name = "csv-2026-03-wave-2-d0a6b7b4-0502-42db-b95d-b6715e4a9298"
    payload = {"accounts_csv": f"s3://{BUCKET}/rollouts/2026-03-wave-2.csv", "regions": "all", "source": "csv"}
    with stubbed("stepfunctions") as (sfn, sfn_s):
        sfn_s.add_response(
            "start_execution", STARTED, {"stateMachineArn": ENABLE_ARN, "name": name, "input": _json(payload)}
        )
        result = upload.start_for_upload(event, sfn=sfn, state_machine_arn=ENABLE_ARN, bucket=BUCKET)
    assert result is not None and result.status == "STARTED" and result.input == payload


def test_upload_duplicate_delivery_is_success() -> None:
    with stubbed("stepfunctions") as (sfn, sfn_s):
        sfn_s.add_client_error("start_execution", "ExecutionAlreadyExists")
        result = upload.start_for_upload(
            sample_event("s3-rollout-uploaded"), sfn=sfn, state_machine_arn=ENABLE_ARN, bucket=BUCKET
        )
    assert result is not None and result.status == "ALREADY_STARTED"


@pytest.mark.parametrize("name", ["s3-registry-edited", "s3-report-written", "s3-rollout-not-csv"])
def test_other_objects_start_nothing(name: str) -> None:
    with stubbed("stepfunctions") as (sfn, _):  # no response queued: any call would fail
        assert upload.start_for_upload(sample_event(name), sfn=sfn, state_machine_arn=ENABLE_ARN, bucket=BUCKET) is None


def test_an_upload_to_another_bucket_starts_nothing() -> None:
    with stubbed("stepfunctions") as (sfn, _):
        result = upload.start_for_upload(
            sample_event("s3-rollout-uploaded"), sfn=sfn, state_machine_arn=ENABLE_ARN, bucket="some-other-bucket"
        )
    assert result is None


# --- offboarding -------------------------------------------------------------------------------

OFFBOARDING = {
    "organizations-close-account": ("222233334444", "9b62d370-c16e-4e97-b518-723fa05d6e54"),
    "organizations-remove-account": ("222233335555", "ac73e481-d27f-4fa8-8629-834fb16e7f65"),
    "organizations-close-account-result": ("222233334444", "5e0c1a7b-3f2d-4c8e-9b6a-7d1e2f3a4b5c"),
    "organizations-account-departed": ("222233336666", "6f1d2b8c-4a3e-4d9f-8c7b-8e2f3a4b5c6d"),
}


@pytest.mark.parametrize("name", sorted(OFFBOARDING))
def test_departure_starts_the_disable_machine_for_that_account(name: str) -> None:
    account, event_id = OFFBOARDING[name]
    payload = {"accounts": [{"account_id": account}], "regions": "all", "source": "offboarding-event"}
    with stubbed("stepfunctions") as (sfn, sfn_s):
        sfn_s.add_response(
            "start_execution",
            STARTED,
            {"stateMachineArn": DISABLE_ARN, "name": f"offboarding-{account}-{event_id}", "input": _json(payload)},
        )
        result = offboarding.start_for_departed_account(sample_event(name), sfn=sfn, state_machine_arn=DISABLE_ARN)
    assert result.status == "STARTED"


def test_offboarding_duplicate_delivery_is_success() -> None:
    with stubbed("stepfunctions") as (sfn, sfn_s):
        sfn_s.add_client_error("start_execution", "ExecutionAlreadyExists")
        result = offboarding.start_for_departed_account(
            sample_event("organizations-close-account"), sfn=sfn, state_machine_arn=DISABLE_ARN
        )
    assert result.status == "ALREADY_STARTED"
    assert result.execution_arn.endswith(
        ":execution:dr-disable-detective:offboarding-222233334444-9b62d370-c16e-4e97-b518-723fa05d6e54"
    )


def test_a_failed_call_starts_nothing() -> None:
    with pytest.raises(TriggerError, match="did not leave"):
        offboarding.departed_account(sample_event("organizations-remove-account-failed"))


def test_a_failed_closure_result_starts_nothing() -> None:
    event = sample_event("organizations-close-account-result")
    event["detail"]["serviceEventDetails"]["closeAccountStatus"]["state"] = "FAILED"
    with pytest.raises(TriggerError, match="was not closed"):
        offboarding.departed_account(event)


def test_a_departure_event_without_an_account_id_is_refused_not_guessed() -> None:
    """The management account's own id (recipientAccountId) must never be taken for the departed account's."""
    event = sample_event("organizations-account-departed")
    event["detail"]["serviceEventDetails"] = {"departureMethod": "LEFT", "departureTime": "2026-03-05T09:30:00Z"}
    with pytest.raises(TriggerError, match="no valid 12-digit account id"):
        offboarding.departed_account(event)


def test_leave_organization_is_not_an_event_this_trigger_receives() -> None:
    with pytest.raises(TriggerError, match="not an offboarding event"):
        offboarding.departed_account(sample_event("organizations-leave-organization"))


def test_other_start_errors_propagate_for_eventbridge_to_retry() -> None:
    from botocore.exceptions import ClientError

    with stubbed("stepfunctions") as (sfn, sfn_s):
        sfn_s.add_client_error("start_execution", "ThrottlingException", http_status_code=400)
        with pytest.raises(ClientError):
            offboarding.start_for_departed_account(
                sample_event("organizations-close-account"), sfn=sfn, state_machine_arn=DISABLE_ARN
            )


class _FakeAws:
    def __init__(self, clients: dict[str, Any]) -> None:
        self.clients = clients

    def client(self, service: str, region: str | None = None) -> Any:
        return self.clients[service]


def test_handlers_refuse_to_run_without_their_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISABLE_STATE_MACHINE_ARN", raising=False)
    monkeypatch.setattr(offboarding, "default_aws", lambda: _FakeAws({}))
    with pytest.raises(TriggerError, match="DISABLE_STATE_MACHINE_ARN"):
        offboarding.lambda_handler(sample_event("organizations-close-account"), None)


def test_upload_handler_ignores_registry_edits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENABLE_STATE_MACHINE_ARN", ENABLE_ARN)
    monkeypatch.setenv("REPORT_BUCKET", BUCKET)
    with stubbed("stepfunctions") as (sfn, _):
        monkeypatch.setattr(upload, "default_aws", lambda: _FakeAws({"stepfunctions": sfn}))
        result = upload.lambda_handler(sample_event("s3-registry-edited"), None)
    assert result == {"status": "IGNORED", "bucket": BUCKET, "key": "registry/accounts.csv"}


def test_offboarding_handler_starts_the_disable_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISABLE_STATE_MACHINE_ARN", DISABLE_ARN)
    with stubbed("stepfunctions") as (sfn, sfn_s):
        sfn_s.add_response("start_execution", STARTED)
        monkeypatch.setattr(offboarding, "default_aws", lambda: _FakeAws({"stepfunctions": sfn}))
        result = offboarding.lambda_handler(sample_event("organizations-account-departed"), None)
    assert result["status"] == "STARTED" and result["input"]["accounts"] == [{"account_id": "222233336666"}]
