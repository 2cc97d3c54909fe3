"""Fleet coverage: is every listed account covered by Detective in every requested Region, right now?

A rollout report says what one run did; this document says what holds now, read with the
administrator's credentials only and with these calls only (:data:`READ_OPERATIONS`): STS
GetCallerIdentity, account ListRegions (``all`` and ADMIN_REGION_NOT_ENABLED), Detective ListGraphs
and ListMembers (every page), and S3 GetObject of the account list. Nothing is written to AWS.

Every listed account x requested Region is one row - COVERED (member ENABLED) or NOT_COVERED with
its reason and the action that fixes it - and every member of a requested Region's graph that is
not listed is one UNLISTED row (drift the other way). The CLI's ``coverage`` command and the
scheduled Lambda (``tasks.triggers.coverage_schedule``) both build it here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tasks import errors
from tasks.actions import COVERAGE_ACTIONS, COVERED_ACTION
from tasks.aws import Aws, translate_errors
from tasks.clock import iso
from tasks.detective import list_graph_arns, list_members
from tasks.fanout import all_or_raise, fan_out
from tasks.options import ALL, parse_regions
from tasks.problems import Problems, show
from tasks.regions import in_detective_order
from tasks.validate_input import enabled_regions, listed_regions
from tasks.validation import MAX_CSV_BYTES, parse_accounts_csv

if TYPE_CHECKING:
    from types_boto3_detective.type_defs import MemberDetailTypeDef
    from types_boto3_s3 import S3Client

KIND = "coverage"
COVERED, NOT_COVERED, UNLISTED = "COVERED", "NOT_COVERED", "UNLISTED"
STATES = (COVERED, NOT_COVERED, UNLISTED)
GRAPH, NO_GRAPH, ADMIN_REGION_NOT_ENABLED = "GRAPH", "NO_GRAPH", "ADMIN_REGION_NOT_ENABLED"
#: (service, operation): every call computing coverage may make; none of them changes anything.
READ_OPERATIONS = frozenset(
    {
        ("sts", "GetCallerIdentity"),
        ("account", "ListRegions"),
        ("detective", "ListGraphs"),
        ("detective", "ListMembers"),
        ("detective", "GetMembers"),
        ("s3", "GetObject"),
    }
)
#: Member statuses that are their own NOT_COVERED reason; ACCEPTED_BUT_DISABLED's reason is its DisabledReason.
_STATUS_REASONS = frozenset({"INVITED", "VERIFICATION_IN_PROGRESS", "VERIFICATION_FAILED"})


@dataclass(frozen=True)
class Listed:
    """One account of the list: its id, and its root email when the list has one (heal invites with it)."""

    account_id: str
    email: str | None = None


@dataclass(frozen=True)
class RegionView:
    """What the administrator's graph holds in one Region (no graph, or the Region not enabled: no members)."""

    region: str
    status: str
    graph_arn: str | None = None
    members: Mapping[str, MemberDetailTypeDef] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"region": self.region, "graph_arn": self.graph_arn, "members": len(self.members), "status": self.status}


def parse_account_list(data: bytes, where: str) -> list[Listed]:
    """The accounts of a list (``account_id[,email[,regions]]``, header optional), in first-seen order.

    Raises InvalidInput naming ``where``, the row and the value; the regions column is ignored
    (coverage asks about the requested Regions for every account).
    """
    problems = Problems()
    entries = parse_accounts_csv(data, problems, require_email=False)
    problems.items = [item.replace("accounts_csv", where, 1) for item in problems.items]
    problems.raise_if_any()
    listed: dict[str, Listed] = {}
    for entry in entries:
        known = listed.get(entry.account_id)
        if known is None or (known.email is None and entry.email):
            listed[entry.account_id] = Listed(entry.account_id, entry.email)
    return list(listed.values())


def read_account_list(s3: S3Client, uri: str, where: str = "accounts") -> bytes:
    """The list's bytes (S3 GetObject, at most 5 MiB + 1 read); InvalidInput naming ``where`` when the URI or the
    object is wrong."""
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not uri.startswith("s3://") or not bucket or not key:
        raise errors.InvalidInput(f"{where}: expected s3://bucket/key, got {show(uri)}")
    try:
        with translate_errors():
            data: bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read(MAX_CSV_BYTES + 1)
    except errors.RolloutError as exc:
        if exc.code not in {"NoSuchKey", "NoSuchBucket", "404", "403", "AccessDenied"}:
            raise
        raise errors.InvalidInput(f"{where}: {show(uri, 200)} does not exist or cannot be read ({exc.code})") from exc
    if len(data) > MAX_CSV_BYTES:
        raise errors.InvalidInput(f"{where}: {show(uri, 200)} has more than {MAX_CSV_BYTES} bytes (5 MiB)")
    return data


def requested_regions(value: str | Sequence[str]) -> str | tuple[str, ...]:
    """``all`` or the Detective Regions asked for; InvalidInput naming each unknown Region."""
    problems = Problems()
    parsed = parse_regions(value if isinstance(value, str) else list(value), "regions", problems)
    problems.raise_if_any()
    return ALL if parsed == ALL else tuple(parsed)


