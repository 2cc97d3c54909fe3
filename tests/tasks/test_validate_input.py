"""State ValidateInput: the bad-input table, happy paths, Regions, the member limit, nothing written on bad input.

S3 is moto's; STS, account:ListRegions and Detective are the emulated fleet's (``admin_aws``), so each test
states the administrator's fleet it assumes. What the fleet's administrator cannot play (ListRegions denied,
throttled or paged) is a botocore Stubber on a real account client.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks import errors
from tasks import validate_input as module
from tasks.aws import Aws
from tasks.regions import DETECTIVE_REGIONS, OPT_IN_REGIONS
from tasks.validate_input import listed_regions, validate_input
from tests.helpers.tasks import ADMIN, INPUTS, NOW, REPORTS, SETTINGS, VALUE, acct, put_csv, written


def run(aws: Aws, event_input: Any, execution: str = "run-1") -> dict[str, Any]:
    return validate_input(aws, SETTINGS, event_input, execution, NOW)


# --- bad input: every row names the field and the value, masks emails, writes nothing -----------------

GOOD = [acct(1)]
BAD_INPUT: list[tuple[str, Any, bytes | None, str]] = [
    (
        "id too short",
        {"accounts": [{"account_id": "12345", "email": "a@example.com"}]},
        None,
        "accounts[0].account_id: expected a string of 12 digits, got '12345'",
    ),
    (
        "id lost a leading zero",
        {"accounts": [{"account_id": "22222222222", "email": "a@example.com"}]},
        None,
        "accounts[0].account_id: expected 12 digits, got '22222222222' (11 digits: a leading zero lost",
    ),
    (
        "id with letters",
        {"accounts": [{"account_id": "22222222222x", "email": "a@example.com"}]},
        None,
        "accounts[0].account_id: expected a string of 12 digits, got '22222222222x'",
    ),
    (
        "id as a JSON number",
        {"accounts": [{"account_id": 222222222222, "email": "a@example.com"}]},
        None,
        "accounts[0].account_id: must be a string of 12 digits, got the number 222222222222",
    ),
    (
        "email implausible",
        {"accounts": [{"account_id": "222222222222", "email": "alice@nowhere"}]},
        None,
        "accounts[0].email: not a plausible email address: 'a***@nowhere'",
    ),
    ("email missing", {"accounts": [{"account_id": "222222222222"}]}, None, "accounts[0].email: missing"),
    (
        "email of the wrong type",
        {"accounts": [{"account_id": "222222222222", "email": ["alice@example.com"]}]},
        None,
        'accounts[0].email: expected an email address, got ["a***@example.com"]',
    ),
    (
        "unknown Region",
        {"accounts": GOOD, "regions": ["us-east-1", "mars-north-1"]},
        None,
        "regions[1]: not a known AWS Region: 'mars-north-1'",
    ),
    (
        "Region without Detective",
        {"accounts": [acct(1, regions=["ap-south-2"])]},
        None,
        "accounts[0].regions[0]: Amazon Detective is not offered in this Region (aws partition): 'ap-south-2'",
    ),
    (
        "same id two emails",
        {"accounts": [acct(1), {**acct(1), "email": "other@example.com"}]},
        None,
        "accounts[1].email: account '200000000001' is listed again with another email 'o***@example.com'",
    ),
    (
        "administrator in the list",
        {"accounts": [{"account_id": ADMIN, "email": "admin@example.com"}]},
        None,
        f"accounts[0].account_id: '{ADMIN}' is the administrator account",
    ),
    ("empty list", {"accounts": []}, None, "accounts: at least one account is required"),
    (
        "both account sources",
        {"accounts": GOOD, "accounts_csv": "s3://inputs/a.csv"},
        None,
        "accounts, accounts_csv: give one of them, not both",
    ),
    ("neither account source", {"regions": "all"}, None, "accounts, accounts_csv: one of them is required"),
    ("huge list", {"accounts": [acct(1)] * 5001}, None, "accounts: at most 5000 accounts per execution, got 5001"),
    ("unknown top-level field", {"accounts": GOOD, "region": "us-east-1"}, None, "input: unknown field 'region'"),
    ("input not an object", ["accounts"], None, 'input: expected a JSON object, got ["accounts"]'),
    ("accounts not a list", {"accounts": {"account_id": "222222222222"}}, None, "accounts: expected a list"),
    ("account not an object", {"accounts": ["222222222222"]}, None, "accounts[0]: expected an object"),
    (
        "accounts_csv not an S3 URI",
        {"accounts_csv": "accounts.csv"},
        None,
        "accounts_csv: expected s3://bucket/key, got 'accounts.csv'",
    ),
    (
        "accounts_csv missing in S3",
        {"accounts_csv": "s3://inputs/missing.csv"},
        None,
        "accounts_csv: 's3://inputs/missing.csv' does not exist or cannot be read",
    ),
    (
        "accounts_csv in a missing bucket",
        {"accounts_csv": "s3://no-such-bucket/a.csv"},
        None,
        "accounts_csv: 's3://no-such-bucket/a.csv' does not exist or cannot be read",
    ),
    ("CSV extra column", {}, b"222222222222,a@example.com,us-east-1,x\n", "accounts_csv row 1: 4 columns"),
    ("CSV non-UTF-8", {}, "222222222222,jos\u00e9@example.com\n".encode("latin-1"), "accounts_csv: not UTF-8 text"),
    (
        "CSV bad email after BOM and header",
        {},
        "\ufeffaccount_id,email\n\n222222222222,bob@\n".encode(),
        "accounts_csv row 3 email: not a plausible email address: 'b***@'",
    ),
    (
        "CSV duplicate with another email",
        {},
        b"222222222222,a@example.com\n222222222222,b@example.com\n",
        "accounts_csv row 2 email: account '222222222222' is listed again with another email 'b***@example.com'",
    ),
    ("CSV only a header", {}, b"account_id,email\n", "accounts_csv: no account rows"),
    (
        "regions wrong type",
        {"accounts": GOOD, "regions": "us-east-1"},
        None,
        "regions: expected \"all\" or a non-empty list of Regions, got 'us-east-1'",
    ),
    ("regions empty", {"accounts": GOOD, "regions": []}, None, 'regions: expected "all" or a non-empty list'),
    (
        "guardduty_min_age_hours negative",
        {"accounts": GOOD, "guardduty_min_age_hours": -1},
        None,
        "guardduty_min_age_hours: expected a number of hours from 0 to 720, got -1",
    ),
    (
        "guardduty_min_age_hours above 720 (a run ending in the year 3167)",
        {"accounts": GOOD, "guardduty_min_age_hours": 1e7},
        None,
        "guardduty_min_age_hours: expected a number of hours from 0 to 720, got 10000000.0",
    ),
    (
        "guardduty_min_age_hours 1e300 (every row FAILED / OverflowError)",
        {"accounts": GOOD, "guardduty_min_age_hours": 1e300},
        None,
        "guardduty_min_age_hours: expected a number of hours from 0 to 720, got 1e+300",
    ),
    (
        "guardduty_min_age_hours string",
        {"accounts": GOOD, "guardduty_min_age_hours": "48"},
        None,
        "guardduty_min_age_hours: expected a number of hours from 0 to 720, got '48'",
    ),
    (
        "guardduty_wait unknown",
        {"accounts": GOOD, "guardduty_wait": "sometimes"},
        None,
        "guardduty_wait: expected one of wait, skip, got 'sometimes'",
    ),
    (
        "retry_access_denied_minutes too big",
        {"accounts": GOOD, "retry_access_denied_minutes": 1441},
        None,
        "retry_access_denied_minutes: expected an integer from 0 to 1440, got 1441",
    ),
    (
        "retry_access_denied_minutes float",
        {"accounts": GOOD, "retry_access_denied_minutes": 1.5},
        None,
        "retry_access_denied_minutes: expected an integer from 0 to 1440, got 1.5",
    ),
    (
        "invitation_message empty",
        {"accounts": GOOD, "invitation_message": ""},
        None,
        "invitation_message: expected a string of 1 to 1000 characters, got 0 characters",
    ),
    (
        "invitation_message too long",
        {"accounts": GOOD, "invitation_message": "x" * 1001},
        None,
        "invitation_message: expected a string of 1 to 1000 characters, got 1001 characters",
    ),
    (
        "disable_email_notification string",
        {"accounts": GOOD, "disable_email_notification": "yes"},
        None,
        "disable_email_notification: expected true or false, got 'yes'",
    ),
    ("tags not an object", {"accounts": GOOD, "tags": ["owner"]}, None, "tags: expected an object"),
    ("tag key aws:", {"accounts": GOOD, "tags": {"aws:owner": "x"}}, None, "tags.'aws:owner': tag keys are"),
    (
        "tag value too long",
        {"accounts": GOOD, "tags": {"owner": "x" * 257}},
        None,
        "tags.'owner': expected a string of at most 256 characters",
    ),
    (
        "too many tags",
        {"accounts": GOOD, "tags": {f"k{n}": "v" for n in range(50)}},
        None,
        "tags: at most 49 tags (the tool adds ['managed-by']), got 50",
    ),
    ("batch_size zero", {"accounts": GOOD, "batch_size": 0}, None, "batch_size: expected an integer from 1 to 50"),
    (
        "batch_size boolean",
        {"accounts": GOOD, "batch_size": True},
        None,
        "batch_size: expected an integer from 1 to 50, got true",
    ),
    (
        "max_concurrency 41",
        {"accounts": GOOD, "max_concurrency": 41},
        None,
        "max_concurrency: expected an integer from 1 to 40, got 41",
    ),
    (
        "invitation_wait_seconds too long",
        {"accounts": GOOD, "invitation_wait_seconds": 3601},
        None,
        "invitation_wait_seconds: expected an integer from 0 to 3600, got 3601",
    ),
    ("dry_run string", {"accounts": GOOD, "dry_run": "false"}, None, "dry_run: expected true or false, got 'false'"),
    ("source unknown", {"accounts": GOOD, "source": "email"}, None, "source: expected one of console, csv"),
    (
        "replay_of number",
        {"accounts": GOOD, "replay_of": 7},
        None,
        "replay_of: expected a string of 1 to 256 characters, got 7",
    ),
]


@pytest.mark.parametrize(
    ("event_input", "csv", "fragment"), [row[1:] for row in BAD_INPUT], ids=[row[0] for row in BAD_INPUT]
)
def test_bad_input_is_refused_naming_field_and_value_before_any_write(
    s3: Any, admin_aws: Any, event_input: Any, csv: bytes | None, fragment: str
) -> None:
    if csv is not None:
        event_input = {**event_input, "accounts_csv": put_csv(s3, csv)}
    with pytest.raises(errors.InvalidInput) as raised:
        run(admin_aws()[0], event_input)
    assert fragment in raised.value.message
    for email in ("a@example.com", "alice@", "other@", "admin@", "member1@", "bob@", "b@example.com", "jos"):
        assert email not in raised.value.message
    assert written(s3) == []


def test_every_problem_is_reported_at_once(s3: Any, admin_aws: Any) -> None:
    with pytest.raises(errors.InvalidInput) as raised:
        run(admin_aws()[0], {"accounts": [{"account_id": "1", "email": "x"}], "batch_size": 0, "colour": "red"})
    message = raised.value.message
    assert message.startswith("invalid input (4 problems):\n")
    for part in ("input: unknown field 'colour'", "accounts[0].account_id", "accounts[0].email", "batch_size"):
        assert part in message


def test_execution_name_unfit_for_an_s3_key_is_refused(s3: Any, admin_aws: Any) -> None:
    with pytest.raises(errors.InvalidInput, match="execution: expected a Step Functions execution name, got 'a/b'"):
        run(admin_aws()[0], {"accounts": GOOD}, execution="a/b")
    assert written(s3) == []


def test_csv_bigger_than_5_mib_is_refused_from_its_size_alone(s3: Any, admin_aws: Any) -> None:
    uri = put_csv(s3, b"x" * (5 * 1024 * 1024 + 1))
    with pytest.raises(errors.InvalidInput, match="has 5242881 bytes; at most 5242880"):
        run(admin_aws()[0], {"accounts_csv": uri})
    assert written(s3) == []


def members_of_a_graph_in(region: str, count: int, *also: dict[str, Any]) -> list[dict[str, Any]]:
    """``count`` scenario members ENABLED in ``region``'s graph, then ``also`` (ENABLED there too)."""
    existing = [{"account_id": f"{300000000000 + n:012d}", "email": f"x{n}@example.com"} for n in range(count)]
    return [{**m, "existing_membership": {region: "ENABLED"}} for m in [*existing, *also]]


