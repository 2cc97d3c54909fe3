"""State ``ValidateInput``: check the enable request completely, then write the Plan once.

Nothing is written on bad input: every problem (fields, CSV rows, the administrator in its own
list, a graph that would exceed 1,200 members) is collected first and raised as one
InvalidInput, which the state machine does not retry. Only a valid request becomes
``work/enable/<execution>/request.json``; the state output stays small (keys and counts).

Administrator Regions: account:ListRegions says which Regions the administrator has enabled.
When that is AccessDenied (the task role lacks account:ListRegions), Regions that are not opt-in
count as enabled and each requested opt-in Region is probed with detective:ListGraphs, which
answers UnrecognizedClientException in a Region the account has not enabled.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from tasks import clock, errors, settings
from tasks.aws import Aws, default_aws, translate_errors
from tasks.classify_enable import ENABLED_BEFORE
from tasks.contracts import PlanOptions, RunSummary, ValidationInput
from tasks.detective import list_graph_arns, list_members
from tasks.ensure_graph import PROJECT_TAG
from tasks.fanout import fan_out
from tasks.log import keys, logger
from tasks.nesting import refuse_deep_input
from tasks.options import (
    ALL,
    Option,
    RegionChoice,
    boolean,
    choice,
    common_options,
    datasource_packages,
    integer,
    number,
    optional_boolean,
    tag_map,
    text,
)
from tasks.plan import Account, Plan
from tasks.problems import Problems, show
from tasks.regions import DETECTIVE_REGIONS, OPT_IN_REGIONS, in_detective_order
from tasks.settings import Settings
from tasks.validation import (
    MAX_CSV_BYTES,
    AccountEntry,
    Request,
    check_batch_count,
    check_execution_name,
    check_request,
    merge_accounts,
    parse_accounts_csv,
)
from tasks.workstore import WorkStore

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from types_boto3_detective.type_defs import MemberDetailTypeDef
    from types_boto3_s3 import S3Client

WORKFLOW = "enable"
#: Detective's members per behavior graph.
GRAPH_MEMBER_LIMIT = 1200
MAX_GUARDDUTY_MIN_AGE_HOURS = 720
ENABLED_STATUSES = frozenset({"ENABLED", "ENABLED_BY_DEFAULT"})
#: S3 codes meaning "the accounts_csv object is not there (or not ours to read)": the input is wrong.
_MISSING_OBJECT = frozenset({"404", "NoSuchKey", "NoSuchBucket", "403", "AccessDenied"})


def enable_options(config: Settings) -> dict[str, Option]:
    return {
        **common_options(config),
        # At most 30 days: a Standard execution is cut off after a year, and a gate measured in years is a typo.
        "guardduty_min_age_hours": Option(number(0, MAX_GUARDDUTY_MIN_AGE_HOURS, "hours"), 48),
        "guardduty_wait": Option(choice("wait", "skip"), "wait"),
        "retry_access_denied_minutes": Option(integer(0, 1440), 0),
        "invitation_message": Option(text(1, 1000), None),
        "disable_email_notification": Option(boolean, False),
        "tags": Option(tag_map(50, added=PROJECT_TAG), {}),
        "invitation_wait_seconds": Option(integer(0, 3600), config.invitation_wait_seconds),
        # enable: a member without GuardDuty gets a detector from the run (tasks/member_guardduty.py)
        "member_guardduty": Option(choice("report", "enable"), "report"),
        "datasource_packages": Option(datasource_packages, []),
        "auto_enable_organization": Option(optional_boolean, None),
    }


def read_accounts_csv(s3: S3Client, bucket: str, key: str, problems: Problems) -> bytes | None:
    """The CSV object's bytes, size-checked with HeadObject before anything is read."""
    uri = show(f"s3://{bucket}/{key}", limit=200)
    try:
        with translate_errors():
            size = int(s3.head_object(Bucket=bucket, Key=key).get("ContentLength", 0))
            if size > MAX_CSV_BYTES:
                problems.add("accounts_csv", f"{uri} has {size} bytes; at most {MAX_CSV_BYTES} (5 MiB)")
                return None
            data: bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read(MAX_CSV_BYTES + 1)
    except errors.RolloutError as exc:
        if exc.code not in _MISSING_OBJECT:
            raise
        problems.add("accounts_csv", f"{uri} does not exist or cannot be read ({exc.code})")
        return None
    return data


def listed_regions(aws: Aws) -> frozenset[str] | None:
    """The Detective Regions account:ListRegions says the administrator enabled; None when that is denied."""
    try:
        return frozenset(_list_enabled_regions(aws.client("account"))) & frozenset(DETECTIVE_REGIONS)
    except errors.AccessDenied:
        logger.warning("account:ListRegions denied; probing opt-in Regions with detective:ListGraphs")
        return None


