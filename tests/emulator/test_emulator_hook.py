"""The in-process front end: botocore's before-send hook, with and without moto's mock_aws."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.handlers import BUILTIN_HANDLERS
from fleet_helpers import ADMIN, admin, scenario_dict
from moto import mock_aws

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, hook, load_scenario


def test_the_hook_runs_before_motos_stubber() -> None:
    handlers = [h for event, h, *_ in BUILTIN_HANDLERS if event == "before-send"]
    assert handlers[0] is hook.before_send


def test_fleet_services_and_moto_services_work_side_by_side_under_mock_aws(clock: InstantClock) -> None:
    fleet = Fleet(load_scenario(scenario_dict()), clock)
    with mock_aws(), fleet.intercept():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="rollout-input")
        s3.put_object(Bucket="rollout-input", Key="accounts.csv", Body=b"222222222222,a@example.com\n")
        arn = admin("detective").create_graph()["GraphArn"]
        assert admin("sts").get_caller_identity()["Account"] == ADMIN  # the fleet's STS, not moto's
        assert admin("account").list_regions(MaxResults=50)["Regions"]  # moto's account backend never sees it
        assert s3.get_object(Bucket="rollout-input", Key="accounts.csv")["Body"].read().startswith(b"2222")
    assert fleet.graph_arn("us-east-1") == arn
    assert {c.service for c in fleet.calls} == {"detective", "sts", "account"}


def test_the_hook_answers_nothing_without_an_active_fleet_or_for_other_services(clock: InstantClock) -> None:
    request = AWSPreparedRequest("POST", "https://api.detective.us-east-1.amazonaws.com/graph", {}, b"{}", False)
    assert hook.before_send(request, event_name="before-send.detective.CreateGraph") is None
    fleet = Fleet(load_scenario(scenario_dict()), clock)
    with fleet.intercept():
        assert hook.before_send(request, event_name="before-send.s3.ListBuckets") is None
    assert fleet.calls == []


def test_intercept_provides_credentials_when_the_environment_has_none(
    monkeypatch: pytest.MonkeyPatch, clock: InstantClock
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    fleet = Fleet(load_scenario(scenario_dict()), clock)
    with fleet.intercept():
        assert admin("sts").get_caller_identity()["Account"] == ADMIN
    import os

    assert "AWS_ACCESS_KEY_ID" not in os.environ


def test_every_answer_carries_its_own_uuid_request_id(clock: InstantClock) -> None:
    fleet = Fleet(load_scenario(scenario_dict()), clock)
    with fleet.intercept():
        sts = admin("sts")
        ids = [sts.get_caller_identity()["ResponseMetadata"]["RequestId"] for _ in range(50)]
    assert len(set(ids)) == 50
    assert all(str(uuid.UUID(i)) == i and uuid.UUID(i).version == 4 for i in ids)