def test_graph_over_1200_members_is_refused_naming_region_and_counts(s3: Any, admin_aws: Any) -> None:
    aws, fleet = admin_aws(members_of_a_graph_in("eu-west-1", 1199, acct(1)))
    with pytest.raises(errors.InvalidInput) as raised:
        run(aws, {"accounts": [acct(1), acct(2)], "regions": ["us-east-1", "eu-west-1"]})
    assert "accounts in eu-west-1: 1200 existing members + 1 new accounts = 1201" in raised.value.message
    assert "us-east-1" not in raised.value.message
    assert written(s3) == [] and fleet.mutating_calls() == []


def test_accounts_already_members_do_not_count_twice(s3: Any, admin_aws: Any) -> None:
    aws, _ = admin_aws(members_of_a_graph_in("us-east-1", 1198, acct(1), acct(2)))
    output = run(aws, {"accounts": [acct(1), acct(2)], "regions": ["us-east-1"]})
    assert output["pair_count"] == 2 and output["graph_regions"] == ["us-east-1"]


# --- happy paths ---------------------------------------------------------------------------------------


def stored_plan(s3: Any, output: dict[str, Any]) -> dict[str, Any]:
    return json.loads(s3.get_object(Bucket=REPORTS, Key=output["request_key"])["Body"].read())


