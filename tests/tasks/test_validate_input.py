"""State ValidateInput: the Plan it writes and the small output it returns, CSV input, the member limit, refusals
that are not one field's (every problem at once, the execution name, the CSV's size), nothing written on bad input.

S3 is moto's; STS, account:ListRegions and Detective are the emulated fleet's (``admin_aws``). The bad-input table
is tests/tasks/test_validate_input_bad_input.py, the Regions tests/tasks/test_validate_input_regions.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks import errors
from tasks import validate_input as module
from tests.helpers.tasks import ADMIN, INPUTS, REPORTS, SETTINGS, VALUE, acct, put_csv, stored_plan, validate, written

GOOD = [acct(1)]


def test_every_problem_is_reported_at_once(s3: Any, admin_aws: Any) -> None:
    with pytest.raises(errors.InvalidInput) as raised:
        validate(admin_aws()[0], {"accounts": [{"account_id": "1", "email": "x"}], "batch_size": 0, "colour": "red"})
    message = raised.value.message
    assert message.startswith("invalid input (4 problems):\n")
    for part in ("input: unknown field 'colour'", "accounts[0].account_id", "accounts[0].email", "batch_size"):
        assert part in message


def test_execution_name_unfit_for_an_s3_key_is_refused(s3: Any, admin_aws: Any) -> None:
    with pytest.raises(errors.InvalidInput, match="execution: expected a Step Functions execution name, got 'a/b'"):
        validate(admin_aws()[0], {"accounts": GOOD}, execution="a/b")
    assert written(s3) == []


def test_csv_bigger_than_5_mib_is_refused_from_its_size_alone(s3: Any, admin_aws: Any) -> None:
    uri = put_csv(s3, b"x" * (5 * 1024 * 1024 + 1))
    with pytest.raises(errors.InvalidInput, match="has 5242881 bytes; at most 5242880"):
        validate(admin_aws()[0], {"accounts_csv": uri})
    assert written(s3) == []


def members_of_a_graph_in(region: str, count: int, *also: dict[str, Any]) -> list[dict[str, Any]]:
    """``count`` scenario members ENABLED in ``region``'s graph, then ``also`` (ENABLED there too)."""
    existing = [{"account_id": f"{300000000000 + n:012d}", "email": f"x{n}@example.com"} for n in range(count)]
    return [{**m, "existing_membership": {region: "ENABLED"}} for m in [*existing, *also]]


def test_graph_over_1200_members_is_refused_naming_region_and_counts(s3: Any, admin_aws: Any) -> None:
    aws, fleet = admin_aws(members_of_a_graph_in("eu-west-1", 1199, acct(1)))
    with pytest.raises(errors.InvalidInput) as raised:
        validate(aws, {"accounts": [acct(1), acct(2)], "regions": ["us-east-1", "eu-west-1"]})
    assert "accounts in eu-west-1: 1200 existing members + 1 new accounts = 1201" in raised.value.message
    assert "us-east-1" not in raised.value.message
    assert written(s3) == [] and fleet.mutating_calls() == []


def test_accounts_already_members_do_not_count_twice(s3: Any, admin_aws: Any) -> None:
    aws, _ = admin_aws(members_of_a_graph_in("us-east-1", 1198, acct(1), acct(2)))
    output = validate(aws, {"accounts": [acct(1), acct(2)], "regions": ["us-east-1"]})
    assert output["pair_count"] == 2 and output["graph_regions"] == ["us-east-1"]


# --- happy paths ---------------------------------------------------------------------------------------


