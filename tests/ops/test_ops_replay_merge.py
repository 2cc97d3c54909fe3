"""What a replay runs and what it reports: the failed pairs in, the merged whole out (pure functions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from detective_rollout.ops.backend import LocalBackend
from detective_rollout.ops.replay_input import ReplayError, failed_pairs, original_emails, replay_input
from detective_rollout.ops.replay_run import build
from detective_rollout.ops.store import ExecutionRecord, StateDir
from tasks.replay import merge_regions, merge_rows
from tasks.report import Row
from tests.helpers.ops import EMAILS, FAULTY, REGIONS, sample_report


def test_failed_pairs_follow_the_report_and_reasons_narrow_them() -> None:
    report = sample_report()
    assert failed_pairs(report) == {FAULTY: REGIONS}
    assert failed_pairs(report, ["access_denied"]) == {FAULTY: REGIONS}
    assert failed_pairs(report, ["VOLUME_TOO_HIGH"]) == {}


def test_replay_input_keeps_the_options_and_the_original_emails() -> None:
    original = {
        "accounts": [{"account_id": a, "email": e} for a, e in EMAILS.items()],
        "regions": "all",
        "tags": {"owner": "sec"},
        "dry_run": False,
        "source": "cli",
        "guardduty_wait": "skip",
    }
    emails = original_emails(original, lambda uri: None)
    assert emails is not None
    built = replay_input("enable-1", original, {FAULTY: ["eu-west-1"]}, emails, email_required=True)
    assert built == {
        "accounts": [{"account_id": FAULTY, "email": EMAILS[FAULTY], "regions": ["eu-west-1"]}],
        "regions": ["eu-west-1"],
        "tags": {"owner": "sec"},
        "guardduty_wait": "skip",
        "source": "replay",
        "replay_of": "enable-1",
    }


def test_emails_come_from_the_csv_the_original_named() -> None:
    original = {"accounts_csv": "s3://bucket/rollouts/wave1.csv"}
    csv = {"s3://bucket/rollouts/wave1.csv": b"account_id,email\n333333333333,b@example.com\n"}
    assert original_emails(original, csv.get) == {FAULTY: "b@example.com"}
    assert original_emails({"accounts_csv": "s3://bucket/gone.csv"}, csv.get) is None
    with pytest.raises(ReplayError, match="--accounts"):
        replay_input("enable-1", original, {FAULTY: ["us-east-1"]}, {}, email_required=True)
    assert replay_input("disable-1", original, {FAULTY: ["us-east-1"]}, {}, email_required=False)["accounts"] == [
        {"account_id": FAULTY, "regions": ["us-east-1"]}
    ]


def test_merge_keeps_the_original_order_and_marks_carried_rows_unchanged() -> None:
    original = sample_report()["results"]
    replayed = [Row(FAULTY, r, "ENABLED", "ENABLED", None, None, True) for r in reversed(REGIONS)]
    merged = merge_rows(original, replayed)
    assert [(r.account_id, r.region) for r in merged] == [(r["account_id"], r["region"]) for r in original]
    assert {r.status for r in merged} == {"ENABLED"}
    assert [r.changed for r in merged] == [r.account_id == FAULTY for r in merged]
    extra = Row("555555555555", "us-east-1", "ENABLED", "ENABLED", None, None, True)
    assert merge_rows(original, [extra])[-1] == extra  # a pair the original did not have comes last


def test_merge_regions_takes_the_replayed_regions_rows() -> None:
    original = [{"region": "us-east-1", "status": "READY"}, {"region": "eu-west-1", "status": "FAILED"}]
    merged = merge_regions(original, [{"region": "eu-west-1", "status": "READY"}])
    assert merged == [{"region": "us-east-1", "status": "READY"}, {"region": "eu-west-1", "status": "READY"}]


def test_corrected_emails_replace_the_original_ones(tmp_path: Path) -> None:
    """VERIFICATION_FAILED is fixed with the account's root email: ``replay --accounts`` gives it."""
    report = sample_report()
    for row in report["results"]:
        if row["account_id"] == FAULTY:
            row["reason"] = "VERIFICATION_FAILED"
    StateDir(tmp_path).save(
        ExecutionRecord(report["execution"], "enable", "FAILED", "2026-01-01T00:00:00Z", seq=1, report=report)
    )
    backend = LocalBackend(str(tmp_path))
    view = backend.execution("latest")
    built = build(backend, view, report, ("VERIFICATION_FAILED",), b"333333333333,root-b@example.com\n")
    assert built is not None and built["accounts"] == [
        {"account_id": FAULTY, "email": "root-b@example.com", "regions": REGIONS}
    ]
    assert build(backend, view, report, ("THROTTLED",), None) is None