def test_list_input_writes_the_plan_and_returns_a_small_output(s3: Any, admin_aws: Any) -> None:
    event_input = {
        "accounts": [acct(1), acct(2)],
        "regions": ["us-west-2", "us-east-1"],
        "batch_size": 1,
        "retry_access_denied_minutes": 30,
        "tags": {"owner": "security"},
        "invitation_message": "hi",
    }
    output = run(admin_aws()[0], event_input)
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
    output = run(admin_aws()[0], {"accounts_csv": put_csv(s3, bom + header + rows), "regions": ["us-east-1"]})
    plan = stored_plan(s3, output)
    assert [(a["account_id"], a["regions"]) for a in plan["accounts"]] == [
        ("200000000001", ["us-east-1"]),
        ("200000000002", ["eu-west-1"]),
    ]
    assert output["regions"] == ["eu-west-1", "us-east-1"]
    assert plan["request"]["source"] == "csv"
    assert plan["options"]["access_denied_deadline"] is None


def test_all_means_detective_regions_the_administrator_enabled(s3: Any, admin_aws: Any) -> None:
    aws, _ = admin_aws(opted_out_regions=sorted(OPT_IN_REGIONS - {"eu-south-1"}))
    output = run(aws, {"accounts": [acct(1)]})
    assert output["regions"] == sorted((set(DETECTIVE_REGIONS) - OPT_IN_REGIONS) | {"eu-south-1"})
    assert output["admin_disabled_regions"] == []