def test_list_input_writes_the_plan_and_returns_a_small_output(s3: Any, admin_aws: Any) -> None:
    event_input = {
        "accounts": [acct(1), acct(2)],
        "regions": ["us-west-2", "us-east-1"],
        "batch_size": 1,
        "retry_access_denied_minutes": 30,
        "tags": {"owner": "security"},
        "invitation_message": "hi",
    }
    output = validate(admin_aws()[0], event_input)
    assert output == {
        "workflow": "enable",
        "execution": "run-1",
        "admin_account_id": ADMIN,
        "request_key": "work/enable/run-1/request.json",
        "regions": ["us-east-1", "us-west-2"],
        "admin_disabled_regions": [],
        "batches": [0, 1],
        "batch_size": 1,
        "max_concurrency": 10,
        "dry_run": False,
        "guardduty_wait": "wait",
        "guardduty_min_age_hours": 48,
        "invitation_wait_seconds": 60,
        "retry_access_denied_minutes": 30,
        "tags": {"owner": "security"},
        "datasource_packages": [],
        "auto_enable_organization": None,
        "account_count": 2,
        "pair_count": 4,
        "graph_regions": [],
    }
    plan = stored_plan(s3, output)
    assert plan["accounts"][0] == {
        "account_id": "200000000001",
        "email": "member1@example.com",
        "regions": ["us-east-1", "us-west-2"],
    }
    assert plan["started_at"] == "2026-01-02T03:04:05Z"
    assert plan["options"]["access_denied_deadline"] == "2026-01-02T03:34:05Z"
    assert plan["options"]["invitation_message"] == "hi"
    assert plan["request"] == {"source": "console", "input": event_input, "version": "0.1.0", "replay_of": None}
    assert written(s3) == ["work/enable/run-1/request.json"]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
@pytest.mark.parametrize("header", [b"", b"account_id,email,regions\r\n"], ids=["no-header", "header"])
def test_csv_input_with_or_without_header_and_bom_and_per_account_regions(
    s3: Any, admin_aws: Any, header: bytes, bom: bytes
) -> None:
    rows = b'200000000001,member1@example.com\r\n\r\n"200000000002","m2@example.com",eu-west-1\r\n'
    output = validate(admin_aws()[0], {"accounts_csv": put_csv(s3, bom + header + rows), "regions": ["us-east-1"]})
    plan = stored_plan(s3, output)
    assert [(a["account_id"], a["regions"]) for a in plan["accounts"]] == [
        ("200000000001", ["us-east-1"]),
        ("200000000002", ["eu-west-1"]),
    ]
    assert output["regions"] == ["eu-west-1", "us-east-1"]
    assert plan["request"]["source"] == "csv"
    assert plan["options"]["access_denied_deadline"] is None


def test_dry_run_and_replay_are_recorded(s3: Any, admin_aws: Any) -> None:
    output = validate(
        admin_aws()[0],
        {"accounts": [acct(1)], "dry_run": True, "source": "replay", "replay_of": "run-0"},
        execution="run-2",
    )
    assert output["dry_run"] is True
    assert stored_plan(s3, output)["request"]["replay_of"] == "run-0"


def test_lambda_handler_builds_its_collaborators_and_logs_no_email(
    s3: Any, admin_aws: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("REPORT_BUCKET", REPORTS)
    admin_aws()  # default_aws() reaches the fleet
    output = module.lambda_handler({"input": {"accounts": [acct(1)]}, "execution": "run-3"}, None)
    assert output["request_key"] == "work/enable/run-3/request.json"
    with pytest.raises(errors.InvalidInput):
        module.lambda_handler(
            {"input": {"accounts": [{"account_id": "1", "email": "secret@example"}]}, "execution": "run-4"}, None
        )
    logs = " ".join(str(record.__dict__) for record in caplog.records)
    assert "'execution': 'run-4'" in logs and "s***@example" in logs
    assert "member1@" not in logs and "secret@" not in logs


# --- fuzzing the whole state: only InvalidInput escapes, and it never leaves a write behind -----------

FIELDS = sorted(module.enable_options(SETTINGS)) + ["accounts", "accounts_csv", "unknown"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=VALUE | st.dictionaries(st.sampled_from(FIELDS), VALUE, max_size=5), data=st.binary(max_size=200))
def test_validate_input_fails_only_with_invalid_input_and_writes_nothing(
    s3: Any, admin_aws: Any, raw: Any, data: bytes
) -> None:
    s3.put_object(Bucket=INPUTS, Key="a.csv", Body=data)
    before = written(s3)
    try:
        validate(admin_aws()[0], raw, execution="fuzz")
    except errors.InvalidInput:
        assert written(s3) == before
