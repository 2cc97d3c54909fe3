"""The trigger tests: botocore Stubber clients (real clients, real parameter validation, no network), sample events."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.response import StreamingBody
from botocore.stub import Stubber

REGION = "eu-west-1"
ENABLE_ARN = "arn:aws:states:eu-west-1:111111111111:stateMachine:dr-enable-detective"
DISABLE_ARN = "arn:aws:states:eu-west-1:111111111111:stateMachine:dr-disable-detective"
TOPIC_ARN = "arn:aws:sns:eu-west-1:111111111111:dr-results"
BUCKET = "detective-rollout-reportbucket-1a2b3c4d5e6f"
#: Realistic events (shapes from the AWS service documentation); the infra tests match them against the rules.
EVENTS = Path(__file__).resolve().parent.parent / "infra" / "events"


def client(service: str) -> Any:
    return boto3.client(service, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")


@contextmanager
def stubbed(*services: str) -> Iterator[tuple[Any, ...]]:
    """(client, stubber) pairs; every queued response must be consumed by the end of the block."""
    pairs = []
    for service in services:
        c = client(service)
        pairs.append((c, Stubber(c)))
    for _, stubber in pairs:
        stubber.activate()
    yield tuple(x for pair in pairs for x in pair)
    for _, stubber in pairs:
        stubber.assert_no_pending_responses()
        stubber.deactivate()


def body(text: str) -> StreamingBody:
    data = text.encode()
    return StreamingBody(io.BytesIO(data), len(data))


def sample_event(name: str) -> dict[str, Any]:
    """A realistic event from tests/infra/events (shapes from the AWS service documentation)."""
    data = json.loads((EVENTS / f"{name}.json").read_text())
    assert isinstance(data, dict)
    return data


class StubbedAws:
    """What a trigger's handler takes from ``default_aws()``: its clients, here the stubbed ones by service."""

    def __init__(self, clients: dict[str, Any]) -> None:
        self.clients = clients

    def client(self, service: str, region: str | None = None) -> Any:
        return self.clients[service]
