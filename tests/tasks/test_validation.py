"""The shared input rules (tasks.validation): pure, no AWS - both workflows rely on these messages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.errors import InvalidInput
from tasks.options import common_options, parse_regions
from tasks.problems import Problems, mask_email, show
from tasks.settings import Settings
from tasks.validation import (
    MAX_ACCOUNTS,
    MAX_BATCHES,
    MAX_CSV_BYTES,
    AccountEntry,
    check_batch_count,
    check_request,
    merge_accounts,
    parse_accounts,
    parse_accounts_csv,
)

SETTINGS = Settings("reports", "DetectiveMemberRole", None, 10, 10, 60)
ADMIN = "111111111111"


def problems_of(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    problems = Problems()
    return fn(*args, problems, **kwargs), problems.items


def csv_entries(data: bytes, require_email: bool = True) -> tuple[list[AccountEntry], list[str]]:
    problems = Problems()
    return parse_accounts_csv(data, problems, require_email=require_email), problems.items


# --- masking ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("alice@example.com", "a***@example.com"),
        ("a@b.co", "a***@b.co"),
        ("no-at-sign", "n***"),
        ("", "***"),
        ("alice@bob@example.com", "a***@example.com"),
    ],
)
def test_mask_email_keeps_first_letter_and_domain(email: str, masked: str) -> None:
    assert mask_email(email) == masked


def test_show_masks_emails_inside_any_value() -> None:
    text = show({"note": "write to bob.smith@example.org please"}, limit=200)
    assert "bob.smith@" not in text and "b***@example.org" in text


def test_show_truncates_long_values() -> None:
    assert len(show("x" * 500)) == 60


# --- CSV -------------------------------------------------------------------------------------------


def test_csv_without_header_is_read_from_the_first_row() -> None:
    entries, problems = csv_entries(b"222222222222,a@example.com\n333333333333,b@example.com\n")
    assert problems == []
    assert [(e.account_id, e.email, e.where) for e in entries] == [
        ("222222222222", "a@example.com", "accounts_csv row 1"),
        ("333333333333", "b@example.com", "accounts_csv row 2"),
    ]


@pytest.mark.parametrize("header", ["account_id,email", "Account ID,Email Address", "AccountId,Email,Regions"])
def test_csv_header_is_detected_and_skipped(header: str) -> None:
    entries, problems = csv_entries(f"{header}\n222222222222,a@example.com\n".encode())
    assert problems == []
    assert [e.where for e in entries] == ["accounts_csv row 2"]


def test_csv_with_bom_crlf_quotes_blank_lines_and_trailing_commas() -> None:
    data = '\ufeffaccount_id,email,regions\r\n\r\n"222222222222", "a@example.com" ,"us-east-1; eu-west-1",\r\n'
    entries, problems = csv_entries(data.encode())
    assert problems == []
    assert entries == [
        AccountEntry("accounts_csv row 3", "222222222222", "a@example.com", ("eu-west-1", "us-east-1"), " ")
    ]


def test_csv_regions_column_accepts_spaces_semicolons_and_all() -> None:
    entries, _ = csv_entries(b"222222222222,a@example.com,us-west-2 us-east-1\n333333333333,b@example.com,ALL\n")
    assert entries[0].regions == ("us-east-1", "us-west-2")
    assert entries[1].regions == "all"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"222222222222,a@example.com,us-east-1,extra\n", "accounts_csv row 1: 4 columns"),
        (b"account_id,email\n\n222222222222,a@example.com,us-east-1,x,y\n", "accounts_csv row 3: 5 columns"),
        (b"222222222222,a@example.com\n\xff\xfe,x\n", "not UTF-8 text (byte 0xff at offset 27)"),
        (b"", "accounts_csv: no account rows"),
        (b"account_id,email\n\n", "accounts_csv: no account rows"),
        (b"owner,email\n222222222222,a@example.com\n", "accounts_csv row 1: unrecognized header 'owner,email'"),
        (b"22222222222,a@example.com\n", "accounts_csv row 1 account_id: expected 12 digits, got '22222222222'"),
        (b"222222222222,alice@example\n", "accounts_csv row 1 email: not a plausible email address: 'a***@example'"),
        (b"222222222222\n", "accounts_csv row 1 email: missing"),
        (b"222222222222,a@example.com,us-east-7\n", "accounts_csv row 1 regions[0]: not a known AWS Region"),
        (b'222222222222,"a@example.com\n333333333333,b@example.com\n', "accounts_csv row 1: a value spans several"),
    ],
)
def test_bad_csv_names_row_and_value(data: bytes, fragment: str) -> None:
    _, problems = csv_entries(data)
    assert any(fragment in p for p in problems), problems
    assert not any("alice@" in p for p in problems)


def test_csv_larger_than_the_cap_is_refused_without_parsing() -> None:
    _, problems = csv_entries(b"x" * (MAX_CSV_BYTES + 1))
    assert problems == [f"accounts_csv: at most {MAX_CSV_BYTES} bytes (5 MiB), got {MAX_CSV_BYTES + 1}"]


def test_csv_with_too_many_rows_is_refused() -> None:
    data = "".join(f"{n:012d},m{n}@example.com\n" for n in range(1, MAX_ACCOUNTS + 2)).encode()
    _, problems = csv_entries(data)
    assert problems == [f"accounts_csv: at most {MAX_ACCOUNTS} account rows per execution, got more"]


def test_csv_email_is_optional_for_the_disable_workflow() -> None:
    entries, problems = csv_entries(b"account_id\n222222222222\n", require_email=False)
    assert problems == [] and entries[0].email is None


# --- accounts list, regions, merging -----------------------------------------------------------------


def test_account_id_as_json_number_is_refused_with_the_reason() -> None:
    _, problems = problems_of(
        parse_accounts, [{"account_id": 12345678901, "email": "a@example.com"}], require_email=True
    )
    assert problems == [
        "accounts[0].account_id: must be a string of 12 digits, got the number 12345678901 "
        "(numbers lose leading zeros: quote the id)"
    ]


def test_account_with_unknown_field_is_named() -> None:
    _, problems = problems_of(
        parse_accounts, [{"account_id": "222222222222", "emial": "a@example.com"}], require_email=True
    )
    assert "accounts[0]: unknown field 'emial'" in problems[0]
    assert "accounts[0].email: missing" in problems[1]


def test_regions_are_deduplicated_in_detective_order() -> None:
    regions, problems = problems_of(parse_regions, ["us-west-2", "eu-west-1", "us-west-2"], "regions")
    assert problems == [] and regions == ("eu-west-1", "us-west-2")


def test_region_without_detective_is_told_apart_from_a_typo() -> None:
    _, problems = problems_of(parse_regions, ["ap-south-2", "us-esat-1"], "regions")
    assert problems == [
        "regions[0]: Amazon Detective is not offered in this Region (aws partition): 'ap-south-2'",
        "regions[1]: not a known AWS Region: 'us-esat-1'",
    ]


def entry(n: int, account_id: str, email: str | None, regions: Any = None) -> AccountEntry:
    return AccountEntry(f"accounts[{n}]", account_id, email, regions)


def test_exact_duplicates_are_merged_keeping_the_first() -> None:
    merged, problems = problems_of(
        merge_accounts,
        [entry(0, "222222222222", "a@example.com"), entry(1, "222222222222", "A@example.com")],
        admin_account_id=ADMIN,
    )
    assert problems == [] and merged == (entry(0, "222222222222", "a@example.com"),)


def test_same_account_with_two_emails_is_refused_with_both_masked() -> None:
    _, problems = problems_of(
        merge_accounts,
        [entry(0, "222222222222", "alice@example.com"), entry(1, "222222222222", "bob@example.com")],
        admin_account_id=ADMIN,
    )
    assert problems == [
        "accounts[1].email: account '222222222222' is listed again with another email "
        "'b***@example.com' (first at accounts[0]: 'a***@example.com')"
    ]


def test_same_account_with_other_regions_is_refused() -> None:
    _, problems = problems_of(
        merge_accounts,
        [entry(0, "222222222222", "a@example.com", ("us-east-1",)), entry(3, "222222222222", "a@example.com")],
        admin_account_id=ADMIN,
    )
    assert problems[0].startswith("accounts[3].regions: account '222222222222' is listed again with other regions")


def test_duplicate_without_email_takes_the_email_of_the_other_row() -> None:
    merged, problems = problems_of(
        merge_accounts,
        [entry(0, "222222222222", None), entry(1, "222222222222", "a@example.com")],
        admin_account_id=None,
    )
    assert problems == [] and merged[0].email == "a@example.com"


def test_administrator_in_its_own_list_is_refused() -> None:
    _, problems = problems_of(merge_accounts, [entry(4, ADMIN, "a@example.com")], admin_account_id=ADMIN)
    assert problems[0].startswith(f"accounts[4].account_id: '{ADMIN}' is the administrator account")


# --- the request -------------------------------------------------------------------------------------


def test_defaults_are_filled_and_source_follows_the_accounts_source() -> None:
    problems = Problems()
    request = check_request(
        {"accounts_csv": "s3://inputs/a.csv"}, common_options(SETTINGS), problems, require_email=True
    )
    assert problems.items == []
    assert request.accounts_csv == ("inputs", "a.csv")
    assert request.options == {
        "regions": "all",
        "batch_size": 10,
        "max_concurrency": 10,
        "dry_run": False,
        "source": "csv",
        "replay_of": None,
    }


def test_disable_may_omit_both_account_sources_when_told_so() -> None:
    problems = Problems()
    check_request(
        {"all_members": True}, {**common_options(SETTINGS)}, problems, require_email=False, accounts_required=False
    )
    assert problems.items == ["input: unknown field 'all_members'"]  # the disable spec adds its own fields


def test_all_problems_are_raised_together_and_the_list_is_capped() -> None:
    problems = Problems()
    for n in range(60):
        problems.add(f"accounts[{n}].account_id", "missing")
    with pytest.raises(InvalidInput) as raised:
        problems.raise_if_any()
    assert raised.value.message.startswith("invalid input (60 problems):\naccounts[0].account_id: missing\n")
    assert raised.value.message.endswith("\n... and 10 more")


# --- fuzzing: only InvalidInput ever escapes ---------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.emails(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
KEYS = ["accounts", "accounts_csv", "regions", "batch_size", "max_concurrency", "dry_run", "source", "replay_of"]
ACCOUNT = st.dictionaries(
    st.sampled_from(["account_id", "email", "regions", "x"]),
    JSON | st.sampled_from(["222222222222", "a@example.com", "us-east-1", "all"]),
    max_size=4,
)
REQUEST = st.dictionaries(st.sampled_from(KEYS), JSON | st.lists(ACCOUNT, max_size=4), max_size=6)
#: An '@' right after a character an email's local part could end with, i.e. not after the mask's '***'.
UNMASKED = re.compile(r"[^\s@'\",;<>()\[\]{}\\*]@")
CSV_TEXT = st.text(alphabet='\ufeff,;" \r\n0123456789@.aelmxcous-\x00\xff', max_size=300)


def validate_all(raw: Any, data: bytes) -> None:
    problems = Problems()
    request = check_request(raw, common_options(SETTINGS), problems, require_email=True)
    entries = list(request.accounts) + parse_accounts_csv(data, problems, require_email=True)
    merge_accounts(entries, problems, admin_account_id=ADMIN)
    problems.raise_if_any()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=JSON | REQUEST, data=st.binary(max_size=200) | CSV_TEXT.map(str.encode))
def test_validator_raises_nothing_but_invalid_input_on_arbitrary_input(raw: Any, data: bytes) -> None:
    try:
        validate_all(raw, data)
    except InvalidInput as exc:
        assert UNMASKED.search(exc.message) is None, exc.message


@pytest.mark.parametrize(("accounts", "batch_size"), [(4500, 10), (450, 1), (5000, 12), (1, 1)])
def test_batch_counts_up_to_the_history_bound_are_accepted(accounts: int, batch_size: int) -> None:
    problems = Problems()
    check_batch_count(accounts, batch_size, problems)
    assert problems.items == []


def test_more_batches_than_the_history_bound_are_refused_naming_the_field_and_the_fix() -> None:
    problems = Problems()
    check_batch_count(5000, 1, problems)
    [problem] = problems.items
    assert problem.startswith("batch_size: 1 makes 5000 batches")
    assert f"at most {MAX_BATCHES} per execution" in problem and "use 12 or more" in problem
