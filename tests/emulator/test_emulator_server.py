"""The HTTP front end (`emulator serve`): unmodified clients pointed at it with an endpoint URL."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from fleet_helpers import NO_RETRY, error_of, scenario_dict

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet

KEYS = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "secret"}
ROOT = Path(__file__).resolve().parents[2]


def _client(url: str, service: str, region: str = "us-east-1", **keys: Any) -> Any:
    return boto3.Session().client(service, region_name=region, endpoint_url=url, config=NO_RETRY, **(keys or KEYS))


def test_the_aws_cli_session_of_the_docs_works_over_http(served: tuple[Fleet, str], clock: InstantClock) -> None:
    fleet, url = served
    detective = _client(url, "detective")
    arn = detective.create_graph()["GraphArn"]
    created = detective.create_members(
        GraphArn=arn, Accounts=[{"AccountId": "222222222222", "EmailAddress": "a@example.com"}]
    )
    assert created["Members"][0]["Status"] == "VERIFICATION_IN_PROGRESS"
    clock.advance(5)
    creds = _client(url, "sts").assume_role(
        RoleArn="arn:aws:iam::222222222222:role/DetectiveMemberRole", RoleSessionName="cli"
    )["Credentials"]
    member = _client(
        url,
        "detective",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    assert [(i["GraphArn"], i["Status"]) for i in member.list_invitations()["Invitations"]] == [(arn, "INVITED")]
    member.accept_invitation(GraphArn=arn)
    assert detective.get_members(GraphArn=arn, AccountIds=["222222222222"])["MemberDetails"][0]["Status"] == "ENABLED"
    assert fleet.member("us-east-1", "222222222222").status == "ENABLED"  # type: ignore[union-attr]


def test_errors_reach_botocore_with_codes_and_statuses_over_http(served: tuple[Fleet, str]) -> None:
    _, url = served
    detective = _client(url, "detective")
    arn = detective.create_graph()["GraphArn"]
    with pytest.raises(ClientError) as exc:
        detective.get_members(GraphArn=arn, AccountIds=[f"{n:012d}" for n in range(51)])
    assert error_of(exc) == ("ValidationException", 400)
    with pytest.raises(ClientError) as exc:
        _client(url, "sts").assume_role(
            RoleArn="arn:aws:iam::333333333333:role/DetectiveMemberRole", RoleSessionName="cli"
        )
    assert error_of(exc) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as exc:
        _client(url, "organizations").describe_account(AccountId="222222222222")
    assert error_of(exc)[0] == "AccessDeniedException"


def _raw(
    url: str, path: str, service: str, body: bytes, headers: dict[str, str] | None = None, region: str = "us-east-1"
) -> tuple[int, dict[str, str], bytes]:
    auth = f"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/{region}/{service}/aws4_request, Signature=x"
    request = urllib.request.Request(
        url + path, data=body, method="POST", headers={"Authorization": auth, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_wire_envelopes_are_each_protocols_own(served: tuple[Fleet, str]) -> None:
    _, url = served
    status, headers, body = _raw(url, "/graph/members/list", "detective", b'{"GraphArn": "nope"}')
    assert (status, headers["x-amzn-ErrorType"]) == (400, "ValidationException") and "message" in json.loads(body)
    status, _, body = _raw(url, "/", "sts", b"Action=AssumeRole&Version=2011-06-15&RoleArn=bad&RoleSessionName=x1")
    assert status == 400 and b"<ErrorResponse" in body and b"<Code>ValidationError</Code>" in body
    status, _, body = _raw(
        url,
        "/",
        "organizations",
        b'{"AccountId": "222222222222"}',
        {"X-Amz-Target": "AWSOrganizationsV20161128.DescribeAccount"},
    )
    assert json.loads(body)["__type"] == "AccessDeniedException"
    status, headers, _ = _raw(url, "/graphs/list", "detective", b"{}", region="ap-northeast-3")
    assert (status, headers["x-amzn-ErrorType"]) == (404, "UnknownEndpoint")  # no Detective in that Region
    status, _, _ = _raw(url, "/", "s3", b"")
    assert status == 400  # not an emulated service


def test_python_m_emulator_serve_prints_its_url_and_serves(tmp_path: Path) -> None:
    scenario = tmp_path / "fleet.json"
    scenario.write_text(json.dumps(scenario_dict()))
    process = subprocess.Popen(
        [sys.executable, "-m", "detective_rollout.emulator", "serve", "--scenario", str(scenario), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = line.split(" listening on ")[1].split()[0]
        assert _client(url, "sts").get_caller_identity()["Account"] == "111111111111"
    finally:
        process.terminate()
        process.wait(10)


def test_a_malformed_scenario_makes_serve_exit_with_the_field_named(tmp_path: Path) -> None:
    scenario = tmp_path / "fleet.json"
    scenario.write_text(json.dumps(scenario_dict(seed="one")))
    done = subprocess.run(
        [sys.executable, "-m", "detective_rollout.emulator", "serve", "--scenario", str(scenario)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 2 and "seed: expected a number, got 'one'" in done.stderr
