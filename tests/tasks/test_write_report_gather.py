"""WriteReport reads the verification where VerifyMembers left it: verify.json, or one file per Region before it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tasks.plan import Account, Plan
from tasks.verify_members import VERIFIED
from tasks.workstore import WorkStore
from tasks.write_report import gather

REGIONS = ("us-east-1", "eu-west-1")
PLAN = Plan(workflow="enable", execution="run-1", admin_account_id="111111111111", regions=REGIONS,
            accounts=(Account("222222222222", "m@example.com", REGIONS),), batch_size=10, max_concurrency=10,
            dry_run=False, started_at="2026-01-01T00:00:00Z")  # fmt: skip


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[WorkStore]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="reports-bucket")
        yield WorkStore(s3, "reports-bucket", "enable", "run-1")


def record(region: str, status: str) -> dict[str, Any]:
    return {"region": region, "attempt": 1, "members": {"222222222222": {"status": status}}}


def test_every_region_is_read_from_the_one_verification_document(store: WorkStore) -> None:
    store.put(VERIFIED, {"attempt": 2, "regions": {r: record(r, "ENABLED") for r in REGIONS}})
    store.put("verify/us-east-1.json", record("us-east-1", "INVITED"))  # a stray file of another version: ignored
    evidence = gather(store, PLAN, {"regions": [], "batches": [], "verification": []})
    assert {r: v["members"]["222222222222"]["status"] for r, v in evidence.verified.items()} == {
        "us-east-1": "ENABLED", "eu-west-1": "ENABLED"}


def test_an_execution_verified_one_file_per_region_is_still_reported(store: WorkStore) -> None:
    store.put("verify/eu-west-1.json", record("eu-west-1", "ACCEPTED_BUT_DISABLED"))
    evidence = gather(store, PLAN, {"regions": [], "batches": [], "verification": []})
    assert list(evidence.verified) == ["eu-west-1"]
    assert evidence.verified["eu-west-1"]["members"]["222222222222"]["status"] == "ACCEPTED_BUT_DISABLED"