def read_region(aws: Aws, region: str, enabled: frozenset[str]) -> RegionView:
    """The administrator's graph in ``region`` and its members (ListGraphs, then ListMembers, every page)."""
    if region not in enabled:
        return RegionView(region, ADMIN_REGION_NOT_ENABLED)
    detective = aws.client("detective", region)
    try:
        arns = list_graph_arns(detective)
    except errors.RegionNotEnabled:  # ListRegions was denied and the probe missed it: the call says so
        return RegionView(region, ADMIN_REGION_NOT_ENABLED)
    if not arns:
        return RegionView(region, NO_GRAPH)
    return RegionView(region, GRAPH, arns[0], list_members(detective, arns[0]))


def _time(value: Any) -> str | None:
    return iso(value) if isinstance(value, datetime) else (str(value) if value else None)


def _row(account: str, region: str, state: str, member: Mapping[str, Any] | None, reason: str | None) -> dict[str, Any]:
    status = str(member["Status"]) if member and member.get("Status") else None
    since_key = "InvitedTime" if reason == "INVITED" else "UpdatedTime"
    action = COVERED_ACTION if state == COVERED else COVERAGE_ACTIONS[reason or UNLISTED]
    return {
        "account_id": account,
        "region": region,
        "state": state,
        "member_status": status,
        "reason": reason,
        "since": _time(member.get(since_key)) if member else None,
        "action": action,
    }


def member_row(account: str, view: RegionView, administrator: str) -> dict[str, Any]:
    """One listed account in one Region: COVERED, or NOT_COVERED with the reason.

    The administrator, when listed, is no member of its own graph but its data feeds it: COVERED where the
    graph exists (member_status null), NO_GRAPH / ADMIN_REGION_NOT_ENABLED elsewhere.
    """
    if view.status != GRAPH:
        return _row(account, view.region, NOT_COVERED, None, view.status)
    if account == administrator:
        return _row(account, view.region, COVERED, None, None)
    member = view.members.get(account)
    if member is None:
        return _row(account, view.region, NOT_COVERED, None, "NOT_A_MEMBER")
    status = str(member.get("Status"))
    if status == "ENABLED":
        return _row(account, view.region, COVERED, member, None)
    if status in _STATUS_REASONS:
        return _row(account, view.region, NOT_COVERED, member, status)
    disabled = member.get("DisabledReason")  # ACCEPTED_BUT_DISABLED: Detective's reason, unknown when it gives none
    reason = "VOLUME_TOO_HIGH" if disabled == "VOLUME_TOO_HIGH" else "VOLUME_UNKNOWN"
    return _row(account, view.region, NOT_COVERED, member, reason)


def summarize(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    counts = {"total": len(rows), **dict.fromkeys(STATES, 0)}
    for row in rows:
        counts[str(row["state"])] += 1
    return counts


def rollup(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows that need someone, grouped by action: ``[{state, reason, action, accounts, pairs}]``."""
    groups: dict[tuple[str, str | None], dict[str, Any]] = {}
    for row in rows:
        if row["state"] == COVERED:
            continue
        group = groups.setdefault(
            (row["state"], row["reason"]),
            {"state": row["state"], "reason": row["reason"], "action": row["action"], "accounts": [], "pairs": 0},
        )
        if row["account_id"] not in group["accounts"]:
            group["accounts"].append(row["account_id"])
        group["pairs"] += 1
    return list(groups.values())


def compute_coverage(
    aws: Aws, accounts: Sequence[Listed], regions: str | Sequence[str], now: datetime
) -> dict[str, Any]:
    """The coverage document of ``accounts`` x ``regions`` (``all``: the Detective Regions the administrator enabled).

    Raises InvalidInput for an unknown Region or an empty list; AWS errors as task errors.
    """
    wanted = requested_regions(regions)
    if not accounts:
        raise errors.InvalidInput("accounts: the list has no account")
    administrator = aws.caller_account()
    listed = listed_regions(aws)
    enabled = enabled_regions(aws, listed, () if wanted == ALL else wanted)
    chosen = in_detective_order(enabled) if wanted == ALL else tuple(wanted)
    views = all_or_raise(fan_out(lambda region: read_region(aws, region, enabled), chosen))
    rows = [member_row(a.account_id, view, administrator) for a in accounts for view in views]
    ids = {a.account_id for a in accounts} | {administrator}
    rows += [
        _row(account, view.region, UNLISTED, view.members[account], None)
        for view in views
        for account in sorted(view.members)
        if account not in ids
    ]
    return {
        "kind": KIND,
        "generated_at": iso(now),
        "administrator": administrator,
        "regions": [view.to_json() for view in views],
        "summary": summarize(rows),
        "results": rows,
        "actions": rollup(rows),
    }


def is_covered(document: Mapping[str, Any]) -> bool:
    """True when every row is COVERED (nothing NOT_COVERED, nothing UNLISTED): the check passes."""
    summary = document.get("summary", {})
    return not summary.get(NOT_COVERED, 0) and not summary.get(UNLISTED, 0)
