"""Shared helpers of the emulator tests: the base scenario and boto3 clients as admin or member."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.config import Config

ADMIN = "111111111111"
START = datetime(2025, 1, 1, tzinfo=UTC)
#: No retries: a test sees each injected fault as the API answered it.
NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1})

BASE: dict[str, Any] = {
    "administrator": {
        "account_id": ADMIN,
        "guardduty_age_hours": {"us-east-1": 72, "eu-west-1": 10, "ap-east-1": 80},
        "guardduty_disabled_regions": [],
        "existing_graph_regions": [],
        "opted_out_regions": [],
    },
    "regions": ["us-east-1", "eu-west-1", "ap-east-1"],
    "member_role": "DetectiveMemberRole",
    "members": [
        {"account_id": "222222222222", "email": "a@example.com"},
        {"account_id": "333333333333", "email": "b@example.com", "faults": ["no_role"]},
        {"account_id": "444444444444", "email": "c@example.com", "faults": ["volume_too_high"]},
        {"account_id": "555555555555", "email": "d@example.com", "faults": ["verification_fails"]},
        {
            "account_id": "666666666666",
            "email": "e@example.com",
            "faults": [{"type": "slow_invitation", "duration_s": 120}],
        },
        {"account_id": "777777777777", "email": "f@example.com", "opted_out_regions": ["ap-east-1"]},
        {"account_id": "888888888888", "email": "g@example.com", "guardduty": {"eu-west-1": False}},
    ],
    "seed": 1,
}


def scenario_dict(**changes: Any) -> dict[str, Any]:
    """A deep copy of BASE with top-level keys replaced."""
    out = copy.deepcopy(BASE)
    out.update(copy.deepcopy(changes))
    return out


def admin(service: str, region: str = "us-east-1", config: Config = NO_RETRY) -> Any:
    return boto3.client(service, region_name=region, config=config)


def as_member(account_id: str, service: str, region: str = "us-east-1", config: Config = NO_RETRY) -> Any:
    """A client acting as ``account_id`` through AssumeRole into the scenario's member role."""
    creds = admin("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/DetectiveMemberRole", RoleSessionName="test"
    )["Credentials"]
    # Explicit keys on the default session: as fast as admin clients (no new model loading).
    return boto3.client(
        service,
        region_name=region,
        config=config,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def invite(detective: Any, graph_arn: str, *accounts: tuple[str, str]) -> dict[str, Any]:
    return dict(
        detective.create_members(
            GraphArn=graph_arn, Accounts=[{"AccountId": a, "EmailAddress": e} for a, e in accounts]
        )
    )


def error_of(exc_info: pytest.ExceptionInfo[Any]) -> tuple[str, int]:
    """(error code, HTTP status) of a botocore ClientError."""
    response = exc_info.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]
