"""tasks.triggers.upload: a rollout CSV uploaded to the bucket starts the enable machine over that object."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tasks.triggers import upload
from tests.helpers.triggers import BUCKET, ENABLE_ARN, StubbedAws, sample_event, stubbed

STARTED = {"executionArn": "arn:aws:states:eu-west-1:111111111111:execution:x:y", "startDate": "2026-03-05T09:30:01Z"}


def _json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


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


def test_upload_handler_ignores_registry_edits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENABLE_STATE_MACHINE_ARN", ENABLE_ARN)
    monkeypatch.setenv("REPORT_BUCKET", BUCKET)
    with stubbed("stepfunctions") as (sfn, _):
        monkeypatch.setattr(upload, "default_aws", lambda: StubbedAws({"stepfunctions": sfn}))
        result = upload.lambda_handler(sample_event("s3-registry-edited"), None)
    assert result == {"status": "IGNORED", "bucket": BUCKET, "key": "registry/accounts.csv"}
