"""Input rules shared by the enable and disable workflows: accounts (list or CSV), Regions, options.

Pure functions, no AWS calls. A workflow's validation state feeds them the execution input (and
the CSV bytes it read), every problem is collected in one :class:`Problems`, and a single
InvalidInput names each field, row and value - so an operator fixes a file once, not once per run.
Messages end up in execution causes, logs and notifications, so every email in them is masked
(:func:`mask_email`, and :func:`show` masks anything email-like in any other value).

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
import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from tasks.errors import InvalidInput
from tasks.regions import in_detective_order, region_problem
from tasks.settings import Settings

MAX_ACCOUNTS = 5000
MAX_CSV_BYTES = 5 * 1024 * 1024
#: Step Functions causes are capped (32 KiB): list this many problems, then count the rest.
MAX_LISTED_PROBLEMS = 50
SOURCES = ("console", "csv", "vending-event", "replay", "cli", "schedule", "offboarding-event")
ALL: Literal["all"] = "all"
ACCOUNT_FIELDS = ("account_id", "email", "regions")

RegionChoice = tuple[str, ...] | Literal["all"]

_ACCOUNT_ID = re.compile(r"[0-9]{12}")
#: botocore's EmailAddress pattern (detective service model), with no whitespace or second '@' locally.
_EMAIL = re.compile(r"[^@\s]+@(?:(?:(?!-)[A-Za-z0-9-]{1,62})?[A-Za-z0-9]\.)+[A-Za-z]{2,63}")
_EMAIL_MAX = 64  # botocore's EmailAddress max length
_EMAIL_LIKE = re.compile(r"[^\s@'\",;<>()\[\]{}\\]+@[^\s@'\",;<>()\[\]{}\\]*")
_TAG_KEY = re.compile(r"[a-zA-Z+-=._:/]{1,128}")  # botocore's TagKey pattern (minus the aws: lookahead)
_S3_URI = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(.+)", re.DOTALL)
_HEADER_NAMES = ({"accountid", "account", "id", "awsaccountid"}, {"email", "emailaddress", "rootemail"},
                 {"regions", "region"})  # fmt: skip
_BAD: Any = object()


def mask_email(email: str) -> str:
    """``alice@example.com`` -> ``a***@example.com``: enough to recognise, not enough to harvest."""
    local, at, domain = email.partition("@")
    return f"{local[:1]}***{at}{domain}"


def show(value: Any, limit: int = 60) -> str:
    """A value as it appears in a message: JSON-ish, short, anything email-like masked."""
    if isinstance(value, str):
        text = repr(value)
    else:
        try:
            text = _json_text(value)
        except (TypeError, ValueError, RecursionError):
            text = f"<{type(value).__name__}>"
    text = _EMAIL_LIKE.sub(lambda m: mask_email(m.group()), text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json_text(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=lambda v: f"<{type(v).__name__}>")[:1000]


class Problems:
    """Every problem found in one input; :meth:`raise_if_any` turns them into one InvalidInput."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def bad(self, where: str, message: str) -> Any:
        """Record a problem and return the marker a checker returns for an unusable value."""
        self.add(where, message)
        return _BAD

    def raise_if_any(self) -> None:
        if not self.items:
            return
        listed = self.items[:MAX_LISTED_PROBLEMS]
        more = f"; ... and {len(self.items) - len(listed)} more" if len(self.items) > len(listed) else ""
        count = f"{len(self.items)} problem{'s' if len(self.items) > 1 else ''}"
        raise InvalidInput(f"invalid input ({count}): " + "; ".join(listed) + more)


# --- option checkers: (value, where, problems) -> parsed value, or _BAD after recording why ---------

Check = Callable[[Any, str, Problems], Any]


@dataclass(frozen=True)
class Option:
    check: Check
    default: Any


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def integer(low: int, high: int) -> Check:
    def check(value: Any, where: str, problems: Problems) -> Any:
        if _is_int(value) and low <= value <= high:
            return value
        return problems.bad(where, f"expected an integer from {low} to {high}, got {show(value)}")

    return check


def number(low: float) -> Check:
    def check(value: Any, where: str, problems: Problems) -> Any:
        if (_is_int(value) or isinstance(value, float)) and math.isfinite(value) and value >= low:
            return value
        return problems.bad(where, f"expected a number >= {low:g}, got {show(value)}")

    return check


def boolean(value: Any, where: str, problems: Problems) -> Any:
    return value if isinstance(value, bool) else problems.bad(where, f"expected true or false, got {show(value)}")


def choice(*allowed: str) -> Check:
    def check(value: Any, where: str, problems: Problems) -> Any:
        if isinstance(value, str) and value in allowed:
            return value
        return problems.bad(where, f"expected one of {', '.join(allowed)}, got {show(value)}")

    return check


def text(low: int, high: int) -> Check:
    def check(value: Any, where: str, problems: Problems) -> Any:
        if isinstance(value, str) and low <= len(value) <= high:
            return value
        got = f"{len(value)} characters" if isinstance(value, str) else show(value)
        return problems.bad(where, f"expected a string of {low} to {high} characters, got {got}")

    return check


def tag_map(limit: int, added: Collection[str] = ()) -> Check:
    """Tags for a resource: ``limit`` counts the tags the tool adds itself (``added`` keys)."""

    def check(value: Any, where: str, problems: Problems) -> Any:
        if not isinstance(value, dict):
            return problems.bad(where, f"expected an object of tag keys to values, got {show(value)}")
        before = len(problems.items)
        if len(set(value) | set(added)) > limit:
            problems.add(where, f"at most {limit} tags including the tool's own {sorted(added)}, got {len(value)}")
        for key, tag in value.items():
            if not isinstance(key, str) or not _TAG_KEY.fullmatch(key) or key.lower().startswith("aws:"):
                problems.add(f"{where}.{show(key)}", "tag keys are 1-128 of A-Za-z0-9+-=._:/ and do not start 'aws:'")
            if not isinstance(tag, str) or len(tag) > 256:
                problems.add(f"{where}.{show(key)}", f"expected a string of at most 256 characters, got {show(tag)}")
        return dict(value) if len(problems.items) == before else _BAD

    return check


def parse_regions(value: Any, where: str, problems: Problems) -> Any:
    """``"all"`` or a non-empty list of Detective Regions (deduplicated, in Detective order)."""
    if isinstance(value, str) and value.strip().lower() == ALL:
        return ALL
    if not isinstance(value, list) or not value:
        return problems.bad(where, f'expected "all" or a non-empty list of Regions, got {show(value)}')
    before = len(problems.items)
    for i, region in enumerate(value):
        problem = "expected a Region name" if not isinstance(region, str) else region_problem(region)
        if problem:
            problems.add(f"{where}[{i}]", f"{problem}: {show(region)}")
    return in_detective_order(value) if len(problems.items) == before else _BAD


def common_options(settings: Settings) -> dict[str, Option]:
    """Options both workflows take; a workflow adds its own to this mapping."""
    return {
        "regions": Option(parse_regions, ALL),
        "batch_size": Option(integer(1, 50), settings.default_batch_size),
        "max_concurrency": Option(integer(1, 40), settings.default_max_concurrency),
        "dry_run": Option(boolean, False),
        "source": Option(choice(*SOURCES), None),  # None: "csv" with accounts_csv, else "console"
        "replay_of": Option(text(1, 256), None),
    }
