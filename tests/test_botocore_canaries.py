"""Canaries for the botocore internals the deployed task code reaches into (botocore is pinned exactly).

* tasks/aws.py sets the session's ``response_parser_factory`` timestamp parser (``fast_timestamp``).
* tasks/member_clients.py hands each request its role's keys in ``request.context["signing"]["request_credentials"]``,
  which botocore's RequestSigner signs with instead of the client's own.

When an upgrade moves either, these fail first and name it, instead of timestamps silently parsed the slow way or,
worse, member calls signed with the shared client's own keys. Each is also checked end to end over the emulated fleet.
"""

from __future__ import annotations

import importlib.metadata
import inspect
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import boto3
import botocore.signers
import pytest

import tasks.aws
from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from tasks.member_clients import MissingMemberCredentials, member_client

ADMIN, MEMBER = "111111111111", "222222222222"
REGION = "us-east-1"


@pytest.fixture
def fleet(monkeypatch: pytest.MonkeyPatch) -> Iterator[Fleet]:
    """An emulated fleet (one member, graph in us-east-1 with it invited) and fresh task-side sessions."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAADMIN")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    spec = {
        "administrator": {"account_id": ADMIN},
        "regions": [REGION],
        "member_role": "DetectiveMemberRole",
        "members": [{"account_id": MEMBER, "email": "m@example.com", "existing_membership": {REGION: "INVITED"}}],
    }
    tasks.aws.reset()
    with Fleet(load_scenario(spec), InstantClock()).intercept() as running:
        yield running
    tasks.aws.reset()


def test_botocore_is_the_pinned_version() -> None:
    assert importlib.metadata.version("botocore") == "1.44.5", "tasks/aws.py and tasks/member_clients.py rely on it"


def test_the_response_parser_factory_passes_a_timestamp_parser_to_each_parser() -> None:
    def marker(value: Any) -> datetime:
        raise AssertionError(value)

    factory = boto3.Session()._session.get_component("response_parser_factory")
    factory.set_parser_defaults(timestamp_parser=marker)
    parser = factory.create_parser("rest-json")
    assert parser._timestamp_parser is marker, "ResponseParserFactory no longer hands timestamp_parser to parsers"


def test_task_clients_parse_answer_timestamps_with_fast_timestamp(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []

    def spy(value: Any) -> datetime:
        seen.append(value)
        return tasks.aws.parse_timestamp(value)  # type: ignore[no-any-return]

    monkeypatch.setattr(tasks.aws, "fast_timestamp", spy)
    detective = tasks.aws.Aws().client("detective", REGION)
    graph = fleet.graph_arn(REGION)
    members = detective.get_members(GraphArn=graph, AccountIds=[MEMBER])["MemberDetails"]
    assert isinstance(members[0]["InvitedTime"], datetime)
    assert seen, "the session's response parser did not use tasks.aws.fast_timestamp"


def test_the_request_signer_signs_with_per_request_credentials() -> None:
    source = inspect.getsource(botocore.signers.RequestSigner)
    assert "signing_context.get('request_credentials')" in source, "RequestSigner no longer reads request_credentials"
    assert "request_credentials or self._credentials" in source, "RequestSigner no longer prefers request_credentials"


def test_a_member_call_on_the_shared_client_acts_as_the_member_role(fleet: Fleet) -> None:
    member = tasks.aws.Aws().assume_role(f"arn:aws:iam::{MEMBER}:role/DetectiveMemberRole", "canary")
    assert member.client("sts", REGION).get_caller_identity()["Account"] == MEMBER
    invitations = member.client("detective", REGION).list_invitations()["Invitations"]
    assert [i["AccountId"] for i in invitations] == [MEMBER]


def test_a_shared_member_client_never_signs_outside_a_member_client(fleet: Fleet) -> None:
    keys = {"aws_access_key_id": "AKIAOTHER", "aws_secret_access_key": "x"}
    shared = member_client(keys, lambda: boto3.client("sts", region_name=REGION), "sts", "canary-region")._client
    with pytest.raises(MissingMemberCredentials):
        shared.get_caller_identity()
