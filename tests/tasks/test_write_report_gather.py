"""WriteReport reads invitations and verification where their states left them: one document, or a file per Region."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tasks.plan import Account, Plan
from tasks.targets import INVITED
from tasks.verify_members import VERIFIED
from tasks.workstore import WorkStore
from tasks.write_report import gather

REGIONS = ("us-east-1", "eu-west-1")
PLAN = Plan(
    workflow="enable",
    execution="run-1",
    admin_account_id="111111111111",
    regions=REGIONS,
    accounts=(Account("222222222222", "m@example.com", REGIONS),),
    batch_size=10,
    max_concurrency=10,
    dry_run=False,
    started_at="2026-01-01T00:00:00Z",
)


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[WorkStore]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="reports-bucket")
        yield WorkStore(s3, "reports-bucket", "enable", "run-1")


def record(region: str, status: str) -> dict[str, Any]:
    return {"region": region, "attempt": 1, "members": {"222222222222": {"status": status}}}


def statuses(found: dict[str, Any]) -> dict[str, str]:
    return {region: doc["members"]["222222222222"]["status"] for region, doc in found.items()}


def test_every_region_is_read_from_the_one_invitation_and_the_one_verification_document(store: WorkStore) -> None:
    store.put(INVITED, {"regions": {r: record(r, "INVITED") for r in REGIONS}})
    store.put(VERIFIED, {"attempt": 2, "regions": {r: record(r, "ENABLED") for r in REGIONS}})
    store.put("verify/us-east-1.json", record("us-east-1", "INVITED"))  # a stray file of another version: ignored
    evidence = gather(store, PLAN, {"regions": [], "batches": [], "verification": []})
    assert statuses(evidence.invites) == {"us-east-1": "INVITED", "eu-west-1": "INVITED"}
    assert statuses(evidence.verified) == {"us-east-1": "ENABLED", "eu-west-1": "ENABLED"}


def test_an_execution_that_wrote_one_file_per_region_is_still_reported(store: WorkStore) -> None:
    store.put("invite/eu-west-1.json", record("eu-west-1", "INVITED"))
    store.put("verify/eu-west-1.json", record("eu-west-1", "ACCEPTED_BUT_DISABLED"))
    evidence = gather(store, PLAN, {"regions": [], "batches": [], "verification": []})
    assert statuses(evidence.invites) == {"eu-west-1": "INVITED"}
    assert statuses(evidence.verified) == {"eu-west-1": "ACCEPTED_BUT_DISABLED"}