def enabled_regions(aws: Aws, listed: frozenset[str] | None | Exception, candidates: Iterable[str]) -> frozenset[str]:
    """Detective Regions the administrator has enabled, from what :func:`caller_and_listed_regions` read.

    ``listed`` when ListRegions answered (its error is raised here); when it was denied, the
    Regions that are not opt-in plus the opt-in ``candidates`` that answer a probe.
    """
    if isinstance(listed, Exception):
        raise listed
    if listed is not None:
        return listed
    probe = [r for r in in_detective_order(candidates) if r in OPT_IN_REGIONS]
    return frozenset(r for r in DETECTIVE_REGIONS if r not in OPT_IN_REGIONS) | {r for r in probe if _probe(aws, r)}


def caller_and_listed_regions(aws: Aws) -> tuple[str, frozenset[str] | None | Exception]:
    """GetCallerIdentity and account:ListRegions at once: two round trips in a row on every rollout's critical path.

    The identity's error is raised here; the Regions' (an answer or an error) is returned, so that
    a ListRegions error is raised only after the input's own problems have been reported.
    """
    calls: list[Callable[[], object]] = [aws.caller_account, lambda: listed_regions(aws)]
    admin, listed = fan_out(lambda call: call(), calls)
    if isinstance(admin, Exception):
        raise admin
    return str(admin), cast("frozenset[str] | None | Exception", listed)


def _list_enabled_regions(account: Any) -> set[str]:
    params: dict[str, Any] = {"MaxResults": 50}
    enabled: set[str] = set()
    with translate_errors():
        while True:
            page = account.list_regions(**params)
            regions = page.get("Regions", [])
            enabled.update(r["RegionName"] for r in regions if r.get("RegionOptStatus") in ENABLED_STATUSES)
            if not page.get("NextToken"):
                return enabled
            params["NextToken"] = page["NextToken"]


def _probe(aws: Aws, region: str) -> bool:
    try:
        list_graph_arns(aws.client("detective", region))
    except errors.RegionNotEnabled:
        return False
    return True


@dataclass(frozen=True)
class ExistingGraphs:
    """What the administrator's graphs hold before the run: the Regions with a graph, and per Region the
    requested accounts already ENABLED there (WriteReport reports them ENABLED / ALREADY_ENABLED even in a
    Region the run skips for the administrator's GuardDuty)."""

    regions: frozenset[str]
    enabled: dict[str, list[str]]


def check_member_limit(
    aws: Aws, accounts: Sequence[Account], regions: Iterable[str], problems: Problems
) -> ExistingGraphs:
    """Refuse a request that would take an existing (or new) graph past 1,200 members; what the graphs hold.

    The Regions' members are read concurrently (this state is on every rollout's critical path);
    the first Region's error, in Region order, is raised.
    """

    def members(region: str) -> dict[str, MemberDetailTypeDef] | None:
        detective = aws.client("detective", region)
        arns = list_graph_arns(detective)
        return list_members(detective, arns[0]) if arns else None

    regions = list(regions)
    with_graph: set[str] = set()
    enabled: dict[str, list[str]] = {}
    for region, existing in zip(regions, fan_out(members, regions), strict=True):
        if isinstance(existing, Exception):
            raise existing
        if existing is None:
            existing = {}
        else:
            with_graph.add(region)
        requested = [a.account_id for a in accounts if region in a.regions]
        if already := [a for a in requested if a in existing and existing[a].get("Status") == "ENABLED"]:
            enabled[region] = already
        new = set(requested) - set(existing)
        if len(existing) + len(new) > GRAPH_MEMBER_LIMIT:
            problems.add(
                f"accounts in {region}",
                f"{len(existing)} existing members + {len(new)} new accounts = "
                f"{len(existing) + len(new)}, above Detective's {GRAPH_MEMBER_LIMIT} "
                "members per behavior graph",
            )
    return ExistingGraphs(frozenset(with_graph), enabled)