def test_requested_region_the_administrator_has_not_enabled_is_planned_as_skipped(s3: Any, admin_aws: Any) -> None:
    aws, fleet = admin_aws(opted_out_regions=sorted(OPT_IN_REGIONS))
    output = run(aws, {"accounts": [acct(1, regions=["af-south-1", "us-east-1"]), acct(2)], "regions": "all"})
    assert output["admin_disabled_regions"] == ["af-south-1"]
    assert "af-south-1" in output["regions"]
    assert "af-south-1" not in {c.region for c in fleet.calls}  # never called in a Region it cannot reach
    assert stored_plan(s3, output)["admin_disabled_regions"] == ["af-south-1"]


class AccountAnswers(Aws):
    """The task code's Aws over the fleet, except account:ListRegions, which a botocore Stubber answers.

    The fleet's administrator may always list its Regions; what it cannot play (ListRegions denied or throttled
    while the rest works, pages) is stubbed on a real client, so request shapes are still validated.
    """

    def __init__(self) -> None:
        super().__init__()
        self.account = boto3.client("account", region_name="us-east-1")
        self.stub = Stubber(self.account)

    def client(self, service: str, region: str | None = None) -> Any:
        return self.account if service == "account" else super().client(service, region)


def test_list_regions_denied_falls_back_to_probing_requested_opt_in_regions(s3: Any, admin_aws: Any) -> None:
    _, fleet = admin_aws(opted_out_regions=sorted(OPT_IN_REGIONS - {"me-south-1"}))
    aws = AccountAnswers()
    aws.stub.add_client_error("list_regions", "AccessDeniedException", http_status_code=403)
    with aws.stub:
        output = run(aws, {"accounts": [acct(1)], "regions": ["us-east-1", "me-south-1", "af-south-1"]})
    assert output["admin_disabled_regions"] == ["af-south-1"]
    probed = {c.region for c in fleet.calls if c.service == "detective"}
    assert probed == {"af-south-1", "me-south-1", "us-east-1"}


class MeetingAws(Aws):
    """GetCallerIdentity and ListRegions' first page each wait for the other: only concurrent calls get through."""

    def __init__(self) -> None:
        super().__init__()
        self.meeting = threading.Barrier(2, timeout=5)

    def caller_account(self) -> str:
        self.meeting.wait()
        return super().caller_account()

    def client(self, service: str, region: str | None = None) -> Any:
        found = super().client(service, region)
        if service == "account":
            found.meta.events.register("before-call.account.ListRegions", self._first_page_meets)
        return found

    def _first_page_meets(self, params: dict[str, Any], **_: Any) -> None:
        if "NextToken" not in params:
            self.meeting.wait()


