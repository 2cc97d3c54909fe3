"""State ValidateInput refuses bad input: every row of the table names the field and the value, masks emails,
and writes nothing (the administrator's fleet is the emulated one, ``admin_aws``).
"""

from __future__ import annotations

from typing import Any

import pytest

from tasks import errors
from tests.helpers.tasks import ADMIN, acct, put_csv, validate, written

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
        "member_guardduty unknown",
        {"accounts": GOOD, "member_guardduty": "on"},
        None,
        "member_guardduty: expected one of report, enable, got 'on'",
    ),
    (
        "datasource_packages unknown package",
        {"accounts": GOOD, "datasource_packages": ["EKS_AUDIT", "S3_DATA_EVENTS"]},
        None,
        "datasource_packages[1]: unknown data source package 'S3_DATA_EVENTS'",
    ),
    (
        "datasource_packages not a list",
        {"accounts": GOOD, "datasource_packages": "EKS_AUDIT"},
        None,
        "datasource_packages: expected a list of data source packages, got 'EKS_AUDIT'",
    ),
    (
        "auto_enable_organization not a boolean",
        {"accounts": GOOD, "auto_enable_organization": "yes"},
        None,
        "auto_enable_organization: expected true or false, got 'yes'",
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
        validate(admin_aws()[0], event_input)
    assert fragment in raised.value.message
    for email in ("a@example.com", "alice@", "other@", "admin@", "member1@", "bob@", "b@example.com", "jos"):
        assert email not in raised.value.message
    assert written(s3) == []