def validate_input(aws: Aws, config: Settings, event_input: Any, execution: str, now: datetime) -> RunSummary:
    """Validate, resolve Regions, check the member limit, write the Plan; return the small state output."""
    refuse_deep_input(event_input)  # first: the checks below walk the value
    problems = Problems()
    check_execution_name(execution, problems)
    request = check_request(event_input, enable_options(config), problems, require_email=True)
    entries = requested_accounts(aws.client("s3"), request, problems, require_email=True)
    admin, listed = caller_and_listed_regions(aws)
    merged = merge_accounts(entries, problems, admin_account_id=admin)
    check_batch_count(len(merged), request.options["batch_size"], problems)
    problems.raise_if_any()

    options = request.options
    enabled = enabled_regions(aws, listed, candidate_regions(options["regions"], merged))
    accounts = resolve_regions(merged, options["regions"], enabled)
    regions = in_detective_order(r for a in accounts for r in a.regions)
    if not regions:
        problems.add("regions", "no Detective Region is enabled for the administrator account")
    existing = check_member_limit(aws, accounts, [r for r in regions if r in enabled], problems)
    problems.raise_if_any()

    plan = _plan(execution, admin, accounts, regions, enabled, options, event_input, now)
    store = WorkStore(aws.client("s3"), config.report_bucket, WORKFLOW, execution)
    if existing.enabled:  # read by WriteReport for the Regions it skips; absent means none
        store.put(ENABLED_BEFORE, existing.enabled)
    request_key = store.put("request.json", plan.to_json())
    run = plan.run_summary(request_key)
    run.update(
        {
            "guardduty_wait": options["guardduty_wait"],
            "guardduty_min_age_hours": options["guardduty_min_age_hours"],
            "invitation_wait_seconds": options["invitation_wait_seconds"],
            "retry_access_denied_minutes": options["retry_access_denied_minutes"],
            "tags": options["tags"],
            "datasource_packages": options["datasource_packages"],
            "auto_enable_organization": options["auto_enable_organization"],
            "graph_regions": [r for r in regions if r in existing.regions],
        }
    )
    return run


def requested_accounts(
    s3: S3Client, request: Request, problems: Problems, *, require_email: bool
) -> list[AccountEntry]:
    """The request's accounts as written: its ``accounts`` list, or the rows of its ``accounts_csv`` object."""
    if request.accounts_csv is None:
        return list(request.accounts)
    data = read_accounts_csv(s3, *request.accounts_csv, problems)
    return [] if data is None else parse_accounts_csv(data, problems, require_email=require_email)


def candidate_regions(requested: RegionChoice, entries: Sequence[AccountEntry]) -> Collection[str]:
    """Regions whose enablement matters: every Detective Region if anything says "all", else those named."""
    chosen = [requested, *(e.regions for e in entries if e.regions is not None)]
    if ALL in chosen:
        return DETECTIVE_REGIONS
    return {r for choice in chosen if choice != ALL for r in choice}


def resolve_regions(
    entries: Sequence[AccountEntry], requested: RegionChoice, enabled: Collection[str]
) -> tuple[Account, ...]:
    """Each account's Regions: its own ``regions`` or the request's; "all" = Detective Regions the admin enabled.

    Explicit Regions the administrator has not enabled stay in: they become SKIPPED rows, not silence.
    """

    def resolve(choice: RegionChoice) -> tuple[str, ...]:
        return in_detective_order(enabled) if choice == ALL else tuple(choice)

    return tuple(
        Account(e.account_id, e.email, resolve(requested if e.regions is None else e.regions)) for e in entries
    )


def _plan(
    execution: str,
    admin: str,
    accounts: tuple[Account, ...],
    regions: tuple[str, ...],
    enabled: Collection[str],
    options: dict[str, Any],
    event_input: Any,
    now: datetime,
) -> Plan:
    minutes = options["retry_access_denied_minutes"]
    plan_options: PlanOptions = {
        "guardduty_min_age_hours": options["guardduty_min_age_hours"],
        "guardduty_wait": options["guardduty_wait"],
        "retry_access_denied_minutes": options["retry_access_denied_minutes"],
        "invitation_message": options["invitation_message"],
        "disable_email_notification": options["disable_email_notification"],
        "tags": options["tags"],
        "invitation_wait_seconds": options["invitation_wait_seconds"],
        "member_guardduty": options["member_guardduty"],
        "datasource_packages": options["datasource_packages"],
        "auto_enable_organization": options["auto_enable_organization"],
        "access_denied_deadline": clock.iso(now + timedelta(minutes=minutes)) if minutes else None,
    }
    return Plan.validated(
        WORKFLOW, execution, admin, accounts, regions, enabled, options, plan_options, event_input, now
    )


Validate = Callable[[Aws, Settings, Any, str, datetime], RunSummary]


def run_validation(event: ValidationInput, validate: Validate, done: str) -> RunSummary:
    """A validation state's handler body (enable and disable): log what was refused or accepted, and why.

    An InvalidInput is logged and re-raised for the state machine's Catch; its message masks
    every email, so it may be logged as it is.
    """
    execution = str(event.get("execution") or "")
    try:
        output = validate(default_aws(), settings.load(), event.get("input"), execution, clock.now())
    except errors.InvalidInput as exc:
        logger.warning("invalid input", extra={**keys(execution), "problems": exc.message})
        raise
    logger.info(
        done,
        extra={
            **keys(execution),
            "accounts": output["account_count"],
            "pairs": output["pair_count"],
            "regions": output["regions"],
        },
    )
    return output


def lambda_handler(event: ValidationInput, context: LambdaContext) -> RunSummary:
    return run_validation(event, validate_input, "input validated")
