"""Input rules shared by the enable and disable workflows: the accounts (list or CSV) and the request as a whole.

Pure functions, no AWS calls. A workflow's validation state feeds them the execution input (and
the CSV bytes it read), every problem is collected in one :class:`~tasks.problems.Problems`, and a
single InvalidInput names each field, row and value - so an operator fixes a file once, not once
per run. The options' checkers are in :mod:`tasks.options`; how values appear in messages (emails
masked) in :mod:`tasks.problems`.

Decisions (documented for operators in the bad-input table):
- account ids are strings of exactly 12 digits; JSON numbers are refused, because a number
  silently loses leading zeros (``012345678901`` -> ``12345678901``).
- a top-level field set to ``null`` counts as absent (generated inputs often carry every key).
- CSV: ``account_id,email[,regions]``; the first non-blank row is a header when its first cell
  has no digit and no cell holds an ``@``; trailing empty cells (spreadsheet exports) are ignored.
- the same account twice: merged when email and Regions agree, an error when they differ.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from tasks.options import ALL, Option, RegionChoice, is_int, parse_regions
from tasks.problems import BAD, Problems, show

MAX_ACCOUNTS = 5000
#: Batches per execution. Each batch is an inline Map iteration of ~7-9 history events on a clean
#: run, 39 if every retrier of its Task is spent, and Step Functions keeps at most 25,000 events per
#: execution ("Step Functions service quotas", a hard quota): with 450 batches neither workflow can
#: pass it, every retrier and loop of the rest spent too (tests/workflow/test_history_worst_case.py).
MAX_BATCHES = 450
MAX_CSV_BYTES = 5 * 1024 * 1024
ACCOUNT_FIELDS = ("account_id", "email", "regions")

_ACCOUNT_ID = re.compile(r"[0-9]{12}")
#: botocore's EmailAddress pattern (detective service model), with no whitespace or second '@' locally.
_EMAIL = re.compile(r"[^@\s]+@(?:(?:(?!-)[A-Za-z0-9-]{1,62})?[A-Za-z0-9]\.)+[A-Za-z]{2,63}")
_EMAIL_MAX = 64  # botocore's EmailAddress max length
_S3_URI = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(.+)", re.DOTALL)
_HEADER_NAMES = (
    {"accountid", "account", "id", "awsaccountid"},
    {"email", "emailaddress", "rootemail"},
    {"regions", "region"},
)


# --- accounts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountEntry:
    """One requested account as written in the input, before duplicates are merged."""

    where: str  # "accounts[2]" or "accounts_csv row 3": what messages point at
    account_id: str
    email: str | None
    regions: RegionChoice | None  # None: the request's top-level ``regions``
    sep: str = "."  # between ``where`` and a field name: "accounts[2].email", "accounts_csv row 3 email"

    def at(self, field: str) -> str:
        return f"{self.where}{self.sep}{field}"


def _account_id(value: Any, where: str, problems: Problems) -> Any:
    if isinstance(value, str) and _ACCOUNT_ID.fullmatch(value.strip()):
        return value.strip()
    if value is None or value == "":
        return problems.bad(where, "missing")
    if is_int(value) or isinstance(value, float):
        return problems.bad(
            where,
            f"must be a string of 12 digits, got the number {show(value)} (numbers lose leading zeros: quote the id)",
        )
    if isinstance(value, str) and value.strip().isdigit() and 9 <= len(value.strip()) < 12:
        return problems.bad(
            where,
            f"expected 12 digits, got {show(value)} ({len(value.strip())} digits: "
            "a leading zero lost in a spreadsheet?)",
        )
    return problems.bad(where, f"expected a string of 12 digits, got {show(value)}")


def _email(value: Any, where: str, required: bool, problems: Problems) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return problems.bad(where, "missing (the account's root email)") if required else None
    if not isinstance(value, str):
        return problems.bad(where, f"expected an email address, got {show(value)}")
    email = value.strip()
    if len(email) > _EMAIL_MAX or not _EMAIL.fullmatch(email):
        return problems.bad(where, f"not a plausible email address: {show(email)}")
    return email


def _entry(
    where: str, sep: str, raw: tuple[Any, Any, Any], require_email: bool, problems: Problems
) -> AccountEntry | None:
    account_id = _account_id(raw[0], f"{where}{sep}account_id", problems)
    email = _email(raw[1], f"{where}{sep}email", require_email, problems)
    regions = None if raw[2] is None else parse_regions(raw[2], f"{where}{sep}regions", problems)
    if BAD in (account_id, email, regions):
        return None
    return AccountEntry(where, account_id, email, regions, sep)


def parse_accounts(value: Any, problems: Problems, *, require_email: bool) -> list[AccountEntry]:
    """The ``accounts`` list: objects ``{"account_id", "email"[, "regions"]}``."""
    if not isinstance(value, list):
        problems.add("accounts", f"expected a list of {{account_id, email[, regions]}} objects, got {show(value)}")
        return []
    if not value:
        problems.add("accounts", "at least one account is required, got an empty list")
    if len(value) > MAX_ACCOUNTS:
        problems.add("accounts", f"at most {MAX_ACCOUNTS} accounts per execution, got {len(value)}")
        return []
    entries: list[AccountEntry] = []
    for i, item in enumerate(value):
        where = f"accounts[{i}]"
        if not isinstance(item, dict):
            problems.add(where, f"expected an object {{account_id, email[, regions]}}, got {show(item)}")
            continue
        unknown = [show(k) for k in item if k not in ACCOUNT_FIELDS]
        if unknown:
            problems.add(where, f"unknown field {', '.join(unknown)} (expected {', '.join(ACCOUNT_FIELDS)})")
        entry = _entry(
            where, ".", (item.get("account_id"), item.get("email"), item.get("regions")), require_email, problems
        )
        if entry:
            entries.append(entry)
    return entries


def parse_accounts_csv(data: bytes, problems: Problems, *, require_email: bool) -> list[AccountEntry]:
    """``accounts_csv`` file contents: UTF-8 (BOM optional), ``account_id,email[,regions]``, header optional."""
    field = "accounts_csv"
    if len(data) > MAX_CSV_BYTES:
        problems.add(field, f"at most {MAX_CSV_BYTES} bytes (5 MiB), got {len(data)}")
        return []
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(
            field,
            f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}): save the file as CSV UTF-8",
        )
        return []
    reader = csv.reader(io.StringIO(content, newline=""), skipinitialspace=True)
    entries: list[AccountEntry] = []
    rows, first = 0, True
    while True:
        where = f"{field} row {reader.line_num + 1}"
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            problems.add(where, f"unreadable CSV ({exc})")
            break
        if cells is None:
            break
        cells = [c.strip() for c in cells]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if first and not any(ch.isdigit() for ch in cells[0]) and not any("@" in c for c in cells):
            first = False
            _check_header(cells, where, problems)
            continue
        first = False
        rows += 1
        if rows > MAX_ACCOUNTS:
            problems.add(field, f"at most {MAX_ACCOUNTS} account rows per execution, got more")
            return []
        if any("\n" in c or "\r" in c for c in cells):
            problems.add(where, "a value spans several lines (a quote not closed?)")
            continue
        if len(cells) > len(ACCOUNT_FIELDS):
            problems.add(where, f"{len(cells)} columns, expected account_id,email[,regions]")
            continue
        raw_id, raw_email, raw_regions = (cells + ["", ""])[:3]
        regions = _split_regions(raw_regions)
        entry = _entry(where, " ", (raw_id, raw_email, regions), require_email, problems)
        if entry:
            entries.append(entry)
    if rows == 0:
        problems.add(field, "no account rows: at least one account is required")
    return entries


def _split_regions(cell: str) -> str | list[str] | None:
    """The regions column: empty (the top-level regions), "all", or Regions separated by ';' or spaces."""
    if not cell:
        return None
    return cell if cell.lower() == ALL else [r for r in re.split(r"[;\s]+", cell) if r]


def _check_header(cells: list[str], where: str, problems: Problems) -> None:
    names = [re.sub(r"[\s_-]", "", c.lower()) for c in cells]
    if len(names) > len(ACCOUNT_FIELDS) or any(n not in ok for n, ok in zip(names, _HEADER_NAMES, strict=False)):
        problems.add(where, f"unrecognized header {show(','.join(cells))}: expected account_id,email[,regions]")


def merge_accounts(
    entries: list[AccountEntry], problems: Problems, *, admin_account_id: str | None
) -> tuple[AccountEntry, ...]:
    """Accounts in first-seen order; agreeing duplicates merged, conflicting ones and the administrator refused."""
    merged: dict[str, AccountEntry] = {}
    for entry in entries:
        if entry.account_id == admin_account_id:
            problems.add(
                entry.at("account_id"),
                f"'{entry.account_id}' is the administrator account running "
                "the rollout; it cannot be its own member: remove it",
            )
            continue
        first = merged.get(entry.account_id)
        if first is None:
            merged[entry.account_id] = entry
        elif first.email and entry.email and first.email.lower() != entry.email.lower():
            problems.add(
                entry.at("email"),
                f"account '{entry.account_id}' is listed again with another email "
                f"{show(entry.email)} (first at {first.where}: {show(first.email)})",
            )
        elif first.regions != entry.regions:
            problems.add(
                entry.at("regions"),
                f"account '{entry.account_id}' is listed again with other regions "
                f"{show(entry.regions)} (first at {first.where}: {show(first.regions)})",
            )
        elif first.email is None and entry.email:
            merged[entry.account_id] = replace(first, email=entry.email)
    return tuple(merged.values())


# --- the whole request ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """The execution input after the pure checks; only meaningful when no problem was recorded."""

    accounts: tuple[AccountEntry, ...]  # from ``accounts``; empty when ``accounts_csv`` is given
    accounts_csv: tuple[str, str] | None  # (bucket, key)
    options: dict[str, Any]  # every option of the spec, defaults filled in, ``source`` resolved


def parse_s3_uri(value: Any, where: str, problems: Problems) -> tuple[str, str] | None:
    match = _S3_URI.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        problems.add(where, f"expected s3://bucket/key, got {show(value)}")
        return None
    return match.group(1), match.group(2)


def check_execution_name(execution: Any, problems: Problems) -> None:
    """``$$.Execution.Name`` becomes part of S3 keys (``work/<workflow>/<execution>/``): 1-80 chars, no '/'."""
    if not isinstance(execution, str) or not 1 <= len(execution) <= 80 or "/" in execution:
        problems.add("execution", f"expected a Step Functions execution name, got {show(execution)}")


def check_batch_count(accounts: int, batch_size: int, problems: Problems) -> None:
    """At most MAX_BATCHES batches: otherwise the execution's history could pass Step Functions' quota."""
    batches = -(-accounts // batch_size)
    if batches > MAX_BATCHES:
        smallest = -(-accounts // MAX_BATCHES)
        problems.add(
            "batch_size",
            f"{batch_size} makes {batches} batches of the {accounts} accounts; at most {MAX_BATCHES} per execution "
            f"(a Step Functions execution keeps at most 25,000 history events): use {smallest} or more",
        )


def check_request(
    raw: Any, spec: Mapping[str, Option], problems: Problems, *, require_email: bool, accounts_required: bool = True
) -> Request:
    """Check the top level (unknown fields, one accounts source, every option) and the ``accounts`` list.

    ``spec`` is :func:`common_options` plus the workflow's own options. With ``accounts_required``
    False (disable with ``all_members``), neither ``accounts`` nor ``accounts_csv`` is fine.
    """
    if not isinstance(raw, dict):
        problems.add("input", f"expected a JSON object, got {show(raw)}")
        return Request((), None, {name: option.default for name, option in spec.items()})
    unknown = [show(k) for k in raw if k not in spec and k not in ("accounts", "accounts_csv")]
    if unknown:
        problems.add("input", f"unknown field {', '.join(unknown)}")
    given = [k for k in ("accounts", "accounts_csv") if raw.get(k) is not None]
    if len(given) == 2:
        problems.add("accounts, accounts_csv", "give one of them, not both")
    elif not given and accounts_required:
        problems.add("accounts, accounts_csv", "one of them is required")
    entries = parse_accounts(raw["accounts"], problems, require_email=require_email) if "accounts" in given else []
    uri = parse_s3_uri(raw["accounts_csv"], "accounts_csv", problems) if "accounts_csv" in given else None
    options: dict[str, Any] = {}
    for name, option in spec.items():
        value = raw.get(name)
        parsed = option.default if value is None else option.check(value, name, problems)
        options[name] = option.default if parsed is BAD else parsed
    if "source" in options and options["source"] is None:
        options["source"] = "csv" if "accounts_csv" in given else "console"
    return Request(tuple(entries), uri, options)