def test_caller_identity_and_enabled_regions_are_read_at_once(s3: Any, admin_aws: Any) -> None:
    admin_aws()
    output = run(MeetingAws(), {"accounts": [acct(1)]})  # sequential calls would break the barrier
    assert output["admin_account_id"] == ADMIN and "us-east-1" in output["regions"]


def test_a_list_regions_error_comes_after_the_input_problems(s3: Any, admin_aws: Any) -> None:
    admin_aws()
    aws = AccountAnswers()
    aws.stub.add_client_error("list_regions", "ThrottlingException", http_status_code=400)
    aws.stub.add_client_error("list_regions", "ThrottlingException", http_status_code=400)
    with aws.stub, pytest.raises(errors.InvalidInput, match="account_id"):
        run(aws, {"accounts": [{"account_id": "12345", "email": "a@example.com"}]})
    with aws.stub, pytest.raises(errors.RolloutError, match="ThrottlingException"):
        run(aws, {"accounts": [acct(1)]})


def test_list_regions_is_paged_with_next_token_through_a_real_client(admin_aws: Any) -> None:
    admin_aws()
    aws = AccountAnswers()
    stub = aws.stub
    with stub:
        first = [{"RegionName": "us-east-1", "RegionOptStatus": "ENABLED_BY_DEFAULT"}]
        stub.add_response("list_regions", {"Regions": first, "NextToken": "t"}, {"MaxResults": 50})
        stub.add_response(
            "list_regions",
            {
                "Regions": [
                    {"RegionName": "af-south-1", "RegionOptStatus": "ENABLED"},
                    {"RegionName": "me-south-1", "RegionOptStatus": "ENABLING"},
                ]
            },
            {"MaxResults": 50, "NextToken": "t"},
        )
        assert listed_regions(aws) == {"us-east-1", "af-south-1"}
        stub.assert_no_pending_responses()


def test_dry_run_and_replay_are_recorded(s3: Any, admin_aws: Any) -> None:
    output = run(
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
        run(admin_aws()[0], raw, execution="fuzz")
    except errors.InvalidInput:
        assert written(s3) == before


# --- Regions and graphs as the emulated fleet's administrator has them ------------------------------


def test_fleet_all_regions_skip_the_opt_in_regions_the_administrator_opted_out_of(s3: Any, admin_aws: Any) -> None:
    aws, fleet = admin_aws(opted_out_regions=["af-south-1", "me-south-1"])
    output = validate_input(aws, SETTINGS, {"accounts": [acct(1)]}, "fleet-1", NOW)
    assert output["admin_account_id"] == ADMIN
    assert "af-south-1" not in output["regions"] and "eu-south-1" in output["regions"]
    assert output["admin_disabled_regions"] == []
    assert fleet.mutating_calls() == []


def test_fleet_explicit_opted_out_region_becomes_admin_disabled(s3: Any, admin_aws: Any) -> None:
    aws, _ = admin_aws(opted_out_regions=["af-south-1"])
    output = validate_input(
        aws, SETTINGS, {"accounts": [acct(1)], "regions": ["af-south-1", "us-east-1"]}, "fleet-2", NOW
    )
    assert output["regions"] == ["af-south-1", "us-east-1"]
    assert output["admin_disabled_regions"] == ["af-south-1"]


def test_fleet_administrator_listed_as_member_is_refused_via_sts(s3: Any, admin_aws: Any) -> None:
    aws, fleet = admin_aws(existing_graph_regions=["us-east-1"])
    with pytest.raises(errors.InvalidInput, match=f"accounts\\[1\\].account_id: '{ADMIN}' is the administrator"):
        validate_input(
            aws,
            SETTINGS,
            {"accounts": [acct(1), {"account_id": ADMIN, "email": "admin@example.com"}]},
            "fleet-3",
            NOW,
        )
    assert written(s3) == [] and fleet.mutating_calls() == []


def test_fleet_output_names_the_regions_that_already_have_a_graph(s3: Any, admin_aws: Any) -> None:
    aws, _ = admin_aws(existing_graph_regions=["eu-west-1"])
    output = validate_input(
        aws, SETTINGS, {"accounts": [acct(1)], "regions": ["us-east-1", "eu-west-1"]}, "fleet-3", NOW
    )
    assert output["graph_regions"] == ["eu-west-1"]  # EnsureGraph creates straight away in us-east-1
